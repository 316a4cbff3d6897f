// What an installed package must carry for the bundle to run. Everything esbuild links into
// dist/bundle/ is a devDependency (npx users do not download it twice); what stays outside the
// bundle must be a dependency, or `npx docker-mcp-gateway …` fails on a clean machine with
// "Cannot find package". scripts/bundle.js runs this check on every build, so a new external
// import, or a dependency the bundle no longer loads, fails the build rather than a user's install.
import { builtinModules } from 'node:module';

/**
 * Loaded from node_modules by code esbuild cannot see: src/gateway/docker/client.ts loads dockerode
 * with createRequire at run time, and src/templates/hcl-parse.ts require.resolve()s the grammar's
 * .wasm file.
 */
export const RESOLVED_AT_RUN_TIME = ['dockerode', '@tree-sitter-grammars/tree-sitter-hcl'];

/**
 * Optional add-ons that libraries in the bundle try to require inside try/catch and work without:
 * ws's native speed-ups, and node-fetch's legacy charset converter (@kubernetes/client-node).
 */
export const OPTIONAL_IMPORTS = ['bufferutil', 'utf-8-validate', 'encoding'];

const builtins = new Set(builtinModules);

/** "@scope/name/sub/path" → "@scope/name"; "name/sub" → "name". */
export function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The packages the bundle imports from node_modules at run time, from esbuild's metafile. */
export function externalPackages(metafile) {
  const found = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports ?? []) {
      if (!imported.external || imported.path.startsWith('node:') || imported.path.startsWith('.')) continue;
      if (builtins.has(imported.path) || builtins.has(imported.path.split('/')[0])) continue;
      found.add(packageOf(imported.path));
    }
  }
  return found;
}

/** Problems (empty when the package's dependencies are exactly what the bundle loads). */
export function runtimeDependencyProblems(metafile, packageJson) {
  const declared = new Set(Object.keys(packageJson.dependencies ?? {}));
  const loaded = externalPackages(metafile);
  const problems = [];
  for (const name of [...loaded].sort()) {
    if (!declared.has(name) && !OPTIONAL_IMPORTS.includes(name)) {
      problems.push(`the bundle imports ${name} at run time, but package.json does not list it in dependencies (an installed package would fail with "Cannot find package")`);
    }
  }
  for (const name of [...declared].sort()) {
    if (!loaded.has(name) && !RESOLVED_AT_RUN_TIME.includes(name)) {
      problems.push(`package.json dependencies list ${name}, but the bundle never loads it from node_modules: every npx user downloads it for nothing (move it to devDependencies)`);
    }
  }
  return problems;
}
