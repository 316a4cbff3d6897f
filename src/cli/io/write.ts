// The installer's only side effects: unified diffs and an all-or-nothing write. Every file goes to
// a temp name first and is renamed into place, synchronously, so Ctrl+C cannot leave a half file
// and a signal is only handled once the whole batch is done.
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError } from '../errors.js';
import { MANIFEST, readManifest, sha256, type Change } from './changes.js';

/** A file-system refusal as one line naming the path and the way out (exit 1), not a Node stack. */
function cannotWrite(error: unknown, dir: string): never {
  const e = error as NodeJS.ErrnoException;
  if (!e.code || !e.syscall) throw error;
  const reason = e.code === 'ENOTDIR' ? 'a parent is a file, not a folder' : e.code === 'ENOENT' ? 'no folder can be made there' : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code === 'EROFS' ? 'read-only file system' : e.code === 'ENOSPC' ? 'no space left' : e.code;
  throw new CliError(`cannot write to ${e.path ?? dir} (${reason}): choose another --output-dir or fix the folder, then re-run.`);
}

/** Loads `diff` only when a diff is shown: a plain `init --yes` never needs it. */
export async function unifiedDiff(change: Change): Promise<string> {
  const { createTwoFilesPatch } = await import('diff');
  const from = change.before === undefined ? '/dev/null' : `a/${change.path}`;
  const to = change.after === undefined ? '/dev/null' : `b/${change.path}`;
  return createTwoFilesPatch(from, to, change.before ?? '', change.after ?? '', undefined, undefined, { context: 3 })
    .split('\n')
    .slice(1) // drop the "====" banner line createTwoFilesPatch starts with
    .join('\n');
}

/**
 * `mkdir -p`, one level at a time. Node's own recursive mkdirSync never returns for a path under
 * /proc (mkdir there fails with ENOENT though the parent exists, and Node retries the parent
 * forever), so `init --output-dir /proc/x` hung; here the first level that cannot be made throws
 * its error (ENOENT, EACCES, ENOTDIR, …), which cannotWrite turns into one line.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    try {
      if (statSync(at).isDirectory()) break;
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR', syscall: 'mkdir', path: at });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const at of missing) {
    try {
      mkdirSync(at);
    } catch (error) {
      // Made meanwhile (another init in the same folder): fine.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

function writeAtomic(path: string, contents: string): void {
  makeDirs(dirname(path));
  const temp = `${path}.docker-mcp-tmp-${process.pid}`;
  writeFileSync(temp, contents, { mode: path.endsWith('.sh') ? 0o755 : 0o644 });
  renameSync(temp, path);
}

/** Applies create/update/remove changes and records what we wrote in the manifest. */
export function applyChanges(dir: string, changes: Change[], generator: string): void {
  const manifest = readManifest(dir)?.files ?? {};
  const ignore = (): void => undefined;
  process.on('SIGINT', ignore); // finish the batch; main.ts reports afterwards
  try {
    // The folder first: when it cannot be made, nothing at all has been written.
    makeDirs(dir);
    for (const change of changes) {
      const path = join(dir, change.path);
      if (change.action === 'remove') {
        rmSync(path, { force: true });
        delete manifest[change.path];
      } else if (change.after !== undefined && change.action !== 'conflict') {
        if (change.action !== 'unchanged') writeAtomic(path, change.after);
        manifest[change.path] = sha256(change.after);
      }
    }
    const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => (a < b ? -1 : 1)));
    writeAtomic(join(dir, MANIFEST), `${JSON.stringify({ generator, files: sorted }, null, 2)}\n`);
  } catch (error) {
    cannotWrite(error, dir);
  } finally {
    process.off('SIGINT', ignore);
  }
}
