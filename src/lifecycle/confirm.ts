// A y/N question on the terminal. Without a terminal there is nobody to ask: refuse rather than
// assume yes, and say how to proceed in CI.
import { createInterface } from 'node:readline/promises';
import { CliError, ExitCode, UsageError } from '../shared/errors.js';

/** CI as the ci-info convention reads it: set, and not "false" or "0" (CI=false is how some turn it off). */
export const ciSet = (env: NodeJS.ProcessEnv): boolean => env.CI !== undefined && env.CI !== '' && !['false', '0'].includes(env.CI.toLowerCase());

export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new UsageError(`${question} — no terminal to ask; re-run with --yes to proceed without asking.`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Ctrl+C at the question: readline closes, and its pending question rejects with an AbortError
  // ("Aborted with Ctrl+C"). That is the user stopping, not a failure: exit 130, as every interrupted
  // command (the question comes before anything is changed).
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } catch (error) {
    if (error instanceof Error && (error.name === 'AbortError' || (error as NodeJS.ErrnoException).code === 'ABORT_ERR')) {
      process.stderr.write('\n');
      throw new CliError('interrupted; nothing was written', ExitCode.interrupted);
    }
    throw error;
  } finally {
    rl.close();
  }
}
