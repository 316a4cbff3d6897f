// Cloudflare Access: validates the Cf-Access-Jwt-Assertion header cloudflared forwards.
// The signing keys are cached by kid. An unknown kid triggers a refresh, but refreshes (successful
// or not) are spaced by `minRefreshIntervalMs` and coalesced, so a flood of tokens with made-up kids
// (or a dead certs endpoint) costs at most one fetch per interval. With no cached key the verifier
// fails closed. Only RS256 is accepted: the header's alg is checked before any key is looked up, so
// `alg: none` and HS256-signed-with-the-public-key tokens never reach a verifier.
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { Scope } from '../security.js';

export interface CloudflareAccessOptions {
  /** Team name, e.g. `myteam` (issuer https://myteam.cloudflareaccess.com). */
  team: string;
  audiences: readonly string[];
  certsUrl?: string;
  /** Minimum spacing of fetches to the certs endpoint. */
  minRefreshIntervalMs?: number;
  /** Keys older than this are refreshed in the background, keeping the old ones meanwhile. */
  maxKeyAgeMs?: number;
  fetchTimeoutMs?: number;
  clockToleranceSeconds?: number;
  now?: () => number;
}

export type AccessSubject = { kind: 'email'; email: string } | { kind: 'service'; commonName: string };

export type AccessVerification =
  | { ok: true; subject: AccessSubject; payload: JWTPayload }
  | { ok: false; reason: string };

type VerifyKey = Awaited<ReturnType<typeof importJWK>>;

const MAX_CERTS_BYTES = 256 * 1024;

