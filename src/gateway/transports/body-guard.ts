// Checks every POSTed JSON-RPC body before the SDK sees it: the size limit (413 before parsing,
// whatever the SDK's own 4 MB cap), JSON that cannot hurt (depth, `__proto__`), no batches (the
// 2025-06-18 spec removed them), and the token scope of a tools/call (403 insufficient_scope, so an
// OAuth client can step up instead of guessing from a tool error).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayCore } from '../core.js';
import { OAUTH_SCOPES } from '../auth/oauth.js';
import { recordRefusal } from '../audit/refusals.js';
import { BodyTooLargeError, parseJsonSafely, readLimitedBody } from '../limits/http-guards.js';
import type { Identity, Transport } from '../security.js';
import { sendError, sendJson, type ErrorStyle } from './http-util.js';

export type BodyResult = { ok: true; value: unknown } | { ok: false };

/** Reads and parses a JSON body, answering 413/400 itself on failure. */
export async function readJsonBody(core: GatewayCore, req: IncomingMessage, res: ServerResponse, style: ErrorStyle): Promise<BodyResult> {
  let raw: Buffer;
  try {
    raw = await readLimitedBody(req, core.http.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      // The rest of the body is not worth reading: answer and close the connection.
      sendError(res, 413, -32600, error.message, style, { Connection: 'close' });
    } else {
      sendError(res, 400, -32600, `Invalid request body: ${(error as Error).message}`, style);
    }
    return { ok: false };
  }
  const parsed = parseJsonSafely(raw.toString('utf8'));
  if (!parsed.ok) {
    sendError(res, 400, -32700, `Parse error: ${parsed.message}`, style);
    return { ok: false };
  }
  return { ok: true, value: parsed.value };
}

/**
 * When `identity` lacks the scope `toolName` needs, the value for a 403's WWW-Authenticate (RFC 6750
 * §3.1 `insufficient_scope`, plus the RFC 9728 metadata URL when configured); else undefined.
 * Only scopes count here: what the policy preset forbids is not a token problem.
 */
export function insufficientScope(core: GatewayCore, identity: Identity, toolName: unknown): { header: string; message: string } | undefined {
  if (typeof toolName !== 'string') return undefined;
  const tool = core.registry.tools.find((t) => t.name === toolName);
  if (!tool || identity.scopes.has(tool.access)) return undefined;
  // When the policy hides the tool anyway (its preset, a tools.deny), a bigger token would not help:
  // the registry answers that refusal instead, naming the preset (tools/hidden-tools.ts).
  const decision = core.policy.checkCall(identity, tool);
  if (!decision.allowed && decision.rule !== 'insufficient_scope') return undefined;
  // An OAuth client steps up by asking its AS for the OAuth scope string, not our internal name.
  const parts = ['error="insufficient_scope"', `scope="${identity.kind === 'oauth' ? OAUTH_SCOPES[tool.access] : tool.access}"`];
  const metadata = core.http.resourceMetadata;
  const resource = (metadata?.body as { resource?: unknown } | undefined)?.resource;
  if (metadata && typeof resource === 'string') parts.push(`resource_metadata="${new URL(resource).origin}${metadata.path}"`);
  return {
    header: `Bearer ${parts.join(', ')}`,
    message: `Insufficient scope: ${toolName} needs the ${tool.access} scope; ${identity.name} has ${[...identity.scopes].join(', ') || 'none'}.`,
  };
}

/**
 * The audit line of a call refused for its scope before it reaches the registry (HTTP 403): a
 * read token probing admin tools must leave the same `denied` trail as a call the policy refuses.
 */
export function auditScopeDenial(core: GatewayCore, identity: Identity, transport: Transport, tool: string, args: unknown, requestId: string, reason: string): void {
  // Charged like every refused call (issue 16: a tool hidden by the scope costs a rate-limit token on
  // every transport, as it does over WebSocket); the answer stays 403, and past the limit the line
  // keeps no arguments, so a flood of 403s cannot fill the audit log with 16 KiB lines.
  recordRefusal(core.audit, core.admission, { identity, transport, tool, args, requestId, rule: 'insufficient_scope', reason });
}

/**
 * The full check for POST /mcp. Returns the parsed message to hand to the SDK transport, or
 * undefined after answering the request itself.
 */
export async function admitMcpPost(
  core: GatewayCore,
  req: IncomingMessage,
  res: ServerResponse,
  identity: Identity,
  requestId: string,
): Promise<{ message: unknown } | undefined> {
  const body = await readJsonBody(core, req, res, 'jsonrpc');
  if (!body.ok) return undefined;
  if (Array.isArray(body.value)) {
    sendError(res, 400, -32600, 'Invalid Request: JSON-RPC batches are not supported (removed in MCP 2025-06-18); send one message per POST.', 'jsonrpc');
    return undefined;
  }
  const message = body.value as { method?: unknown; id?: unknown; params?: { name?: unknown; arguments?: unknown } | null } | null;
  if (message && typeof message === 'object' && message.method === 'tools/call') {
    const scope = insufficientScope(core, identity, message.params?.name);
    if (scope) {
      auditScopeDenial(core, identity, 'http', String(message.params?.name), message.params?.arguments, requestId, scope.message);
      // The request's id, as JSON-RPC 2.0 §5 asks of a response to a request it could read (null is
      // for an id it could not): a client matches the refusal to its pending call by it.
      const id = typeof message.id === 'string' || typeof message.id === 'number' ? message.id : null;
      sendJson(res, 403, { jsonrpc: '2.0', error: { code: -32000, message: scope.message }, id }, { 'WWW-Authenticate': scope.header });
      return undefined;
    }
  }
  return { message: body.value };
}
