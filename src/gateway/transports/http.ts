// The public listener: /mcp (Streamable HTTP), /ws (WebSocket upgrade), /mcp/call (the seed's
// plain JSON call), /health and /ready. Routing and the request metric live here; each route's
// behaviour lives in its own module.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayCore } from '../core.js';
import { SessionTable } from '../limits/sessions.js';
import { requestIdFor } from '../request-context.js';
import { admit, sendError, sendJson } from './http-util.js';
import { handleLegacyCall } from './legacy-call.js';
import { createStreamableHandler } from './streamable.js';
import { attachWebSocket } from './ws.js';

export interface HttpGateway {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

const routes: Record<string, string[]> = {
  '/mcp': ['GET', 'POST', 'DELETE'],
  '/mcp/call': ['POST'],
  '/health': ['GET', 'HEAD'],
  '/ready': ['GET', 'HEAD'],
  '/ws': ['GET'],
};

export async function startHttpGateway(core: GatewayCore): Promise<HttpGateway> {
  const { config, log, metrics } = core;
  // One table of session slots for both transports (limits/sessions.ts): per-identity caps, opens
  // under the rate limit, idle sessions ended.
  const sessions = new SessionTable({
    maxSessions: config.max_sessions,
    maxPerIdentity: config.max_sessions_per_identity,
    idleMs: config.session_idle_seconds * 1000,
    opensPerMinute: config.rate_limit_per_minute,
    onEnd: (identity, transport, reason) => log.info({ identity, transport, reason }, reason === 'idle' ? 'closing idle session' : 'ending the least recently used idle session of an identity that opened a new one'),
  });
  if (config.max_sessions_per_identity === 0 || config.max_sessions_per_identity >= config.max_sessions) {
    log.warn({ max_sessions: config.max_sessions, max_sessions_per_identity: config.max_sessions_per_identity },
      'max_sessions_per_identity does not keep one identity from holding every session slot; set it below max_sessions');
  }
  const streamable = createStreamableHandler(core, sessions);
  const started = Date.now();

  async function dispatch(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const metadata = core.http.resourceMetadata;
    if (metadata && path === metadata.path && (req.method === 'GET' || req.method === 'HEAD')) {
      // Public by design (RFC 9728): clients read it to find where to get a token.
      sendJson(res, 200, metadata.body, { 'Access-Control-Allow-Origin': '*' });
      return;
    }
    const allowed = routes[path];
    if (!allowed) {
      sendError(res, 404, 'not_found', `No route ${path}. Endpoints: /mcp, /ws, /mcp/call, /health, /ready.`, 'plain');
      return;
    }
    const method = req.method ?? 'GET';
    if (!allowed.includes(method)) {
      sendError(res, 405, 'method_not_allowed', `${method} is not allowed on ${path}; use ${allowed.join(', ')}.`, 'plain', {
        Allow: allowed.join(', '),
      });
      return;
    }
    switch (path) {
      case '/health':
        sendJson(res, 200, { status: 'ok', version: core.version, uptime_seconds: Math.round((Date.now() - started) / 1000) });
        return;
      case '/ready': {
        const readiness = await core.health.readiness();
        if (readiness.ready) sendJson(res, 200, { status: 'ready', docker: readiness.endpoint, latency_ms: readiness.latencyMs });
        else sendJson(res, 503, { status: 'unavailable', docker: readiness.endpoint, reason: readiness.reason });
        return;
      }
      case '/ws':
        sendError(res, 426, 'upgrade_required', 'Connect with a WebSocket client using subprotocol "mcp".', 'plain', {
          Upgrade: 'websocket',
        });
        return;
      case '/mcp': {
        // Proxies (nginx, Cloudflare) must neither buffer nor transform the SSE streams.
        res.setHeader('Cache-Control', 'no-cache, no-transform');
        res.setHeader('X-Accel-Buffering', 'no');
        const identity = await admit(core, req, res, 'jsonrpc');
        if (identity) await streamable.handle(req, res, identity, res.getHeader('X-Request-Id') as string);
        return;
      }
      case '/mcp/call': {
        const identity = await admit(core, req, res, 'plain');
        if (identity) await handleLegacyCall(core, req, res, identity, res.getHeader('X-Request-Id') as string);
        return;
      }
    }
  }

  // Both bounds cover receiving the request only; SSE responses can stream for hours. Node checks
  // them every connectionsCheckingInterval, so that must be well below the timeouts.
  const headersTimeout = core.http.headersTimeoutMs ?? 20_000;
  const requestTimeout = Math.max(core.http.requestTimeoutMs ?? 60_000, headersTimeout);
  const connectionsCheckingInterval = Math.max(100, Math.min(5_000, Math.floor(headersTimeout / 4)));
  const server = createServer({ headersTimeout, requestTimeout, connectionsCheckingInterval }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const requestId = requestIdFor(req);
    res.setHeader('X-Request-Id', requestId);
    const route = path in routes ? path : 'other';
    res.on('close', () => {
      metrics.httpRequests.inc({ method: req.method ?? 'GET', route, status: String(res.statusCode) });
    });
    if (core.lifecycle.draining && path !== '/health' && path !== '/ready') {
      // Shutting down (shutdown.ts): running calls finish on their own responses; new work goes elsewhere.
      sendError(res, 503, path === '/mcp' ? -32000 : 'shutting_down', 'The gateway is shutting down; retry against another replica.',
        path === '/mcp' ? 'jsonrpc' : 'plain', { 'Retry-After': '1', Connection: 'close' });
      return;
    }
    dispatch(req, res, path).catch((error: unknown) => {
      log.error({ err: error, requestId, path }, 'request failed');
      if (!res.headersSent) sendError(res, 500, 'internal', 'Internal error; see the gateway log.', 'plain');
      else res.end();
    });
  });
  const ws = attachWebSocket(core, server, sessions);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    server,
    port,
    url: `http://${hostForUrl}:${port}`,
    async close() {
      await ws.close();
      await streamable.close();
      sessions.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive sockets would otherwise hold close() open.
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      });
    },
  };
}
