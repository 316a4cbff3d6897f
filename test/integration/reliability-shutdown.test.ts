// SIGTERM on a real `docker-mcp serve` process: readiness false and 503 for new requests at once,
// calls in flight finish within shutdown_grace_seconds (longer ones are cancelled with a clear
// message), WebSockets close with 1001, exit 0. A second signal exits at once with 143.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTickingContainer, testDocker, testEnv } from '../helpers/env.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { openWs, until } from '../helpers/raw-mcp.js';

const text = (result: CallToolResult): string => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('graceful shutdown', () => {
  let container: string;
  const spawned: GatewayProcess[] = [];
  const start = async (env: Record<string, string> = {}): Promise<GatewayProcess> => {
    const gateway = await spawnGateway(testEnv.dockerHost, { DOCKER_MCP_SHUTDOWN_GRACE_SECONDS: '3', ...env });
    spawned.push(gateway);
    return gateway;
  };
  const follow = (seconds: number): { name: string; arguments: Record<string, unknown> } => ({
    name: 'container_logs', arguments: { container, follow: true, max_seconds: seconds, tail: 1 },
  });

  beforeAll(async () => {
    container = await startTickingContainer('drain');
  });
  afterAll(async () => {
    for (const gateway of spawned) gateway.kill();
    await testDocker().getContainer(container).remove({ force: true }).catch(() => undefined);
  });

  it('SIGTERM with calls in flight: 503 for new work, short calls finish, long ones cancelled, WS 1001, exit 0', async () => {
    const gateway = await start();
    const client = new Client({ name: 'drain', version: '0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
    const ws = await openWs(gateway.url);
    const short = client.callTool(follow(2)) as Promise<CallToolResult>;
    const long = client.callTool(follow(60)) as Promise<CallToolResult>;
    const wsLong = ws.request('tools/call', follow(60));
    await new Promise((resolve) => setTimeout(resolve, 500));

    const signalled = Date.now();
    gateway.child.kill('SIGTERM');
    await until(async () => (await fetch(`${gateway.url}/ready`)).status === 503, 1_000, '/ready 503 after SIGTERM');
    const fresh = await fetch(`${gateway.url}/mcp`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
    });
    expect(fresh.status).toBe(503);
    expect(((await fresh.json()) as { error: { message: string } }).error.message).toContain('shutting down');
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    await expect(openWs(gateway.url)).rejects.toThrow(/503/);
    // A new call on an open connection is refused too; the running ones are not touched.
    const refused = (await ws.request('tools/call', { name: 'container_list', arguments: {} })) as { result: CallToolResult };
    expect(refused.result.isError).toBe(true);
    expect(text(refused.result)).toContain('shutting down');

    const shortResult = await short;
    expect(shortResult.isError, text(shortResult)).toBeFalsy();
    expect(text(shortResult)).toContain('tick');
    const [longResult, wsResult] = await Promise.all([long, wsLong]);
    for (const result of [longResult, (wsResult as { result: CallToolResult }).result]) {
      expect(result.isError).toBe(true);
      expect(text(result)).toContain('shutting down');
    }
    expect(await ws.closed).toBe(1001);
    const exit = await gateway.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    const elapsed = Date.now() - signalled;
    expect(elapsed).toBeGreaterThanOrEqual(2_900);
    expect(elapsed).toBeLessThan(3_000 + 4_000);
    await client.close().catch(() => undefined);
  });

  it('SIGTERM with nothing running exits at once', async () => {
    const gateway = await start({ DOCKER_MCP_SHUTDOWN_GRACE_SECONDS: '20' });
    const signalled = Date.now();
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(2_000);
  });

  it('a second SIGTERM exits at once with 143', async () => {
    const gateway = await start({ DOCKER_MCP_SHUTDOWN_GRACE_SECONDS: '20' });
    const ws = await openWs(gateway.url);
    void ws.request('tools/call', follow(60));
    await new Promise((resolve) => setTimeout(resolve, 300));
    gateway.child.kill('SIGTERM');
    await until(async () => (await fetch(`${gateway.url}/ready`)).status === 503, 1_000, 'draining');
    const second = Date.now();
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toEqual({ code: 143, signal: null });
    expect(Date.now() - second).toBeLessThan(1_000);
    expect(gateway.output()).toContain('second signal');
  });
});
