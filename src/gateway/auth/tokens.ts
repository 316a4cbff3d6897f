// Named bearer tokens with scopes. Only SHA-256 digests are kept in memory after loading, and every
// presented token is compared against every digest with timingSafeEqual on fixed-length buffers,
// so neither the token length nor the position of a mismatch nor which entry matched leaks timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../../cli/errors.js';
import type { Scope } from '../security.js';
import { isScope } from './scopes.js';

export const MIN_TOKEN_LENGTH = 16;

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

const fileSchema = z.union([z.object({ tokens: z.array(fileEntry) }).strict(), z.array(fileEntry)]);

/** Reads `{ tokens: [{ name, scope, token | token_sha256 }] }` (YAML or JSON; a bare list works too). */
export function loadTokensFile(path: string): TokenEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read auth_tokens_file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch {
    // The YAML error message quotes the offending line, which may hold a token.
    throw new UsageError(`auth_tokens_file ${path} is not valid YAML/JSON.`);
  }
  const result = fileSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${path}: ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new UsageError('Invalid auth_tokens_file:', problems);
  }
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
