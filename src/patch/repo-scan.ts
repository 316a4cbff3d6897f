// Reads every .tf file of a repo (skipping .terraform/ and other dot directories), parses each with
// the real grammar, and works out the module graph, so the patcher can find the tunnel config and
// the root module wherever the user put them.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Node, Tree } from 'web-tree-sitter';
import { formatHclErrors, parseHcl } from '../templates/hcl-parse.js';
import { attributeValue, blockBody, blockLabels, blockType, bodyBlocks, findAttribute, staticString } from './hcl-nodes.js';

export interface TfFile {
  path: string;
  relPath: string;
  dir: string;
  text: string;
  tree: Tree;
  root: Node;
  /** Formatted syntax errors; a file with errors is never edited. */
  syntaxErrors: string;
}

export interface RepoScan {
  repoDir: string;
  files: TfFile[];
  /** Directory -> local module directories it calls. */
  calls: Map<string, string[]>;
  dirs: string[];
  /** Symlinks not followed (they leave the git root), as `link -> target`. */
  outsideLinks: string[];
}

const SKIP_DIRS = new Set(['node_modules', 'vendor']);
const MAX_FILES = 2000;

/** The nearest directory at or above `dir` holding `.git`, looking at most `maxUp` levels; else null. */
export function enclosingGitRoot(dir: string, maxUp = Infinity): string | null {
  for (let d = dir, i = 0; i < maxUp; d = dirname(d), i++) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return null;
  }
  return null;
}

/** The enclosing git work tree, else `dir`: symlinks are followed only inside it. */
const gitRoot = (dir: string): string => enclosingGitRoot(dir) ?? dir;

interface Walk {
  exts: string[];
  out: string[];
  /** Real paths of directories already walked: the cycle guard, and no file read twice. */
  seen: Set<string>;
  /** Real path of the walked tree and of the git root. */
  realTop: string;
  top: string;
  realGit: string;
  /** Symlinks not followed because they leave the git root: `link -> target`, for the "not found" reason. */
  outside: string[];
}

