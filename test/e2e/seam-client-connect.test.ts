// The seam between the rendered client configs and `docker-mcp connect`: the Claude Desktop entry
// the installer renders for the docker target is spawned exactly as a client would (its command,
// args and env; only `npx -y docker-mcp-gateway` becomes this checkout's bin, the URL a real gateway's, and
// the placeholder values real credentials) and must reach system_ping. A second check proves the
// Cloudflare Access env names it renders are the ones connect turns into CF-Access-Client-* headers.
// test/e2e/packed-tarball-clients.test.ts runs the same entries unchanged through npx from an install
// of the packed tarball.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECT_ENV } from '../../src/contract/connect-env.js';
import { renderPlan } from '../../src/templates/index.js';
import { binPath, ensureBuilt, repoRoot } from '../helpers/build.js';
import { testEnv } from '../helpers/env.js';
import { freePort } from '../helpers/gateway.js';
import { VERSION, configFrom, matrix, table } from '../unit/installer-helpers.js';

interface StdioEntry { command: string; args: string[]; env: Record<string, string> }

function desktopEntry(data: Record<string, unknown>, id: string): StdioEntry {
  const plan = renderPlan(configFrom(data), table, { target: 'docker', format: 'both', singleFile: false, version: VERSION });
  const file = plan.files.find((f) => f.path === 'clients/claude-desktop.json')!;
  const entry = (JSON.parse(file.contents) as { mcpServers: Record<string, StdioEntry> }).mcpServers[id];
  if (!entry) throw new Error(`no ${id} in the rendered claude-desktop.json`);
  return entry;
}

/** The rendered launch with only the package runner, the URL and the credential values swapped. */
function launch(entry: StdioEntry, url: string, values: Record<string, string>): StdioClientTransport {
  expect(entry.command).toBe('npx');
  expect(entry.args.slice(0, 3)).toEqual(['-y', 'docker-mcp-gateway', 'connect']);
  const args = [binPath, ...entry.args.slice(2, -1), url];
  const env = Object.fromEntries(Object.keys(entry.env).map((k) => [k, values[k] ?? 'unset']));
  return new StdioClientTransport({ command: process.execPath, args, env, cwd: repoRoot, stderr: 'pipe' });
}

describe('the rendered Claude Desktop config bridges to a real gateway through docker-mcp connect', () => {
  const token = randomBytes(32).toString('hex');
  let gateway: ChildProcess;
  let port = 0;
  let output = '';

  beforeAll(async () => {
    ensureBuilt();
    port = await freePort();
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('DOCKER_')) env[k] = v;
    env.DOCKER_MCP_AUTH_TOKENS = `seam:read:${token}`;
    gateway = spawn(process.execPath, [binPath, 'serve', '--port', String(port), '--docker-host', testEnv.dockerHost], { cwd: repoRoot, env });
    gateway.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    gateway.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 30_000;
    while ((await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined))?.status !== 200) {
      if (gateway.exitCode !== null || Date.now() > deadline) throw new Error(`gateway not ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }, 60_000);

  afterAll(async () => {
    if (gateway?.exitCode === null) {
      const exited = new Promise((r) => gateway.once('exit', r));
      gateway.kill('SIGTERM');
      await exited;
    }
  });

  it('docker-local (defaults: bearer) calls system_ping', async () => {
    const entry = desktopEntry(matrix.defaults!, 'docker-local');
    expect(Object.keys(entry.env)).toEqual([CONNECT_ENV.token]);
    const client = new Client({ name: 'seam-desktop', version: '0' });
    await client.connect(launch(entry, `http://127.0.0.1:${port}/mcp`, { [CONNECT_ENV.token]: token }));
    const ping = await client.callTool({ name: 'system_ping', arguments: {} });
    expect(ping.isError ?? false, JSON.stringify(ping.content)).toBe(false);
    expect(ping.structuredContent).toMatchObject({ ok: true });
    await client.close();
  }, 60_000);

  it('docker-remote (bearer + Access) sends the token and the Access service token from the rendered env names', async () => {
    const entry = desktopEntry(matrix.everything!, 'docker-remote');
    expect(Object.keys(entry.env).sort()).toEqual(Object.values(CONNECT_ENV).sort());
    // Stand in for the Cloudflare edge: record the first request's headers, then refuse it.
    let seen: IncomingHttpHeaders | undefined;
    const edge: Server = createServer((req, res) => {
      seen ??= req.headers;
      res.writeHead(403).end();
    });
    const edgePort = await freePort();
    await new Promise<void>((r) => edge.listen(edgePort, '127.0.0.1', r));
    const values = { [CONNECT_ENV.token]: token, [CONNECT_ENV.cfAccessClientId]: 'svc.access', [CONNECT_ENV.cfAccessClientSecret]: 'cf-secret-1234' };
    const client = new Client({ name: 'seam-desktop-edge', version: '0' });
    const connecting = client.connect(launch(entry, `http://127.0.0.1:${edgePort}/mcp`, values)).catch(() => undefined);
    try {
      const deadline = Date.now() + 15_000;
      while (!seen && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(seen?.authorization).toBe(`Bearer ${token}`);
      expect(seen?.['cf-access-client-id']).toBe('svc.access');
      expect(seen?.['cf-access-client-secret']).toBe('cf-secret-1234');
    } finally {
      await client.close().catch(() => undefined);
      await Promise.race([connecting, new Promise((r) => setTimeout(r, 2000))]);
      edge.closeAllConnections();
      await new Promise((r) => edge.close(r));
    }
  }, 60_000);
});
