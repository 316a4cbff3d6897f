// max_sessions across both session transports. WebSocket upgrades that `ws` refuses (bad version,
// malformed subprotocol list, wrong method) or that the client abandons must not keep a slot; a
// full pool answers 503 with Retry-After on /ws and on Streamable HTTP initialize when the caller has
// no idle session of its own to give up (else its least recently used idle one is replaced); closing
// a session frees its slot; the session gauges return to 0 and only completed handshakes count as 101.
import { connect } from 'node:net';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectHttpClient, metricValue, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { connectWs, until } from '../helpers/mcp-clients.js';

const MAX_SESSIONS = 2;

/** One raw upgrade request to /ws; resolves with the status line's code (undefined when abandoned). */
function rawUpgrade(gateway: TestGateway, overrides: Record<string, string>, options: { method?: string; abandon?: boolean } = {}): Promise<number | undefined> {
  const { hostname, port } = new URL(gateway.url);
  const headers: Record<string, string> = {
    Host: `${hostname}:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Protocol': 'mcp',
    ...overrides,
  };
  const head = [`${options.method ?? 'GET'} /ws HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.once('error', reject);
    socket.once('close', () => resolve(options.abandon ? undefined : Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1])));
    socket.write(`${head}\r\n\r\n`, () => {
      if (options.abandon) socket.destroy();
    });
  });
}

/** A WebSocket open attempt with the ws library: the open socket, or the refusal's status and Retry-After. */
function tryWs(gateway: TestGateway): Promise<{ socket: WebSocket } | { status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/ws`, ['mcp']);
    socket.once('open', () => resolve({ socket }));
    socket.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] });
      res.resume();
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

/** A call in flight on each client (a session with one is never replaced); resolves when all ended. */
function busy(clients: Client[]): Promise<unknown> {
  return Promise.all(clients.map((c) => c.callTool({ name: 'system_events', arguments: { window_seconds: 2 } })));
}

async function metrics(gateway: TestGateway): Promise<string> {
  return (await fetch(gateway.metricsUrl ?? '')).text();
}

describe('max_sessions', () => {
  let gateway: TestGateway;
  const clients: Client[] = [];
  beforeEach(async () => {
    gateway = await startTestGateway({ enable_metrics: true, max_sessions: MAX_SESSIONS });
  });
  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.close()));
    await gateway.stop();
  });

  async function refusedHandshakes(): Promise<void> {
    expect(await rawUpgrade(gateway, { 'Sec-WebSocket-Version': '12' })).toBe(400);
    expect(await rawUpgrade(gateway, { 'Sec-WebSocket-Protocol': 'mcp,,' })).toBe(400);
    expect(await rawUpgrade(gateway, { 'Sec-WebSocket-Key': 'short' })).toBe(400);
    expect(await rawUpgrade(gateway, {}, { method: 'POST' })).toBe(405);
  }

  it('refused or abandoned WebSocket handshakes keep no slot; the limit answers 503 and closing frees a slot', async () => {
    // Whether an abandoned handshake ends before or after ws completes it depends on timing; neither
    // may keep its slot. The gateway sees it go a moment after the client does, hence the wait.
    for (let i = 0; i < MAX_SESSIONS; i++) expect(await rawUpgrade(gateway, {}, { abandon: true })).toBeUndefined();
    await until(async () => (await rawUpgrade(gateway, { 'Sec-WebSocket-Version': '12' })) === 400, 5_000, 'abandoned slots freed');
    await refusedHandshakes();
    for (let i = 0; i < MAX_SESSIONS; i++) clients.push(await connectWs(gateway, `ws-${i}`));
    // Had a refused or abandoned handshake kept its slot, the second connect would have replaced the first.
    await Promise.all(clients.map((c) => c.ping()));
    // Sessions with a call in flight are never replaced: the full pool answers 503.
    const running = busy(clients);
    await new Promise((r) => setTimeout(r, 300));
    expect(await tryWs(gateway)).toEqual({ status: 503, retryAfter: '5' });
    await running;

    await clients.shift()?.close();
    await until(async () => metricValue(await metrics(gateway), 'docker_mcp_websocket_connections') === MAX_SESSIONS - 1, 5_000, 'the close seen');
    let reopened: WebSocket | undefined;
    await until(async () => {
      const attempt = await tryWs(gateway);
      if ('socket' in attempt) reopened = attempt.socket;
      return reopened !== undefined;
    }, 5_000, 'a freed slot');
    // The freed slot was taken, not the remaining session's.
    await clients[0]?.ping();
    reopened?.close(1000);
  });

  it('counts Streamable HTTP sessions against the same limit', async () => {
    // Nor may a refused handshake keep a slot from HTTP sessions.
    expect(await rawUpgrade(gateway, { 'Sec-WebSocket-Protocol': 'mcp,,' })).toBe(400);
    const http = await connectHttpClient(gateway.url, 'http-0');
    clients.push(http.client, await connectWs(gateway, 'ws-0'));
    const running = busy(clients);
    await new Promise((r) => setTimeout(r, 300));
    await expect(connectHttpClient(gateway.url, 'http-1')).rejects.toSatisfy((error) => error instanceof StreamableHTTPError && error.code === 503);
    expect(await tryWs(gateway)).toMatchObject({ status: 503, retryAfter: '5' });
    await running;

    // The SDK client's close() only drops its streams; the DELETE ends the session and frees the slot
    // (the WebSocket session stays).
    await http.transport.terminateSession();
    clients.push((await connectHttpClient(gateway.url, 'http-2')).client);
    await clients[1]?.ping();
  });

  it('a full pool replaces the caller\'s own least recently used idle session (a client reconnecting after a drop)', async () => {
    for (let i = 0; i < MAX_SESSIONS; i++) clients.push(await connectWs(gateway, `ws-${i}`));
    // The SDK does not wait for its notifications/initialized to arrive; let ws-1's land before ws-0 speaks again.
    await new Promise((r) => setTimeout(r, 50));
    await clients[0]?.ping();
    // ws-1 is the least recently used: a new HTTP session takes its slot, and ws-1 is closed.
    const closed = new Promise<void>((resolve) => (clients[1]!.onclose = resolve));
    clients.push((await connectHttpClient(gateway.url, 'http-new')).client);
    await closed;
    await clients[0]?.ping();
    await clients[2]?.ping();
  });

  it('session gauges return to 0 and only completed handshakes count as 101', async () => {
    await refusedHandshakes();
    for (let i = 0; i < MAX_SESSIONS; i++) clients.push(await connectWs(gateway, `ws-${i}`));
    let text = await metrics(gateway);
    expect(metricValue(text, 'docker_mcp_websocket_connections')).toBe(MAX_SESSIONS);
    expect(metricValue(text, 'docker_mcp_open_sessions', { transport: 'ws' })).toBe(MAX_SESSIONS);
    expect(metricValue(text, 'docker_mcp_http_requests_total', { route: '/ws', status: '101' })).toBe(MAX_SESSIONS);
    expect(metricValue(text, 'docker_mcp_http_requests_total', { route: '/ws', status: '400' })).toBe(3);

    await Promise.all(clients.splice(0).map((c) => c.close()));
    await until(async () => {
      text = await metrics(gateway);
      return metricValue(text, 'docker_mcp_websocket_connections') === 0 && metricValue(text, 'docker_mcp_open_sessions', { transport: 'ws' }) === 0;
    }, 5_000, 'websocket gauges at 0');
  });
});
