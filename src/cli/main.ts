// The only place that exits the process: typed errors map to documented exit codes.
import { CommanderError } from 'commander';
import { CliError, ExitCode, fsErrorLine } from '../shared/errors.js';
import { buildProgram } from './program.js';

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? ExitCode.ok : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are "errors" to commander with exit code 0.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`docker-mcp: ${error.message}\n`);
      return error.exitCode;
    }
    const fsLine = fsErrorLine(error);
    if (fsLine) {
      process.stderr.write(`docker-mcp: ${fsLine}\n`);
      return ExitCode.failure;
    }
    // A failure no command turned into a CliError: still one line with the cause, never a stack
    // (DOCKER_MCP_DEBUG=1 prints it, for a bug report).
    const message = error instanceof Error ? error.message : String(error);
    const debug = process.env.DOCKER_MCP_DEBUG === '1' && error instanceof Error ? `\n${error.stack ?? ''}` : '';
    process.stderr.write(
      `docker-mcp: ${message.replace(/\s*\n\s*/g, ' ').trim()}\n` +
        `  (not a failure docker-mcp knows how to explain: re-run with DOCKER_MCP_DEBUG=1 and report it with that output)${debug}\n`,
    );
    return ExitCode.failure;
  }
}

// Long-running commands (serve) resolve only when they are done serving.
const code = await main(process.argv);
process.exit(code);
