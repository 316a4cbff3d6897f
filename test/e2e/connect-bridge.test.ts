// `docker-mcp connect` black-box: an SDK stdio client spawns the bridge, which talks to a real
// gateway process (`docker-mcp serve`) on the private daemon, over Streamable HTTP and WebSocket.
// Includes the gateway dying mid-call and coming back, and the token never reaching stderr.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { binPath, ensureBuilt, repoRoot } from '../helpers/build.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { freePort } from '../helpers/gateway.js';

const TOKEN = 'bridge-e2e-token-7f3a9c1d5e2b8a4f';
const CF_SECRET = 'cf-secret-4b1d9e7a2c6f0e3d';

interface Gateway { child: ChildProcess; output: string[] }

async function startGateway(port: number): Promise<Gateway> {
  const metricsPort = await freePort();
  const child = spawn(process.execPath, [binPath, 'serve', '--port', String(port), '--metrics-port', String(metricsPort), '--docker-host', testEnv.dockerHost], {
    cwd: repoRoot,
    env: { ...process.env, DOCKER_MCP_AUTH_TOKENS: `e2e:admin:${TOKEN}`, DOCKER_MCP_POLICY_PRESET: 'admin', DOCKER_MCP_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}:\n${output.join('')}`);
    if (await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.ok, () => false)) return { child, output };
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`gateway not ready:\n${output.join('')}`);
}

async function stopGateway(gateway: Gateway, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) return;
  const exited = new Promise((resolve) => gateway.child.once('exit', resolve));
  gateway.child.kill(signal);
  await exited;
}

interface Bridged { client: Client; stderr: () => string }

async function bridge(url: string, args: string[] = [], env: Record<string, string> = { DOCKER_MCP_TOKEN: TOKEN }, chunks: string[] = []): Promise<Bridged> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [binPath, 'connect', url, '--verbose', '--queue-timeout', '20', ...args],
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd: repoRoot,
    stderr: 'pipe',
  });
  transport.stderr!.on('data', (d: Buffer) => chunks.push(d.toString()));
  const client = new Client({ name: 'connect-e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => chunks.join('') };
}

describe('docker-mcp connect', () => {
  const docker = testDocker();
  let port = 0;
  let gateway: Gateway | undefined;
  const clients: Client[] = [];

  beforeAll(async () => {
    ensureBuilt();
    port = await freePort();
    gateway = await startGateway(port);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  });

  afterAll(async () => {
    if (gateway) await stopGateway(gateway, 'SIGTERM');
    const left = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=connect`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  });

  it('bridges Streamable HTTP: list, run a container, read its logs, remove it; the token never reaches stderr', async () => {
    const { client, stderr } = await bridge(`http://127.0.0.1:${port}/mcp`);
    clients.push(client);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['container_run', 'container_logs', 'container_remove']));
    const name = uniqueName('dmcp-connect');
    const ran = await client.callTool({
      name: 'container_run',
      arguments: { image: testEnv.testImage, name, cmd: ['echo', 'through the bridge'], network_mode: 'none', labels: { [TEST_LABEL]: 'connect' }, wait: true },
    });
    expect(ran.isError, JSON.stringify(ran.content)).toBeFalsy();
    const logs = await client.callTool({ name: 'container_logs', arguments: { container: name } });
    expect(JSON.stringify(logs.content)).toContain('through the bridge');
    const removed = await client.callTool({ name: 'container_remove', arguments: { container: name, force: true } });
    expect(removed.isError, JSON.stringify(removed.content)).toBeFalsy();
    expect(stderr()).toContain('with a bearer token');
    expect(stderr()).not.toContain(TOKEN);
  });

  it('holds what a client pipelines after initialize until the session exists (Streamable HTTP)', async () => {
    // A client may write initialize, notifications/initialized and its first request without waiting;
    // the gateway needs the session id from the initialize answer for the other two.
    const child = spawn(process.execPath, [binPath, 'connect', `http://127.0.0.1:${port}/mcp`, '--queue-timeout', '20'], {
      cwd: repoRoot, env: { PATH: process.env.PATH ?? '', DOCKER_MCP_TOKEN: TOKEN }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'pipelined', version: '1' } } };
    child.stdin.write([init, { jsonrpc: '2.0', method: 'notifications/initialized' }, { jsonrpc: '2.0', id: 2, method: 'tools/list' }].map((m) => JSON.stringify(m)).join('\n') + '\n');
    type Answer = { id?: number; result?: { tools?: unknown[] }; error?: unknown };
    const answers = (): Answer[] => out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Answer);
    const deadline = Date.now() + 20_000;
    while (!answers().some((a) => a.id === 2) && Date.now() < deadline && child.exitCode === null) await sleep(50);
    child.stdin.end();
    child.kill('SIGTERM');
    const byId: Record<number, Answer> = Object.fromEntries(answers().map((a) => [a.id ?? -1, a]));
    expect(byId[1]?.result, err).toBeDefined();
    expect(byId[2]?.error, JSON.stringify(byId[2]?.error)).toBeUndefined();
    expect(byId[2]?.result?.tools?.length).toBeGreaterThan(0);
    // The answer to initialize reached the client before the answer to what it pipelined.
    expect(out.indexOf('"id":1')).toBeLessThan(out.indexOf('"id":2'));
  });

  it('bridges WebSocket (--transport ws turns http://…/mcp into ws://…/ws) with Cloudflare Access headers too', async () => {
    const { client, stderr } = await bridge(`http://127.0.0.1:${port}/mcp`, ['--transport', 'ws'], {
      DOCKER_MCP_TOKEN: TOKEN, DOCKER_MCP_CF_ACCESS_CLIENT_ID: 'svc.access', DOCKER_MCP_CF_ACCESS_CLIENT_SECRET: CF_SECRET,
    });
    clients.push(client);
    const ping = await client.callTool({ name: 'system_ping', arguments: {} });
    expect(ping.isError, JSON.stringify(ping.content)).toBeFalsy();
    expect(stderr()).toContain('over WebSocket');
    expect(stderr()).not.toContain(TOKEN);
    expect(stderr()).not.toContain(CF_SECRET);
  });

  // A wrong token is found before bridging (src/connect/preflight.ts): the client's process exits 1
  // with one line naming the env var, even while its stdin stays open, and never echoes the token.
  for (const kind of ['http', 'ws'] as const) {
    it(`refuses a wrong token at start (${kind}): exit 1, one line naming DOCKER_MCP_TOKEN, the token not echoed`, async () => {
      const wrong = 'wrong-token-0000000000000000';
      const child = spawn(process.execPath, [binPath, 'connect', `http://127.0.0.1:${port}/mcp`, '--transport', kind], {
        env: { PATH: process.env.PATH ?? '', DOCKER_MCP_TOKEN: wrong }, cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.stdin.destroy();
      expect(code, stderr).toBe(1);
      expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
      expect(stderr).toMatch(/HTTP 401.*DOCKER_MCP_TOKEN/);
      expect(stderr).not.toContain(wrong);
    });
  }

  for (const kind of ['http', 'ws'] as const) {
    it(`recovers after the gateway is killed and restarted (${kind}); a call in flight gets an error`, async () => {
      const { client, stderr } = await bridge(`http://127.0.0.1:${port}/mcp`, ['--transport', kind]);
      clients.push(client);
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);

      // A call in flight when the gateway dies must fail promptly.
      const name = uniqueName('dmcp-inflight');
      // Settle into a value at once: the rejection may arrive while we are still stopping the
      // gateway, and an unobserved rejection would be reported as an unhandled error.
      const inflight = client.callTool({
        name: 'container_run',
        arguments: { image: testEnv.testImage, name, cmd: ['sleep', '30'], network_mode: 'none', labels: { [TEST_LABEL]: 'connect' }, wait: true, wait_timeout_seconds: 60 },
      }, undefined, { timeout: 30_000 }).then((r) => ({ ok: !r.isError, text: JSON.stringify(r.content) }), (e: Error) => ({ ok: false, text: e.message }));
      await sleep(1500);
      await stopGateway(gateway!);
      const failed = await inflight;
      expect(failed.ok).toBe(false);
      expect(failed.text).toMatch(/lost|closed|gateway/i);

      // A request made while the gateway is down waits for it to come back, then succeeds.
      const whileDown = client.listTools();
      await sleep(1000);
      gateway = await startGateway(port);
      expect((await whileDown).tools.length).toBeGreaterThan(0);
      const ping = await client.callTool({ name: 'system_ping', arguments: {} });
      expect(ping.isError, JSON.stringify(ping.content)).toBeFalsy();
      expect(stderr()).toMatch(/reconnected/);
      expect(stderr()).not.toContain(TOKEN);
    }, 90_000);
  }
});
