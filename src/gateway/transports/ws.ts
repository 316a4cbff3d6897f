// WebSocket at /ws, compatible with the SDK's WebSocketClientTransport: subprotocol "mcp", one
// JSON-RPC message per text frame. Authentication and the Origin/Host guard run before the
// upgrade completes; a ping/pong heartbeat ends dead peers (proxies drop idle sockets silently).
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage, type MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { GatewayCore } from '../core.js';
import { parseJsonSafely } from '../limits/http-guards.js';
import { toAuthInfo } from '../request-context.js';
import type { SessionLease, SessionTable } from '../limits/sessions.js';
import type { Identity } from '../security.js';
import type { createMcpServer } from '../server.js';
import { loadServerModule } from './session-modules.js';

export const WS_SUBPROTOCOL = 'mcp';

type CreateMcpServer = typeof createMcpServer;

/** Close codes (RFC 6455 §7.4.1). */
export const CloseCode = { normal: 1000, goingAway: 1001, protocolError: 1002, unsupportedData: 1003, policyViolation: 1008, tooBig: 1009, internalError: 1011 } as const;

/** The server half of the SDK Transport contract over one accepted socket. */
export class WebSocketServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  readonly sessionId = randomUUID();
  /** When the client last sent a frame; pings and pongs are control frames and do not count. */
  lastActivity = Date.now();
  /** Client requests not yet answered, by JSON-RPC id: while any is, the connection is busy. */
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly socket: WebSocket,
    private readonly identity: Identity,
  ) {}

  start(): Promise<void> {
    this.socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    this.socket.on('close', () => this.onclose?.());
    this.socket.on('error', (error) => this.onerror?.(error));
    return Promise.resolve();
  }

  /** A client request is being answered. */
  busy(): boolean {
    return this.pending.size > 0;
  }

  private receive(data: RawData, isBinary: boolean): void {
    this.lastActivity = Date.now();
    if (isBinary) {
      this.socket.close(CloseCode.unsupportedData, 'binary frames are not supported; send JSON-RPC as text');
      return;
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    // Same JSON rules as HTTP bodies: bounded nesting, no `__proto__` keys.
    const safe = parseJsonSafely(text);
    if (!safe.ok) {
      this.reject(null, -32700, `Parse error: ${safe.message}`);
      return;
    }
    const parsed = safe.value;
    if (Array.isArray(parsed)) {
      this.reject(null, -32600, 'Invalid Request: JSON-RPC batches are not supported (removed in MCP 2025-06-18); send one message per frame.');
      return;
    }
    const message = JSONRPCMessageSchema.safeParse(parsed);
    if (!message.success) {
      const id = (parsed as { id?: unknown } | null)?.id;
      this.reject(typeof id === 'string' || typeof id === 'number' ? id : null, -32600, 'Invalid Request: not a JSON-RPC 2.0 message.');
      return;
    }
    this.track(message.data);
    const rpcId = 'id' in message.data ? String(message.data.id) : 'n';
    const authInfo = toAuthInfo(this.identity, 'ws', `ws:${this.sessionId.slice(0, 8)}:${rpcId}`);
    this.onmessage?.(message.data, { authInfo });
  }

  private track(message: JSONRPCMessage): void {
    if ('method' in message && 'id' in message) {
      const key = String(message.id);
      this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    } else if ('method' in message && message.method === 'notifications/cancelled') {
      // The spec has no answer follow a cancelled request, so it stops counting now.
      const id = (message.params as { requestId?: unknown } | undefined)?.requestId;
      if (typeof id === 'string' || typeof id === 'number') this.settle(String(id));
    }
  }

  private settle(key: string): void {
    const n = (this.pending.get(key) ?? 0) - 1;
    if (n > 0) this.pending.set(key, n);
    else this.pending.delete(key);
  }

  private reject(id: string | number | null, code: number, message: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }));
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (!('method' in message) && 'id' in message) this.settle(String(message.id));
    return new Promise((resolve, reject) => {
      if (this.socket.readyState !== this.socket.OPEN) {
        reject(new Error('WebSocket is not open'));
        return;
      }
      this.socket.send(JSON.stringify(message), (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): Promise<void> {
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(CloseCode.normal, 'session closed');
    return Promise.resolve();
  }
}

function refuse(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: { code: STATUS_CODES[status]?.toLowerCase().replace(/ /g, '_') ?? 'error', message } });
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
}

