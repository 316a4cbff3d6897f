#!/usr/bin/env node
// Thin launcher: all logic lives in dist/ (built by `npm run build`, run on install by `prepare`).
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('docker-mcp: dist/ is missing; run `npm run build` in the package directory first.\n');
  process.exit(1);
}
await import(entry.href);
