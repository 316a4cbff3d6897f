// Attack catalogue, authentication: forged and stale Cloudflare Access assertions (real RSA keys,
// a fake Cloudflare certs endpoint on 127.0.0.1 — the only stand-in), bearer misuse, step-up
// (insufficient_scope), cross-identity session use and the per-identity limits. Every request
// would create a container if it got through; each case checks the daemon is unchanged.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  bearer, connectWith, createArgs, initializeMessage, mcpHeaders, rawRequest, resultText, rpc, unchangedBy,
} from '../helpers/attacks.js';
import { testEnv } from '../helpers/env.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const TEAM = 'acme';
const ISSUER = 'https://acme.cloudflareaccess.com';
const AUD = 'aud-tag-attack-0123456789';
const ADMIN = 'admin-token-attack-0123456789';
const READER = 'reader-token-attack-0123456789';
const PUBLIC_URL = 'https://docker-mcp.example.com/mcp';
const METADATA = 'https://docker-mcp.example.com/.well-known/oauth-protected-resource/mcp';

type Key = Awaited<ReturnType<typeof generateKeyPair>>;
let key: Key;
let rogueKey: Key;
let certs: { server: Server; url: string; hits: number };
let gateway: TestGateway;
const quiet = { auditStream: new Writable({ write: (_c, _e, cb) => cb() }), self: [] as string[] };

function sign(opts: { kid?: string; key?: Key; iss?: string; aud?: string; exp?: string | number; nbf?: string | number; email?: string } = {}): Promise<string> {
  const jwt = new SignJWT({ email: opts.email ?? 'alice@example.com' })
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'k1' })
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUD)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m');
  if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
  return jwt.sign((opts.key ?? key).privateKey);
}

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = () => ({ email: 'alice@example.com', iss: ISSUER, aud: AUD, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300 });

/** POST /mcp/call with container_create: a 2xx would mean a container was made. */
function createCall(headers: Record<string, string>, path = '/mcp/call') {
  return rawRequest(gateway.url, {
    path,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ method: 'docker.container.create', params: createArgs() }),
  });
}

beforeAll(async () => {
  key = await generateKeyPair('RS256', { extractable: true });
  rogueKey = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  // The fake Cloudflare certs endpoint: Cloudflare's /cdn-cgi/access/certs shape, counted.
  certs = { server: createServer(), url: '', hits: 0 };
  certs.server.on('request', (_req, res) => {
    certs.hits += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk], public_certs: [] }));
  });
  await new Promise<void>((resolve) => certs.server.listen(0, '127.0.0.1', resolve));
  certs.url = `http://127.0.0.1:${(certs.server.address() as AddressInfo).port}/cdn-cgi/access/certs`;
  gateway = await startTestGateway(
    {
      enable_metrics: false,
      auth_tokens: [`root:admin:${ADMIN}`, `viewer:read:${READER}`],
      cf_access_team: TEAM, cf_access_aud: [AUD], cf_access_certs_url: certs.url,
      public_url: PUBLIC_URL, oauth_authorization_servers: ['https://auth.example.com'],
      policy_preset: 'admin', allowed_images: [testEnv.testImage.split(':')[0]!],
    },
    { securityDeps: { ...quiet, certsMinRefreshIntervalMs: 60_000 } },
  );
});

afterAll(async () => {
  await gateway?.stop();
  await new Promise<void>((resolve) => certs?.server.close(() => resolve()));
});

