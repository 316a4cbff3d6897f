// Runs the built CLI's `init` the way a user does (its own HOME, no inherited DOCKER_MCP_* answers), for
// the `init --terraform-dir` end-to-end tests.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { binPath } from './build.js';

export interface InitRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr, for assertions that do not care which stream. */
  out: string;
}

export function runInit(cwd: string, args: string[]): InitRun {
  const result = spawnSync(process.execPath, [binPath, 'init', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, out: result.stdout + result.stderr };
}

/** Every file under dir with its mtime and contents, to prove a run wrote nothing. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[p.slice(dir.length + 1)] = `${statSync(p).mtimeMs} ${readFileSync(p, 'utf8')}`;
    }
  };
  walk(dir);
  return out;
}
