// A y/N question on the terminal. Without a terminal there is nobody to ask: refuse rather than
// assume yes, and say how to proceed in CI.
import { createInterface } from 'node:readline/promises';
import { UsageError } from '../cli/errors.js';

export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new UsageError(`${question} — no terminal to ask; re-run with --yes to proceed without asking.`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
