// Review 3, finding 12: the value the collection edit goes to may live in a file git ignores (a
// `terraform.tfvars` with secrets, `.gitignore: *.tfvars`). The edit is right for this machine, but
// it never reaches CI or another clone, and the example file others copy from keeps lacking the
// item: both are said in a note. `git check-ignore` decides inside a git work tree (it knows every
// rule source: nested .gitignore files, info/exclude, core.excludesFile); elsewhere the .gitignore
// files from the file's directory up to the repo are read with a simple matcher.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { FileEdit } from './types.js';

/** A .gitignore glob as a RegExp over a path relative to the .gitignore's directory. */
function globRegExp(pattern: string): RegExp {
  const anchored = pattern.replace(/\/$/, '').includes('/');
  const body = pattern
    .replace(/^\//, '')
    .replace(/\/$/, '')
    .split('')
    .map((c, i, all) => (c === '*' ? (all[i + 1] === '*' ? '\uE000' : all[i - 1] === '*' ? '' : '[^/]*') : c === '?' ? '[^/]' : /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c))
    .join('')
    .replace(/\uE000\/?/g, '(.*/)?');
  return new RegExp(anchored ? `^${body}(/.*)?$` : `(^|/)${body}(/.*)?$`);
}

/** The simple matcher: the last matching line of the nearest .gitignore files wins (`!` re-includes). */
function parsedIgnored(repoDir: string, path: string): boolean {
  const dirs: string[] = [];
  for (let d = dirname(path); ; d = dirname(d)) {
    dirs.unshift(d);
    if (d === repoDir || !d.startsWith(repoDir + sep)) break;
  }
  let ignored = false;
  for (const d of dirs) {
    const file = join(d, '.gitignore');
    if (!existsSync(file)) continue;
    const rel = relative(d, path).split(sep).join('/');
    for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const negated = line.startsWith('!');
      if (globRegExp(negated ? line.slice(1) : line).test(rel)) ignored = !negated;
    }
  }
  return ignored;
}

/** Whether git ignores `path` (an existing file of the repo). */
export function gitIgnores(repoDir: string, path: string): boolean {
  const git = spawnSync('git', ['-C', dirname(path), 'check-ignore', '-q', '--', basename(path)], { encoding: 'utf8' });
  if (git.status === 0) return true;
  if (git.status === 1) return false;
  // 128: not a git work tree (or no git): read the .gitignore files ourselves.
  return parsedIgnored(repoDir, path);
}

/** The example file next to `path` that people copy it from (`terraform.tfvars.example`), if any. */
function exampleOf(path: string): string | undefined {
  const dir = dirname(path);
  const names = readdirSync(dir);
  const own = `${basename(path)}.example`;
  if (names.includes(own)) return join(dir, own);
  const other = names.find((n) => /\.tfvars\.example$|\.example\.tfvars$/.test(n));
  return other ? join(dir, other) : undefined;
}

/** One note per edited, existing file that git ignores. */
export function ignoredNotes(repoDir: string, edits: FileEdit[]): string[] {
  const notes: string[] = [];
  for (const edit of edits) {
    if (edit.before === null || !gitIgnores(repoDir, edit.path)) continue;
    const example = exampleOf(edit.path);
    const also = example
      ? `add the same item to ${relative(repoDir, example)} (the example others copy) and to the value CI uses`
      : 'make sure the place CI and other machines take this value from (a secret store, their own copy of the file) gets the item too';
    notes.push(`${edit.relPath} is ignored by git (.gitignore), so this change stays on this machine and never reaches CI or other clones; ${also}.`);
  }
  return notes;
}
