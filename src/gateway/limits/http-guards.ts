// Pure request checks the transports run before authentication and parsing: Origin and Host
// allow-lists (DNS-rebinding protection; a browser page on evil.example must not drive a gateway
// on 127.0.0.1), the body size cap (413 before parsing), and JSON that cannot hurt the parser or
// later object handling (deep nesting, `__proto__` keys).
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { isLoopbackHost } from '../auth/exposure.js';

export type GuardResult = { ok: true } | { ok: false; status: 400 | 403 | 413; message: string };
/** Structurally the core's RequestGuard result (transports/request-guard.ts). */
export type OriginHostResult = { ok: true } | { ok: false; status: 403; message: string };

export interface OriginHostOptions {
  /** Normalised origins (`scheme://host[:port]`), or `*`. */
  origins: ReadonlySet<string>;
  /** Lower-case host names or `host:port` entries, `*.domain` wildcards, or `*`. */
  hosts: readonly string[];
}

/** `scheme://host[:port]` in lower case without default ports; undefined if not a URL origin. */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin.toLowerCase();
  } catch {
    return undefined;
  }
}

interface DefaultsInput {
  host: string;
  port: number;
  public_url?: string | undefined;
  allowed_origins?: readonly string[] | undefined;
  allowed_hosts?: readonly string[] | undefined;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/**
 * Defaults: the gateway's own loopback origins (same port) and the public_url origin; hosts are
 * the loopback names, a specific bind address and the public_url host. A wildcard bind without
 * explicit hosts accepts any Host, because clients inside a cluster use service names and pod
 * IPs and authentication is mandatory off loopback anyway (see assertSafeBinding).
 */
export function originHostOptions(input: DefaultsInput): OriginHostOptions {
  const origins = new Set<string>();
  if (input.allowed_origins?.length) {
    for (const o of input.allowed_origins) {
      const n = o.trim() === '*' ? '*' : normalizeOrigin(o);
      if (n) origins.add(n);
    }
  } else {
    for (const name of LOOPBACK_NAMES) origins.add(`http://${name}:${input.port}`);
    if (input.public_url) origins.add(new URL(input.public_url).origin.toLowerCase());
  }
  let hosts: string[];
  if (input.allowed_hosts?.length) {
    hosts = input.allowed_hosts.map((h) => h.trim().toLowerCase());
  } else if (isWildcard(input.host.trim())) {
    hosts = ['*'];
  } else {
    hosts = [...LOOPBACK_NAMES];
    const bind = input.host.trim().toLowerCase();
    if (!isLoopbackHost(bind)) hosts.push(bind.includes(':') && !bind.startsWith('[') ? `[${bind}]` : bind);
    if (input.public_url) hosts.push(new URL(input.public_url).hostname.toLowerCase());
  }
  return { origins, hosts };
}

/** Splits a Host header into name and port, understanding `[v6]:port`. */
function splitHost(value: string): { name: string; port?: string } | undefined {
  const v = value.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(v);
  return m ? { name: m[1]!.replace(/\.$/, ''), port: m[2] } : undefined;
}

function hostAllowed(value: string, patterns: readonly string[]): boolean {
  const parsed = splitHost(value);
  if (!parsed) return false;
  return patterns.some((pattern) => {
    if (pattern === '*') return true;
    const p = splitHost(pattern.startsWith('*.') ? pattern.slice(2) : pattern);
    if (!p) return false;
    if (p.port !== undefined && p.port !== parsed.port) return false;
    if (pattern.startsWith('*.')) return parsed.name.endsWith(`.${p.name}`);
    return parsed.name === p.name;
  });
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Origin: absent is fine (non-browser clients); present and not allowed is 403 (MCP spec MUST). */
export function checkOrigin(headers: IncomingHttpHeaders, options: OriginHostOptions): OriginHostResult {
  const origin = header(headers, 'origin');
  if (origin === undefined) return { ok: true };
  if (options.origins.has('*')) return { ok: true };
  const normalized = normalizeOrigin(origin);
  // `Origin: null` (sandboxed frames, file://) is never implicitly trusted.
  if (normalized && options.origins.has(normalized)) return { ok: true };
  return { ok: false, status: 403, message: `Origin ${JSON.stringify(origin.slice(0, 200))} is not allowed (allowed_origins).` };
}

export function checkHost(headers: IncomingHttpHeaders, options: OriginHostOptions): OriginHostResult {
  const host = header(headers, 'host');
  if (options.hosts.includes('*')) return { ok: true };
  if (host !== undefined && hostAllowed(host, options.hosts)) return { ok: true };
  return { ok: false, status: 403, message: `Host ${JSON.stringify((host ?? '').slice(0, 200))} is not allowed (allowed_hosts).` };
}

/** Runs both checks; use for /mcp, /ws (before the upgrade) and /mcp/call. */
export function checkOriginAndHost(req: Pick<IncomingMessage, 'headers'>, options: OriginHostOptions): OriginHostResult {
  const host = checkHost(req.headers, options);
  return host.ok ? checkOrigin(req.headers, options) : host;
}

export class BodyTooLargeError extends Error {
  readonly status = 413;
  constructor(readonly limit: number) {
    super(`Request body is larger than ${limit} bytes (max_body_bytes).`);
    this.name = 'BodyTooLargeError';
  }
}

/** A declared Content-Length over the limit is refused before reading a byte. */
export function checkContentLength(headers: IncomingHttpHeaders, maxBytes: number): GuardResult {
  const raw = headers['content-length'];
  if (raw === undefined) return { ok: true };
  if (!/^\d+$/.test(raw)) return { ok: false, status: 400, message: 'Invalid Content-Length.' };
  if (Number(raw) > maxBytes) return { ok: false, status: 413, message: new BodyTooLargeError(maxBytes).message };
  return { ok: true };
}

/**
 * Reads the body, stopping (and rejecting with BodyTooLargeError) as soon as it exceeds the limit,
 * whatever Content-Length claimed; chunked bodies are counted the same way.
 */
export async function readLimitedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = checkContentLength(req.headers, maxBytes);
  if (!declared.ok) {
    req.resume();
    throw declared.status === 413 ? new BodyTooLargeError(maxBytes) : new Error(declared.message);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > maxBytes) {
      req.resume(); // drain without buffering so the socket can answer 413
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export const DEFAULT_MAX_JSON_DEPTH = 64;

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Measures nesting with a linear scan before JSON.parse (so a 100k-deep array cannot exhaust the
 * stack anywhere downstream), then refuses `__proto__` keys, which turn into prototype pollution
 * as soon as some code merges the object.
 */
export function parseJsonSafely(text: string, maxDepth = DEFAULT_MAX_JSON_DEPTH): JsonParseResult {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return { ok: false, message: `JSON nested deeper than ${maxDepth} levels.` };
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  let forbidden = false;
  let value: unknown;
  // A "__proto__" key is spelled out or written with \u escapes; text with neither cannot have
  // one, and skips the reviver (a call per value, ~5 µs on a small request).
  const mayHaveProtoKey = text.includes('__proto__') || text.includes('\\u');
  try {
    value = mayHaveProtoKey
      ? JSON.parse(text, function (key: string, v: unknown) {
          if (key === '__proto__') forbidden = true;
          return v;
        })
      : JSON.parse(text);
  } catch {
    return { ok: false, message: 'Malformed JSON.' };
  }
  if (forbidden) return { ok: false, message: 'JSON keys named "__proto__" are not accepted.' };
  return { ok: true, value };
}
