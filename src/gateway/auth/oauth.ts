// OAuth 2.0 JWT access tokens (RFC 9068) from the authorization servers named in
// `oauth_authorization_servers`, so a client that follows our RFC 9728 metadata gets in with the
// token it was issued. Checks, in order, before any signature work: size, an asymmetric alg
// (RS256/ES256/PS256 — `none` and HS* never reach a key), typ `at+jwt`, a kid, and an `iss` that is
// exactly one of the configured servers (so a token naming any other issuer costs no fetch). Then
// the signature with that issuer's JWKS (RFC 8414 discovery, or `oauth_jwks_url`), the audience —
// which must be this resource (`public_url`), the point of RFC 8707 — and exp/nbf. Opaque tokens
// and introspection are not supported. Reasons returned here never contain the token.
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import type { Identity, Scope } from '../security.js';
import { describeJoseError } from './cloudflare.js';
import { fetchJson, JwksCache } from './jwks-cache.js';
import { expandScope, scopeOrder } from './scopes.js';

/** OAuth scope strings for our scopes; hierarchical like every credential (admin ⊃ operate ⊃ read). */
export const OAUTH_SCOPES: Readonly<Record<Scope, string>> = {
  read: 'docker:read',
  operate: 'docker:operate',
  admin: 'docker:admin',
};

export const OAUTH_ALGORITHMS: readonly string[] = ['RS256', 'ES256', 'PS256'];

export interface OAuthOptions {
  /** Issuer identifiers, compared with `iss` exactly. */
  issuers: readonly string[];
  /** The resource identifier (`public_url`); tokens must name it in `aud`. */
  resource: string;
  /** Explicit JWKS URL instead of discovery (only with a single issuer). */
  jwksUrl?: string;
  /** Also accept typ `JWT` or no typ (ASes that predate RFC 9068). */
  allowJwtTyp?: boolean;
  minRefreshIntervalMs?: number;
  maxKeyAgeMs?: number;
  fetchTimeoutMs?: number;
  clockToleranceSeconds?: number;
  now?: () => number;
}

export type OAuthVerification =
  | { ok: true; identity: Identity; payload: JWTPayload }
  | { ok: false; reason: string; insufficientScope?: boolean };

/** https, or http on loopback (a local AS or a test stand-in); anything else could be spoofed on the path. */
export function isTrustedFetchUrl(url: string): boolean {
  return /^https:\/\//i.test(url) || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/i.test(url);
}

/** `public_url` without query or fragment and without a trailing slash: the RFC 8707 resource. */
export function resourceIdentifier(publicUrl: string): string {
  const url = new URL(publicUrl);
  url.hash = '';
  url.search = '';
  return url.toString().replace(/\/+$/, '');
}

/**
 * Where an issuer's metadata may live, in the order MCP clients try them: RFC 8414 (well-known
 * segment inserted before the issuer's path), then OpenID Connect Discovery (inserted, then appended).
 */
export function discoveryUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  const urls = [`${url.origin}/.well-known/oauth-authorization-server${path}`, `${url.origin}/.well-known/openid-configuration${path}`];
  if (path) urls.push(`${url.origin}${path}/.well-known/openid-configuration`);
  return urls;
}

