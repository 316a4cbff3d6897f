// WebSocket at /ws: the SDK's own WebSocketClientTransport, plus raw `ws` sockets for the protocol
// edges (subprotocol, invalid JSON, binary frames, heartbeat, close codes).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { metricValue, startTestGateway, type TestGateway } from '../helpers/gateway.js';

// Node 20 has no global WebSocket; the SDK client transport uses the global.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

function wsUrl(gateway: TestGateway, path = '/ws'): string {
  return `${gateway.url.replace(/^http/, 'ws')}${path}`;
}

function open(url: string, options: WebSocket.ClientOptions = {}, protocol: string | null = 'mcp'): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocol ? [protocol] : [], options);
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

function nextMessage(socket: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as Record<string, unknown>)));
}

function closed(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

const initialize = JSON.stringify({
  jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw-ws', version: '0' } },
});

describe('gateway over WebSocket', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ enable_metrics: true, ws_heartbeat_seconds: 1 });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('works with the SDK WebSocketClientTransport: initialize, tools/list, calls, errors', async () => {
    const client = new Client({ name: 'ws-test', version: '0' });
    await client.connect(new WebSocketClientTransport(new URL(wsUrl(gateway))));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('system_ping');
    const ping = await client.callTool({ name: 'system_ping', arguments: {} });
    expect(ping.structuredContent).toMatchObject({ ok: true });
    const invalid = await client.callTool({ name: 'system_df', arguments: { top: 'x' } });
    expect(invalid.isError).toBe(true);
    await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toBeInstanceOf(McpError);
    const metrics = await (await fetch(gateway.metricsUrl ?? '')).text();
    expect(metricValue(metrics, 'docker_mcp_websocket_connections')).toBe(1);
    expect(metricValue(metrics, 'docker_mcp_tool_calls_total', { tool: 'system_ping', transport: 'ws', outcome: 'ok' })).toBe(1);
    await client.close();
  });

  it('requires the "mcp" subprotocol and serves only /ws', async () => {
    await expect(open(wsUrl(gateway), {}, null)).rejects.toThrow('HTTP 400');
    await expect(open(wsUrl(gateway), {}, 'graphql-ws')).rejects.toThrow('HTTP 400');
    await expect(open(wsUrl(gateway, '/other'))).rejects.toThrow('HTTP 404');
    const socket = await open(wsUrl(gateway));
    expect(socket.protocol).toBe('mcp');
    socket.close(1000);
    expect((await fetch(`${gateway.url}/ws`)).status).toBe(426);
  });

  it('answers invalid JSON with a -32700 frame and keeps serving the connection', async () => {
    const socket = await open(wsUrl(gateway));
    const parseError = nextMessage(socket);
    socket.send('{"jsonrpc": "2.0", "id": ');
    expect(await parseError).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
    const invalid = nextMessage(socket);
    socket.send(JSON.stringify({ hello: 'world', id: 7 }));
    expect(await invalid).toMatchObject({ id: 7, error: { code: -32600 } });
    const reply = nextMessage(socket);
    socket.send(initialize);
    expect(await reply).toMatchObject({ id: 1, result: { serverInfo: { name: 'docker-mcp' } } });
    const done = closed(socket);
    socket.close(1000);
    expect(await done).toBe(1000);
  });

  it('closes with 1003 on a binary frame', async () => {
    const socket = await open(wsUrl(gateway));
    const code = closed(socket);
    socket.send(Buffer.from(initialize), { binary: true });
    expect(await code).toBe(1003);
  });

  it('terminates a peer that stops answering pings', async () => {
    const socket = await open(wsUrl(gateway), { autoPong: false });
    const started = Date.now();
    const code = await closed(socket);
    // terminate() sends no close frame: the client sees an abnormal closure.
    expect(code).toBe(1006);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('WebSocket shutdown', () => {
  it('closes open connections with 1001 when the gateway stops', async () => {
    const gateway = await startTestGateway({ enable_metrics: false });
    const socket = await open(wsUrl(gateway));
    const code = closed(socket);
    await gateway.stop();
    expect(await code).toBe(1001);
  });
});
