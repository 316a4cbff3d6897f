// WebSocket at /ws, compatible with the SDK's WebSocketClientTransport: subprotocol "mcp", one
// JSON-RPC message per text frame. Authentication and the Origin/Host guard run before the
// upgrade completes; a ping/pong heartbeat ends dead peers (proxies drop idle sockets silently).
// The connection holds a session slot (limits/sessions.ts) from the upgrade until the raw socket closes.
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { GatewayCore } from '../core.js';
import type { SessionLease, SessionTable } from '../limits/sessions.js';
import type { Identity } from '../security.js';
import type { createMcpServer } from '../server.js';
import { loadServerModule } from './session-modules.js';
import { CloseCode, WebSocketServerTransport } from './ws-transport.js';

export { CloseCode, WebSocketServerTransport } from './ws-transport.js';

export const WS_SUBPROTOCOL = 'mcp';

type CreateMcpServer = typeof createMcpServer;

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
  // Room for a few of the largest results (max_output_bytes, JSON-escaped) before a peer counts as not reading.
  const maxBufferedBytes = Math.max(16 * 1024 * 1024, 8 * config.max_output_bytes);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: core.http.wsMaxPayloadBytes,
    perMessageDeflate: false,
    // One message (or ping) per event-loop turn per connection, and the socket paused until it is
    // handled: by default ws handles every frame of a read at once, and libuv reads up to 32 × 64 KiB
    // per socket per turn, so a peer sending tiny frames (300k `{}` frames, 2.4 MB) held the loop for
    // seconds and stalled every other identity. Deferred, connections take turns.
    allowSynchronousEvents: false,
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
    const transport = new WebSocketServerTransport(socket, identity, maxBufferedBytes, (queued) =>
      log.warn({ connection: transport.sessionId, identity: identity.id, queued }, 'websocket peer is not reading its messages; connection cut'));
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
    // Authenticated once, at the upgrade: a reload that revokes the token closes the socket (1008),
    // which aborts its running calls; a peer that does not answer the close is cut after 2 s.
    const unwatch = core.revocations.watch(identity, () => {
      log.info({ connection: transport.sessionId, identity: identity.id }, 'websocket closed: its token was revoked');
      socket.close(CloseCode.policyViolation, 'token revoked; reconnect with a current token');
      setTimeout(() => socket.terminate(), 2_000).unref();
    });
    socket.once('close', (code) => {
      unwatch();
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
