// `plan|apply|destroy|status --target docker`: the CLI face of the compose applier. Reads the
// compose.yaml that `init --target docker` rendered (in --dir), reports in words or --json, and
// maps "daemon unreachable" to one actionable message.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError, ExitCode, UsageError, type ExitCodeValue } from '../../shared/errors.js';
import type { LifecycleAction } from '../flags.js';
import { isDaemonUnreachable } from '../../gateway/docker/errors.js';
import { confirm } from '../confirm.js';
import { applyCompose, destroyCompose, statusCompose, type StatusResult } from './index.js';
import { whileInterruptible } from './interrupt.js';

export interface DockerTargetFlags {
  dir?: string;
  yes?: boolean;
  json?: boolean;
  dockerHost?: string;
}

function composeFileIn(dir: string): string {
  const file = existsSync(dir) && statSync(dir).isFile() ? dir : join(dir, 'compose.yaml');
  if (!existsSync(file)) {
    throw new UsageError(
      // The folder resolved: `--dir .` read "No compose.yaml in .. Render".
      `No compose.yaml in ${resolve(dir)}. Render one with \`docker-mcp init --target docker --output-dir ${dir}\`, ` +
        'or point --dir at the folder that holds it.',
    );
  }
  return file;
}

function print(flags: DockerTargetFlags, value: unknown, text: string): void {
  if (flags.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else process.stdout.write(`${text}\n`);
}

function describeStatus(status: StatusResult): string {
  // The last health check's output under its row: for the gateway, /ready's answer with the cause.
  const rows = status.services.map(
    (s) => `  ${s.service.padEnd(14)} ${(s.container ?? '-').padEnd(34)} ${s.state}${s.health ? ` (${s.health})` : ''}${s.upToDate ? '' : '  [differs from compose.yaml]'}` +
      (s.detail ? `\n  ${''.padEnd(14)} last health check: ${s.detail}` : ''),
  );
  const orphans = status.orphans.length ? `\n  orphans (no longer in the file): ${status.orphans.join(', ')}` : '';
  return `Project ${status.project}: ${status.healthy ? 'healthy' : 'NOT healthy'}\n${rows.join('\n')}${orphans}`;
}

async function withDaemon<T>(host: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isDaemonUnreachable(error)) {
      const endpoint = host ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
      throw new CliError(`Docker daemon unreachable at ${endpoint}; start it or set --docker-host / DOCKER_HOST.`);
    }
    if (error instanceof CliError) throw error;
    // Anything else the Engine answered (a 4xx/5xx on create or start): its own words, one line.
    const e = error as { json?: { message?: string }; message?: string; statusCode?: number };
    const reason = (e.json?.message ?? e.message ?? String(error)).replace(/\s+/g, ' ').trim();
    throw new CliError(`The Docker Engine refused: ${reason}${e.statusCode ? ` (HTTP ${e.statusCode})` : ''}. Fix that, then re-run; \`status --target docker\` shows what exists.`);
  }
}

export async function runDockerLifecycle(action: LifecycleAction | 'status', flags: DockerTargetFlags): Promise<ExitCodeValue> {
  const file = composeFileIn(flags.dir ?? '.');
  const options = { dockerHost: flags.dockerHost, log: (line: string) => process.stderr.write(`${line}\n`) };
  return withDaemon(flags.dockerHost, async () => {
    if (action === 'status' || action === 'plan') {
      const status = await statusCompose(file, options);
      print(flags, status, describeStatus(status));
      if (action === 'status') return status.healthy ? ExitCode.ok : ExitCode.failure;
      const pending = status.orphans.length > 0 || status.services.some((s) => !s.upToDate || s.state !== 'running');
      if (!flags.json) process.stdout.write(pending ? 'apply would change the project.\n' : 'Up to date: nothing to do.\n');
      return pending ? ExitCode.changesPending : ExitCode.ok;
    }
    if (action === 'apply') {
      const dir = flags.dir ?? '.';
      const result = await whileInterruptible((signal) => applyCompose(file, { ...options, signal }),
        `\`docker-mcp status --target docker --dir ${dir}\` shows what exists; \`docker-mcp destroy --target docker --dir ${dir}\` removes it.`);
      const lines = result.changes.map((c) => `  ${c.action.padEnd(10)} ${c.container} (${c.service})`);
      print(flags, result, result.changed ? `Applied ${result.project}:\n${lines.join('\n')}` : `Up to date: ${result.project} already matches compose.yaml.`);
      return ExitCode.ok;
    }
    if (!flags.yes && !(await confirm(`Remove every container, network and volume of the compose project in ${file}?`))) {
      process.stderr.write('Nothing removed.\n');
      return ExitCode.ok;
    }
    const result = await destroyCompose(file, options);
    const { containers, networks, volumes } = result.removed;
    print(flags, result, `Removed ${containers.length} container(s), ${networks.length} network(s), ${volumes.length} volume(s) of ${result.project}.`);
    return ExitCode.ok;
  });
}
