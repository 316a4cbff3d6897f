// Streamable HTTP answers a POSTed request either as an SSE stream or as one application/json body;
// the client must accept both (MCP 2025-11-25, "Sending Messages to the Server"). The SDK transport
// picks one mode per transport (`enableJsonResponse`), but a session needs SSE for calls that send
// progress. So each session's SDK server is connected to this wrapper instead: it forwards
// everything to the SDK transport (SSE, GET streams, DELETE, notifications), and answers the
// requests that cannot produce any message but their response (no progress token, not
// initialize) and cannot run long enough to need keep-alives (quiet-calls.ts) as plain JSON
// itself. That saves, per call, the web-stream/SSE framing, the separate header flush and the
// client's SSE parsing (docs/benchmarks.md, "Gateway notes").
//
// It also ends the HTTP answer of a request the client cancels. The server must not respond to a
// cancelled request, and the SDK then leaves its POST (JSON or SSE) open until the client hangs up,
// which the SDK client never does: each cancelled call would hold a connection and a busy session.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CancelledNotificationSchema,
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  JSONRPCMessageSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { writeJson } from './http-util.js';

/**
 * The parsed request when `body` may be answered as JSON: a single JSON-RPC request (never
 * initialize) without a progress token, that cannot stay quiet too long, sent with the headers the
 * SDK would accept. Anything else goes through the SDK transport unchanged, which also produces its
 * exact error answers.
 */