export function attachWebSocket(
  core: GatewayCore,
  server: Server,
  slots: Pick<SessionTable, 'open'>,
): { close(): Promise<void> } {
  const { log, metrics, config } = core;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: core.http.wsMaxPayloadBytes,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
  });
  // handleUpgrade() refuses a bad handshake (key, version, malformed Sec-WebSocket-Protocol) without
  // calling back. With this listener ws leaves the answer to us, so it is counted and the slot freed now.
  const refusedHandshake = new WeakMap<Duplex, (status: number) => void>();
  wss.on('wsClientError', (error: Error, socket: Duplex, req: IncomingMessage) => {
    refusedHandshake.get(socket)?.(400);
    // RFC 6455 §4.4: a version the server does not speak is answered with the ones it does.
    const version = Number(req.headers['sec-websocket-version']);
    refuse(socket, 400, error.message, version === 13 || version === 8 ? {} : { 'Sec-WebSocket-Version': '13, 8' });
  });

  function connected(socket: WebSocket, identity: Identity, createMcpServer: CreateMcpServer, lease: SessionLease): void {
    const transport = new WebSocketServerTransport(socket, identity);
    const mcp = createMcpServer(core, { transport: 'ws' });
    lease.attach({
      lastActivity: () => transport.lastActivity,
      busy: () => transport.busy(),
      end: (reason) => {
        if (reason === 'idle') socket.close(CloseCode.goingAway, `idle for ${config.session_idle_seconds} s (session_idle_seconds)`);
        else socket.close(CloseCode.policyViolation, 'replaced by a newer session of this identity (max_sessions_per_identity)');
      },
    });
    // Counted once set-up succeeded: the 'close' below, which uncounts, is registered from here on.
    metrics.wsConnections.inc();
    metrics.openSessions.inc({ transport: 'ws' });
    let alive = true;
    socket.on('pong', () => (alive = true));
    socket.on('message', () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) {
        log.info({ connection: transport.sessionId }, 'websocket peer missed a heartbeat; terminating');
        socket.terminate();
        return;
      }
      alive = false;
      socket.ping();
    }, config.ws_heartbeat_seconds * 1000);
    socket.once('close', (code) => {
      clearInterval(heartbeat);
      metrics.wsConnections.dec();
      metrics.openSessions.dec({ transport: 'ws' });
      log.info({ connection: transport.sessionId, code }, 'websocket closed');
      void mcp.close();
    });
    log.info({ connection: transport.sessionId, identity: identity.id }, 'websocket opened');
    mcp.server.connect(transport).catch((error: unknown) => {
      log.error({ err: error }, 'websocket server connect failed');
      socket.close(CloseCode.internalError, 'server error');
    });
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const count = (status: number): void => {
      metrics.httpRequests.inc({ method: req.method ?? 'GET', route: path === '/ws' ? '/ws' : 'other', status: String(status) });
    };
    if (path !== '/ws') {
      count(404);
      refuse(socket, 404, 'WebSocket is served at /ws only.');
      return;
    }
    if (req.method !== 'GET') {
      count(405);
      refuse(socket, 405, 'A WebSocket handshake is a GET request.', { Allow: 'GET' });
      return;
    }
    if (core.lifecycle.draining) {
      count(503);
      refuse(socket, 503, 'The gateway is shutting down; retry against another replica.', { 'Retry-After': '1' });
      return;
    }
    const guard = core.guard.check(req);
    if (!guard.ok) {
      count(guard.status);
      refuse(socket, guard.status, guard.message);
      return;
    }
    if (!offeredProtocols(req).includes(WS_SUBPROTOCOL)) {
      count(400);
      refuse(socket, 400, `The WebSocket subprotocol "${WS_SUBPROTOCOL}" is required (Sec-WebSocket-Protocol: mcp).`);
      return;
    }
    const auth = await core.authenticator.authenticate(req);
    if (!auth.ok) {
      count(auth.status);
      refuse(socket, auth.status, auth.message, auth.wwwAuthenticate ? { 'WWW-Authenticate': auth.wwwAuthenticate } : {});
      return;
    }
    // Loaded before the upgrade completes (so no frame arrives before the session listens) and
    // before the slot is taken (so a failed load cannot leak it).
    const { createMcpServer } = await loadServerModule();
    // The client left during the awaits: nothing to answer, and its 'close' may already be past.
    if (socket.destroyed) return;
    const slot = slots.open(auth.identity, 'ws');
    if (!slot.ok) {
      count(slot.status);
      refuse(socket, slot.status, slot.message, { 'Retry-After': String(slot.retryAfterSeconds) });
      return;
    }
    // The slot lives as long as the raw socket, whatever becomes of the handshake: ws may drop the
    // socket without calling back (client already gone, server closing), refuse it (wsClientError
    // above), or complete it, and then the WebSocket's own 'close' follows this one.
    const release = slot.lease.release;
    socket.once('close', release);
    refusedHandshake.set(socket, (status) => {
      count(status);
      release();
    });
    wss.handleUpgrade(req, socket, head, (ws) => {
      count(101);
      // Past this point the socket speaks WebSocket: a failure must close it as one, not get the
      // HTTP 500 that the upgrade's catch below would write.
      try {
        connected(ws, auth.identity, createMcpServer, slot.lease);
      } catch (error) {
        log.error({ err: error }, 'websocket session setup failed');
        ws.close(CloseCode.internalError, 'server error');
      }
    });
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    upgrade(req, socket, head).catch((error: unknown) => {
      log.error({ err: error }, 'websocket upgrade failed');
      refuse(socket, 500, 'Internal error; see the gateway log.');
    });
  });

  return {
    async close() {
      for (const client of wss.clients) client.close(CloseCode.goingAway, 'server shutting down');
      // Give peers a moment to answer the close handshake, then cut whoever did not.
      const deadline = Date.now() + 2_000;
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
