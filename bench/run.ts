// Tiny dispatcher: runs every bench/*.bench.ts in turn (each appends its own section to
// docs/benchmarks.md). Add a benchmark by adding a file; never edit this list by hand.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()) {
  if (only.length && !only.some((name) => file.startsWith(name))) continue;
  console.log(`== ${file}`);
  await import(pathToFileURL(join(dir, file)).href);
}
