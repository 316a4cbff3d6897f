// The one place that writes HTTP-level errors and runs the per-request security checks, so every
// route answers failures the same way.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayCore } from '../core.js';
import type { Identity } from '../security.js';

/** One JSON body with its length, so it goes out as is, without chunked framing for the client to undo. */
export function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  writeJson(res, status, body, { 'Cache-Control': 'no-store', ...headers });
}

export type ErrorStyle = 'jsonrpc' | 'plain';

/** `jsonrpc` for /mcp (clients parse JSON-RPC), `plain` ({error:{code,message}}) elsewhere. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: number | string,
  message: string,
  style: ErrorStyle,
  headers: Record<string, string> = {},
): void {
  const body = style === 'jsonrpc' ? { jsonrpc: '2.0', error: { code, message }, id: null } : { error: { code, message } };
  sendJson(res, status, body, headers);
}

/**
 * Origin/Host guard, then authentication. Returns the identity, or undefined after answering
 * 403/401 itself.
 */
export async function admit(
  core: GatewayCore,
  req: IncomingMessage,
  res: ServerResponse,
  style: ErrorStyle,
): Promise<Identity | undefined> {
  const guard = core.guard.check(req);
  if (!guard.ok) {
    sendError(res, guard.status, style === 'jsonrpc' ? -32000 : 'forbidden', guard.message, style);
    return undefined;
  }
  const result = await core.authenticator.authenticate(req);
  if (result.ok) {
    // A response can outlive its token: an SSE stream (a standby GET, a long call) or a plain call
    // still running. Once a reload revokes the token the response is cut, which aborts its call.
    const unwatch = core.revocations.watch(result.identity, () => res.destroy());
    // A client that hung up while it was authenticated (an awaited Access or OAuth check) has had its
    // 'close' already: the watch would otherwise hold this response until the token is revoked.
    if (res.destroyed) unwatch();
    else res.once('close', unwatch);
    return result.identity;
  }
  const headers: Record<string, string> = result.wwwAuthenticate ? { 'WWW-Authenticate': result.wwwAuthenticate } : {};
  const code = style === 'jsonrpc' ? -32000 : result.status === 401 ? 'unauthorized' : 'forbidden';
  sendError(res, result.status, code, result.message, style, headers);
  return undefined;
}
