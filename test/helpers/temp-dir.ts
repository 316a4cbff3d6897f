// A temporary directory that is removed when the current test file finishes, so test runs do not
// leave dmcp-* directories behind in /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const created: string[] = [];
let cleanupRegistered = false;

/** mkdtemp under the OS temp dir; call at module level or inside a test of a vitest file. */
export function tempDir(prefix: string): string {
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    afterAll(() => {
      for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}
