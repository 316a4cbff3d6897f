// POST /mcp/call from the seed document: {"method":"docker.container.list","params":{}} ->
// {"result": <structuredContent>} or {"error":{"code","message"}}. It goes through the same
// registry path (lookup by policy, validation, checkCall, metrics, logs) as MCP tools/call.
// A call that may outlast a proxy's patience (quiet-calls.ts) and is still running after
// sse_keepalive_seconds is committed to 200 and kept alive with newlines (JSON allows leading
// whitespace) until its body follows, because a proxy such as Cloudflare drops a response that sends
// nothing for ~100 s; its outcome is then in the body only. Other calls keep their HTTP status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayCore } from '../core.js';
import type { CallOutcome } from '../observability/metrics.js';
import type { Identity } from '../security.js';
import { auditScopeDenial, insufficientScope, readJsonBody } from './body-guard.js';
import { HIDDEN_TOOL_CODE, HiddenToolError, UnknownToolError } from '../tools/hidden-tools.js';
import { sendJson } from './http-util.js';
import { quietCallsOf } from './quiet-calls.js';

/** `docker.container.list` -> `container_list`; a plain tool name passes through unchanged. */
export function legacyMethodToTool(method: string): string {
  const dotted = method.startsWith('docker.') ? method.slice('docker.'.length) : method;
  return dotted.replace(/\./g, '_');
}

function fail(res: ServerResponse, status: number, code: number, message: string, data?: unknown, headers?: Record<string, string>): void {
  reply(res, status, { error: data === undefined ? { code, message } : { code, message, data } }, headers);
}

/** The answer, or, once keep-alives have committed the response to 200, its body. */
function reply(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  if (res.headersSent) res.end(JSON.stringify(body));
  else sendJson(res, status, body, headers);
}

/** Starts newline keep-alives if the call is still running after `intervalMs`; returns the stopper. */
function keepAliveWhileRunning(res: ServerResponse, intervalMs: number): () => void {
  let ticker: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' });
    res.write('\n');
    ticker = setInterval(() => {
      if (!res.writableEnded && !res.destroyed) res.write('\n');
    }, intervalMs);
  }, intervalMs);
  return () => {
    clearTimeout(first);
    clearInterval(ticker);
  };
}

// Outcome -> HTTP status, so `curl -f` and load balancers see failures as failures.
const statusFor: Record<Exclude<CallOutcome, 'ok'>, number> = {
  invalid_args: 400,
  denied: 403,
  limited: 429,
  tool_error: 422,
  timeout: 504,
  cancelled: 499,
  internal: 500,
};

export async function handleLegacyCall(
  core: GatewayCore,
  req: IncomingMessage,
  res: ServerResponse,
  identity: Identity,
  requestId: string,
): Promise<void> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    fail(res, 415, -32600, 'Content-Type must be application/json.');
    return;
  }
  // Same limits as /mcp: 413 before parsing, bounded nesting, no `__proto__` keys.
  const parsed = await readJsonBody(core, req, res, 'plain');
  if (!parsed.ok) return;
  const body = parsed.value;
  const request = body as { method?: unknown; params?: unknown };
  if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof request.method !== 'string') {
    fail(res, 400, -32600, 'Invalid request: expected {"method": "docker.<noun>.<verb>", "params": {…}}.');
    return;
  }
  const params = request.params ?? {};
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    fail(res, 400, -32602, 'Invalid params: "params" must be an object.');
    return;
  }
  const toolName = legacyMethodToTool(request.method);
  const scope = insufficientScope(core, identity, toolName);
  if (scope) {
    auditScopeDenial(core, identity, 'legacy', toolName, params, requestId, scope.message);
    fail(res, 403, -32000, scope.message, { outcome: 'denied', rule: 'insufficient_scope' }, { 'WWW-Authenticate': scope.header });
    return;
  }
  // The client hanging up is the cancel signal of a plain HTTP call.
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const stopKeepAlive = quietCallsOf(core).toolCall(toolName) ? keepAliveWhileRunning(res, core.config.sse_keepalive_seconds * 1000) : () => undefined;
  try {
    const { result, outcome, retryAfterSeconds, daemonUnreachable } = await core.registry.call(toolName, params, {
      identity,
      transport: 'legacy',
      requestId,
      signal: controller.signal,
    });
    stopKeepAlive();
    if (outcome === 'ok') {
      reply(res, 200, { result: result.structuredContent ?? null });
      return;
    }
    const first = result.content[0];
    const message = first?.type === 'text' ? first.text : 'Tool failed.';
    // The daemon being unreachable is the gateway's trouble, not Docker refusing the request: 503
    // like /ready, retried after the monitor's 1 s re-check (daemon-monitor.ts).
    const wait = daemonUnreachable ? 1 : retryAfterSeconds;
    const retry: Record<string, string> = wait !== undefined ? { 'Retry-After': String(wait) } : {};
    fail(res, daemonUnreachable ? 503 : statusFor[outcome], outcome === 'invalid_args' ? -32602 : -32000, message, { outcome, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) }, retry);
  } catch (error) {
    stopKeepAlive();
    // A tool that exists but is hidden is a refusal (403, like the scope 403 above), and says what
    // allows it; only a name that is no tool at all is 404, with a suggestion among visible tools.
    if (error instanceof HiddenToolError) {
      fail(res, 403, HIDDEN_TOOL_CODE, error.reason, error.data);
      return;
    }
    if (error instanceof McpError) {
      const meant = error instanceof UnknownToolError ? error.suggestion : undefined;
      fail(res, 404, -32601, `Method not found: ${request.method} (tool ${toolName})${meant ? `; did you mean ${meant}?` : '.'} List tools with MCP tools/list.`);
      return;
    }
    throw error;
  }
}