/** The issuer's `jwks_uri`; the metadata must name the same issuer exactly (RFC 8414 §3.3). */
export async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<string> {
  const problems: string[] = [];
  for (const url of discoveryUrls(issuer)) {
    let doc: { issuer?: unknown; jwks_uri?: unknown } | null;
    try {
      doc = (await fetchJson(url, timeoutMs)) as typeof doc;
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    if (doc?.issuer !== issuer) problems.push(`${url} names another issuer`);
    else if (typeof doc.jwks_uri !== 'string' || !isTrustedFetchUrl(doc.jwks_uri)) problems.push(`${url} has no usable jwks_uri`);
    else return doc.jwks_uri;
  }
  throw new Error(`no authorization server metadata for ${issuer}: ${problems.join('; ')}`);
}

/** Our scopes named by a space-separated `scope` claim, expanded (docker:admin brings operate and read). */
export function scopesFromClaim(claim: unknown): ReadonlySet<Scope> {
  const granted = new Set<Scope>();
  if (typeof claim !== 'string') return granted;
  for (const item of claim.split(' ')) {
    const scope = scopeOrder.find((s) => OAUTH_SCOPES[s] === item);
    if (scope) for (const s of expandScope(scope)) granted.add(s);
  }
  return new Set(scopeOrder.filter((s) => granted.has(s)));
}

/** A header value safe to repeat in a message: short and plain, else a placeholder. */
function shown(value: unknown): string {
  return typeof value === 'string' && /^[A-Za-z0-9+/._-]{1,20}$/.test(value) ? value : '(unrecognised)';
}

function acceptedTyp(typ: unknown, allowJwt: boolean): boolean {
  if (typ === undefined) return allowJwt;
  if (typeof typ !== 'string') return false;
  const media = typ.toLowerCase().replace(/^application\//, '');
  return media === 'at+jwt' || (allowJwt && media === 'jwt');
}

function plainText(value: unknown, max: number): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  return typeof value === 'string' && value.length > 0 && value.length <= max && !/[\u0000-\u001f\u007f]/.test(value) ? value : undefined;
}

export class OAuthVerifier {
  /** One key cache per issuer (a shared one when `jwksUrl` is set); exposed for tests and metrics. */
  readonly caches = new Map<string, JwksCache>();
  private readonly audiences: string[];
  private readonly tolerance: number;

  constructor(private readonly options: OAuthOptions) {
    if (!options.issuers.length) throw new Error('OAuth needs at least one authorization server');
    if (options.jwksUrl && options.issuers.length > 1) throw new Error('oauth_jwks_url needs exactly one authorization server');
    const resource = resourceIdentifier(options.resource);
    // RFC 8707 canonicalization tolerates only the trailing slash; anything looser would let a
    // token for another resource (or a look-alike host) in.
    this.audiences = [resource, `${resource}/`];
    this.tolerance = options.clockToleranceSeconds ?? 5;
    const timeoutMs = options.fetchTimeoutMs ?? 5_000;
    for (const issuer of options.issuers) {
      this.caches.set(issuer, new JwksCache({
        url: options.jwksUrl ?? (() => discoverJwksUri(issuer, timeoutMs)),
        algorithms: OAUTH_ALGORITHMS,
        minIntervalMs: options.minRefreshIntervalMs ?? 30_000,
        maxAgeMs: options.maxKeyAgeMs ?? 60 * 60_000,
        timeoutMs,
        now: options.now ?? Date.now,
        what: `JWKS of ${issuer}`,
      }));
    }
  }

  async verify(token: string): Promise<OAuthVerification> {
    if (token.length > 16 * 1024) return { ok: false, reason: 'token too large' };
    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      unverified = decodeJwt(token);
    } catch {
      return { ok: false, reason: 'token is not a JWT' };
    }
    const alg = header.alg ?? '';
    if (!OAUTH_ALGORITHMS.includes(alg)) return { ok: false, reason: `algorithm ${shown(alg)} is not accepted` };
    if (!acceptedTyp(header.typ, this.options.allowJwtTyp ?? false)) {
      return { ok: false, reason: 'token typ is not at+jwt (RFC 9068 access token)' };
    }
    if (typeof header.kid !== 'string' || !header.kid) return { ok: false, reason: 'token has no key id' };
    const issuer = typeof unverified.iss === 'string' ? unverified.iss : '';
    const cache = this.caches.get(issuer);
    if (!cache) return { ok: false, reason: 'issuer is not a configured authorization server' };
    const key = await cache.getKey(header.kid, alg);
    if (!key) return { ok: false, reason: cache.size === 0 ? 'signing keys are unavailable' : 'unknown signing key' };

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: [alg],
        issuer,
        audience: this.audiences,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: this.tolerance,
      }));
    } catch (error) {
      return { ok: false, reason: describeJoseError(error, 'token') };
    }
    const sub = plainText(payload.sub, 256);
    if (!sub) return { ok: false, reason: 'token subject is not usable' };
    const clientId = plainText(payload.client_id, 256);
    const scopes = scopesFromClaim(payload.scope);
    if (scopes.size === 0) {
      return { ok: false, insufficientScope: true, reason: `token carries none of the scopes ${Object.values(OAUTH_SCOPES).join(', ')}` };
    }
    // With several servers the same sub may name different principals: keep their sessions apart.
    const id = this.caches.size > 1 ? `oauth:${sub}@${issuer}` : `oauth:${sub}`;
    const name = clientId && clientId !== sub ? `${sub} (client ${clientId})` : sub;
    return { ok: true, identity: { id, kind: 'oauth', name, scopes }, payload };
  }
}
