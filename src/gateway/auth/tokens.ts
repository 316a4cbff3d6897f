// Named bearer tokens with scopes. Only SHA-256 digests are kept in memory after loading, and every
// presented token is compared against every digest with timingSafeEqual on fixed-length buffers,
// so neither the token length nor the position of a mismatch nor which entry matched leaks timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../../shared/errors.js';
import type { Scope } from '../security.js';
import { isScope } from './scopes.js';

export const MIN_TOKEN_LENGTH = 16;
/**
 * A tokens file is read whole at start-up and at every reload: thousands of entries fit in 1 MiB,
 * and the bound keeps a mistaken path (a symlink to /dev/zero, a log file) from being read without end.
 */
export const MAX_TOKENS_FILE_BYTES = 1024 * 1024;
/** O_NONBLOCK: opening a FIFO for reading then returns at once (and is refused) instead of waiting for a writer. */
export const TOKENS_FILE_OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export const GREW_WHILE_READ = 'changed size while being read';

/** Why the file at hand cannot be a tokens file (its fstat), or undefined when it may be read. */
export function tokensFileProblem(stats: Stats): string | undefined {
  if (!stats.isFile()) return 'not a regular file';
  if (stats.size > MAX_TOKENS_FILE_BYTES) return `larger than ${MAX_TOKENS_FILE_BYTES} bytes`;
  return undefined;
}

export interface TokenEntry {
  name: string;
  scope: Scope;
  /** SHA-256 of the token; the token itself is not retained. */
  digest: Buffer;
}

export function digestToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

const fileEntry = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'names use letters, digits, _ . @ - (1-64)'),
    scope: z.enum(['read', 'operate', 'admin']),
    token: z.string().min(MIN_TOKEN_LENGTH, `tokens need at least ${MIN_TOKEN_LENGTH} characters`).optional(),
    token_sha256: z.string().regex(/^[0-9a-f]{64}$/i, 'must be 64 hex digits').optional(),
  })
  .strict()
  .refine((e) => (e.token === undefined) !== (e.token_sha256 === undefined), {
    message: 'give exactly one of token or token_sha256',
  });

const listSchema = z.array(fileEntry);
const objectSchema = z.object({ tokens: listSchema }).strict();

/**
 * One problem per issue, naming where it is. A union of the two shapes would report only "Invalid
 * input" at the root, so the shape is picked first. An unknown key is not quoted: a token pasted
 * one line off becomes a key.
 */
function describeIssue(path: string, issue: z.core.$ZodIssue): string {
  const where = issue.path.join('.') || '(root)';
  const allowed = issue.path.length === 0 ? 'tokens' : 'name, scope, token, token_sha256';
  const message = issue.code === 'unrecognized_keys' ? `unknown key (allowed: ${allowed})` : issue.message;
  return `${path}: ${where}: ${message}`;
}

/** What one read of auth_tokens_file gave: the entries and a fingerprint of the exact bytes parsed. */
export interface TokensFileRead {
  entries: TokenEntry[];
  /**
   * SHA-256 of the file's bytes, so the reloader (token-reload.ts) can tell a changed file from an
   * unchanged one. It is a digest of secret material: kept in memory, never logged.
   */
  fingerprint: string;
}

