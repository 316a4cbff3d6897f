// The README shows what `docker-mcp serve` prints when it starts (issue 16 item 7): its ```console
// block starting `$ npx docker-mcp-gateway serve` is parsed, and the real gateway's first stdout line
// must equal the block's line. Only what cannot match is mapped: the time, the package version, the
// ports (the test cannot take 8080/9090) and the Docker endpoint (the harness's private daemon, never
// the machine's default socket). An edit to either side that the other does not follow fails here.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { binPath, ensureBuilt, repoRoot } from '../helpers/build.js';
import { testEnv } from '../helpers/env.js';
import { freePort } from '../helpers/gateway.js';
import { cleanEnv } from '../helpers/run-bin.js';

const COMMAND = '$ npx docker-mcp-gateway serve';

/** The output lines of the README's console block for COMMAND. */
function readmeOutput(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/^```console\n([\s\S]*?)^```$/gm)].map((m) => m[1]!.trimEnd().split('\n'));
  const block = blocks.find((lines) => lines[0] === COMMAND);
  if (!block) throw new Error(`README.md has no \`\`\`console block starting with "${COMMAND}"`);
  return block.slice(1);
}

/** The first line `serve` writes to stdout, then stops it. */
async function firstLine(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [binPath, 'serve', ...args], { cwd: repoRoot, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    return await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code} before printing a line:\n${out}${err}`)));
    });
  } finally {
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await gone;
  }
}

beforeAll(() => ensureBuilt(), 180_000);

it('serve prints, on start, exactly the endpoint line the README shows', async () => {
  const expected = readmeOutput();
  expect(expected).toHaveLength(1);
  const shown = JSON.parse(expected[0]!) as Record<string, unknown>;
  const [port, metricsPort] = [await freePort(), await freePort()];
  const line = await firstLine(['--port', String(port), '--metrics-port', String(metricsPort), '--docker-host', testEnv.dockerHost]);
  const printed = JSON.parse(line) as Record<string, unknown>;
  // Only what a test run cannot reproduce is mapped onto the README's values.
  const mapped = JSON.stringify({ ...printed, time: shown.time, version: shown.version, docker: shown.docker })
    .replaceAll(`:${port}`, ':8080')
    .replaceAll(`:${metricsPort}`, ':9090');
  expect(printed.docker).toBe(testEnv.dockerHost);
  expect(mapped).toBe(expected[0]);
}, 60_000);
