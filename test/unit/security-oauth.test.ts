// OAuth 2.0 JWT access tokens (RFC 9068) from a configured authorization server: real RSA and EC
// keys from jose, and a fake authorization server on 127.0.0.1 (RFC 8414 metadata + JWKS) as the
// only stand-in. Each case goes through the Authenticator the transports use.
import type { IncomingMessage } from 'node:http';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/shared/errors.js';
import { createAuthenticator } from '../../src/gateway/auth/authenticator.js';
import { protectedResourceMetadata } from '../../src/gateway/auth/exposure.js';
import { discoveryUrls, OAuthVerifier } from '../../src/gateway/auth/oauth.js';
import { parseTokenList } from '../../src/gateway/auth/tokens.js';
import { resolveGatewayConfig } from '../../src/gateway/config.js';
import { buildSecurity } from '../../src/gateway/security-config.js';
import type { AuthResult } from '../../src/gateway/security.js';
import { testDocker } from '../helpers/env.js';
import { startFakeAuthorizationServer, type FakeAuthorizationServer } from '../helpers/fake-as.js';

const RESOURCE = 'https://docker-mcp.example.com';
const METADATA = 'https://docker-mcp.example.com/.well-known/oauth-protected-resource';
const STATIC = 'static-token-0123456789abcdef';
let as: FakeAuthorizationServer;

function verifier(opts: { minRefreshIntervalMs?: number; allowJwtTyp?: boolean; jwksUrl?: string } = {}): OAuthVerifier {
  return new OAuthVerifier({ issuers: [as.issuer], resource: RESOURCE, minRefreshIntervalMs: 60_000, ...opts });
}

function auth(v = verifier()) {
  return createAuthenticator({ mode: 'bearer', tokens: parseTokenList([`ci:operate:${STATIC}`]), oauth: v, resourceMetadataUrl: METADATA });
}

function request(token: string | undefined, extra: Record<string, string> = {}, url = '/mcp'): IncomingMessage {
  const headers = token === undefined ? extra : { authorization: `Bearer ${token}`, ...extra };
  return { headers, url } as unknown as IncomingMessage;
}

async function rejected(token: string, text: RegExp, v = verifier(), status = 401): Promise<AuthResult> {
  const result = await auth(v).authenticate(request(token));
  expect(result.ok).toBe(false);
  if (result.ok) return result;
  expect(result.status).toBe(status);
  expect(result.message).toMatch(text);
  expect(result.message).not.toContain(token);
  expect(result.wwwAuthenticate).toContain(`resource_metadata="${METADATA}"`);
  return result;
}

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  as = await startFakeAuthorizationServer();
});

afterAll(() => as?.close());

