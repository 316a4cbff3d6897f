// A cached JSON Web Key Set shared by the Cloudflare Access and OAuth verifiers.
// Keys are cached by kid. An unknown kid triggers a refresh, but refreshes (successful or not) are
// spaced by `minIntervalMs` and coalesced, so a flood of tokens with made-up kids (or a dead
// endpoint) costs at most one fetch per interval. A failed refresh keeps the keys already held;
// with none held every lookup misses, so callers fail closed.
import { importJWK, type JWK } from 'jose';

export type VerifyKey = Awaited<ReturnType<typeof importJWK>>;

/** The asymmetric algorithms any verifier here may accept, with the key type each needs. */
const KEY_TYPES: Record<string, { kty: 'RSA' | 'EC'; crv?: string }> = {
  RS256: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
};

export interface JwksCacheOptions {
  /** The JWKS URL, or a resolver (e.g. RFC 8414 discovery) run inside each refresh until it succeeds. */
  url: string | (() => Promise<string>);
  /** Algorithms keys may be used with; a subset of RS256, PS256, ES256. */
  algorithms: readonly string[];
  minIntervalMs: number;
  /** Keys older than this are refreshed in the background, keeping the old ones meanwhile. */
  maxAgeMs: number;
  timeoutMs: number;
  now: () => number;
  /** Optional label for error messages (never a credential). */
  what?: string;
}

const MAX_JWKS_BYTES = 256 * 1024;

/** GET a small JSON document: no redirects (they could point anywhere), bounded size and time. */
export async function fetchJson(url: string, timeoutMs: number): Promise<unknown> {
  const response = await fetch(url, {
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
    headers: { accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_JWKS_BYTES) throw new Error(`${url} sent a document that is too large`);
  return JSON.parse(text) as unknown;
}

/** Only the public members, so private key material in a JWKS can never become a verification key. */
function publicPart(jwk: JWK): JWK | undefined {
  if (jwk.d !== undefined) return undefined;
  if (jwk.kty === 'RSA' && typeof jwk.n === 'string' && typeof jwk.e === 'string') return { kty: 'RSA', n: jwk.n, e: jwk.e };
  if (jwk.kty === 'EC' && typeof jwk.crv === 'string' && typeof jwk.x === 'string' && typeof jwk.y === 'string') {
    return { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
  }
  return undefined;
}

interface CachedKey {
  jwk: JWK;
  /** The `alg` the key set pins this key to, if any. */
  alg?: string;
  imported: Map<string, Promise<VerifyKey | undefined>>;
}

export class JwksCache {
  private keys = new Map<string, CachedKey>();
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private lastSuccess = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;
  private resolvedUrl: string | undefined;
  /** Refresh attempts that went to the network (observable by tests and metrics). */
  fetches = 0;

  constructor(private readonly options: JwksCacheOptions) {
    if (typeof options.url === 'string') this.resolvedUrl = options.url;
  }

  get size(): number {
    return this.keys.size;
  }

  /** The key for `kid` usable with `alg`, refreshing (rate-limited) when the kid is unknown. */
  async getKey(kid: string, alg: string): Promise<VerifyKey | undefined> {
    if (!this.options.algorithms.includes(alg) || !KEY_TYPES[alg]) return undefined;
    // Stale keys still verify while a refresh runs; only a missing kid waits for the fetch.
    if (this.keys.size > 0 && this.options.now() - this.lastSuccess > this.options.maxAgeMs) void this.refreshIfAllowed();
    if (!this.keys.has(kid)) await this.refreshIfAllowed();
    const cached = this.keys.get(kid);
    if (!cached) return undefined;
    const type = KEY_TYPES[alg];
    // A key pinned to one algorithm, or of another type/curve, never verifies under a different one.
    if ((cached.alg !== undefined && cached.alg !== alg) || cached.jwk.kty !== type.kty) return undefined;
    if (type.crv !== undefined && cached.jwk.crv !== type.crv) return undefined;
    let key = cached.imported.get(alg);
    if (!key) {
      key = importJWK(cached.jwk, alg).catch(() => undefined);
      cached.imported.set(alg, key);
    }
    return key;
  }

  private async refreshIfAllowed(): Promise<void> {
    if (!this.inflight) {
      if (this.options.now() - this.lastAttempt < this.options.minIntervalMs) return;
      this.lastAttempt = this.options.now();
      this.inflight = this.fetchKeys().finally(() => {
        this.inflight = undefined;
      });
    }
    // A failed refresh keeps the keys we have; callers see "unknown key" if nothing fits.
    await this.inflight.catch(() => undefined);
  }

  private async fetchKeys(): Promise<void> {
    this.fetches += 1;
    const url = this.resolvedUrl ?? (this.resolvedUrl = await (this.options.url as () => Promise<string>)());
    const doc = (await fetchJson(url, this.options.timeoutMs)) as { keys?: unknown } | null;
    if (!doc || !Array.isArray(doc.keys)) throw new Error(`${this.options.what ?? 'key set'} has no keys`);
    const next = new Map<string, CachedKey>();
    for (const jwk of doc.keys as JWK[]) {
      if (typeof jwk !== 'object' || jwk === null || typeof jwk.kid !== 'string' || !jwk.kid) continue;
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      if (jwk.alg !== undefined && !this.options.algorithms.includes(jwk.alg)) continue;
      const pub = publicPart(jwk);
      if (!pub) continue;
      next.set(jwk.kid, { jwk: pub, alg: jwk.alg, imported: new Map() });
    }
    if (next.size === 0) throw new Error(`${this.options.what ?? 'key set'} has no usable keys`);
    this.keys = next;
    this.lastSuccess = this.options.now();
  }
}
