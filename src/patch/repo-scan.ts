// Reads every .tf file of a repo (skipping .terraform/ and other dot directories), parses each with
// the real grammar, and works out the module graph, so the patcher can find the tunnel config and
// the root module wherever the user put them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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
}

const SKIP_DIRS = new Set(['node_modules', 'vendor']);
const MAX_FILES = 2000;

function walk(dir: string, out: string[], exts: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name)) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out, exts);
    else if (entry.isFile() && exts.some((e) => entry.name.endsWith(e))) out.push(full);
    if (out.length > MAX_FILES) throw new Error(`more than ${MAX_FILES} files under ${dir}; point at the repo, not a parent`);
  }
}

export function listFiles(dir: string, exts: string[]): string[] {
  const out: string[] = [];
  walk(dir, out, exts);
  return out.sort();
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
  for (const path of listFiles(abs, ['.tf'])) {
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
        calls.get(file.dir)?.push(resolve(file.dir, source));
      }
    }
  }
  return { repoDir: abs, files, calls, dirs };
}

/** Module blocks (in any file) whose local `source` resolves to `dir`. */
export function moduleCallsOf(scan: RepoScan, dir: string): { file: TfFile; block: Node }[] {
  const out: { file: TfFile; block: Node }[] = [];
  for (const file of scan.files) {
    for (const block of topBlocks(file, 'module')) {
      const source = moduleSource(block);
      if (source && resolve(file.dir, source) === dir) {
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
