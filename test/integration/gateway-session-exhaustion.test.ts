// Issue 14, class 7: one identity must not be able to take every session slot. Before the fix one
// read-scope token filled max_sessions in seconds (initialize was not rate-limited, there was no
// per-identity cap) and every other identity got 503 on /mcp and /ws; idle WebSocket connections,
// and HTTP sessions holding a standby GET stream, were never ended, so the lockout could be held.
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, connectWith, initializeMessage, mcpHeaders, rawRequest } from '../helpers/attacks.js';
import { connectHttpClient, metricValue, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openWs, until, type RawWs } from '../helpers/raw-mcp.js';

const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef01';
const tokens = [`alice:read:${ALICE}`, `bob:read:${BOB}`];
const MAX_SESSIONS = 8;
const PER_IDENTITY = 3;

type Connected = Awaited<ReturnType<typeof connectWith>>;

/** The HTTP status an SDK connect failed with (undefined: another failure). */
function statusOf(error: unknown): number | undefined {
  return error instanceof StreamableHTTPError ? error.code : undefined;
}

async function openSessions(gateway: TestGateway): Promise<number> {
  const text = await (await fetch(gateway.metricsUrl ?? '')).text();
  return metricValue(text, 'docker_mcp_open_sessions', { transport: 'http' }) + metricValue(text, 'docker_mcp_open_sessions', { transport: 'ws' });
}

/** Whether a system_ping tool call over a raw WebSocket succeeded. */
async function pingOverWs(ws: RawWs): Promise<boolean> {
  const reply = await ws.request('tools/call', { name: 'system_ping', arguments: {} });
  return reply.result !== undefined && !(reply.result as { isError?: boolean }).isError;
}

describe('session slots under attack by one identity', () => {
  let gateway: TestGateway;
  const clients: Connected[] = [];
  const sockets: RawWs[] = [];
  beforeAll(async () => {
    gateway = await startTestGateway({ enable_metrics: true, auth_tokens: tokens, max_sessions: MAX_SESSIONS, max_sessions_per_identity: PER_IDENTITY });
  });
  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.socket.terminate();
    // The SDK client's close() only drops its streams; the DELETE ends the session (404 if it ended already).
    await Promise.allSettled(clients.splice(0).map(async ({ client, transport }) => {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    }));
    await until(async () => (await openSessions(gateway)) === 0, 5_000, 'sessions closed');
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('a token opening as many sessions as it can over /mcp and /ws leaves room for another identity', async () => {
    const refusals: number[] = [];
    for (let i = 0; i < MAX_SESSIONS * 2; i++) {
      // SDK clients hold a standby GET stream, as real ones do; raw WebSockets just stay open.
      await connectWith(gateway.url, bearer(ALICE)).then((c) => clients.push(c), (error: unknown) => refusals.push(statusOf(error) ?? -1));
      await openWs(gateway.url, bearer(ALICE)).then((ws) => sockets.push(ws), (error: Error) => refusals.push(Number(/\d{3}/.exec(error.message)?.[0] ?? -1)));
    }
    // Another identity still gets in, over both transports, and can call a tool.
    const bob = await connectWith(gateway.url, bearer(BOB));
    clients.push(bob);
    expect((await bob.client.callTool({ name: 'system_ping', arguments: {} })).isError).toBeFalsy();
    const bobWs = await openWs(gateway.url, bearer(BOB));
    sockets.push(bobWs);
    expect(await pingOverWs(bobWs)).toBe(true);

    // Every attempt got in by replacing one of the identity's own idle sessions: it never held more
    // than its cap. Replaced WebSockets leave once their close handshake is done.
    expect(refusals).toEqual([]);
    await until(async () => (await openSessions(gateway)) === PER_IDENTITY + 2, 5_000, `${PER_IDENTITY} + 2 sessions left`);
  });

  it('at its cap a new session replaces the least recently used idle one (404 after), and is refused with 429 while all are busy', async () => {
    const [first, second, third] = [await connectWith(gateway.url, bearer(ALICE)), await connectWith(gateway.url, bearer(ALICE)), await connectWith(gateway.url, bearer(ALICE))];
    clients.push(first, second, third);
    // Use the first again: the second is now the least recently used.
    await first.client.ping();
    const fourth = await connectWith(gateway.url, bearer(ALICE));
    clients.push(fourth);
    await expect(second.client.ping()).rejects.toSatisfy((error) => statusOf(error) === 404);
    await Promise.all([first.client.ping(), third.client.ping(), fourth.client.ping()]);

    // All three busy (a call in flight on each): nothing may be replaced.
    const running = [first, third, fourth].map(({ client }) => client.callTool({ name: 'system_events', arguments: { window_seconds: 3 } }));
    await new Promise((r) => setTimeout(r, 300));
    const refused = await rawRequest(gateway.url, { path: '/mcp', headers: { ...mcpHeaders, ...bearer(ALICE) }, body: JSON.stringify(initializeMessage) });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('5');
    const body = JSON.parse(refused.body) as { jsonrpc: string; error: { code: number; message: string } };
    expect(body).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    expect(body.error.message).toMatch(/alice already has 3 sessions open, all busy \(max_sessions_per_identity=3\)/);
    await expect(openWs(gateway.url, bearer(ALICE))).rejects.toThrow('upgrade refused: 429');
    // Another identity is not affected.
    clients.push(await connectWith(gateway.url, bearer(BOB)));
    for (const result of await Promise.all(running)) expect(result.isError).toBeFalsy();
  });

  it('a replaced WebSocket is closed with 1008', async () => {
    for (let i = 0; i < PER_IDENTITY; i++) sockets.push(await openWs(gateway.url, bearer(ALICE)));
    sockets.push(await openWs(gateway.url, bearer(ALICE)));
    expect(await sockets[0]!.closed).toBe(1008);
    expect(await pingOverWs(sockets[PER_IDENTITY]!)).toBe(true);
  });
});

