// A temporary directory that is removed when the current test file finishes, so test runs do not
// leave dmcp-* directories behind in /tmp.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const created: string[] = [];

// Registered while the importing test file is collected (vitest evaluates helpers once per file),
// so directories made inside tests are covered too: afterAll cannot be registered from inside a test.
afterAll(() => {
  for (const dir of mounted.splice(0)) execFileSync('umount', ['-l', dir]);
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const mounted: string[] = [];

/** mkdtemp under the OS temp dir, removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/**
 * A temporary directory on its own tmpfs mounted nosuid,nodev, as a writable allowed_bind_paths
 * root must be (the gateway refuses writable binds of others). Needs root, like the private daemon.
 */
export function nosuidTempDir(prefix: string): string {
  const dir = tempDir(prefix);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'nosuid,nodev,size=64m', 'tmpfs', dir]);
  mounted.push(dir);
  return dir;
}