describe('OAuth access tokens (fake authorization server)', () => {
  it('accepts valid RS256, PS256 and ES256 tokens with the scopes they carry (admin implies the rest)', async () => {
    const operate = await auth().authenticate(request(await as.issue(RESOURCE, { scope: 'openid docker:operate' })));
    expect(operate).toMatchObject({ ok: true, identity: { id: 'oauth:alice', kind: 'oauth', name: 'alice (client mcp-client)' } });
    expect(operate.ok && [...operate.identity.scopes]).toEqual(['read', 'operate']);
    const admin = await auth().authenticate(request(await as.issue(RESOURCE, { alg: 'ES256', scope: 'docker:admin', sub: 'bob' })));
    expect(admin.ok && [...admin.identity.scopes]).toEqual(['read', 'operate', 'admin']);
    const pss = await auth().authenticate(request(await as.issue(`${RESOURCE}/`, { alg: 'PS256', scope: 'docker:read' })));
    expect(pss.ok && [...pss.identity.scopes]).toEqual(['read']);
  });

  it('rejects a wrong issuer without fetching anything', async () => {
    const hits = as.totalHits();
    await rejected(await as.issue(RESOURCE, { iss: 'https://evil.example.com' }), /issuer is not a configured/);
    await rejected(await as.issue(RESOURCE, { iss: `${as.issuer}/` }), /issuer is not a configured/);
    expect(as.totalHits()).toBe(hits);
  });

  it.each([
    ['another resource', 'https://other-mcp.example.com'],
    ['a prefix look-alike', 'https://docker-mcp.example.com.evil'],
    ['a longer path', 'https://docker-mcp.example.com/mcp'],
    ['no aud at all', null],
  ])('rejects a token whose audience is %s', async (_name, aud) => {
    await rejected(await as.issue(RESOURCE, { aud }), /claim check failed \(aud\)|aud/);
  });

  it('rejects expired and not-yet-valid tokens', async () => {
    await rejected(await as.issue(RESOURCE, { exp: now() - 120 }), /token expired/);
    await rejected(await as.issue(RESOURCE, { nbf: now() + 600 }), /nbf/);
  });

  it('rejects alg none and HS256 keyed with the public key before any key lookup', async () => {
    const claims = { iss: as.issuer, aud: RESOURCE, sub: 'alice', scope: 'docker:admin', iat: now(), exp: now() + 300 };
    await rejected(`${b64({ alg: 'none', typ: 'at+jwt', kid: 'rsa-1' })}.${b64(claims)}.`, /algorithm none is not accepted/);
    const pem = await exportSPKI(as.rsa.publicKey);
    const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'rsa-1' }).sign(new TextEncoder().encode(pem));
    await rejected(hs, /algorithm HS256 is not accepted/);
  });

  it('rejects a token signed by another key under a published kid', async () => {
    const rogue = await generateKeyPair('RS256');
    await rejected(await as.issue(RESOURCE, { key: rogue }), /signature does not verify/);
  });

  it('an unknown-kid flood costs at most one refresh (discovery + JWKS) per interval', async () => {
    const v = verifier();
    expect((await auth(v).authenticate(request(await as.issue(RESOURCE)))).ok).toBe(true);
    const hits = as.totalHits();
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => as.issue(RESOURCE, { kid: `made-up-${i}` })));
    const results = await Promise.all(tokens.map((t) => auth(v).authenticate(request(t))));
    expect(results.every((r) => !r.ok && r.status === 401 && /unknown signing key/.test(r.message))).toBe(true);
    expect(as.totalHits() - hits).toBeLessThanOrEqual(1);
  });

  it('fails closed when the authorization server is down and nothing is cached', async () => {
    as.down = true;
    try {
      const v = verifier();
      const token = await as.issue(RESOURCE, { scope: 'docker:admin' });
      await rejected(token, /signing keys are unavailable/, v);
      const hits = as.totalHits();
      await rejected(token, /signing keys are unavailable/, v);
      expect(as.totalHits()).toBe(hits); // the retry waits for the refresh interval
    } finally {
      as.down = false;
    }
  });

  it('falls back to OpenID discovery when RFC 8414 metadata is missing, and refuses metadata naming another issuer', async () => {
    as.serveOAuthMetadata = false;
    try {
      const before = as.hits.get('/.well-known/openid-configuration') ?? 0;
      expect((await auth().authenticate(request(await as.issue(RESOURCE)))).ok).toBe(true);
      expect(as.hits.get('/.well-known/openid-configuration')).toBe(before + 1);
      as.metadataIssuer = 'https://evil.example.com';
      await rejected(await as.issue(RESOURCE), /signing keys are unavailable/);
    } finally {
      as.serveOAuthMetadata = true;
      as.metadataIssuer = undefined;
    }
    expect(discoveryUrls('https://as.example.com/tenant/')).toEqual([
      'https://as.example.com/.well-known/oauth-authorization-server/tenant',
      'https://as.example.com/.well-known/openid-configuration/tenant',
      'https://as.example.com/tenant/.well-known/openid-configuration',
    ]);
  });

  it('uses an explicit oauth_jwks_url without discovery', async () => {
    const before = as.hits.get('/.well-known/oauth-authorization-server') ?? 0;
    expect((await auth(verifier({ jwksUrl: as.jwksUrl })).authenticate(request(await as.issue(RESOURCE)))).ok).toBe(true);
    expect(as.hits.get('/.well-known/oauth-authorization-server') ?? 0).toBe(before);
  });

  it('answers a genuine token with none of our scopes with 403 insufficient_scope', async () => {
    const result = await rejected(await as.issue(RESOURCE, { scope: 'openid profile docker:readonly' }), /none of the scopes docker:read/, verifier(), 403);
    expect(!result.ok && result.wwwAuthenticate).toBe(`Bearer error="insufficient_scope", scope="docker:read", resource_metadata="${METADATA}"`);
  });

  it('requires typ at+jwt unless oauth_allow_jwt_typ is set', async () => {
    await rejected(await as.issue(RESOURCE, { typ: 'JWT' }), /typ is not at\+jwt/);
    await rejected(await as.issue(RESOURCE, { typ: null }), /typ is not at\+jwt/);
    expect((await auth().authenticate(request(await as.issue(RESOURCE, { typ: 'application/at+jwt' })))).ok).toBe(true);
    expect((await auth(verifier({ allowJwtTyp: true })).authenticate(request(await as.issue(RESOURCE, { typ: 'JWT' })))).ok).toBe(true);
  });

  it('keeps static bearer tokens working alongside, and never reads tokens from the query or cookies', async () => {
    const hits = as.totalHits();
    expect(await auth().authenticate(request(STATIC))).toMatchObject({ ok: true, identity: { id: 'token:ci', kind: 'token' } });
    await rejected('not-a-jwt-and-not-a-static-token', /bearer token is not valid/);
    expect(as.totalHits()).toBe(hits);
    const token = await as.issue(RESOURCE, { scope: 'docker:admin' });
    for (const req of [request(undefined, {}, `/mcp?access_token=${token}`), request(undefined, { cookie: `access_token=${token}` })]) {
      const result = await auth().authenticate(req);
      expect(result).toMatchObject({ ok: false, status: 401 });
      expect(!result.ok && result.message).not.toContain(token);
    }
  });
});

