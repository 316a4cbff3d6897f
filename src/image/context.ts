// Assembles the gateway image's build context from the installed package: the Dockerfile,
// package.json, bin/, dist/bundle/ and the few dependencies the bundle loads at run time, laid out
// as node_modules/ the way Node's resolver will find them inside the image. No npm run is involved,
// so building works without any registry (and from an `npx` install, where dependencies are
// hoisted next to the package rather than inside it).
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pack, type Pack } from 'tar-stream';

/**
 * The only dependencies `serve` loads from node_modules at run time. Everything else it runs is
 * linked into dist/bundle/ (scripts/bundle.js, whose `external` list says what stays out and why;
 * the rest of that list is installer-only), so the image carries just these and what they need:
 * ~18 MB of packages instead of every production dependency (the installer's HCL parser too).
 */
export const GATEWAY_RUNTIME_DEPENDENCIES: ReadonlySet<string> = new Set(['dockerode']);

/** Files no runtime needs: type declarations and source maps. */
const SKIP_FILE = /\.(map|d\.ts|d\.mts|d\.cts|tsbuildinfo)$/;

/** Fixed mtime so two builds of the same package produce the same context (and hit the cache). */
const EPOCH = new Date('2000-01-01T00:00:00Z');

export interface PackageMeta {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** The directory holding this package's package.json (works from dist/ and from src/ under tsx). */
export function packageRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url)).replace(/[\\/]$/, '');
}

export function readPackageMeta(dir: string): PackageMeta {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageMeta;
}

/** Node's lookup: <dir>/node_modules/<name>, then each parent directory's. */
function resolvePackageDir(fromDir: string, name: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', ...name.split('/'));
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Where Node looks for `name` from a package placed at `target` (posix, relative to /app). */
function lookupChain(target: string, name: string): string[] {
  const chain: string[] = [];
  let current = target;
  for (;;) {
    chain.push(current ? `${current}/node_modules/${name}` : `node_modules/${name}`);
    if (!current) return chain;
    const index = current.lastIndexOf('node_modules/');
    current = index <= 0 ? '' : current.slice(0, index - 1);
  }
}

export interface PlacedPackage {
  /** Absolute directory on this machine. */
  source: string;
  /** Posix path inside the context, e.g. node_modules/ws or node_modules/a/node_modules/b. */
  target: string;
}

/**
 * Places the closure of the package's dependencies named in `topLevel` into a fresh node_modules
 * tree. Breadth-first, hoisting to the top unless a different copy of the same name is already
 * visible there, so every package resolves exactly the copy it resolves on this machine.
 */
export function placeDependencies(root: string, topLevel: ReadonlySet<string> = GATEWAY_RUNTIME_DEPENDENCIES): PlacedPackage[] {
  const placed = new Map<string, string>();
  const queue: PlacedPackage[] = [{ source: root, target: '' }];
  while (queue.length) {
    const current = queue.shift()!;
    const meta = readPackageMeta(current.source);
    const required = Object.keys({ ...meta.dependencies });
    const optional = [
      ...Object.keys({ ...meta.optionalDependencies }),
      ...Object.keys({ ...meta.peerDependencies }),
    ].filter((name) => !required.includes(name));
    const edges = [...required.map((name) => ({ name, optional: false })), ...optional.map((name) => ({ name, optional: true }))];
    for (const { name, optional: isOptional } of edges) {
      if (current.target === '' && !topLevel.has(name)) continue;
      const source = resolvePackageDir(current.source, name);
      if (!source) {
        if (isOptional) continue;
        throw new Error(
          `${meta.name} needs ${name}, which is not installed (looked upward from ${current.source}). ` +
            'Reinstall the package (npm ci) and try again.',
        );
      }
      const chain = lookupChain(current.target, name);
      const visible = chain.find((candidate) => placed.has(candidate));
      if (visible && placed.get(visible) === source) continue;
      const target = visible ? chain[0]! : chain[chain.length - 1]!;
      placed.set(target, source);
      queue.push({ source, target });
    }
  }
  return [...placed].map(([target, source]) => ({ source, target }));
}

interface FileEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink';
  source?: string;
  linkname?: string;
  mode: number;
}

