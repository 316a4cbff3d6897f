// Attack catalogue, transport: hostile Origin and Host (DNS rebinding) on /mcp, /ws and /mcp/call,
// oversized bodies and frames, JSON-RPC batches, malformed, deeply nested and `__proto__` JSON, and
// slow clients. Each request carries a container_create that would change Docker if it got
// through, sent with a valid admin token so only the transport control can be what stops it.
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  bearer, connectWith, createArgs, mcpHeaders, rawRequest, rpc, unchangedBy,
} from '../helpers/attacks.js';
import { testEnv } from '../helpers/env.js';
import { freePort, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ADMIN = 'admin-token-transport-0123456789';
const LIMIT = 64 * 1024;
const quiet = { auditStream: new Writable({ write: (_c, _e, cb) => cb() }), self: [] as string[] };

let gateway: TestGateway;
let port: number;
let sessionId: string;
let closeOwner: () => Promise<void>;

const createCall = (args = createArgs()) => ({ method: 'docker.container.create', params: args });
const toolsCall = (id = 7) => rpc('tools/call', { name: 'container_create', arguments: createArgs() }, id);

/** POST /mcp inside the valid session, with extra headers / a raw body. */
function mcpPost(body: string | Buffer, headers: Record<string, string> = {}) {
  return rawRequest(gateway.url, { path: '/mcp', headers: { ...mcpHeaders, ...bearer(ADMIN), 'Mcp-Session-Id': sessionId, ...headers }, body });
}

function legacyPost(body: string | Buffer, headers: Record<string, string> = {}) {
  return rawRequest(gateway.url, { path: '/mcp/call', headers: { 'Content-Type': 'application/json', ...bearer(ADMIN), ...headers }, body });
}

function upgradeStatus(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['mcp'], { headers: { ...bearer(ADMIN), ...headers } });
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('open', () => reject(new Error('upgrade should have been refused')));
    socket.once('error', () => undefined);
  });
}

function openWs(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['mcp'], { headers: bearer(ADMIN) });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

const nextFrame = (socket: WebSocket) =>
  new Promise<{ error?: { code: number; message: string } }>((resolve) => socket.once('message', (d: Buffer) => resolve(JSON.parse(d.toString()) as { error?: { code: number; message: string } })));

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

beforeAll(async () => {
  port = await freePort();
  gateway = await startTestGateway(
    {
      enable_metrics: false, port, auth_tokens: [`root:admin:${ADMIN}`], policy_preset: 'admin',
      allowed_images: [testEnv.testImage.split(':')[0]!], max_body_bytes: LIMIT, ws_max_payload_bytes: LIMIT,
    },
    { securityDeps: quiet },
  );
  const owner = await connectWith(gateway.url, bearer(ADMIN));
  sessionId = owner.transport.sessionId ?? '';
  closeOwner = () => owner.client.close();
});

afterAll(async () => {
  await closeOwner?.();
  await gateway?.stop();
});