describe('per-connection buffers', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ enable_metrics: false });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('a WebSocket peer that stops reading is cut off instead of growing the gateway\'s memory', async () => {
    const ws = await openWs(gateway.url);
    let received = 0;
    ws.socket.on('message', () => received++);
    const raw = (ws.socket as unknown as { _socket: Socket })._socket;
    raw.pause();
    // tools/list costs no rate-limit token and answers ~50 KB: 1000 of them is ~50 MB queued.
    for (let i = 0; i < 1000; i++) ws.send('tools/list', {});
    await new Promise((r) => setTimeout(r, 2_000));
    raw.resume();
    const still = new Promise((r) => setTimeout(() => r('still open'), 10_000));
    expect(await Promise.race([ws.closed, still])).toBe(1006);
    expect(received).toBeLessThan(1000);
  });
});

describe('opening a session is counted under rate_limit_per_minute', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ enable_metrics: false, auth_tokens: tokens, rate_limit_per_minute: 3 });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('the fourth initialize in a minute gets 429 with Retry-After, over /mcp and /ws; another identity is unaffected', async () => {
    const initialize = (token: string) =>
      rawRequest(gateway.url, { path: '/mcp', headers: { ...mcpHeaders, ...bearer(token) }, body: JSON.stringify(initializeMessage) });
    for (let i = 0; i < 3; i++) expect((await initialize(ALICE)).status).toBe(200);
    const limited = await initialize(ALICE);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const body = JSON.parse(limited.body) as { error: { code: number; message: string } };
    expect(body.error.code).toBe(-32000);
    expect(body.error.message).toMatch(/alice may open 3 per minute \(rate_limit_per_minute\)/);
    await expect(openWs(gateway.url, bearer(ALICE))).rejects.toThrow('upgrade refused: 429');
    expect((await initialize(BOB)).status).toBe(200);
  });
});

describe('idle sessions are ended (session_idle_seconds)', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    // Small values (the setting's minimum is 10 s; tests set the resolved config directly).
    gateway = await startTestGateway({ enable_metrics: true, session_idle_seconds: 1, ws_heartbeat_seconds: 1 });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('closes an idle WebSocket (pongs are no activity) and keeps one that sends messages', async () => {
    const idle = await openWs(gateway.url);
    const chatty = await openWs(gateway.url);
    let talking = true;
    const talk = (async () => {
      while (talking) {
        await chatty.request('ping', {});
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const started = Date.now();
    // The heartbeat pings every second and the ws client answers each pong: still idle.
    expect(await idle.closed).toBe(1001);
    expect(Date.now() - started).toBeLessThan(4_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(chatty.socket.readyState).toBe(chatty.socket.OPEN);
    talking = false;
    await talk;
    chatty.socket.close();
  });

  it('ends an idle Streamable HTTP session although its client holds a GET stream', async () => {
    const { client } = await connectHttpClient(gateway.url, 'idle-http');
    try {
      await client.ping();
      await until(async () => {
        const text = await (await fetch(gateway.metricsUrl ?? '')).text();
        return metricValue(text, 'docker_mcp_open_sessions', { transport: 'http' }) === 0;
      }, 5_000, 'idle HTTP session ended');
      await expect(client.ping()).rejects.toSatisfy((error) => statusOf(error) === 404);
    } finally {
      await client.close();
    }
  });
});
