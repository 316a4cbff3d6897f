// Authentication attack catalogue: Cloudflare Access assertions against a fake Cloudflare certs
// endpoint (a local JWKS server on 127.0.0.1 with real RSA keys) and bearer tokens.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, wwwAuthenticate } from '../../src/gateway/auth/authenticator.js';
import { CloudflareAccessVerifier, type AccessAllowList } from '../../src/gateway/auth/cloudflare.js';
import { digestToken, matchToken, parseTokenList } from '../../src/gateway/auth/tokens.js';
import type { AuthResult } from '../../src/gateway/security.js';

const TEAM = 'acme';
const ISSUER = 'https://acme.cloudflareaccess.com';
const AUD = 'aud-tag-0123456789';

type Key = Awaited<ReturnType<typeof generateKeyPair>>;
let key: Key;
let otherKey: Key;
let publicJwk: JWK;
let certs: { server: Server; url: string; hits: number; down: boolean; keys: JWK[] };

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function sign(claims: Record<string, unknown> = {}, opts: { kid?: string; key?: Key; iss?: string; aud?: string; exp?: number | string; nbf?: number | string } = {}): Promise<string> {
  const jwt = new SignJWT({ email: 'alice@example.com', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'k1' })
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUD)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m');
  if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
  return jwt.sign((opts.key ?? key).privateKey);
}

function request(headers: Record<string, string>, url = '/mcp'): IncomingMessage {
  return { headers, url } as unknown as IncomingMessage;
}

const noLists: AccessAllowList = { emails: new Map(), domains: new Map(), serviceTokens: new Map() };

function verifier(minRefreshIntervalMs = 60_000, now?: () => number): CloudflareAccessVerifier {
  return new CloudflareAccessVerifier({ team: TEAM, audiences: [AUD], certsUrl: certs.url, minRefreshIntervalMs, now });
}

function accessAuth(v = verifier(), lists = noLists) {
  return createAuthenticator({ mode: 'cloudflare-access', access: { verifier: v, lists, defaultScope: 'admin' } });
}

function expectRejected(result: AuthResult, status = 401, text?: RegExp): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.status).toBe(status);
  if (text) expect(result.message).toMatch(text);
}

beforeAll(async () => {
  key = await generateKeyPair('RS256', { extractable: true });
  otherKey = await generateKeyPair('RS256', { extractable: true });
  publicJwk = { ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  certs = { server: createServer(), url: '', hits: 0, down: false, keys: [publicJwk] };
  certs.server.on('request', (_req, res) => {
    certs.hits += 1;
    if (certs.down) {
      res.writeHead(503).end('down');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: certs.keys }));
  });
  await new Promise<void>((resolve) => certs.server.listen(0, '127.0.0.1', resolve));
  certs.url = `http://127.0.0.1:${(certs.server.address() as AddressInfo).port}/cdn-cgi/access/certs`;
});

afterAll(() => new Promise<void>((resolve) => certs.server.close(() => resolve())));

