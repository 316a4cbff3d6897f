#!/usr/bin/env node
// Thin launcher: all logic lives in dist/bundle/ (built by `npm run build`, run on install by
// `prepare`): tsc's output in dist/ linked with its dependencies by scripts/bundle.js.
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bundle/docker-mcp.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('docker-mcp: dist/bundle/ is missing; run `npm run build` in the package directory first.\n');
  process.exit(1);
}
await import(entry.href);
