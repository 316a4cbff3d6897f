// The seam to the security layer: every MCP route authenticates once per request (or upgrade),
// the identity reaches the registry, and the policy filters tools/list, refuses calls with the
// rule and how to allow it, and sees the operations handlers authorize.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { request, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Authenticator, Identity, OperationPolicy } from '../../src/gateway/security.js';
import { freePort, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const alice: Identity = { id: 'token:alice', kind: 'token', name: 'alice', scopes: new Set(['read']) };
const bob: Identity = { id: 'token:bob', kind: 'token', name: 'bob', scopes: new Set(['read']) };

const authenticator: Authenticator = {
  authenticate(req: IncomingMessage) {
    const header = req.headers.authorization;
    if (header === 'Bearer alice') return Promise.resolve({ ok: true, identity: alice });
    if (header === 'Bearer bob') return Promise.resolve({ ok: true, identity: bob });
    if (header) return Promise.resolve({ ok: false, status: 403, message: 'token not allowed here' });
    return Promise.resolve({ ok: false, status: 401, message: 'missing bearer token', wwwAuthenticate: 'Bearer realm="docker-mcp"' });
  },
};

const seen: string[] = [];
const policy: OperationPolicy = {
  visibleTools: (identity, tools) => tools.filter((t) => t.name !== 'system_df' || identity.name === 'bob'),
  checkCall: (identity, tool) =>
    tool.name === 'system_ping' && identity.name === 'alice'
      ? { allowed: false, rule: 'deny-ping', reason: 'alice may not ping', howToAllow: 'remove deny-ping from the policy file' }
      : { allowed: true },
  authorize: (identity, operation) => {
    seen.push(`${identity.name}:${operation.kind}`);
    return Promise.resolve({ allowed: true });
  },
};

function clientFor(gateway: TestGateway, token: string): { client: Client; transport: StreamableHTTPClientTransport } {
  const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  return { client: new Client({ name: token, version: '0' }), transport };
}

describe('authentication and policy seam', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ enable_metrics: false }, { authenticator, policy });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('answers unauthenticated requests on every MCP route with 401 and WWW-Authenticate; probes stay open', async () => {
    const mcp = await fetch(`${gateway.url}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: '{}',
    });
    expect(mcp.status).toBe(401);
    expect(mcp.headers.get('www-authenticate')).toBe('Bearer realm="docker-mcp"');
    const legacy = await fetch(`${gateway.url}/mcp/call`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(legacy.status).toBe(401);
    expect(await legacy.json()).toMatchObject({ error: { code: 'unauthorized', message: 'missing bearer token' } });
    const forbidden = await fetch(`${gateway.url}/mcp/call`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer mallory' }, body: '{}',
    });
    expect(forbidden.status).toBe(403);
    const ws = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/ws`, ['mcp']);
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('open', () => reject(new Error('upgrade should have been refused')));
      socket.once('error', () => undefined);
    });
    expect(ws).toBe(401);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/ready`)).status).toBe(200);
  });

  it('filters tools/list per identity and hides invisible tools from calls', async () => {
    const a = clientFor(gateway, 'alice');
    await a.client.connect(a.transport);
    const b = clientFor(gateway, 'bob');
    await b.client.connect(b.transport);
    expect((await a.client.listTools()).tools.map((t) => t.name)).not.toContain('system_df');
    expect((await b.client.listTools()).tools.map((t) => t.name)).toContain('system_df');
    // Hidden, not unknown (issue 16): a custom policy hid it, so no preset or scope is named.
    await expect(a.client.callTool({ name: 'system_df', arguments: {} })).rejects.toThrow(/Tool system_df exists but is hidden by this gateway's policy/);
    const df = await b.client.callTool({ name: 'system_df', arguments: {} });
    expect(df.isError).toBeFalsy();

    const denied = await a.client.callTool({ name: 'system_ping', arguments: {} });
    expect(denied.isError).toBe(true);
    const text = (denied.content as { text: string }[])[0]?.text ?? '';
    expect(text).toContain('rule deny-ping');
    expect(text).toContain('Hint: remove deny-ping from the policy file');

    // A session belongs to the identity that opened it; to anyone else it does not exist.
    const stolen = await fetch(`${gateway.url}/mcp`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: 'Bearer bob',
        'Mcp-Session-Id': a.transport.sessionId ?? '', 'MCP-Protocol-Version': '2025-11-25',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/list', params: {} }),
    });
    expect(stolen.status).toBe(404);
    await a.client.close();
    await b.client.close();
  });

  it('applies the same policy to POST /mcp/call', async () => {
    const res = await fetch(`${gateway.url}/mcp/call`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
      body: JSON.stringify({ method: 'docker.system.ping' }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('deny-ping');
    const hidden = await fetch(`${gateway.url}/mcp/call`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
      body: JSON.stringify({ method: 'docker.system.df' }),
    });
    expect(hidden.status).toBe(403);
    expect(await hidden.json()).toMatchObject({ error: { code: -32000, data: { outcome: 'denied', rule: 'hidden_tool', hiddenBy: 'policy' } } });
  });
});

describe('Origin and Host checks', () => {
  it('refuses foreign browser origins and rebinding Host headers on a loopback gateway', async () => {
    // A fixed port: the allowed loopback origins are derived from the configured bind port.
    const gateway = await startTestGateway({ enable_metrics: false, port: await freePort() });
    try {
      const call = (headers: Record<string, string>): Promise<Response> =>
        fetch(`${gateway.url}/mcp/call`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body: JSON.stringify({ method: 'docker.system.ping' }),
        });
      expect((await call({ Origin: 'https://evil.example' })).status).toBe(403);
      // fetch() cannot set Host; a raw request can, as a rebinding page's browser effectively does.
      const port = Number(new URL(gateway.url).port);
      const rebound = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/mcp/call', method: 'POST', headers: { Host: `evil.example:${port}`, 'Content-Type': 'application/json' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.once('error', reject);
        req.end(JSON.stringify({ method: 'docker.system.ping' }));
      });
      expect(rebound).toBe(403);
      expect((await call({ Origin: gateway.url })).status).toBe(200);
      expect((await call({})).status).toBe(200);
    } finally {
      await gateway.stop();
    }
  });
});
