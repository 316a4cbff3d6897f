// Builds the client transport to the remote gateway: Streamable HTTP (default) or WebSocket, with the
// credentials as headers on every request. Also classifies send failures, because the bridge may
// only retry a request that provably never reached a live session.
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import WebSocket from 'ws';

export type RemoteKind = 'http' | 'ws';

export interface RemoteTarget {
  url: URL;
  kind: RemoteKind;
  headers: Record<string, string>;
}

/** http(s)://…/mcp with --transport ws means ws(s)://…/ws; a ws(s):// URL implies ws. */
export function resolveTarget(raw: string, kind: RemoteKind | undefined, headers: Record<string, string>, allowInsecure = false): RemoteTarget {
  const url = new URL(raw);
  const isWsUrl = url.protocol === 'ws:' || url.protocol === 'wss:';
  const chosen: RemoteKind = kind ?? (isWsUrl ? 'ws' : 'http');
  if (chosen === 'ws' && !isWsUrl) {
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (url.pathname === '/mcp' || url.pathname === '/' || url.pathname === '') url.pathname = '/ws';
  } else if (chosen === 'http' && isWsUrl) {
    throw new Error(`${redactUrl(url)} is a WebSocket URL; use --transport ws or an http(s):// URL`);
  } else if (chosen === 'http' && (url.pathname === '/' || url.pathname === '')) {
    url.pathname = '/mcp';
  }
  if (url.username || url.password) throw new Error('Put credentials in --token or the Cloudflare Access options, not in the URL');
  if (url.protocol === 'http:' || url.protocol === 'ws:') {
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (!local && !allowInsecure && Object.keys(headers).length) {
      throw new Error(`Refusing to send credentials over plain ${url.protocol.slice(0, -1)} to ${url.hostname}; use https:// or wss:// (or --allow-insecure inside a trusted network)`);
    }
  }
  return { url, kind: chosen, headers };
}

/** For logs: scheme, host and path only (never userinfo or query strings). */
export function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** A request whose HTTP stream ended: the bridge checks, after a grace period, whether it was answered. */
export type StreamEndListener = (ids: RequestId[]) => void;

function requestIds(body: unknown): RequestId[] {
  if (typeof body !== 'string') return [];
  try {
    const parsed = JSON.parse(body) as unknown;
    const messages: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
    return messages.flatMap((m): RequestId[] => {
      if (!m || typeof m !== 'object' || !('method' in m) || !('id' in m)) return [];
      return typeof m.id === 'string' || typeof m.id === 'number' ? [m.id] : [];
    });
  } catch {
    return [];
  }
}

/**
 * fetch that reports when the response stream of a POSTed request ends. The SDK hands a request's
 * SSE stream to a background reader and never says which request a broken stream belonged to;
 * without this, a request in flight when the gateway dies would wait forever.
 */
function trackingFetch(onStreamEnd: StreamEndListener): typeof fetch {
  return async (input, init) => {
    const ids = init?.method === 'POST' ? requestIds(init.body) : [];
    const response = await fetch(input, init);
    if (!ids.length || !response.body || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) return response;
    let reported = false;
    const report = (): void => {
      if (!reported) onStreamEnd(ids);
      reported = true;
    };
    // A second branch, drained here, ends (or errors) exactly when the SDK's does.
    const [forSdk, watcher] = response.body.tee();
    void watcher.pipeTo(new WritableStream()).then(report, report);
    return new Response(forSdk, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** Node 20 has no global WebSocket; the SDK's transport uses the global. This one sends our headers. */
function installWebSocket(headers: Record<string, string>): void {
  class HeaderWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers, handshakeTimeout: 10_000 });
    }
  }
  (globalThis as { WebSocket?: unknown }).WebSocket = HeaderWebSocket;
}

export function createRemoteTransport(target: RemoteTarget, onStreamEnd: StreamEndListener): Transport {
  if (target.kind === 'ws') {
    installWebSocket(target.headers);
    return new WebSocketClientTransport(target.url);
  }
  return new StreamableHTTPClientTransport(target.url, {
    requestInit: { headers: target.headers },
    fetch: trackingFetch(onStreamEnd),
    // The bridge owns reconnection (with a fresh session); the SDK's own stream retries would only
    // delay noticing that the gateway went away.
    reconnectionOptions: { initialReconnectionDelay: 1000, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1, maxRetries: 0 },
  });
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

export type SendFailure =
  /** Never reached a live session (refused, or the session is unknown after a restart): safe to resend. */
  | 'not-delivered'
  /** The connection broke; the request may or may not have run. */
  | 'connection-lost'
  /** The gateway (or Cloudflare) refused the credentials. */
  | 'unauthorized'
  /** Any other HTTP-level rejection of this one message. */
  | 'rejected';

export function classifySendError(error: unknown): SendFailure {
  if (error instanceof StreamableHTTPError) {
    if (error.code === 404) return 'not-delivered';
    if (error.code === 401 || error.code === 403) return 'unauthorized';
    if ([502, 503, 504, 521, 522, 523, 524, 530].includes(error.code ?? 0)) return 'connection-lost';
    return 'rejected';
  }
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  if (cause?.code === 'ECONNREFUSED' || cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN') return 'not-delivered';
  if (cause?.code && UNREACHABLE.has(cause.code)) return 'connection-lost';
  if (error instanceof TypeError && /fetch failed/.test(error.message)) return 'connection-lost';
  return 'rejected';
}

/** One line for logs and JSON-RPC errors, with the HTTP status when there is one. */
export function describeSendError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause?.code;
  if (error instanceof StreamableHTTPError && error.code !== undefined && error.code > 0) return `HTTP ${error.code}: ${gatewaySaid(message)}`;
  return cause ? `${message} (${cause})` : message;
}

/**
 * The SDK wraps the gateway's JSON-RPC error body in its own text ("Streamable HTTP error: Error
 * POSTing to endpoint: {…}"); the user needs the gateway's message, not escaped JSON.
 */
function gatewaySaid(message: string): string {
  const start = message.indexOf('{');
  if (start < 0) return message;
  try {
    const body = JSON.parse(message.slice(start)) as { error?: { message?: unknown } };
    return typeof body.error?.message === 'string' ? body.error.message : message;
  } catch {
    return message;
  }
}