export function fingerprintOf(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads `{ tokens: [{ name, scope, token | token_sha256 }] }` (YAML or JSON; a bare list works too). */
export function readTokensFile(path: string): TokensFileRead {
  let bytes: Buffer;
  try {
    bytes = readBoundedSync(path);
  } catch (error) {
    throw new UsageError(`Cannot read auth_tokens_file ${path}: ${(error as Error).message}`);
  }
  return { entries: parseTokensFile(bytes.toString('utf8'), path), fingerprint: fingerprintOf(bytes) };
}

/**
 * Reads a regular file of at most MAX_TOKENS_FILE_BYTES. The buffer has one byte more than fstat's
 * size: filling it means the file grew while being read (or reports no size, as /proc files do).
 */
function readBoundedSync(path: string): Buffer {
  const fd = openSync(path, TOKENS_FILE_OPEN_FLAGS);
  try {
    const stats = fstatSync(fd);
    const problem = tokensFileProblem(stats);
    if (problem) throw new Error(problem);
    const buffer = Buffer.alloc(stats.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length === buffer.length) throw new Error(GREW_WHILE_READ);
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

export function loadTokensFile(path: string): TokenEntry[] {
  return readTokensFile(path).entries;
}

/** Parses the text of an auth_tokens_file. Errors name the path and the entry, never a value. */
export function parseTokensFile(text: string, path: string): TokenEntry[] {
  let parsed: unknown;
  try {
    // logLevel 'error': yaml's warnings (an unknown tag or directive) would otherwise go to
    // process.emitWarning, printed on stderr with a code frame of the line, which may hold a token.
    parsed = parseYaml(text, { logLevel: 'error' });
  } catch {
    // The YAML error message quotes the offending line, which may hold a token.
    throw new UsageError(`auth_tokens_file ${path} is not valid YAML/JSON.`);
  }
  if (parsed === null || parsed === undefined) throw new UsageError(`auth_tokens_file ${path} is empty.`);
  const result = Array.isArray(parsed) ? listSchema.safeParse(parsed) : objectSchema.safeParse(parsed);
  if (!result.success) throw new UsageError('Invalid auth_tokens_file:', result.error.issues.map((i) => describeIssue(path, i)));
  const list = Array.isArray(result.data) ? result.data : result.data.tokens;
  return list.map((e) => ({
    name: e.name,
    scope: e.scope,
    digest: e.token !== undefined ? digestToken(e.token) : Buffer.from(e.token_sha256!, 'hex'),
  }));
}

/** Parses the `auth_tokens` setting: `name:scope:token` items (the token may contain colons). */
export function parseTokenList(items: readonly string[]): TokenEntry[] {
  const problems: string[] = [];
  const entries: TokenEntry[] = [];
  items.forEach((item, index) => {
    const first = item.indexOf(':');
    const second = first < 0 ? -1 : item.indexOf(':', first + 1);
    const name = first < 0 ? '' : item.slice(0, first).trim();
    const scope = second < 0 ? '' : item.slice(first + 1, second).trim().toLowerCase();
    const token = second < 0 ? '' : item.slice(second + 1);
    // Problems never echo the item: it holds the token.
    if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(name) || !isScope(scope)) {
      problems.push(`auth_tokens item ${index + 1}: expected name:scope:token with scope read, operate or admin`);
    } else if (token.length < MIN_TOKEN_LENGTH) {
      problems.push(`auth_tokens item ${index + 1} (${name}): token needs at least ${MIN_TOKEN_LENGTH} characters`);
    } else {
      entries.push({ name, scope, digest: digestToken(token) });
    }
  });
  if (problems.length) throw new UsageError('Invalid auth_tokens:', problems);
  return entries;
}

/** Rejects duplicate names (ambiguous audit ids) and duplicate tokens (ambiguous scope). */
export function checkTokenSet(entries: readonly TokenEntry[]): void {
  const problems: string[] = [];
  const names = new Set<string>();
  const digests = new Set<string>();
  for (const e of entries) {
    if (names.has(e.name)) problems.push(`token name "${e.name}" is used twice`);
    const hex = e.digest.toString('hex');
    if (digests.has(hex)) problems.push(`token "${e.name}" has the same value as another token`);
    names.add(e.name);
    digests.add(hex);
  }
  if (problems.length) throw new UsageError('Invalid bearer tokens:', problems);
}

/**
 * Finds the entry whose token equals `presented`. Always walks the whole list and compares equal
 * length digests, so the time taken depends only on the number of configured tokens.
 */
export function matchToken(entries: readonly TokenEntry[], presented: string): TokenEntry | undefined {
  const digest = digestToken(presented);
  let found: TokenEntry | undefined;
  for (const entry of entries) {
    const equal = timingSafeEqual(digest, entry.digest);
    if (equal && found === undefined) found = entry;
  }
  return found;
}