describe('attacks on the transports (running gateway)', () => {
  it.each([
    ['foreign Origin', { Origin: 'https://evil.example' }],
    ['Origin: null', { Origin: 'null' }],
    ['look-alike Origin', { Origin: `http://127.0.0.1.evil.example:${0}` }],
    ['rebinding Host', { Host: 'evil.example' }],
    ['rebinding Host with the right port', { Host: `attacker.example:${0}` }],
  ])('%s: 403 on /mcp, /mcp/call and the /ws upgrade, nothing created', async (_name, raw) => {
    const headers = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.replace(':0', `:${port}`)]));
    await unchangedBy(async () => {
      const mcp = await mcpPost(JSON.stringify(toolsCall()), headers);
      expect(mcp.status).toBe(403);
      expect((await legacyPost(JSON.stringify(createCall()), headers)).status).toBe(403);
      expect(await upgradeStatus(headers)).toBe(403);
    });
  });

  it('413 before parsing for oversized /mcp and /mcp/call bodies, declared or chunked', async () => {
    const padded = JSON.stringify(createCall(createArgs({ env: { PAD: 'x'.repeat(LIMIT) } })));
    await unchangedBy(async () => {
      expect((await legacyPost(padded)).status).toBe(413);
      expect((await legacyPost(padded, { 'Transfer-Encoding': 'chunked' })).status).toBe(413);
      const res = await mcpPost(JSON.stringify(rpc('tools/call', { name: 'container_create', arguments: createArgs({ env: { PAD: 'x'.repeat(LIMIT) } }) })));
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });
    });
  });

  it('closes a WebSocket with 1009 when a frame exceeds ws_max_payload_bytes', async () => {
    const socket = await openWs();
    const code = await unchangedBy(async () => {
      const closed = new Promise<number>((resolve) => socket.once('close', (c) => resolve(c)));
      socket.send(JSON.stringify(rpc('tools/call', { name: 'container_create', arguments: createArgs({ env: { PAD: 'x'.repeat(LIMIT + 1) } }) })));
      return closed;
    });
    expect(code).toBe(1009);
  });

  it('rejects JSON-RPC batches on /mcp (400) and /ws (-32600), running none of them', async () => {
    await unchangedBy(async () => {
      const res = await mcpPost(JSON.stringify([toolsCall(1), toolsCall(2)]));
      expect(res.status).toBe(400);
      expect(res.body).toMatch(/batches are not supported/);
      const socket = await openWs();
      const frame = nextFrame(socket);
      socket.send(JSON.stringify([toolsCall(1), toolsCall(2)]));
      expect(await frame).toMatchObject({ error: { code: -32600 } });
      socket.close();
    });
  });

  it('answers malformed JSON with -32700 on /mcp and /mcp/call', async () => {
    await unchangedBy(async () => {
      const mcp = await mcpPost('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"container_create"');
      expect(mcp.status).toBe(400);
      expect(JSON.parse(mcp.body)).toMatchObject({ error: { code: -32700 } });
      const legacy = await legacyPost('{"method": "docker.container.create", "params": {');
      expect(legacy.status).toBe(400);
      expect(JSON.parse(legacy.body)).toMatchObject({ error: { code: -32700 } });
    });
  });

  it('refuses deeply nested JSON (20 000 levels) on every transport without crashing', async () => {
    await unchangedBy(async () => {
      const nested = JSON.stringify(createCall(createArgs())).replace('"cmd":', `"x":${deep(20_000)},"cmd":`);
      expect((await legacyPost(nested)).status).toBe(400);
      const mcp = await mcpPost(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"container_create","arguments":${deep(20_000)}}}`);
      expect(mcp.body).toMatch(/nested deeper than 64/);
      const socket = await openWs();
      const frame = nextFrame(socket);
      socket.send(`{"jsonrpc":"2.0","id":4,"method":"tools/list","params":${deep(20_000)}}`);
      expect(await frame).toMatchObject({ error: { code: -32700 } });
      socket.close();
    });
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  });

  it('refuses __proto__ keys (prototype pollution towards privileged) on /mcp/call, /mcp and /ws', async () => {
    const polluted = (id: number) =>
      `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"container_create","arguments":{"image":"${testEnv.testImage}","__proto__":{"privileged":true}}}}`;
    await unchangedBy(async () => {
      const legacy = await legacyPost(`{"method":"docker.container.create","params":{"image":"${testEnv.testImage}","__proto__":{"privileged":true}}}`);
      expect(legacy.status).toBe(400);
      expect(legacy.body).toContain('__proto__');
      expect((await mcpPost(polluted(5))).status).toBe(400);
      const socket = await openWs();
      const frame = nextFrame(socket);
      socket.send(polluted(6));
      expect(await frame).toMatchObject({ error: { code: -32700 } });
      socket.close();
    });
    expect(({} as Record<string, unknown>).privileged).toBeUndefined();
  });
});

describe('slow clients (slowloris)', () => {
  let slow: TestGateway;
  beforeAll(async () => {
    slow = await startTestGateway(
      { enable_metrics: false, auth_tokens: [`root:admin:${ADMIN}`], policy_preset: 'admin' },
      { securityDeps: quiet, http: { maxBodyBytes: LIMIT, wsMaxPayloadBytes: LIMIT, headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 } },
    );
  });
  afterAll(async () => {
    await slow?.stop();
  });

  /**
   * Sends `head` (at once, or byte by byte) and then `body` one byte every 100 ms; resolves with
   * what the server answered when it closes the connection.
   */
  function dribble(head: string, body: string, headAtOnce: boolean): Promise<{ ms: number; response: string }> {
    const url = new URL(slow.url);
    return new Promise((resolve) => {
      const socket = new Socket();
      const started = Date.now();
      let response = '';
      const bytes = headAtOnce ? [...body] : [...head, ...body];
      let timer: NodeJS.Timeout | undefined;
      socket.on('data', (d) => (response += d.toString()));
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ ms: Date.now() - started, response });
      });
      socket.on('error', () => undefined);
      socket.connect(Number(url.port), url.hostname, () => {
        if (headAtOnce) socket.write(head);
        timer = setInterval(() => {
          const next = bytes.shift();
          if (next !== undefined && !socket.destroyed) socket.write(next);
        }, 100);
      });
    });
  }

  it('cuts off a client that sends its headers byte by byte (headersTimeout)', async () => {
    const body = JSON.stringify(createCall());
    const head = `POST /mcp/call HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nX-Padding: ${'a'.repeat(200)}\r\n\r\n`;
    const { ms, response } = await unchangedBy(() => dribble(head, body, false));
    expect(ms).toBeLessThan(5_000);
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('cuts off a client that sends its body byte by byte (requestTimeout)', async () => {
    const body = JSON.stringify(createCall());
    const head = `POST /mcp/call HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { ms, response } = await unchangedBy(() => dribble(head, body, true));
    expect(ms).toBeLessThan(6_000);
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
  });
});
