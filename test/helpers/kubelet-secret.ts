// A directory laid out and updated exactly like a kubelet Secret volume (pkg/volume/util/atomic_writer.go):
//
//   <dir>/..2026_12_07_20_00_00.123456789/tokens   the payload, in a timestamped directory
//   <dir>/..data -> ..2026_12_07_20_00_00.123456789
//   <dir>/tokens -> ..data/tokens                  the user-visible key
//
// An update (AtomicWriter.Write, steps 5-11) writes the payload into a new timestamped directory,
// creates the visible symlinks of new keys, points a new `..data_tmp` symlink at the new directory,
// renames that over `..data` (the one atomic step), removes the visible symlinks of keys no longer in
// the payload and deletes the old timestamped directory. So the key file's path never changes while
// the inode behind it does: an inotify watch on the file itself misses the update.
import { existsSync, lstatSync, mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface KubeletSecret {
  dir: string;
  /** Path of one key as the pod sees it (`<dir>/<key>`). */
  path(key: string): string;
  /** Replaces the whole payload, the kubelet way. */
  update(payload: Record<string, string>): void;
}

let counter = 0;

function timestampedName(): string {
  const now = new Date();
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const stamp = `${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}`;
  // The kubelet's suffix is random (ioutil.TempDir); a counter keeps two updates in one second apart.
  return `..${stamp}.${pad(process.pid % 1000, 3)}${pad(counter++, 6)}`;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export function kubeletSecret(dir: string, payload: Record<string, string>): KubeletSecret {
  mkdirSync(dir, { recursive: true });
  let keys: string[] = [];
  const update = (next: Record<string, string>): void => {
    const dataLink = join(dir, '..data');
    const old = exists(dataLink) ? readlinkSync(dataLink) : undefined;
    const fresh = timestampedName();
    mkdirSync(join(dir, fresh), { mode: 0o755 });
    for (const [key, contents] of Object.entries(next)) writeFileSync(join(dir, fresh, key), contents, { mode: 0o440 });
    for (const key of Object.keys(next)) {
      if (!exists(join(dir, key))) symlinkSync(join('..data', key), join(dir, key));
    }
    const tmp = join(dir, '..data_tmp');
    if (exists(tmp)) unlinkSync(tmp);
    symlinkSync(fresh, tmp);
    renameSync(tmp, dataLink);
    for (const key of keys) {
      if (!(key in next)) unlinkSync(join(dir, key));
    }
    keys = Object.keys(next);
    if (old && existsSync(join(dir, old))) rmSync(join(dir, old), { recursive: true, force: true });
  };
  update(payload);
  return { dir, path: (key) => join(dir, key), update };
}
