// The security layer wired into a real gateway (startGateway with buildSecurity's authenticator,
// policy and guard), driven by SDK clients over real sockets. Every rejected call is checked to
// leave the Docker daemon unchanged.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSecurity, type Security } from '../../src/gateway/security-config.js';
import { ATTACK_LABEL, expectDockerUnchanged, snapshotDocker } from '../helpers/attacks.js';
import { testDocker, testEnv } from '../helpers/env.js';
import { startTestGateway, testConfig, type TestGateway } from '../helpers/gateway.js';

const ADMIN = 'admin-token-0123456789abcdef';
const READER = 'reader-token-0123456789abcdef';

async function connect(url: string, token?: string, path = '/mcp'): Promise<Client> {
  const client = new Client({ name: 'security-test', version: '0.0.0' });
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}${path}`), { requestInit: { headers } }));
  return client;
}


describe('security layer in a running gateway', () => {
  let gateway: TestGateway;
  let security: Security;

  beforeAll(async () => {
    const config = testConfig({
      auth_tokens: [`root:admin:${ADMIN}`, `viewer:read:${READER}`],
      policy_preset: 'admin',
      allowed_images: [testEnv.testImage.split(':')[0]!],
    });
    security = buildSecurity(config, { docker: testDocker(), self: [], auditStream: new Writable({ write: (_c, _e, cb) => cb() }) });
    gateway = await startTestGateway(config, { authenticator: security.authenticator, policy: security.policy, guard: security.guard });
  });

  afterAll(async () => {
    await gateway?.stop();
    await security?.close();
  });

  it('401 without a token, with a wrong token, and with the token in the query string', async () => {
    for (const [token, path] of [[undefined, '/mcp'], ['wrong-token-0123456789abcdef', '/mcp'], [undefined, `/mcp?access_token=${ADMIN}`]] as const) {
      await expect(connect(gateway.url, token, path)).rejects.toThrow();
    }
    const res = await fetch(`${gateway.url}/mcp?access_token=${ADMIN}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('403 for a hostile Origin even with a valid token', async () => {
    const res = await fetch(`${gateway.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, origin: 'https://evil.example', 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
    });
    expect(res.status).toBe(403);
  });

  it('a read token does not even see admin tools and cannot call them', async () => {
    const client = await connect(gateway.url, READER);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('container_list');
    expect(names).not.toContain('container_create');
    const before = await snapshotDocker();
    const result = await client.callTool({ name: 'container_create', arguments: { image: testEnv.testImage, labels: { [ATTACK_LABEL]: '1' } } }).catch((e: unknown) => e);
    expect(result instanceof Error || (result as { isError?: boolean }).isError).toBeTruthy();
    await expectDockerUnchanged(before);
    await client.close();
  });

  it.each([
    ['privileged', { privileged: true }],
    ['host network', { network_mode: 'host' }],
    ['docker socket bind', { mounts: [{ type: 'bind', source: '/var/run/docker.sock', target: '/s' }] }],
    ['CAP SYS_ADMIN', { cap_add: ['SYS_ADMIN'] }],
    ['image outside the allow-list', { image: 'alpine:3.19' }],
  ])('admin create with %s is denied by policy and creates nothing', async (_name, extra) => {
    const client = await connect(gateway.url, ADMIN);
    const before = await snapshotDocker();
    // Not TEST_LABEL: the snapshot ignores other tests' labelled fixtures, and this must count.
    const result = await client.callTool({ name: 'container_create', arguments: { image: testEnv.testImage, labels: { [ATTACK_LABEL]: '1' }, ...extra } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/Denied by policy|rule/);
    await expectDockerUnchanged(before);
    await client.close();
  });
});
