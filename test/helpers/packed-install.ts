// The package as a user gets it from the registry: `npm pack` of this checkout, installed with
// `npm install <tarball>` into an empty directory that has no checkout above it. Dependencies come
// from the registry (slow: do it once per test file). When npm cannot reach the registry the install
// is reported as skipped with npm's own reason, never as a pass.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureBuilt, repoRoot } from './build.js';
import { npmEnv } from './npm-env.js';
import { tempDir } from './temp-dir.js';

export { npmEnv };

const run = promisify(execFile);

export interface PackedInstall {
  /** The .tgz npm pack wrote. */
  tarball: string;
  /** The directory the tarball was installed into (holds node_modules/, nothing else of ours). */
  dir: string;
  /** Wall time of `npm install <tarball>`, and `du -sh node_modules`, for the report. */
  installSeconds: number;
  installedSize: string;
}

export type PackedResult = { ok: true; install: PackedInstall } | { ok: false; skip: string };

/** npm's error codes for "the registry is not reachable from here". */
const OFFLINE = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_TIMEOUT|network request to .* failed)\b/;

export async function packAndInstall(): Promise<PackedResult> {
  ensureBuilt();
  const out = tempDir('dmcp-pack-');
  // --ignore-scripts: `prepare` would rebuild what ensureBuilt just built.
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], { cwd: repoRoot, env: npmEnv(), maxBuffer: 64 << 20 });
  const [meta] = JSON.parse(packed.stdout) as { filename: string }[];
  const tarball = join(out, meta!.filename);
  mkdirSync(join(out, 'user'));
  const dir = realpathSync(join(out, 'user'));
  const started = Date.now();
  try {
    // --prefix: without a package.json here npm would otherwise walk up looking for a project root.
    await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefix', dir], { cwd: dir, env: npmEnv(), maxBuffer: 64 << 20, timeout: 600_000 });
  } catch (error) {
    const text = `${(error as { stderr?: string }).stderr ?? ''}${(error as Error).message}`;
    if (OFFLINE.test(text)) return { ok: false, skip: `npm cannot reach the registry to install the tarball's dependencies: ${OFFLINE.exec(text)![0]}` };
    throw error;
  }
  const installSeconds = (Date.now() - started) / 1000;
  const installedSize = (await run('du', ['-sh', join(dir, 'node_modules')])).stdout.split('\t')[0]!;
  if (!readdirSync(join(dir, 'node_modules')).includes('docker-mcp-gateway')) throw new Error('the tarball did not install as node_modules/docker-mcp-gateway');
  return { ok: true, install: { tarball, dir, installSeconds, installedSize } };
}
