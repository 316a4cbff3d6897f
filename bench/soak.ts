// `npm run soak`: at least 5 minutes of mixed load with injected disconnects against a gateway
// process on a private dockerd (bench/soak/), then the results and a plot into docs/reliability.md.
// Not part of CI (test/integration/reliability-soak.test.ts runs a 30 s version with the same
// checks). Options: SOAK_MINUTES (default 5), SOAK_HTTP_CLIENTS / SOAK_WS_CLIENTS (default 6 each).
import { fileURLToPath } from 'node:url';
import { markdownBlock, updateDoc, writePlot } from './soak/report.js';
import { runSoak } from './soak/runner.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const minutes = Number(process.env.SOAK_MINUTES ?? 5);
const options = {
  durationMs: minutes * 60_000,
  httpClients: Number(process.env.SOAK_HTTP_CLIENTS ?? 6),
  wsClients: Number(process.env.SOAK_WS_CLIENTS ?? 6),
  sampleMs: 2_000,
};
console.log(`soak: ${minutes} min, ${options.httpClients} HTTP + ${options.wsClients} WebSocket clients`);
const result = await runSoak(options, (line) => console.log(line));
const plot = writePlot(result.samples, `${root}docs/reliability-soak.svg`, `${root}docs/reliability-soak.png`);
const block = markdownBlock(result, plot.replace(root, ''), 'npm run soak');
updateDoc(`${root}docs/reliability.md`, block);
console.log(block);
if (result.failures.length) {
  console.error(`soak FAILED:\n- ${result.failures.join('\n- ')}`);
  process.exitCode = 1;
}