export function jsonEligible(req: IncomingMessage, body: unknown, quietTooLong: (request: JSONRPCRequest) => boolean): JSONRPCRequest | undefined {
  if (req.method !== 'POST' || typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  // The same header checks as the SDK's POST handling; on any doubt the SDK answers.
  const accept = req.headers.accept ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
  if ((req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() !== 'application/json') return undefined;
  const version = req.headers['mcp-protocol-version'];
  if (version !== undefined && (typeof version !== 'string' || !SUPPORTED_PROTOCOL_VERSIONS.includes(version))) return undefined;
  // Input validation as strict as the SDK's: the same schema it parses every POSTed message with.
  const parsed = JSONRPCMessageSchema.safeParse(body);
  if (!parsed.success || !isJSONRPCRequest(parsed.data)) return undefined;
  const request = parsed.data;
  if (request.method === 'initialize') return undefined;
  // A progress token means notifications/progress: only an SSE stream can carry them.
  const meta = (request.params as { _meta?: { progressToken?: unknown } } | undefined)?._meta;
  if (meta?.progressToken !== undefined) return undefined;
  // A call that may outlast a proxy's patience needs SSE keep-alive comments.
  if (quietTooLong(request)) return undefined;
  return request;
}

/** The SDK transport's request id -> SSE stream map (private in SDK 1.32), when it has one. */
function sdkRequestStreams(http: StreamableHTTPServerTransport): Map<RequestId, string> | undefined {
  const inner = (http as unknown as { _webStandardTransport?: { _requestToStreamMapping?: unknown } })._webStandardTransport;
  const map = inner?._requestToStreamMapping;
  return map instanceof Map ? (map as Map<RequestId, string>) : undefined;
}

/** The SDK transport of one session, plus plain-JSON answers for eligible requests. */
export class JsonReplyTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  /**
   * Requests answered here, by JSON-RPC id: called with the response, with 'cancelled' when the
   * client cancelled it, or without anything when the session closed first.
   */
  private readonly pending = new Map<RequestId, (response?: JSONRPCMessage | 'cancelled') => void>();
  /** Ids whose HTTP response closed first: their late messages are dropped, not sent to the SDK. */
  private readonly abandoned = new Set<RequestId>();
  private closed = false;
  /**
   * Request ids of this session from the moment streamable.ts accepts the POST ('reserved') or the
   * SDK receives them ('delivered') until their response is sent or they are cancelled. Two requests
   * in flight with one id would share the SDK's id -> stream entry, and one POST would then never
   * be answered: its connection and the session (busy, so never idle) held forever.
   */
  private readonly ids = new Map<RequestId, 'reserved' | 'delivered'>();

  constructor(readonly http: StreamableHTTPServerTransport) {}

  get sessionId(): string | undefined {
    return this.http.sessionId;
  }

  async start(): Promise<void> {
    // Chained, not replaced: streamable.ts sets its own onclose on the SDK transport.
    const previousClose = this.http.onclose;
    this.http.onclose = () => {
      previousClose?.();
      this.closed = true;
      this.ids.clear();
      for (const finish of [...this.pending.values()]) finish();
      this.abandoned.clear();
      this.onclose?.();
    };
    this.http.onerror = (error) => this.onerror?.(error);
    this.http.onmessage = (message, extra) => {
      if (isJSONRPCRequest(message)) this.ids.set(message.id, 'delivered');
      this.onmessage?.(message, extra);
      const cancelled = CancelledNotificationSchema.safeParse(message);
      const id = cancelled.success ? cancelled.data.params.requestId : undefined;
      // The SDK aborts the handler in a microtask; once it has, no response can follow. It ignores a
      // cancel whose id is falsy (0 or ""), so such a call runs on and its answer must stay open.
      if (id) setImmediate(() => this.endCancelled(id));
    };
    await this.http.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const isResponse = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message);
    const id = isResponse ? message.id : options?.relatedRequestId;
    if (isResponse && message.id !== undefined) this.ids.delete(message.id);
    if (id !== undefined) {
      const finish = this.pending.get(id);
      if (finish) {
        // Only the response can relate to an eligible request; anything else would be dropped
        // by the SDK's own JSON mode too.
        if (isResponse) finish(message);
        return Promise.resolve();
      }
      if (this.abandoned.has(id)) {
        if (isResponse) this.abandoned.delete(id);
        return Promise.resolve();
      }
    }
    return this.http.send(message, options);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /** After the SDK has aborted a cancelled request: end its HTTP answer, which gets no response. */
  private endCancelled(id: RequestId): void {
    const finish = this.pending.get(id);
    if (finish) finish('cancelled');
    else this.http.closeSSEStream(id);
    // The SDK never answers a cancelled request, so an id kept to drop its late answer would stay
    // for the life of the session (a client-chosen id of up to max_body_bytes, per request). The
    // SDK transport (1.32) has the same leak on its SSE path: closeSSEStream ends the stream but
    // keeps the id -> stream entry, which only a response removes. It is dropped here; if a later
    // SDK renames the field this does nothing, and transport-review-http-abandon.test.ts fails.
    this.abandoned.delete(id);
    this.ids.delete(id);
    sdkRequestStreams(this.http)?.delete(id);
  }

  /**
   * Claims `id` for a POSTed request before it is handled; false while another request with that id
   * is in flight on this session. Call `unclaim` when the POST is done: an id the SDK never received
   * (it refused the request) is released, one it did stays until its response.
   */
  claim(id: RequestId): boolean {
    if (this.ids.has(id)) return false;
    this.ids.set(id, 'reserved');
    return true;
  }

  unclaim(id: RequestId): void {
    if (this.ids.get(id) === 'reserved') this.ids.delete(id);
  }

  /**
   * Answers `request` (from jsonEligible) as application/json. False when it must take the SDK
   * path after all (session closed, or the id already in flight here).
   */
  async answer(req: IncomingMessage, res: ServerResponse, request: JSONRPCRequest): Promise<boolean> {
    if (this.closed || this.pending.has(request.id) || this.abandoned.has(request.id)) return false;
    const authInfo = (req as IncomingMessage & { auth?: AuthInfo }).auth;
    await new Promise<void>((done) => {
      const gone = (): void => {
        // The client left first: the call is cancelled through the auth signal (request-context.ts).
        if (this.pending.delete(request.id)) this.abandoned.add(request.id);
        done();
      };
      this.pending.set(request.id, (response) => {
        this.pending.delete(request.id);
        res.off('close', gone);
        if (!res.writableEnded && !res.destroyed) {
          const sessionHeader: Record<string, string> = this.sessionId ? { 'mcp-session-id': this.sessionId } : {};
          if (response === 'cancelled') {
            // A request's POST is answered with JSON or SSE; an SSE stream that ends without a message
            // is the one way to say "no response follows", the same as the SDK path's closed stream.
            res.writeHead(200, { 'Content-Type': 'text/event-stream', ...sessionHeader }).end();
          } else if (response) {
            writeJson(res, 200, response, sessionHeader);
          } else {
            // The session closed before the response was ready (DELETE, idle sweep or shutdown).
            writeJson(res, 404, { jsonrpc: '2.0', id: request.id, error: { code: -32001, message: 'Session not found' } });
          }
        }
        done();
      });
      res.once('close', gone);
      this.ids.set(request.id, 'delivered');
      this.onmessage?.(request, { authInfo, requestInfo: { headers: req.headers } });
    });
    return true;
  }
}
