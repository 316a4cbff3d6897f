// Streamable HTTP at /mcp: a session map by default (one SDK server per session), or a fresh server
// per request under --stateless so replicas behind a load balancer need no shared state.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { GatewayCore } from '../core.js';
import { abortedOnClose, toAuthInfo } from '../request-context.js';
import type { SessionTable } from '../limits/sessions.js';
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
  /** POST/DELETE requests being answered; a standby GET stream is not activity (limits/sessions.ts). */
  active: number;
  lastSeen: number;
}

/** The id of a POSTed JSON-RPC request (not of a notification or response). */
function requestIdOf(body: unknown): string | number | undefined {
  const message = body as { id?: unknown; method?: unknown } | null;
  if (typeof message !== 'object' || message === null || typeof message.method !== 'string') return undefined;
  return typeof message.id === 'string' || typeof message.id === 'number' ? message.id : undefined;
}

export interface StreamableHandler {
  handle(req: IncomingMessage, res: ServerResponse, identity: Identity, requestId: string): Promise<void>;
  sessionCount(): number;
  close(): Promise<void>;
}

export function createStreamableHandler(core: GatewayCore, slots: Pick<SessionTable, 'open'>): StreamableHandler {
  const { config, log, metrics } = core;
  const keepAliveMs = config.sse_keepalive_seconds * 1000;
  const quiet = quietCallsOf(core);
  const quietTooLong = quiet.request;
  const sessions = new Map<string, Session>();

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
    // Only an initialize opens a session: anything else is answered here, costing neither a slot
    // nor a session open from the identity's budget.
    if (req.method !== 'POST' || (body as { method?: unknown } | null)?.method !== 'initialize') {
      sendError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required (initialize with POST first).', 'jsonrpc');
      return;
    }
    // Before the slot is taken, so a failed load cannot leak it.
    const [{ createMcpServer }, { StreamableHTTPServerTransport }] = await Promise.all([loadServerModule(), loadStreamableModule()]);
    const slot = slots.open(identity, 'http');
    if (!slot.ok) {
      sendError(res, slot.status, -32000, slot.message, 'jsonrpc', { 'Retry-After': String(slot.retryAfterSeconds) });
      return;
    }
    let session: Session | undefined;
    let unwatch = (): unknown => undefined;
    const release = slot.lease.release;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      keepAliveMs,
      onsessioninitialized: (id) => {
        const opened: Session = { transport, json, mcp, ownerId: identity.id, active: 1, lastSeen: Date.now() };
        session = opened;
        sessions.set(id, opened);
        slot.lease.attach({
          lastActivity: () => opened.lastSeen,
          busy: () => opened.active > 0,
          end: () => void transport.close(),
        });
        metrics.openSessions.inc({ transport: 'http' });
        log.info({ sessionId: id, identity: identity.id }, 'session opened');
        // Revoking the token ends the session, so nothing it opened (subscriptions, the standby
        // stream) lives on under a rotated token of the same name.
        unwatch = core.revocations.watch(identity, () => {
          log.info({ sessionId: id, identity: identity.id }, 'session ended: its token was revoked');
          void transport.close();
        });
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
      unwatch();
      void mcp.close();
    };
    await mcp.server.connect(json);
    try {
      await transport.handleRequest(req, res, body);
    } finally {
      if (session) {
        session.active--;
        session.lastSeen = Date.now();
      }
    }
    // The SDK refused the initialize (a bad Accept header, say): nothing to keep.
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
        const admitted = await admitMcpPost(core, req, res, identity, requestId);
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
      // A GET is the standby stream for server notifications: it stays open as long as the client
      // likes, so it neither keeps the session busy nor counts as activity (else no SDK client's
      // session would ever be idle, and an abandoned one would hold its slot until TCP gives up).
      const counted = req.method !== 'GET';
      if (counted) {
        session.active++;
        session.lastSeen = Date.now();
      }
      // One request per id in flight (json-reply.ts `claim`): a second would leave one POST unanswered forever.
      const id = requestIdOf(body);
      if (id !== undefined && !session.json.claim(id)) {
        if (counted) {
          session.active--;
          session.lastSeen = Date.now();
        }
        sendError(res, 409, -32600, `Invalid Request: id ${JSON.stringify(id).slice(0, 80)} is already used by a request in flight on this session; use a new id for each request.`, 'jsonrpc');
        return;
      }
      try {
        const request = jsonEligible(req, body, quietTooLong);
        if (!request || !(await session.json.answer(req, res, request))) await session.transport.handleRequest(req, res, body);
      } finally {
        if (id !== undefined) session.json.unclaim(id);
        if (counted) {
          session.active--;
          session.lastSeen = Date.now();
        }
      }
    },
    sessionCount: () => sessions.size,
    async close() {
      await Promise.allSettled([...sessions.values()].map((s) => s.transport.close()));
    },
  };
}
