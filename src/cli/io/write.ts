// The installer's only side effects: unified diffs and an all-or-nothing write. Every file goes to
// a temp name first and is renamed into place, synchronously, so Ctrl+C cannot leave a half file
// and a signal is only handled once the whole batch is done.
import { accessSync, constants, mkdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CliError } from '../../shared/errors.js';
import { MANIFEST, readManifest } from '../../contract/output-manifest.js';
import { sha256, type Change } from './changes.js';

/** A file-system refusal as one line naming the path and the way out (exit 1), not a Node stack. */
function cannotWrite(error: unknown, dir: string): never {
  const e = error as NodeJS.ErrnoException;
  if (!e.code || !e.syscall) throw error;
  const reason = e.code === 'ENOTDIR' ? 'a parent is a file, not a folder' : e.code === 'EISDIR' ? 'a folder is in the way of the file' : e.code === 'ENOENT' ? 'no folder can be made there' : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code === 'EROFS' ? 'read-only file system' : e.code === 'ENOSPC' ? 'no space left' : e.code;
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

const statOrUndefined = (path: string): Stats | undefined => {
  try {
    return statSync(path);
  } catch (error) {
    // ENOTDIR: a parent is a file; the walk up reaches it and names it.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
};
const fsError = (code: string, syscall: string, path: string, what: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: ${what}, ${syscall} '${path}'`), { code, syscall, path });

/**
 * Every refusal the batch could meet, checked before its first write: the promise is all or
 * nothing, and a file standing where a subfolder goes (docker-mcp/kubernetes as a file) used to
 * fail only after NOTES.md, clients/* and docker-mcp.yaml were written, with no manifest to own
 * them. Per target: it is not a folder, each existing parent is a folder, and the nearest existing
 * one can be written to (where the missing ones, the temp file and the rename happen). A race with
 * another process can still fail later; this catches what is already on disk.
 */
export function precheckTargets(paths: readonly string[]): void {
  const checked = new Set<string>();
  for (const path of paths) {
    if (statOrUndefined(path)?.isDirectory()) throw fsError('EISDIR', 'open', path, 'illegal operation on a directory');
    for (let at = dirname(path); ; at = dirname(at)) {
      if (checked.has(at)) break;
      const stats = statOrUndefined(at);
      if (stats && !stats.isDirectory()) throw fsError('ENOTDIR', 'mkdir', at, 'not a directory');
      if (stats) {
        accessSync(at, constants.W_OK | constants.X_OK); // EACCES/EROFS, named by cannotWrite
        checked.add(at);
        break;
      }
      if (dirname(at) === at) break;
    }
  }
}

function writeAtomic(path: string, contents: string): void {
  makeDirs(dirname(path));
  const temp = `${path}.docker-mcp-tmp-${process.pid}`;
  writeFileSync(temp, contents, { mode: path.endsWith('.sh') ? 0o755 : 0o644 });
  renameSync(temp, path);
}

/**
 * The folders of removed files that are empty now, deepest first, up to (never including) dir: a
 * format or target switch otherwise leaves an empty kubernetes/ or terraform/modules/… behind, and
 * `docker-mcp plan` would still take terraform/ for the module. rmdir removes only an empty folder,
 * so one holding anything else (a user's file, a .terraform/) stays.
 */
function removeEmptiedFolders(dir: string, removed: string[]): void {
  const root = resolve(dir);
  const folders = new Set<string>();
  for (const path of removed) {
    for (let at = dirname(resolve(root, path)); at !== root && !relative(root, at).startsWith('..'); at = dirname(at)) folders.add(at);
  }
  for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(folder);
    } catch {
      // ENOTEMPTY (something else lives there) or already gone: keep going with the others.
    }
  }
}

/** Applies create/update/remove changes and records what we wrote in the manifest. */
export function applyChanges(dir: string, changes: Change[], generator: string): void {
  const manifest = readManifest(dir)?.files ?? {};
  const ignore = (): void => undefined;
  process.on('SIGINT', ignore); // finish the batch; main.ts reports afterwards
  try {
    // Everything that would refuse, first: when one target cannot be written, none is.
    precheckTargets([...changes.filter((c) => c.action !== 'unchanged' && c.action !== 'conflict').map((c) => join(dir, c.path)), join(dir, MANIFEST)]);
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
    removeEmptiedFolders(dir, changes.filter((c) => c.action === 'remove').map((c) => c.path));
    const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => (a < b ? -1 : 1)));
    writeAtomic(join(dir, MANIFEST), `${JSON.stringify({ generator, files: sorted }, null, 2)}\n`);
  } catch (error) {
    cannotWrite(error, dir);
  } finally {
    process.off('SIGINT', ignore);
  }
}
