// `terraform fmt` as a second opinion on patched files, when terraform is installed (it works
// offline). The patcher never depends on it: without terraform the edits are already fmt-shaped.
import { spawnSync } from 'node:child_process';

/** Formatted text, or null when terraform is missing or rejects the input. */
export function terraformFmt(text: string, binary = process.env.DOCKER_MCP_TERRAFORM ?? 'terraform'): string | null {
  const result = spawnSync(binary, ['fmt', '-no-color', '-'], {
    input: text,
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    timeout: 30_000,
  });
  if (result.error || result.status !== 0) return null;
  return result.stdout;
}

/**
 * Keeps a formatted file formatted: when the original passed `terraform fmt` and the patched text
 * does not (an aligned comment column moved, say), returns fmt's version. Only whitespace changes,
 * and only near the edit, because the rest was already formatted.
 */
export function keepFormatted(before: string | null, after: string): { text: string; reformatted: boolean } {
  const afterFmt = terraformFmt(after);
  if (afterFmt === null || afterFmt === after) return { text: after, reformatted: false };
  const beforeWasFormatted = before === null || terraformFmt(before) === before;
  return beforeWasFormatted ? { text: afterFmt, reformatted: true } : { text: after, reformatted: false };
}
