// OAuth end to end: a running gateway configured with oauth_authorization_servers (settings ->
// buildSecurity -> transports), an SDK client holding a token from the fake authorization server
// (the only stand-in: RFC 8414 metadata + JWKS on 127.0.0.1, real RSA keys). A client that follows
// our RFC 9728 metadata must get in with the token it was issued; everything refused must leave
// the Docker daemon unchanged.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer, connectWith, createArgs, mcpHeaders, rawRequest, rpc, unchangedBy,
} from '../helpers/attacks.js';
import { testEnv } from '../helpers/env.js';
import { startFakeAuthorizationServer, type FakeAuthorizationServer } from '../helpers/fake-as.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const PUBLIC_URL = 'https://docker-mcp.example.com/mcp';
const METADATA = 'https://docker-mcp.example.com/.well-known/oauth-protected-resource/mcp';
const STATIC = 'static-admin-token-0123456789';
const quiet = { auditStream: new Writable({ write: (_c, _e, cb) => cb() }), self: [] as string[] };

let as: FakeAuthorizationServer;
let gateway: TestGateway;

/** POST /mcp/call with container_create: a 2xx would mean a container was made. */
function createCall(headers: Record<string, string>) {
  return rawRequest(gateway.url, {
    path: '/mcp/call',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ method: 'docker.container.create', params: createArgs() }),
  });
}

beforeAll(async () => {
  as = await startFakeAuthorizationServer();
  gateway = await startTestGateway(
    {
      enable_metrics: false,
      auth_tokens: [`root:admin:${STATIC}`],
      public_url: PUBLIC_URL,
      oauth_authorization_servers: [as.issuer],
      policy_preset: 'admin',
      allowed_images: [testEnv.testImage.split(':')[0]!],
    },
    { securityDeps: { ...quiet, certsMinRefreshIntervalMs: 60_000 } },
  );
});

afterAll(async () => {
  await gateway?.stop();
  await as?.close();
});

describe('OAuth access tokens in a running gateway (fake authorization server)', () => {
  it('advertises the authorization server and our scopes in RFC 9728 metadata', async () => {
    const meta = await rawRequest(gateway.url, { method: 'GET', path: '/.well-known/oauth-protected-resource/mcp' });
    expect(meta.status).toBe(200);
    expect(JSON.parse(meta.body)).toMatchObject({
      resource: PUBLIC_URL,
      authorization_servers: [as.issuer],
      scopes_supported: ['docker:read', 'docker:operate', 'docker:admin'],
    });
  });

  it('an SDK client with an AS-issued token initializes, sees tools filtered by scope and calls one', async () => {
    const token = await as.issue(PUBLIC_URL, { scope: 'docker:operate', sub: 'agent-7' });
    const { client } = await connectWith(gateway.url, bearer(token));
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('container_list');
    expect(names).toContain('container_stop');
    expect(names).not.toContain('container_create');
    const result = await client.callTool({ name: 'system_ping', arguments: {} });
    expect(result.isError).toBeFalsy();
    await client.close();
  });

  it('answers an operate token calling an admin tool with 403 insufficient_scope naming docker:admin', async () => {
    const token = await as.issue(PUBLIC_URL, { scope: 'docker:operate' });
    const legacy = await unchangedBy(() => createCall(bearer(token)));
    expect(legacy.status).toBe(403);
    expect(legacy.headers['www-authenticate']).toBe(`Bearer error="insufficient_scope", scope="docker:admin", resource_metadata="${METADATA}"`);
    const { client, transport } = await connectWith(gateway.url, bearer(token));
    const res = await unchangedBy(() => fetch(`${gateway.url}/mcp`, {
      method: 'POST',
      headers: { ...mcpHeaders, ...bearer(token), 'Mcp-Session-Id': transport.sessionId ?? '' },
      body: JSON.stringify(rpc('tools/call', { name: 'container_create', arguments: createArgs() }, 9)),
    }));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('scope="docker:admin"');
    await client.close();
  });

  it.each([
    ['another resource', () => as.issue('https://other-mcp.example.com/mcp', { scope: 'docker:admin' })],
    ['a prefix look-alike', () => as.issue('https://docker-mcp.example.com.evil/mcp', { scope: 'docker:admin' })],
    ['no audience', () => as.issue(PUBLIC_URL, { aud: null, scope: 'docker:admin' })],
    ['an expired token', () => as.issue(PUBLIC_URL, { exp: Math.floor(Date.now() / 1000) - 120, scope: 'docker:admin' })],
    ['another issuer', () => as.issue(PUBLIC_URL, { iss: 'https://evil.example.com', scope: 'docker:admin' })],
  ])('refuses %s with 401 + resource_metadata and changes nothing', async (_name, make) => {
    const token = await make();
    const res = await unchangedBy(() => createCall(bearer(token)));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain(`resource_metadata="${METADATA}"`);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(res.body).not.toContain(token);
    await expect(unchangedBy(() => connectWith(gateway.url, bearer(token)))).rejects.toThrow();
  });

  it('refuses a token with none of our scopes with 403, and a token in the query string with 401', async () => {
    const none = await as.issue(PUBLIC_URL, { scope: 'openid profile' });
    const res = await unchangedBy(() => createCall(bearer(none)));
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope", scope="docker:read"/);
    const admin = await as.issue(PUBLIC_URL, { scope: 'docker:admin' });
    const query = await unchangedBy(() => rawRequest(gateway.url, {
      path: `/mcp/call?access_token=${admin}`,
      headers: { 'Content-Type': 'application/json', Cookie: `access_token=${admin}` },
      body: JSON.stringify({ method: 'docker.container.create', params: createArgs() }),
    }));
    expect(query.status).toBe(401);
  });

  it('keeps the static bearer token working next to OAuth', async () => {
    const { client } = await connectWith(gateway.url, bearer(STATIC));
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('container_create');
    await client.close();
  });
});