describe('Cloudflare Access assertions (fake Cloudflare certs endpoint)', () => {
  it('accepts a valid RS256 assertion and derives the identity from email', async () => {
    const result = await accessAuth().authenticate(request({ 'cf-access-jwt-assertion': await sign() }));
    expect(result).toMatchObject({ ok: true, identity: { id: 'email:alice@example.com', kind: 'cloudflare-access' } });
  });

  it('derives a service token identity from common_name', async () => {
    const token = await sign({ email: undefined, common_name: 'ci.access', type: 'app' });
    const result = await accessAuth().authenticate(request({ 'cf-access-jwt-assertion': token }));
    expect(result).toMatchObject({ ok: true, identity: { id: 'service:ci.access' } });
  });

  it('rejects a missing assertion with a WWW-Authenticate challenge', async () => {
    const result = await accessAuth().authenticate(request({}));
    expectRejected(result, 401, /Cf-Access-Jwt-Assertion/);
    expect(!result.ok && result.wwwAuthenticate).toMatch(/^Bearer /);
  });

  it('rejects an expired assertion', async () => {
    const token = await sign({}, { exp: Math.floor(Date.now() / 1000) - 600 });
    expectRejected(await accessAuth().authenticate(request({ 'cf-access-jwt-assertion': token })), 401, /expired/);
  });

  it('rejects an assertion that is not yet valid (nbf)', async () => {
    const token = await sign({}, { nbf: Math.floor(Date.now() / 1000) + 600 });
    expectRejected(await accessAuth().authenticate(request({ 'cf-access-jwt-assertion': token })), 401, /nbf/);
  });

  it('rejects a wrong audience (another Access application of the same team)', async () => {
    const token = await sign({}, { aud: 'some-other-app' });
    expectRejected(await accessAuth().authenticate(request({ 'cf-access-jwt-assertion': token })), 401, /aud/);
  });

  it('rejects a wrong issuer (another team)', async () => {
    const token = await sign({}, { iss: 'https://evil.cloudflareaccess.com' });
    expectRejected(await accessAuth().authenticate(request({ 'cf-access-jwt-assertion': token })), 401, /iss/);
  });

  it('rejects alg: none', async () => {
    const payload = { email: 'alice@example.com', iss: ISSUER, aud: AUD, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300 };
    const token = `${b64({ alg: 'none', kid: 'k1' })}.${b64(payload)}.`;
    expectRejected(await accessAuth().authenticate(request({ 'cf-access-jwt-assertion': token })), 401, /algorithm none/);
  });

  it('rejects HS256 signed with the public key (algorithm confusion)', async () => {
    const pem = await exportSPKI(key.publicKey);
    for (const secret of [new TextEncoder().encode(pem), Buffer.from(publicJwk.n!, 'base64url')]) {
      const token = await new SignJWT({ email: 'alice@example.com' })
        .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .setIssuer(ISSUER).setAudience(AUD).setIssuedAt().setExpirationTime('5m')
        .sign(secret);
      expectRejected(await accessAuth().authenticate(request({ 'cf-access-jwt-assertion': token })), 401, /HS256/);
    }
  });

  it('rejects a token signed by another key under a known kid', async () => {
    const token = await sign({}, { key: otherKey });
    expectRejected(await accessAuth().authenticate(request({ 'cf-access-jwt-assertion': token })), 401, /signature/);
  });

  it('rejects garbage and oversized assertions', async () => {
    expectRejected(await accessAuth().authenticate(request({ 'cf-access-jwt-assertion': 'not.a.jwt' })));
    expectRejected(await accessAuth().authenticate(request({ 'cf-access-jwt-assertion': 'a'.repeat(20_000) })), 401, /too large/);
  });

  it('an unknown kid flood hits the certs endpoint at most twice', async () => {
    const v = verifier(60_000);
    const auth = accessAuth(v);
    expect((await auth.authenticate(request({ 'cf-access-jwt-assertion': await sign() }))).ok).toBe(true);
    const forged = await Promise.all(Array.from({ length: 200 }, (_, i) => sign({}, { kid: `bogus-${i}`, key: otherKey })));
    const results = await Promise.all(forged.map((t) => auth.authenticate(request({ 'cf-access-jwt-assertion': t }))));
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(v.certs.fetches).toBeLessThanOrEqual(2);
  });

  it('fails closed when the certs endpoint is down and the cache is empty, without hammering it', async () => {
    certs.down = true;
    try {
      const v = verifier(60_000);
      const auth = accessAuth(v);
      const token = await sign();
      const results = await Promise.all(Array.from({ length: 50 }, () => auth.authenticate(request({ 'cf-access-jwt-assertion': token }))));
      for (const r of results) expectRejected(r, 401, /keys are unavailable/);
      expect(v.certs.fetches).toBe(1);
    } finally {
      certs.down = false;
    }
  });

  it('picks up a rotated key once the refresh interval has passed', async () => {
    let now = Date.now();
    const v = verifier(30_000, () => now);
    const auth = accessAuth(v);
    expect((await auth.authenticate(request({ 'cf-access-jwt-assertion': await sign() }))).ok).toBe(true);
    certs.keys = [publicJwk, { ...(await exportJWK(otherKey.publicKey)), kid: 'k2', alg: 'RS256', use: 'sig' }];
    try {
      const rotated = await sign({}, { kid: 'k2', key: otherKey });
      expect((await auth.authenticate(request({ 'cf-access-jwt-assertion': rotated }))).ok).toBe(false);
      now += 31_000;
      expect((await auth.authenticate(request({ 'cf-access-jwt-assertion': rotated }))).ok).toBe(true);
    } finally {
      certs.keys = [publicJwk];
    }
  });

  it('enforces allow-lists: listed email, exact domain (no look-alikes), service tokens with scopes', async () => {
    const lists: AccessAllowList = {
      emails: new Map([['bob@other.org', 'read']]),
      domains: new Map([['example.com', 'operate']]),
      serviceTokens: new Map([['ci.access', 'admin']]),
    };
    const auth = accessAuth(verifier(), lists);
    const as = async (claims: Record<string, unknown>) => auth.authenticate(request({ 'cf-access-jwt-assertion': await sign(claims) }));
    const alice = await as({});
    expect(alice.ok && [...alice.identity.scopes]).toEqual(['read', 'operate']);
    const bob = await as({ email: 'Bob@Other.org' });
    expect(bob.ok && [...bob.identity.scopes]).toEqual(['read']);
    expectRejected(await as({ email: 'mallory@evil-example.com' }), 403, /allow-list/);
    expectRejected(await as({ email: 'mallory@sub.example.com' }), 403);
    expectRejected(await as({ email: 'example.com@evil.org' }), 403);
    expectRejected(await as({ email: undefined, common_name: 'unknown-token' }), 403);
    const ci = await as({ email: undefined, common_name: 'ci.access' });
    expect(ci.ok && ci.identity.scopes.has('admin')).toBe(true);
  });
});

