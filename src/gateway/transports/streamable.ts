// Streamable HTTP at /mcp: a session map by default (one SDK server per session), or a fresh server
// per request under --stateless so replicas behind a load balancer need no shared state.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { GatewayCore } from '../core.js';
import { abortedOnClose, toAuthInfo } from '../request-context.js';
import type { Identity } from '../security.js';
import type { McpServerHandle } from '../server.js';
import { admitMcpPost } from './body-guard.js';
import { sendError } from './http-util.js';
import { jsonEligible, JsonReplyTransport } from './json-reply.js';
import { quietCallsOf } from './quiet-calls.js';
import { loadServerModule, loadStreamableModule } from './session-modules.js';

interface Session {
  transport: StreamableHTTPServerTransport;
  /** What the session's SDK server is connected to: answers calls without progress as plain JSON. */
  json: JsonReplyTransport;
  mcp: McpServerHandle;
  /** Identity that opened the session; other identities cannot use its id. */
  ownerId: string;
  active: number;
  lastSeen: number;
}

export interface StreamableHandler {
  handle(req: IncomingMessage, res: ServerResponse, identity: Identity, requestId: string): Promise<void>;
  sessionCount(): number;
  close(): Promise<void>;
}

export interface StreamableOptions {
  /** Called before a new session is accepted; false = at capacity (shared with WebSocket). */
  reserveSession: () => boolean;
  releaseSession: () => void;
}

export function createStreamableHandler(core: GatewayCore, options: StreamableOptions): StreamableHandler {
  const { config, log, metrics } = core;
  const keepAliveMs = config.sse_keepalive_seconds * 1000;
  const quiet = quietCallsOf(core);
  const quietTooLong = quiet.request;
  const sessions = new Map<string, Session>();

  const sweeper = setInterval(() => {
    const cutoff = Date.now() - config.session_idle_seconds * 1000;
    for (const [id, session] of sessions) {
      if (session.active === 0 && session.lastSeen < cutoff) {
        log.info({ sessionId: id }, 'closing idle session');
        void session.transport.close();
      }
    }
  }, Math.min(60_000, (config.session_idle_seconds * 1000) / 2));
  sweeper.unref();

  async function stateless(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    if (req.method !== 'POST') {
      sendError(res, 405, -32000, 'Method not allowed: this gateway runs stateless (--stateless); send requests with POST.', 'jsonrpc', { Allow: 'POST' });
      return;
    }
    const [{ createMcpServer }, { StreamableHTTPServerTransport }] = await Promise.all([loadServerModule(), loadStreamableModule()]);
    // One transport per request here, so its response mode can simply follow the request (json-reply.ts).
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, keepAliveMs, enableJsonResponse: jsonEligible(req, body, quietTooLong) !== undefined });
    const mcp = createMcpServer(core, { transport: 'http' });
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async function openSession(req: IncomingMessage, res: ServerResponse, identity: Identity, body: unknown): Promise<void> {
    if (req.method !== 'POST') {
      sendError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required (initialize with POST first).', 'jsonrpc');
      return;
    }
    // Before the slot is taken, so a failed load cannot leak it.
    const [{ createMcpServer }, { StreamableHTTPServerTransport }] = await Promise.all([loadServerModule(), loadStreamableModule()]);
    if (!options.reserveSession()) {
      sendError(res, 503, -32000, `Too many open sessions (max_sessions=${config.max_sessions}); retry later.`, 'jsonrpc', { 'Retry-After': '5' });
      return;
    }
    let session: Session | undefined;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      options.releaseSession();
    };
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      keepAliveMs,
      onsessioninitialized: (id) => {
        session = { transport, json, mcp, ownerId: identity.id, active: 1, lastSeen: Date.now() };
        sessions.set(id, session);
        metrics.openSessions.inc({ transport: 'http' });
        log.info({ sessionId: id, identity: identity.id }, 'session opened');
      },
    });
    const json = new JsonReplyTransport(transport);
    const mcp = createMcpServer(core, { transport: 'http' });
    transport.onclose = () => {
      const id = transport.sessionId;
      if (id && sessions.delete(id)) {
        metrics.openSessions.dec({ transport: 'http' });
        log.info({ sessionId: id }, 'session closed');
      }
      release();
      void mcp.close();
    };
    await mcp.server.connect(json);
    try {
      await transport.handleRequest(req, res, body);
    } finally {
      if (session) session.active--;
    }
    // Not an initialize request (the SDK answered 400): nothing to keep.
    if (!transport.sessionId) {
      release();
      await transport.close();
    }
  }

  return {
    async handle(req, res, identity, requestId) {
      (req as IncomingMessage & { auth?: unknown }).auth = toAuthInfo(identity, 'http', requestId, abortedOnClose(res));
      // POST bodies are read, limited and checked here; the SDK gets the parsed message.
      let body: unknown;
      if (req.method === 'POST') {
        const admitted = await admitMcpPost(core, req, res, identity);
        if (!admitted) return;
        body = admitted.message;
      }
      if (config.stateless) return stateless(req, res, body);
      const header = req.headers['mcp-session-id'];
      const sessionId = Array.isArray(header) ? header[0] : header;
      if (!sessionId) return openSession(req, res, identity, body);
      const session = sessions.get(sessionId);
      // Another identity's session answers exactly like a missing one: its existence is not revealed.
      if (!session || session.ownerId !== identity.id) {
        if (session) log.warn({ sessionId, identity: identity.id }, 'session used by another identity');
        // Behind a load balancer without sticky sessions the session may simply live on another replica.
        sendError(res, 404, -32001, 'Session not found: it ended, never existed, or lives on another replica; initialize a new one. ' +
          'Several replicas behind a load balancer need --stateless (DOCKER_MCP_STATELESS=true) or sticky sessions.', 'jsonrpc');
        return;
      }
      session.active++;
      session.lastSeen = Date.now();
      try {
        const request = jsonEligible(req, body, quietTooLong);
        if (!request || !(await session.json.answer(req, res, request))) await session.transport.handleRequest(req, res, body);
      } finally {
        session.active--;
        session.lastSeen = Date.now();
      }
    },
    sessionCount: () => sessions.size,
    async close() {
      clearInterval(sweeper);
      await Promise.allSettled([...sessions.values()].map((s) => s.transport.close()));
    },
  };
}