describe('attacks on authentication (running gateway, fake Cloudflare certs endpoint)', () => {
  it('serves RFC 9728 metadata and advertises it on a 401 without credentials', async () => {
    const meta = await rawRequest(gateway.url, { method: 'GET', path: '/.well-known/oauth-protected-resource/mcp' });
    expect(meta.status).toBe(200);
    expect(JSON.parse(meta.body)).toMatchObject({ resource: PUBLIC_URL, authorization_servers: ['https://auth.example.com'], bearer_methods_supported: ['header'] });
    const res = await unchangedBy(() => createCall({}));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain(`resource_metadata="${METADATA}"`);
  });

  it.each([
    ['expired', () => sign({ exp: Math.floor(Date.now() / 1000) - 120 })],
    ['not yet valid (nbf)', () => sign({ nbf: Math.floor(Date.now() / 1000) + 3600 })],
    ['wrong audience', () => sign({ aud: 'some-other-application' })],
    ['wrong issuer', () => sign({ iss: 'https://evil.cloudflareaccess.com' })],
    ['signed by another key under the known kid', () => sign({ key: rogueKey })],
    ['alg: none', () => Promise.resolve(`${b64({ alg: 'none', kid: 'k1', typ: 'JWT' })}.${b64(claims())}.`)],
    ['HS256 keyed with the RSA public key', async () => {
      const pem = await exportSPKI(key.publicKey);
      return new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode(pem));
    }],
    ['garbage', () => Promise.resolve('not.a.jwt')],
  ])('rejects a %s Cf-Access-Jwt-Assertion with 401 and changes nothing', async (_name, make) => {
    const token = await make();
    const res = await unchangedBy(() => createCall({ 'Cf-Access-Jwt-Assertion': token }));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    expect(res.body).not.toContain(token);
  });

  it('accepts a valid assertion (control), then an unknown-kid flood costs at most one certs fetch', async () => {
    const ok = await rawRequest(gateway.url, {
      path: '/mcp/call', headers: { 'Content-Type': 'application/json', 'Cf-Access-Jwt-Assertion': await sign() },
      body: JSON.stringify({ method: 'docker.system.ping' }),
    });
    expect(ok.status).toBe(200);
    const hitsBefore = certs.hits;
    const flood = await Promise.all(Array.from({ length: 40 }, async (_, i) => createCall({ 'Cf-Access-Jwt-Assertion': await sign({ kid: `made-up-${i}` }) })));
    expect(flood.every((r) => r.status === 401)).toBe(true);
    expect(certs.hits - hitsBefore).toBeLessThanOrEqual(1);
  });

  it('ignores credentials in the query string and cookies, and rejects a wrong bearer token', async () => {
    await unchangedBy(async () => {
      expect((await createCall({}, `/mcp/call?access_token=${ADMIN}`)).status).toBe(401);
      expect((await createCall({ Cookie: `CF_Authorization=${await sign()}; token=${ADMIN}` })).status).toBe(401);
      const wrong = await createCall(bearer('wrong-token-attack-0123456789'));
      expect(wrong.status).toBe(401);
      expect(wrong.headers['www-authenticate']).toContain('error="invalid_token"');
    });
  });

  it('refuses the WebSocket upgrade with an expired assertion (401 before the upgrade)', async () => {
    const token = await sign({ exp: Math.floor(Date.now() / 1000) - 120 });
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/ws`, ['mcp'], { headers: { 'Cf-Access-Jwt-Assertion': token } });
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('open', () => reject(new Error('upgrade should have been refused')));
      socket.once('error', () => undefined);
    });
    expect(status).toBe(401);
  });

  it('answers a call the token scope forbids with 403 insufficient_scope on /mcp/call and /mcp', async () => {
    const legacy = await unchangedBy(() => createCall(bearer(READER)));
    expect(legacy.status).toBe(403);
    expect(legacy.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope", scope="admin", resource_metadata="/);
    const { client, transport } = await connectWith(gateway.url, bearer(READER));
    const res = await unchangedBy(() => fetch(`${gateway.url}/mcp`, {
      method: 'POST',
      headers: { ...mcpHeaders, ...bearer(READER), 'Mcp-Session-Id': transport.sessionId ?? '' },
      body: JSON.stringify(rpc('tools/call', { name: 'container_create', arguments: createArgs() }, 9)),
    }));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    await client.close();
  });

  it('answers another identity\'s session id with 404, for POST, GET and DELETE, and the owner keeps it', async () => {
    const owner = await connectWith(gateway.url, bearer(ADMIN));
    const sessionId = owner.transport.sessionId ?? '';
    expect(sessionId).not.toBe('');
    const thief = { ...mcpHeaders, ...bearer(READER), 'Mcp-Session-Id': sessionId };
    await unchangedBy(async () => {
      const post = await fetch(`${gateway.url}/mcp`, { method: 'POST', headers: thief, body: JSON.stringify(rpc('tools/call', { name: 'container_list', arguments: {} })) });
      expect(post.status).toBe(404);
      expect(await post.text()).not.toMatch(/another identity|belongs/);
      expect((await fetch(`${gateway.url}/mcp`, { method: 'GET', headers: { ...thief, Accept: 'text/event-stream' } })).status).toBe(404);
      expect((await fetch(`${gateway.url}/mcp`, { method: 'DELETE', headers: thief })).status).toBe(404);
      const unknown = await fetch(`${gateway.url}/mcp`, { method: 'POST', headers: { ...thief, 'Mcp-Session-Id': 'no-such-session' }, body: JSON.stringify(initializeMessage) });
      expect(unknown.status).toBe(404);
    });
    expect((await owner.client.callTool({ name: 'system_ping', arguments: {} })).isError).toBeFalsy();
    await owner.client.close();
  });
});

describe('attacks on the per-identity limits', () => {
  let limited: TestGateway;
  beforeAll(async () => {
    limited = await startTestGateway(
      { enable_metrics: false, auth_tokens: [`root:admin:${ADMIN}`, `other:admin:${READER}`], policy_preset: 'admin', rate_limit_per_minute: 3, max_concurrent_calls: 1 },
      { securityDeps: quiet },
    );
  });
  afterAll(async () => {
    await limited?.stop();
  });
  const call = (token: string, method: string, params: unknown = {}) =>
    rawRequest(limited.url, { path: '/mcp/call', headers: { 'Content-Type': 'application/json', ...bearer(token) }, body: JSON.stringify({ method, params }) });

  it('caps calls in flight per identity: 429 with Retry-After while one runs', async () => {
    const running = call(READER, 'docker.system.events', { window_seconds: 1.5 });
    await new Promise((r) => setTimeout(r, 300));
    const res = await unchangedBy(() => call(READER, 'docker.container.create', createArgs()));
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(JSON.parse(res.body)).toMatchObject({ error: { data: { outcome: 'limited', retryAfterSeconds: 1 } } });
    expect((await running).status).toBe(200);
  });

  it('rate-limits per identity: 429 + Retry-After on /mcp/call, isError with a retry hint over MCP, others unaffected', async () => {
    for (let i = 0; i < 3; i++) expect((await call(ADMIN, 'docker.system.ping')).status).toBe(200);
    const res = await unchangedBy(() => call(ADMIN, 'docker.container.create', createArgs()));
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const { client } = await connectWith(limited.url, bearer(ADMIN));
    const result = await unchangedBy(() => client.callTool({ name: 'container_create', arguments: createArgs() }));
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/Rate limit of 3 calls per minute[\s\S]*Hint: Retry in \d+ s/);
    await client.close();
    expect((await call(READER, 'docker.system.ping')).status).toBe(200);
  });
});
