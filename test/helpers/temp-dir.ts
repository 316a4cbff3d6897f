// A temporary directory that is removed when the current test file finishes, so test runs do not
// leave dmcp-* directories behind in /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const created: string[] = [];

// Registered while the importing test file is collected (vitest evaluates helpers once per file),
// so directories made inside tests are covered too: afterAll cannot be registered from inside a test.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** mkdtemp under the OS temp dir, removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}
