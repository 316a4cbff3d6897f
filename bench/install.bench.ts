// Install weight of `npx docker-mcp-gateway init --yes` (issue 16 item 9): what a first-time user
// downloads and waits for before anything renders. Packs this checkout and, side by side in one run,
// the same tarball with every library the bundle links in declared as a dependency again (the layout
// before the bundle carried them), then runs `npx --package <tarball> docker-mcp-gateway init --yes`
// from an empty directory: with an empty npm cache (a first run on a fresh machine) and again with the
// cache that run filled. Writes the "Install weight" section of docs/benchmarks.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { npmEnv } from '../test/helpers/npm-env.js';

const RUNS = Number(process.env.BENCH_INSTALL_RUNS ?? 3);
const TARGET_MB = 60;
const TARGET_S = 15;
const root = resolve('.');
const work = mkdtempSync(join(tmpdir(), 'dmcp-bench-install-'));
const env = npmEnv({ npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' });

/** Packages esbuild linked into dist/bundle/ (from the build's metafile), by top-level name. */
function linkedPackages(): string[] {
  const meta = JSON.parse(readFileSync('dist/bundle-meta.json', 'utf8')) as { inputs: Record<string, unknown> };
  const dev = (JSON.parse(readFileSync('package.json', 'utf8')) as { devDependencies: Record<string, string> }).devDependencies;
  const names = new Set<string>();
  for (const input of Object.keys(meta.inputs)) {
    const match = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match && dev[match[1]!]) names.add(match[1]!);
  }
  return [...names].sort();
}

function pack(): string {
  const out = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, env, encoding: 'utf8' })) as { filename: string }[];
  return join(work, out[0]!.filename);
}

/** The same tarball, with the linked libraries (at the versions this checkout uses) as dependencies. */
function unbundledVariant(tarball: string, linked: string[]): string {
  const dir = join(work, 'variant');
  mkdirSync(dir);
  execFileSync('tar', ['xzf', tarball, '-C', dir]);
  const path = join(dir, 'package', 'package.json');
  const pkg = JSON.parse(readFileSync(path, 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  for (const name of linked) pkg.dependencies[name] = pkg.devDependencies[name]!;
  writeFileSync(path, JSON.stringify(pkg, null, 2));
  const out = join(work, 'unbundled.tgz');
  execFileSync('tar', ['czf', out, '-C', dir, 'package']);
  return out;
}

function du(path: string): { mb: number; packages: number } {
  const mb = Number(execFileSync('du', ['-sm', path], { encoding: 'utf8' }).split('\t')[0]);
  const packages = readdirSync(path).flatMap((n) => (n.startsWith('@') ? readdirSync(join(path, n)) : n.startsWith('.') ? [] : [n])).length;
  return { mb, packages };
}

/** One `npx … init --yes` from an empty directory; seconds, and the npx install it left in the cache. */
function npxInit(tarball: string, cache: string): { seconds: number; mb: number; packages: number } {
  const cwd = mkdtempSync(join(work, 'user-'));
  const start = process.hrtime.bigint();
  const r = spawnSync('npx', ['--yes', '--cache', cache, `--package=${tarball}`, '--', 'docker-mcp-gateway', 'init', '--yes', '-o', 'out'], { cwd, env, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0 || !existsSync(join(cwd, 'out', 'NOTES.md'))) throw new Error(`npx init failed (${r.status}): ${r.stderr}`);
  const [hash] = readdirSync(join(cache, '_npx'));
  return { seconds, ...du(join(cache, '_npx', hash!, 'node_modules')) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const loadBefore = loadavg()[0]!.toFixed(1);
const tarball = pack();
const linked = linkedPackages();
const variants: [string, string][] = [
  ['this package (libraries linked into dist/bundle/)', tarball],
  [`same code, the ${linked.length} linked libraries as dependencies`, unbundledVariant(tarball, linked)],
];
const rows: string[] = [];
for (const [name, file] of variants) {
  const cold: number[] = [];
  const warm: number[] = [];
  let size = { mb: 0, packages: 0 };
  for (let i = 0; i < RUNS; i++) {
    const cache = mkdtempSync(join(work, 'cache-'));
    const first = npxInit(file, cache);
    cold.push(first.seconds);
    size = first;
    // The second run finds the npx install in place (what every later `npx` run costs).
    rmSync(join(cache, '_npx'), { recursive: true, force: true });
    warm.push(npxInit(file, cache).seconds);
    rmSync(cache, { recursive: true, force: true });
  }
  const ok = size.mb < TARGET_MB && median(cold) < TARGET_S;
  console.log(`${name}: ${size.mb} MB, ${size.packages} packages, cold ${median(cold).toFixed(1)} s, warm cache ${median(warm).toFixed(1)} s`);
  rows.push(`| ${name} | ${size.mb} | ${size.packages} | ${median(cold).toFixed(1)} | ${median(warm).toFixed(1)} | ${ok ? 'yes' : '**no**'} |`);
}
const tgzKb = Math.round(readFileSync(tarball).length / 1024);
rmSync(work, { recursive: true, force: true });

const section = `## Install weight

\`npx --package <tarball> docker-mcp-gateway init --yes\` from an empty directory, ${RUNS} runs per row (median),
wall clock from spawn to exit (npm resolves and downloads the dependencies from the registry, then init
renders). *Empty cache*: a fresh \`--cache\` directory, as on a first run on a new machine; *npm cache
filled*: the same cache after that run, with npx's own install removed (a later \`npx\` of a new version).
Size and packages: npx's install (\`<cache>/_npx/<hash>/node_modules\`). The package's tarball is
${tgzKb} KB. Target: under ${TARGET_MB} MB installed and under ${TARGET_S} s with an empty cache. The second row is this same
build with the ${linked.length} libraries the bundle links in (${linked.join(', ')}) declared as dependencies again,
which is how the package was laid out before. Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'},
Node ${process.version}, npm ${execFileSync('npm', ['--version'], { env, encoding: 'utf8' }).trim()}, this machine's registry; 1-min load average ${loadBefore} before and ${loadavg()[0]!.toFixed(1)} after.
Reproduce: \`npm run bench -- install\`.

| Package layout | installed MB | packages | empty cache s | npm cache filled s | within target |
|---|---:|---:|---:|---:|:---:|
${rows.join('\n')}
`;
const path = 'docs/benchmarks.md';
const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
const pattern = /## Install weight\n[\s\S]*?(?=\n## |$)/;
writeFileSync(path, pattern.test(current) ? current.replace(pattern, `${section.trimEnd()}\n`) : current.replace(/\n## Installer\n/, `\n${section}\n## Installer\n`));
