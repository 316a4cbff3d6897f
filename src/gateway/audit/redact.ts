// The one redaction of everything the gateway hands out or writes down: tool results (text and
// structuredContent, every transport and /mcp/call, progress messages), resources, prompts, events
// and audit lines. Each output path calls one of three entry points:
//   redactData     structured values (tool structuredContent, resource JSON), shape kept;
//   redactText     free text (text content, logs, ps/history lines) — secret-text.ts;
//   redactForLog   a bounded redactData for log lines (depth, list length and string size capped).
// Secrets are known by name (secret-names.ts: object keys, `KEY=value`, flags), by position in an
// argv array (the element after `--token`), and by shape or context in free text (secret-text.ts).
// The core logger's pino `redact` paths (logRedactPaths) cover request headers as well.
import type { CallToolResult, GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { isBenignValue, isSecretKey } from './secret-names.js';
import { REDACTED, redactText } from './secret-text.js';

export { REDACTED, redactText, looksSecret } from './secret-text.js';
export { isSecretKey } from './secret-names.js';

const HEADER_PATHS = ['authorization', 'cookie', 'set-cookie', 'cf-access-jwt-assertion', 'cf-access-client-secret', 'cf-access-client-id', 'x-registry-auth', 'x-registry-config', 'proxy-authorization'];

/** pino redact paths for the core logger (observability/log.ts). */
export const logRedactPaths: string[] = [
  ...HEADER_PATHS.flatMap((h) => [`req.headers["${h}"]`, `headers["${h}"]`, `request.headers["${h}"]`, `res.headers["${h}"]`]),
  'authorization', 'token', 'password', 'secret', 'authconfig', 'registryAuth', 'auth',
  '*.authorization', '*.token', '*.password', '*.secret', '*.authconfig', '*.registryAuth', '*.auth',
  '*.identitytoken', '*.IdentityToken', '*.Password', '*.Auth', '*.authConfig',
];

const ENTRY = /^([A-Za-z_][A-Za-z0-9_.-]*)=/;
const FLAG = /^--?([A-Za-z][A-Za-z0-9_.-]+)$/;

/**
 * One string of structured data. An env-style entry (`DB_PASSWORD=…`, a whole string starting
 * with a secret name and `=`) loses everything after the `=`, spaces included; anything else is
 * scanned as free text.
 */
function redactString(value: string): string {
  const entry = ENTRY.exec(value);
  if (entry && isSecretKey(entry[1]!)) {
    return isBenignValue(value.slice(entry[0].length)) ? value : `${entry[1]!}=${REDACTED}`;
  }
  return redactText(value);
}

/** An argv element that announces a secret as the next element (`--token`, `-password`). */
function isSecretFlag(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const flag = FLAG.exec(value);
  return !!flag && isSecretKey(flag[1]!);
}

interface Bounds {
  depth: number;
  items: number;
  chars: number;
}

const LOG_BOUNDS: Bounds = { depth: 12, items: 200, chars: 2048 };
// Docker's JSON is shallow; the cap only keeps a hostile structure from exhausting the stack.
const DATA_BOUNDS: Bounds = { depth: 64, items: Infinity, chars: Infinity };

function walk(value: unknown, secret: boolean, depth: number, bounds: Bounds): unknown {
  if (typeof value === 'string') {
    const redacted = secret ? (isBenignValue(value) ? value : REDACTED) : redactString(value);
    return redacted.length > bounds.chars ? `${redacted.slice(0, bounds.chars)}…(${redacted.length} chars)` : redacted;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= bounds.depth) return '[…]';
  // An Error's message and stack are not enumerable; a log line needs them (redacted).
  // (Null prototype: pino's err serializer then names the type from `name`, not "Object".)
  if (value instanceof Error) {
    const { name, message, stack } = value;
    return Object.assign(Object.create(null) as object, walk({ ...value, name, message, ...(stack ? { stack } : {}) }, secret, depth, bounds));
  }
  if (Array.isArray(value)) {
    // Arrays of strings are argv as often as not (Cmd, Entrypoint, Healthcheck.Test, exec commands):
    // the element after a secret flag is the secret, whatever it looks like.
    const items = value.length > bounds.items ? value.slice(0, bounds.items) : value;
    return items.map((item, i) => walk(item, secret || (i > 0 && isSecretFlag(items[i - 1])), depth + 1, bounds));
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key === '__proto__') continue;
    out[key] = walk(child, secret || isSecretKey(key), depth + 1, bounds);
  }
  return out;
}

/**
 * A copy of structured data without the secrets it carries: values under secret names (every
 * string below them), secret env entries, argv values after secret flags, and free-text secrets
 * in every other string. Types and shape stay, so a result still matches its output schema.
 */
export function redactData<T>(value: T): T {
  return walk(value, false, 0, DATA_BOUNDS) as T;
}

/** redactData for a log line, also bounding depth, list length and string size. */
export function redactForLog(value: unknown): unknown {
  return walk(value, false, 0, LOG_BOUNDS);
}

type Content = CallToolResult['content'][number];

/** One MCP content item (text, or an embedded resource with text); others pass unchanged. */
function redactContent(item: Content): Content {
  if (item.type === 'text') return { ...item, text: redactText(item.text) };
  if (item.type === 'resource' && 'text' in item.resource) return { ...item, resource: { ...item.resource, text: redactText(item.resource.text) } };
  return item;
}

/** A tool result as it leaves the gateway: every text content and the structured content. */
export function redactToolResult(result: CallToolResult): CallToolResult {
  const content = result.content.map(redactContent);
  return result.structuredContent === undefined
    ? { ...result, content }
    : { ...result, content, structuredContent: redactData(result.structuredContent) };
}

/** A prompt as it leaves the gateway: the live data it embeds is Docker's, secrets included. */
export function redactPromptResult(result: GetPromptResult): GetPromptResult {
  return { ...result, messages: result.messages.map((message) => ({ ...message, content: redactContent(message.content) })) };
}
