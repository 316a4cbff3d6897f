// Black-box tests run bin/docker-mcp.js, which loads dist/bundle/ (tsc's dist/ linked by
// scripts/bundle.js). Rebuild when any source file is newer than the bundle, so a test never
// exercises stale code. Type errors elsewhere in the tree do not stop tsc from emitting, so tsc's
// exit code is not what decides; the emitted entry point and the bundle are.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

export function ensureBuilt(): void {
  const entry = join(root, 'dist', 'cli', 'main.js');
  const bundle = join(root, 'dist', 'bundle', 'docker-mcp.js');
  // The bundle also depends on how it is linked (scripts/bundle.js: the externals keep the credential
  // silencing intact) and on the installed dependencies.
  const inputs = Math.max(newest(join(root, 'src')), ...['scripts/bundle.js', 'scripts/bundle-deps.js', 'package.json', 'package-lock.json'].map((f) => statSync(join(root, f)).mtimeMs));
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= inputs) return;
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch {
    // Emitted anyway; checked below.
  }
  if (!existsSync(entry)) throw new Error('npm run build did not produce dist/cli/main.js');
  execFileSync(process.execPath, [join(root, 'scripts', 'bundle.js')], { cwd: root, stdio: 'pipe' });
}

export const binPath = join(root, 'bin', 'docker-mcp.js');
export const repoRoot = root;
