// One Authenticator for every transport: bearer tokens (static, or OAuth JWT access tokens from the
// configured authorization servers), Cloudflare Access assertions, or both.
// Credentials are read from headers only: `?access_token=` and cookies (including Cloudflare's
// CF_Authorization cookie) are never looked at, so a leaked URL or a cross-site request carries
// no authority. Messages and headers produced here never contain a credential.
import type { IncomingMessage } from 'node:http';
import type { AuthResult, Authenticator, Identity, Scope } from '../security.js';
import { localIdentity } from '../security.js';
import { scopeFor, type AccessAllowList, type CloudflareAccessVerifier } from './cloudflare.js';
import { OAUTH_SCOPES, type OAuthVerifier } from './oauth.js';
import { bindCredential, credentialOf } from './revocation.js';
import { expandScope, scopeOrder } from './scopes.js';
import { TokenStore } from './token-store.js';
import { matchToken, type TokenEntry } from './tokens.js';

export type AuthMode = 'none' | 'bearer' | 'cloudflare-access' | 'both';

export interface AccessOptions {
  verifier: CloudflareAccessVerifier;
  lists: AccessAllowList;
  /** Scope of an Access identity not given one by an allow-list entry. */
  defaultScope: Scope;
}

export interface AuthenticatorOptions {
  mode: AuthMode;
  tokens?: readonly TokenEntry[];
  /** The live token set when the tokens file is reloaded (token-reload.ts); replaces `tokens`. */
  tokenStore?: TokenStore;
  access?: AccessOptions;
  /** Validates bearer JWTs that are not static tokens (`oauth_authorization_servers`). */
  oauth?: OAuthVerifier;
  /** Absolute URL of the RFC 9728 metadata document, advertised on every 401. */
  resourceMetadataUrl?: string;
}

export const ACCESS_HEADER = 'cf-access-jwt-assertion';
const QUERY_CREDENTIALS = /[?&](access_token|token|auth|authorization|jwt|api_key)=/i;
/** JWS compact serialization: only such a token is worth handing to the OAuth verifier. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The value for `WWW-Authenticate` on a 401 (RFC 6750 + RFC 9728 `resource_metadata`). */
export function wwwAuthenticate(resourceMetadataUrl?: string, error?: 'invalid_token' | 'invalid_request'): string {
  const parts = ['realm="docker-mcp"'];
  if (resourceMetadataUrl) parts.push(`resource_metadata="${resourceMetadataUrl}"`);
  if (error) parts.push(`error="${error}"`);
  return `Bearer ${parts.join(', ')}`;
}