export function teamName(team: string): string {
  return team
    .trim()
    .toLowerCase()
    .replace(/^https:\/\//, '')
    .replace(/\/$/, '')
    .replace(/\.cloudflareaccess\.com$/, '');
}

export function teamIssuer(team: string): string {
  return `https://${teamName(team)}.cloudflareaccess.com`;
}

export class CertsCache {
  private keys = new Map<string, VerifyKey>();
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private lastSuccess = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;
  /** Number of HTTP requests made to the certs endpoint (observable by tests and metrics). */
  fetches = 0;

  constructor(
    private readonly url: string,
    private readonly minIntervalMs: number,
    private readonly maxAgeMs: number,
    private readonly timeoutMs: number,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.keys.size;
  }

  async getKey(kid: string): Promise<VerifyKey | undefined> {
    // Stale keys still verify while a refresh runs; only a missing kid waits for the fetch.
    if (this.keys.size > 0 && this.now() - this.lastSuccess > this.maxAgeMs) void this.refreshIfAllowed();
    if (!this.keys.has(kid)) await this.refreshIfAllowed();
    return this.keys.get(kid);
  }

  private async refreshIfAllowed(): Promise<void> {
    if (!this.inflight) {
      if (this.now() - this.lastAttempt < this.minIntervalMs) return;
      this.lastAttempt = this.now();
      this.inflight = this.fetchKeys().finally(() => {
        this.inflight = undefined;
      });
    }
    // A failed refresh keeps the keys we have; callers see "unknown key" if nothing fits.
    await this.inflight.catch(() => undefined);
  }

  private async fetchKeys(): Promise<void> {
    this.fetches += 1;
    const response = await fetch(this.url, {
      signal: AbortSignal.timeout(this.timeoutMs),
      redirect: 'error',
      headers: { accept: 'application/json' },
    });
    if (!response.ok) throw new Error(`certs endpoint answered ${response.status}`);
    const text = await response.text();
    if (text.length > MAX_CERTS_BYTES) throw new Error('certs document too large');
    const doc = JSON.parse(text) as { keys?: unknown };
    if (!Array.isArray(doc.keys)) throw new Error('certs document has no keys');
    const next = new Map<string, VerifyKey>();
    for (const jwk of doc.keys as JWK[]) {
      if (typeof jwk !== 'object' || jwk === null || jwk.kty !== 'RSA' || typeof jwk.kid !== 'string') continue;
      if (jwk.alg !== undefined && jwk.alg !== 'RS256') continue;
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      if (jwk.d !== undefined) continue; // never accept private key material as a verification key
      try {
        next.set(jwk.kid, await importJWK({ kty: jwk.kty, n: jwk.n, e: jwk.e }, 'RS256'));
      } catch {
        // A malformed key is skipped; the others still work.
      }
    }
    if (next.size === 0) throw new Error('certs document has no usable RS256 keys');
    this.keys = next;
    this.lastSuccess = this.now();
  }
}

export class CloudflareAccessVerifier {
  readonly issuer: string;
  readonly certs: CertsCache;
  private readonly audiences: string[];
  private readonly tolerance: number;

  constructor(options: CloudflareAccessOptions) {
    if (!options.audiences.length) throw new Error('Cloudflare Access needs at least one audience tag');
    this.issuer = teamIssuer(options.team);
    this.audiences = [...options.audiences];
    this.tolerance = options.clockToleranceSeconds ?? 5;
    const now = options.now ?? Date.now;
    this.certs = new CertsCache(
      options.certsUrl ?? `${this.issuer}/cdn-cgi/access/certs`,
      options.minRefreshIntervalMs ?? 30_000,
      options.maxKeyAgeMs ?? 60 * 60_000,
      options.fetchTimeoutMs ?? 5_000,
      now,
    );
  }

  async verify(token: string): Promise<AccessVerification> {
    if (token.length > 16 * 1024) return { ok: false, reason: 'assertion too large' };
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      return { ok: false, reason: 'assertion is not a JWT' };
    }
    if (header.alg !== 'RS256') return { ok: false, reason: `algorithm ${String(header.alg)} is not accepted` };
    if (typeof header.kid !== 'string' || !header.kid) return { ok: false, reason: 'assertion has no key id' };
    const key = await this.certs.getKey(header.kid);
    if (!key) {
      const reason = this.certs.size === 0 ? 'signing keys are unavailable' : 'unknown signing key';
      return { ok: false, reason };
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: ['RS256'],
        issuer: this.issuer,
        audience: this.audiences,
        requiredClaims: ['exp', 'iat'],
        clockTolerance: this.tolerance,
      }));
    } catch (error) {
      return { ok: false, reason: describeJoseError(error) };
    }
    const email = typeof payload.email === 'string' ? payload.email.trim().toLowerCase() : '';
    if (email) return { ok: true, subject: { kind: 'email', email }, payload };
    const cn = typeof payload.common_name === 'string' ? payload.common_name.trim() : '';
    if (cn) return { ok: true, subject: { kind: 'service', commonName: cn }, payload };
    return { ok: false, reason: 'assertion has neither email nor common_name' };
  }
}

function describeJoseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'assertion expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `claim check failed (${(error as { claim?: string }).claim ?? 'unknown'})`;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'signature does not verify';
    default:
      return 'assertion is invalid';
  }
}

export interface AccessAllowList {
  emails: Map<string, Scope>;
  domains: Map<string, Scope>;
  serviceTokens: Map<string, Scope>;
}

/**
 * Maps a verified subject to a scope. With no allow-list configured, Cloudflare Access itself
 * decided (the AUD proves the request passed this application's Access policy); with any list
 * configured, the subject must be on one. Domains match exactly (`a@sub.example.com` is not in
 * `example.com`), so look-alike domains cannot slip in.
 */
export function scopeFor(subject: AccessSubject, lists: AccessAllowList, fallback: Scope): Scope | undefined {
  const configured = lists.emails.size + lists.domains.size + lists.serviceTokens.size > 0;
  if (subject.kind === 'service') {
    return lists.serviceTokens.get(subject.commonName) ?? (configured ? undefined : fallback);
  }
  const byEmail = lists.emails.get(subject.email);
  if (byEmail) return byEmail;
  const domain = subject.email.slice(subject.email.lastIndexOf('@') + 1);
  const byDomain = subject.email.includes('@') ? lists.domains.get(domain) : undefined;
  if (byDomain) return byDomain;
  return configured ? undefined : fallback;
}