describe('bearer tokens', () => {
  const tokens = parseTokenList(['ops:operate:ops-token-0123456789abcdef', 'viewer:read:viewer-token-0123456789', 'root:admin:admin-token-0123456789abcdef']);
  const auth = createAuthenticator({ mode: 'bearer', tokens, resourceMetadataUrl: 'https://gw.example.com/.well-known/oauth-protected-resource' });

  it('accepts a valid token with its scope', async () => {
    const result = await auth.authenticate(request({ authorization: 'Bearer ops-token-0123456789abcdef' }));
    expect(result.ok && result.identity.id).toBe('token:ops');
    expect(result.ok && [...result.identity.scopes]).toEqual(['read', 'operate']);
  });

  it('rejects a missing token with an RFC 9728 challenge', async () => {
    const result = await auth.authenticate(request({}));
    expectRejected(result, 401);
    expect(!result.ok && result.wwwAuthenticate).toBe(wwwAuthenticate('https://gw.example.com/.well-known/oauth-protected-resource'));
  });

  it('rejects wrong tokens, prefixes, extensions and other schemes without echoing them', async () => {
    for (const header of ['Bearer wrong-token-0123456789abc', 'Bearer ops-token-0123456789abcde', 'Bearer ops-token-0123456789abcdefX', 'Basic b3BzOnB3', 'Bearer', 'ops-token-0123456789abcdef']) {
      const result = await auth.authenticate(request({ authorization: header }));
      expectRejected(result, 401);
      expect(!result.ok && result.message).not.toContain('ops-token');
    }
  });

  it('never takes a token from the query string or a cookie', async () => {
    const viaQuery = await auth.authenticate(request({}, '/mcp?access_token=ops-token-0123456789abcdef'));
    expectRejected(viaQuery, 401, /query string/);
    const viaCookie = await auth.authenticate(request({ cookie: 'access_token=ops-token-0123456789abcdef; CF_Authorization=x' }));
    expectRejected(viaCookie, 401);
  });

  it('ignores a Cloudflare header when only bearer is configured', async () => {
    expectRejected(await auth.authenticate(request({ 'cf-access-jwt-assertion': await sign() })), 401);
  });

  it('compares in constant time over fixed-length digests: any length is safe and every entry is checked', () => {
    expect(matchToken(tokens, '')).toBeUndefined();
    expect(matchToken(tokens, 'x'.repeat(100_000))).toBeUndefined();
    expect(matchToken(tokens, 'admin-token-0123456789abcdef')?.name).toBe('root');
    expect(new Set(tokens.map((t) => t.digest.length))).toEqual(new Set([32]));
    expect(digestToken('a').equals(digestToken('a'))).toBe(true);
  });

  it('refuses weak or malformed token settings without echoing the token', () => {
    expect(() => parseTokenList(['short:read:abc'])).toThrow(/at least 16/);
    expect(() => parseTokenList(['x:superuser:0123456789abcdef0123'])).toThrow(/scope/);
    try {
      parseTokenList(['x:superuser:SECRET-VALUE-0123456789']);
    } catch (error) {
      expect((error as Error).message).not.toContain('SECRET-VALUE');
    }
  });

  it('mode both: a bad credential is never skipped in favour of a good one; both valid intersect scopes', async () => {
    const both = createAuthenticator({ mode: 'both', tokens, access: { verifier: verifier(), lists: noLists, defaultScope: 'admin' } });
    const good = await sign();
    expectRejected(await both.authenticate(request({ authorization: 'Bearer nope-nope-nope-nope-nope', 'cf-access-jwt-assertion': good })), 401);
    expectRejected(await both.authenticate(request({ authorization: 'Bearer viewer-token-0123456789', 'cf-access-jwt-assertion': 'bad' })), 401);
    const combined = await both.authenticate(request({ authorization: 'Bearer viewer-token-0123456789', 'cf-access-jwt-assertion': good }));
    expect(combined.ok && combined.identity.id).toBe('email:alice@example.com');
    expect(combined.ok && [...combined.identity.scopes]).toEqual(['read']);
  });
});