describe('OAuth configuration', () => {
  const config = (env: Record<string, string>) => resolveGatewayConfig({ env }).config;
  const problems = (env: Record<string, string>): string => {
    try {
      buildSecurity(config(env), { docker: testDocker(), self: [] });
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as UsageError).problems.join('\n');
    }
    return '';
  };

  it('refuses an authorization server without public_url, and other contradictions', () => {
    expect(problems({ DOCKER_MCP_OAUTH_AUTHORIZATION_SERVERS: 'https://as.example.com' })).toMatch(/oauth_authorization_servers needs public_url/);
    expect(problems({ DOCKER_MCP_OAUTH_AUTHORIZATION_SERVERS: 'http://as.example.com', DOCKER_MCP_PUBLIC_URL: RESOURCE })).toMatch(/must be an https URL/);
    expect(problems({ DOCKER_MCP_OAUTH_AUTHORIZATION_SERVERS: 'https://a.example.com,https://b.example.com', DOCKER_MCP_PUBLIC_URL: RESOURCE, DOCKER_MCP_OAUTH_JWKS_URL: 'https://a.example.com/jwks' })).toMatch(/oauth_jwks_url needs exactly one/);
    expect(problems({ DOCKER_MCP_AUTH_MODE: 'cloudflare-access', DOCKER_MCP_CF_ACCESS_TEAM: 'acme', DOCKER_MCP_CF_ACCESS_AUD: 'x', DOCKER_MCP_OAUTH_AUTHORIZATION_SERVERS: 'https://as.example.com', DOCKER_MCP_PUBLIC_URL: RESOURCE })).toMatch(/needs auth_mode bearer or both/);
  });

  it('an authorization server alone is enough authentication, and the metadata lists our scopes', () => {
    const env = { DOCKER_MCP_OAUTH_AUTHORIZATION_SERVERS: 'https://as.example.com/', DOCKER_MCP_PUBLIC_URL: `${RESOURCE}/`, DOCKER_MCP_HOST: '0.0.0.0' };
    const security = buildSecurity(config(env), { docker: testDocker(), self: [], auditStream: { write: () => undefined } });
    expect(security.mode).toBe('bearer');
    expect(security.oauthVerifier).toBeInstanceOf(OAuthVerifier);
    expect(protectedResourceMetadata(config(env))).toMatchObject({
      resource: RESOURCE, authorization_servers: ['https://as.example.com/'], scopes_supported: ['docker:read', 'docker:operate', 'docker:admin'],
    });
    void security.close();
  });
});
