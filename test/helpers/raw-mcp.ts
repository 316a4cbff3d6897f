// Minimal MCP clients over raw sockets for fault tests: unlike the SDK clients they can drop the
// connection at any instant (abort a POST stream, terminate a WebSocket) without saying goodbye,
// which is exactly what a crashed laptop or a cut tunnel does.
import WebSocket from 'ws';

const PROTOCOL = '2025-06-18';
const initialize = {
  jsonrpc: '2.0', id: 0, method: 'initialize',
  params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'raw-test', version: '0' } },
};
const HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

/** Opens a Streamable HTTP session and returns its id (stateful gateways). */
export async function openHttpSession(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${url}/mcp`, { method: 'POST', headers: { ...HEADERS, ...headers }, body: JSON.stringify(initialize) });
  const sessionId = res.headers.get('mcp-session-id');
  await res.text();
  if (!res.ok || !sessionId) throw new Error(`initialize failed: ${res.status}`);
  const done = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { ...HEADERS, ...headers, 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': PROTOCOL },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  await done.text();
  return sessionId;
}

export interface PendingCall {
  /** Drops the connection carrying the call. */
  disconnect(): void;
  /** The raw response text (SSE or JSON), or the error after a disconnect. */
  settled: Promise<string>;
}

/** POSTs one tools/call on a session (or statelessly when sessionId is undefined). */
export function httpCall(url: string, sessionId: string | undefined, name: string, args: Record<string, unknown>, id = 1): PendingCall {
  const controller = new AbortController();
  const headers: Record<string, string> = { ...HEADERS, 'MCP-Protocol-Version': PROTOCOL };
  if (sessionId) headers['Mcp-Session-Id'] = sessionId;
  const settled = fetch(`${url}/mcp`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }),
    signal: controller.signal,
  }).then(
    (res) => res.text(),
    (error: unknown) => String(error),
  );
  return { disconnect: () => controller.abort(), settled: settled.catch((error: unknown) => String(error)) };
}

export interface RawWs {
  socket: WebSocket;
  /** Sends a request and resolves with its response message. */
  request(method: string, params: unknown): Promise<Record<string, unknown>>;
  /** Sends without waiting (for calls that will be cut off). */
  send(method: string, params: unknown): void;
  closed: Promise<number>;
}

export async function openWs(url: string, headers: Record<string, string> = {}): Promise<RawWs> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, ['mcp'], { headers });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  let nextId = 1;
  const waiting = new Map<number, (message: Record<string, unknown>) => void>();
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as Record<string, unknown>;
    if (typeof message.id === 'number') waiting.get(message.id)?.(message);
  });
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  const send = (method: string, params: unknown, id?: number): void => {
    socket.send(JSON.stringify({ jsonrpc: '2.0', ...(id === undefined ? {} : { id }), method, params }));
  };
  const request = (method: string, params: unknown): Promise<Record<string, unknown>> => {
    const id = nextId++;
    return new Promise((resolve) => {
      waiting.set(id, resolve);
      send(method, params, id);
    });
  };
  await request('initialize', initialize.params);
  send('notifications/initialized', {});
  return { socket, request, send: (method, params) => send(method, params, nextId++), closed };
}

/** Polls until `probe` returns true or the time is up; returns how long it took, or throws. */
export async function until(probe: () => Promise<boolean> | boolean, timeoutMs: number, what: string, stepMs = 50): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