const inside = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}${sep}`);

/** A real path as seen from the walked tree (so a repo under a symlinked /tmp keeps its names). */
function logical(w: Walk, real: string): string {
  return inside(real, w.realTop) ? join(w.top, relative(w.realTop, real)) : real;
}

/**
 * Symlinked directories (a shared module linked into modules/, review 2 finding 17) are followed
 * when they stay inside the git root, each real directory once; their files are named by their
 * real path, which is also what a module `source` through the link resolves to (canonicalDir).
 */
function walk(w: Walk, dir: string): void {
  const real = realpathSync(dir);
  if (w.seen.has(real)) return;
  w.seen.add(real);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name)) continue;
    let full = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = existsSync(full) ? realpathSync(full) : null;
      if (target && !inside(target, w.realGit)) w.outside.push(`${relative(w.top, full)} -> ${target}`);
      if (!target || !inside(target, w.realGit)) continue;
      const st = statSync(target);
      [full, isDir, isFile] = [logical(w, target), st.isDirectory(), st.isFile()];
    }
    if (isDir) walk(w, full);
    else if (isFile && w.exts.some((e) => entry.name.endsWith(e))) w.out.push(full);
    if (w.out.length > MAX_FILES) throw new Error(`more than ${MAX_FILES} files under ${dir}; point at the repo, not a parent`);
  }
}

export function listFiles(dir: string, exts: string[]): string[] {
  return listFilesAndLinks(dir, exts).files;
}

/** Also the symlinks left alone because they point outside the git root (said in a refusal). */
export function listFilesAndLinks(dir: string, exts: string[]): { files: string[]; outside: string[] } {
  const top = resolve(dir);
  const w: Walk = { exts, out: [], seen: new Set(), realTop: realpathSync(top), top, realGit: realpathSync(gitRoot(top)), outside: [] };
  walk(w, top);
  return { files: [...new Set(w.out)].sort(), outside: w.outside };
}

/** A module source directory by the name its files were read under (through symlinks). */
function canonicalDir(repoDir: string, path: string): string {
  if (!existsSync(path)) return path;
  const real = realpathSync(path);
  const realTop = realpathSync(repoDir);
  return inside(real, realTop) ? join(repoDir, relative(realTop, real)) : real;
}

/** Top-level blocks of a file. */
export function topBlocks(file: TfFile, type?: string): Node[] {
  const body = file.root.namedChildren.find((c) => c?.type === 'body') ?? undefined;
  return bodyBlocks(body ?? undefined, type);
}

export async function scanRepo(repoDir: string): Promise<RepoScan> {
  const abs = resolve(repoDir);
  if (!statSync(abs).isDirectory()) throw new Error(`${repoDir} is not a directory`);
  const files: TfFile[] = [];
  const { files: paths, outside } = listFilesAndLinks(abs, ['.tf']);
  for (const path of paths) {
    const text = readFileSync(path, 'utf8');
    const parsed = await parseHcl(text);
    files.push({
      path,
      relPath: relative(abs, path),
      dir: dirname(path),
      text,
      tree: parsed.tree,
      root: parsed.root,
      syntaxErrors: formatHclErrors(parsed.errors),
    });
  }
  const calls = new Map<string, string[]>();
  const dirs = [...new Set(files.map((f) => f.dir))].sort();
  for (const dir of dirs) calls.set(dir, []);
  for (const file of files) {
    for (const block of topBlocks(file, 'module')) {
      const source = moduleSource(block);
      if (source) {
        calls.get(file.dir)?.push(canonicalDir(abs, resolve(file.dir, source)));
      }
    }
  }
  return { repoDir: abs, files, calls, dirs, outsideLinks: outside };
}

/** Module blocks (in any file) whose local `source` resolves to `dir`. */
export function moduleCallsOf(scan: RepoScan, dir: string): { file: TfFile; block: Node }[] {
  const out: { file: TfFile; block: Node }[] = [];
  for (const file of scan.files) {
    for (const block of topBlocks(file, 'module')) {
      const source = moduleSource(block);
      if (source && canonicalDir(scan.repoDir, resolve(file.dir, source)) === dir) {
        out.push({ file, block });
      }
    }
  }
  return out;
}

function reaches(scan: RepoScan, from: string, target: string, seen = new Set<string>()): boolean {
  if (from === target) return true;
  if (seen.has(from)) return false;
  seen.add(from);
  return (scan.calls.get(from) ?? []).some((d) => reaches(scan, d, target, seen));
}

/** True when module `from` uses `target` itself or through module calls. */
export function usesModule(scan: RepoScan, from: string, target: string): boolean {
  return reaches(scan, from, target);
}

/**
 * The root module that (transitively) uses `targetDir`: a directory no other module calls. The
 * repo directory itself wins a tie, since that is where the user pointed us.
 */
export function findRootModule(scan: RepoScan, targetDir: string): { dir: string } | { problem: string } {
  const called = new Set([...scan.calls.values()].flat());
  const roots = scan.dirs.filter((d) => !called.has(d));
  const using = roots.filter((r) => reaches(scan, r, targetDir));
  if (using.length === 1) return { dir: using[0]! };
  if (using.includes(scan.repoDir)) return { dir: scan.repoDir };
  if (using.length === 0) {
    return scan.dirs.includes(scan.repoDir)
      ? { dir: scan.repoDir }
      : { problem: `no root module calls ${relative(scan.repoDir, targetDir) || '.'} (looked for module blocks with a local source)` };
  }
  const names = using.map((d) => relative(scan.repoDir, d) || '.').join(', ');
  return { problem: `several root modules use the tunnel module (${names}); point --terraform-dir at the one to change` };
}

/** A module block's `source` when it is a local path. */
export function moduleSource(block: Node): string | null {
  const attr = findAttribute(blockBody(block), 'source');
  const source = attr ? staticString(attributeValue(attr)) : null;
  return source && (source.startsWith('./') || source.startsWith('../')) ? source : null;
}

export function blockAddress(block: Node): string {
  return [blockType(block), ...blockLabels(block)].join('.');
}
