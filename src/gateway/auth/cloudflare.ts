// Cloudflare Access: validates the Cf-Access-Jwt-Assertion header cloudflared forwards.
// The signing keys live in a JwksCache (jwks-cache.ts): cached by kid, unknown-kid refreshes
// rate-limited and coalesced, fail closed with no cached key. Only RS256 is accepted: the header's
// alg is checked before any key is looked up, so `alg: none` and HS256-signed-with-the-public-key tokens never reach a verifier.
import { decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import type { Scope } from '../security.js';
import { JwksCache } from './jwks-cache.js';

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

export class CloudflareAccessVerifier {
  readonly issuer: string;
  readonly certs: JwksCache;
  private readonly audiences: string[];
  private readonly tolerance: number;

  constructor(options: CloudflareAccessOptions) {
    if (!options.audiences.length) throw new Error('Cloudflare Access needs at least one audience tag');
    this.issuer = teamIssuer(options.team);
    this.audiences = [...options.audiences];
    this.tolerance = options.clockToleranceSeconds ?? 5;
    const now = options.now ?? Date.now;
    this.certs = new JwksCache({
      url: options.certsUrl ?? `${this.issuer}/cdn-cgi/access/certs`,
      algorithms: ['RS256'],
      minIntervalMs: options.minRefreshIntervalMs ?? 30_000,
      maxAgeMs: options.maxKeyAgeMs ?? 60 * 60_000,
      timeoutMs: options.fetchTimeoutMs ?? 5_000,
      now,
      what: 'Cloudflare Access certs',
    });
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
    const key = await this.certs.getKey(header.kid, 'RS256');
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

/** A reason safe to show the client: jose's error code and claim name, never the token. */
export function describeJoseError(error: unknown, noun = 'assertion'): string {
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return `${noun} expired`;
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `claim check failed (${(error as { claim?: string }).claim ?? 'unknown'})`;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'signature does not verify';
    default:
      return `${noun} is invalid`;
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