/** Files under `dir`, skipping nested node_modules (placed separately) and declaration/map files. */
function walk(dir: string, target: string, out: FileEntry[]): void {
  out.push({ name: target, type: 'directory', mode: 0o755 });
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const source = join(dir, entry.name);
    const name = posix.join(target, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') walk(source, name, out);
    } else if (entry.isSymbolicLink()) {
      out.push({ name, type: 'symlink', linkname: readlinkSync(source), mode: 0o777 });
    } else if (entry.isFile() && !SKIP_FILE.test(entry.name)) {
      // Keep the executable bit, drop group/other write: the runtime user must not modify the app.
      const mode = lstatSync(source).mode & 0o111 ? 0o755 : 0o644;
      out.push({ name, type: 'file', source, mode });
    }
  }
}

export interface BuildContextOptions {
  /** Package directory; defaults to the installed package this module belongs to. */
  root?: string;
  /** The package's dependencies to carry (with their closure); defaults to GATEWAY_RUNTIME_DEPENDENCIES. */
  dependencies?: ReadonlySet<string>;
}

export interface BuildContext {
  entries: FileEntry[];
  packages: PlacedPackage[];
  version: string;
}

/** Lists everything the context will hold; throws with an actionable message when a piece is missing. */
export function planBuildContext(options: BuildContextOptions = {}): BuildContext {
  const root = options.root ?? packageRoot();
  for (const required of ['Dockerfile', 'package.json', join('bin', 'docker-mcp.js'), join('dist', 'bundle', 'docker-mcp.js')]) {
    if (!existsSync(join(root, required))) {
      throw new Error(
        `${join(root, required)} is missing; the image is built from the installed package` +
          (required.startsWith('dist') ? ' (run `npm run build` first).' : '.'),
      );
    }
  }
  const entries: FileEntry[] = [
    { name: 'Dockerfile', type: 'file', source: join(root, 'Dockerfile'), mode: 0o644 },
    { name: 'package.json', type: 'file', source: join(root, 'package.json'), mode: 0o644 },
  ];
  walk(join(root, 'bin'), 'bin', entries);
  // Only the bundle: the rest of dist/ is tsc's unbundled output, which bin/ never loads.
  entries.push({ name: 'dist', type: 'directory', mode: 0o755 });
  walk(join(root, 'dist', 'bundle'), 'dist/bundle', entries);
  const packages = placeDependencies(root, options.dependencies);
  entries.push({ name: 'node_modules', type: 'directory', mode: 0o755 });
  for (const pkg of packages.sort((a, b) => a.target.localeCompare(b.target))) {
    // Scoped packages need their @scope directory entry first.
    const parent = posix.dirname(pkg.target);
    if (posix.basename(parent).startsWith('@') && !entries.some((e) => e.name === parent)) {
      entries.push({ name: parent, type: 'directory', mode: 0o755 });
    }
    walk(pkg.source, pkg.target, entries);
  }
  return { entries, packages, version: readPackageMeta(root).version };
}

/** Streams the planned context as a tar archive, owned by root with fixed timestamps. */
export function packBuildContext(context: BuildContext): Pack {
  const tar = pack();
  void (async () => {
    try {
      for (const entry of context.entries) {
        const header = { name: entry.name.split(sep).join('/'), mode: entry.mode, mtime: EPOCH, uid: 0, gid: 0 };
        if (entry.type === 'directory') {
          tar.entry({ ...header, type: 'directory' });
        } else if (entry.type === 'symlink') {
          tar.entry({ ...header, type: 'symlink', linkname: entry.linkname ?? '' });
        } else {
          const data = await readFile(entry.source!);
          await new Promise<void>((resolve, reject) => tar.entry({ ...header, size: data.length }, data, (error) => (error ? reject(error) : resolve())));
        }
      }
      tar.finalize();
    } catch (error) {
      tar.destroy(error as Error);
    }
  })();
  return tar;
}