function intersect(a: ReadonlySet<Scope>, b: ReadonlySet<Scope>): ReadonlySet<Scope> {
  return new Set(scopeOrder.filter((s) => a.has(s) && b.has(s)));
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { mode, resourceMetadataUrl } = options;
  const store = options.tokenStore ?? new TokenStore(options.tokens ?? []);
  const acceptsBearer = mode === 'bearer' || mode === 'both';
  const acceptsAccess = mode === 'cloudflare-access' || mode === 'both';
  if (acceptsBearer && store.list().length === 0 && !options.oauth) throw new Error(`auth mode ${mode} needs bearer tokens or an OAuth authorization server`);
  if (acceptsAccess && !options.access) throw new Error(`auth mode ${mode} needs Cloudflare Access settings`);

  const unauthorized = (message: string, error?: 'invalid_token' | 'invalid_request'): AuthResult => ({
    ok: false,
    status: 401,
    message,
    wwwAuthenticate: wwwAuthenticate(resourceMetadataUrl, error),
  });

  async function fromBearer(header: string): Promise<AuthResult> {
    const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
    if (!match) return unauthorized('Authorization must be "Bearer <token>".', 'invalid_request');
    const presented = match[1]!;
    // Static tokens first (constant time over all of them); only a miss that looks like a JWT goes
    // on to the OAuth verifier, so a static token never leaves this process.
    const entry = matchToken(store.list(), presented);
    if (entry) {
      const identity: Identity = { id: `token:${entry.name}`, kind: 'token', name: entry.name, scopes: expandScope(entry.scope) };
      // What this token opens (a WebSocket, a session, a running call) ends when a reload drops it.
      return { ok: true, identity: bindCredential(identity, () => store.accepts(entry)) };
    }
    if (!options.oauth || !JWT_SHAPE.test(presented)) return unauthorized('The bearer token is not valid.', 'invalid_token');
    const result = await options.oauth.verify(presented);
    if (result.ok) return result;
    if (result.insufficientScope) {
      // RFC 6750 §3.1: the token is genuine but grants nothing here; name the least scope to ask for.
      const parts = ['error="insufficient_scope"', `scope="${OAUTH_SCOPES.read}"`];
      if (resourceMetadataUrl) parts.push(`resource_metadata="${resourceMetadataUrl}"`);
      return { ok: false, status: 403, message: `OAuth access token rejected: ${result.reason}.`, wwwAuthenticate: `Bearer ${parts.join(', ')}` };
    }
    return unauthorized(`OAuth access token rejected: ${result.reason}.`, 'invalid_token');
  }

  async function fromAccess(assertion: string): Promise<AuthResult> {
    const access = options.access!;
    const result = await access.verifier.verify(assertion);
    if (!result.ok) return unauthorized(`Cloudflare Access assertion rejected: ${result.reason}.`, 'invalid_token');
    const subject = result.subject;
    const who = subject.kind === 'email' ? subject.email : subject.commonName;
    const scope = scopeFor(subject, access.lists, access.defaultScope);
    if (!scope) {
      return {
        ok: false,
        status: 403,
        message: `${who} passed Cloudflare Access but is not on this gateway's allow-list (cf_access_allowed_emails, cf_access_allowed_email_domains, cf_access_service_tokens).`,
      };
    }
    const identity: Identity =
      subject.kind === 'email'
        ? { id: `email:${who}`, kind: 'cloudflare-access', name: who, scopes: expandScope(scope) }
        : { id: `service:${who}`, kind: 'cloudflare-access', name: who, scopes: expandScope(scope) };
    return { ok: true, identity };
  }

  return {
    async authenticate(req: IncomingMessage): Promise<AuthResult> {
      if (mode === 'none') return { ok: true, identity: localIdentity };
      const authorization = acceptsBearer ? single(req.headers.authorization) : undefined;
      const assertion = acceptsAccess ? single(req.headers[ACCESS_HEADER]) : undefined;

      if (authorization === undefined && assertion === undefined) {
        const hint = QUERY_CREDENTIALS.test(req.url ?? '')
          ? ' Credentials in the query string or cookies are not accepted.'
          : '';
        const wanted = acceptsBearer ? 'an Authorization: Bearer header' : 'a Cf-Access-Jwt-Assertion header';
        return unauthorized(`Authentication required: send ${wanted}.${hint}`);
      }
      // A credential that is present must be valid; a bad one is never skipped in favour of the other.
      const bearer = authorization !== undefined ? await fromBearer(authorization) : undefined;
      if (bearer && !bearer.ok) return bearer;
      const access = assertion !== undefined ? await fromAccess(assertion) : undefined;
      if (access && !access.ok) return access;
      if (bearer?.ok && access?.ok) {
        // Both sent: the person is the Access identity, limited to what both credentials allow, and
        // revoked with the bearer token (a static one; an OAuth token has no tie and binds nothing).
        const identity: Identity = { ...access.identity, scopes: intersect(access.identity.scopes, bearer.identity.scopes) };
        const check = credentialOf(bearer.identity);
        // The Access check awaited (a JWKS fetch can take seconds): a reload may have revoked the
        // bearer token meanwhile, and a request must not start work under a token already revoked.
        if (check && !check()) return unauthorized('The bearer token is not valid.', 'invalid_token');
        return { ok: true, identity: check ? bindCredential(identity, check) : identity };
      }
      return (access ?? bearer)!;
    },
  };
}
