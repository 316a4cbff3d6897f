// The package's dependencies are exactly what dist/bundle/ loads from node_modules at run time
// (scripts/bundle-deps.js, run by every build). Everything else is linked into the bundle and is a
// devDependency, which is what keeps `npx docker-mcp-gateway` small (docs/benchmarks.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { externalPackages, packageOf, runtimeDependencyProblems, type BundleMetafile } from '../../scripts/bundle-deps.js';
import { ensureBuilt, repoRoot } from '../helpers/build.js';

const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  files: string[];
};

const meta = (...paths: string[]): BundleMetafile => ({
  outputs: { 'dist/bundle/x.js': { imports: paths.map((path) => ({ path, kind: 'import-statement', external: true })) } },
});

describe('the runtime dependencies of the bundle', () => {
  let metafile: BundleMetafile;
  beforeAll(() => {
    ensureBuilt();
    metafile = JSON.parse(readFileSync(join(repoRoot, 'dist', 'bundle-meta.json'), 'utf8')) as BundleMetafile;
  });

  it('are exactly package.json dependencies for this build', () => {
    expect(runtimeDependencyProblems(metafile, packageJson)).toEqual([]);
  });

  it('leave the large installer-only libraries in the bundle, not in node_modules', () => {
    const external = externalPackages(metafile);
    for (const linked of ['@kubernetes/client-node', 'kubernetes-models', 'zod', '@modelcontextprotocol/sdk', 'yaml', 'handlebars']) {
      expect(external.has(linked), linked).toBe(false);
      expect(packageJson.dependencies[linked], linked).toBeUndefined();
    }
    // kubernetes-models is the schema check of the tests only; nothing in src/ imports it.
    expect(packageJson.devDependencies['kubernetes-models']).toBeDefined();
  });

  it('ship only the bundle, not tsc\'s unbundled output', () => {
    expect(packageJson.files).toContain('dist/bundle');
    expect(packageJson.files).not.toContain('dist');
  });

  it('fail the build on an external import package.json does not list', () => {
    expect(runtimeDependencyProblems(meta('left-pad', 'node:fs', 'fs', '@scope/pkg/sub/path'), { dependencies: { '@scope/pkg': '1', dockerode: '1', '@tree-sitter-grammars/tree-sitter-hcl': '1' } }))
      .toEqual([expect.stringContaining('imports left-pad at run time')]);
  });

  it('fail the build on a dependency the bundle never loads', () => {
    expect(runtimeDependencyProblems(meta(), { dependencies: { zod: '4', dockerode: '5' } }))
      .toEqual([expect.stringContaining('list zod, but the bundle never loads it')]);
  });

  it('name packages by their scope and name', () => {
    expect(packageOf('@scope/pkg/dist/x.js')).toBe('@scope/pkg');
    expect(packageOf('ws/lib/sender')).toBe('ws');
  });
});
