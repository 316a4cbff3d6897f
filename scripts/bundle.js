// Links tsc's output (dist/) and the dependencies the CLI loads into a few files under
// dist/bundle/, which bin/docker-mcp.js runs. Node's ESM loader resolves, reads and compiles every
// module file on its own; zod, the MCP SDK, pino and prom-client alone are hundreds of them, and
// that was most of the time from process start to /ready (docs/benchmarks.md, "Start-up").
// Dynamic imports stay lazy: each becomes its own chunk, loaded only by the command that needs it.
//
// The bundle is also what keeps `npx docker-mcp-gateway` light: what it links in is a devDependency,
// so an install carries only the few packages listed in `external` (scripts/bundle-deps.js checks
// that package.json's dependencies are exactly those; docs/benchmarks.md, "Install weight").
//
// Run by `npm run build` after tsc. The unbundled dist/ stays usable in a checkout
// (`node dist/cli/main.js`), with source maps, for debugging; the package ships only dist/bundle/.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimeDependencyProblems } from './bundle-deps.js';

/** Loaded from node_modules at run time, never copied into the bundle. */
const external = [
  // src/gateway/docker/lazy-requires.ts recognises the requires these two make (ssh2, gRPC, debug)
  // by the requiring file's path under node_modules/, so they must load from there, and only after
  // its hook is in place. What guarantees both is that src/gateway/docker/client.ts loads dockerode
  // with createRequire at run time, which esbuild does not follow; these entries keep any other
  // import of them out of the bundle too. Bundled, docker-modem's debug output (which prints
  // registry credentials) would no longer be silenced, and ssh2 and gRPC would load at start
  // (test/integration/cli-debug-output.test.ts).
  'dockerode',
  'docker-modem',
  // Find their .wasm files next to their own module files.
  'web-tree-sitter',
  '@tree-sitter-grammars/tree-sitter-hcl',
];

// fileURLToPath, not .pathname: a checkout under "/Users/John Smith" must not become "John%20Smith".
const outdir = fileURLToPath(new URL('../dist/bundle/', import.meta.url));

const result = await build({
  entryPoints: { 'docker-mcp': fileURLToPath(new URL('../dist/cli/main.js', import.meta.url)) },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // Chunks sit directly in dist/bundle/, one level below dist/ like dist/cli/: code that finds
  // package.json or the package root with new URL('../../', import.meta.url) works from both.
  chunkNames: '[name]-[hash]',
  // Bundled CommonJS (pino, prom-client, ajv…) calls require() for Node's built-ins; an ES module
  // has no require of its own.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  // Whitespace and syntax only: identifiers (function and class names in a DOCKER_MCP_DEBUG stack)
  // stay readable, and the installed package is less than half the size (the Kubernetes client alone
  // is 14 MB unminified).
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  metafile: true,
});

// Chunk names carry a content hash, so an earlier build's chunks would pile up. They are removed
// only after the new ones are written: a gateway started from the old build while this runs (a
// test worker, say) still finds its files until the swap.
mkdirSync(outdir, { recursive: true });
const written = new Set(Object.keys(result.metafile.outputs).map((path) => basename(path)));
for (const file of readdirSync(outdir)) if (!written.has(file)) rmSync(join(outdir, file));

// Kept beside the bundle (not shipped: package.json "files" lists dist/bundle/ only) for
// test/unit/bundle-runtime-deps.test.ts.
writeFileSync(fileURLToPath(new URL('../dist/bundle-meta.json', import.meta.url)), JSON.stringify(result.metafile));
const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const problems = runtimeDependencyProblems(result.metafile, packageJson);
if (problems.length) {
  process.stderr.write(`scripts/bundle.js: ${problems.join('\n  ')}\n`);
  process.exit(1);
}
