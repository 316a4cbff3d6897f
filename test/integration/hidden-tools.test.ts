// Issue 16, item 8: a tool the policy preset or the caller's token scope hides stays out of
// tools/list, but calling it says that it exists, what hides it and the lowest preset or scope
// that allows it (403 on /mcp/call, JSON-RPC error -32000 over MCP), while a name that is no tool
// is still "Unknown tool" / 404 with a "did you mean" drawn only from the tools the caller sees.
// Before, both answered like a typo. Real SDK clients over real Streamable HTTP and WebSocket.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { connectHttp, connectStdio, connectWs } from '../helpers/mcp-clients.js';
import { tempDir } from '../helpers/temp-dir.js';

const READER = `reader-${'r'.repeat(20)}`;
const SECRET_ARG = 'arg-value-never-echoed-7f3a';

const legacy = (url: string, method: string, token?: string): Promise<Response> =>
  fetch(`${url}/mcp/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ method, params: { reference: SECRET_ARG } }),
  });

/** The SDK's WebSocket client cannot send headers; a ws subclass adds the bearer token. */
async function connectWsWithToken(gateway: TestGateway, token: string): Promise<Client> {
  const global = globalThis as { WebSocket?: unknown };
  const previous = global.WebSocket;
  global.WebSocket = class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: { Authorization: `Bearer ${token}` } });
    }
  };
  try {
    const client = new Client({ name: 'hidden-ws', version: '0' });
    await client.connect(new WebSocketClientTransport(new URL(`${gateway.url.replace(/^http/, 'ws')}/ws`)));
    return client;
  } finally {
    global.WebSocket = previous;
  }
}

async function rpcError(promise: Promise<unknown>): Promise<McpError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}

describe('a tool hidden by the operator preset', () => {
  let gateway: TestGateway;
  let auditFile = '';
  beforeAll(async () => {
    auditFile = join(tempDir('dmcp-hidden-tools-'), 'audit.log');
    gateway = await startTestGateway({ policy_preset: 'operator', audit_file: auditFile, enable_metrics: false });
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
  });

  it('/mcp/call: 403 naming the tool, the operator preset and the admin preset that allows it (was 404 "Method not found")', async () => {
    const res = await legacy(gateway.url, 'docker.image.pull');
    expect(res.status).toBe(403);
    const text = await res.text();
    const body = JSON.parse(text) as { error: { code: number; message: string; data: Record<string, unknown> } };
    expect(body.error.code).toBe(-32000);
    expect(body.error.message).toBe(
      'Tool image_pull exists but is hidden by the gateway\'s policy preset operator; the admin preset allows it (policy_preset: admin).');
    expect(body.error.data).toEqual({ outcome: 'denied', rule: 'hidden_tool', tool: 'image_pull', hiddenBy: 'preset', allowedBy: 'admin' });
    expect(text).not.toContain(SECRET_ARG);
  });

  it('Streamable HTTP and WebSocket: still unlisted, and a JSON-RPC error -32000 saying so (was "Unknown tool")', async () => {
    for (const client of [await connectHttp(gateway), await connectWs(gateway)]) {
      try {
        expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('image_pull');
        const error = await rpcError(client.callTool({ name: 'image_pull', arguments: { reference: SECRET_ARG } }));
        expect(error.code).toBe(-32000);
        // One SDK prefix, not two (an McpError's own message carries it; the wire text must not).
        expect(error.message).toBe('MCP error -32000: Tool image_pull exists but is hidden by the gateway\'s policy preset operator; the admin preset allows it (policy_preset: admin).');
        expect(error.message).not.toContain('Unknown tool');
        expect(error.message).not.toContain(SECRET_ARG);
        expect(error.data).toMatchObject({ rule: 'hidden_tool', hiddenBy: 'preset', allowedBy: 'admin' });
      } finally {
        await client.close();
      }
    }
  });

  it('stdio (the real `serve --stdio` under the operator preset): the same error', async () => {
    const { client } = await connectStdio({ DOCKER_MCP_POLICY_PRESET: 'operator' });
    try {
      const error = await rpcError(client.callTool({ name: 'image_pull', arguments: {} }));
      expect(error.code).toBe(-32000);
      expect(error.message).toContain('hidden by the gateway\'s policy preset operator; the admin preset allows it');
    } finally {
      await client.close();
    }
  }, 60_000);

  it('a typo is still unknown, and "did you mean" offers only tools the caller can see', async () => {
    const client = await connectHttp(gateway);
    try {
      // image_pul is one letter from the hidden image_pull: no suggestion rather than a hidden one.
      const near = await rpcError(client.callTool({ name: 'image_pul', arguments: {} }));
      expect(near.message).toMatch(/Unknown tool: image_pul$/);
      const visible = await rpcError(client.callTool({ name: 'container_lst', arguments: {} }));
      expect(visible.message).toContain('Unknown tool: container_lst (did you mean container_list?)');
    } finally {
      await client.close();
    }
    const near = await legacy(gateway.url, 'docker.image.pul');
    expect(near.status).toBe(404);
    const nearBody = (await near.json()) as { error: { code: number; message: string } };
    expect(nearBody.error.code).toBe(-32601);
    expect(nearBody.error.message).not.toContain('image_pull');
    const typo = await legacy(gateway.url, 'docker.container.lst');
    expect(typo.status).toBe(404);
    expect(((await typo.json()) as { error: { message: string } }).error.message).toContain('did you mean container_list?');
  });

  it('each refusal is one denied audit line (rule hidden_tool) without the reason leaking arguments; typos leave none', () => {
    const lines = readFileSync(auditFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const pulls = lines.filter((l) => l.tool === 'image_pull');
    expect(pulls.map((l) => l.transport).sort()).toEqual(['http', 'legacy', 'ws']);
    for (const line of pulls) {
      expect(line).toMatchObject({
        outcome: 'denied',
        decision: { result: 'deny', rule: 'hidden_tool', reason: expect.stringContaining('hidden by the gateway\'s policy preset operator') as unknown },
      });
    }
    expect(lines.filter((l) => l.tool === 'image_pul' || l.tool === 'container_lst')).toEqual([]);
  });
});

describe('a tool hidden by the token scope', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ policy_preset: 'operator', auth_tokens: [`reader:read:${READER}`], enable_metrics: false });
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
  });

  it('WebSocket: a read token calling an operate tool is told the read scope hides it and operate allows it', async () => {
    const client = await connectWsWithToken(gateway, READER);
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('container_stop');
      const error = await rpcError(client.callTool({ name: 'container_stop', arguments: { container: SECRET_ARG } }));
      expect(error.code).toBe(-32000);
      expect(error.message).toContain('Tool container_stop exists but is hidden by your token\'s scope read; the operate scope allows it');
      expect(error.data).toMatchObject({ hiddenBy: 'scope', allowedBy: 'operate' });
    } finally {
      await client.close();
    }
  });

  it('Streamable HTTP and /mcp/call: 403 insufficient_scope naming the operate scope', async () => {
    const client = new Client({ name: 'hidden-http', version: '0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${READER}` } } }));
    try {
      await expect(client.callTool({ name: 'container_stop', arguments: {} })).rejects.toThrow(/container_stop needs the operate scope/);
    } finally {
      await client.close();
    }
    const res = await legacy(gateway.url, 'docker.container.stop', READER);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('container_stop needs the operate scope');
  });

  it('POST /mcp: the 403 insufficient_scope carries the request\'s id (was "id":null)', async () => {
    for (const id of [42, 'call-7']) {
      const res = await fetch(`${gateway.url}/mcp`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${READER}` },
        body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'container_stop', arguments: {} } }),
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ jsonrpc: '2.0', id, error: { code: -32000, message: expect.stringContaining('container_stop needs the operate scope') as unknown } });
    }
  });

  it('a tool the preset hides as well names the preset and the scope: either alone would still refuse', async () => {
    const res = await legacy(gateway.url, 'docker.image.pull', READER);
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { message: string; data: Record<string, unknown> } };
    expect(body.error.message).toContain('hidden by the gateway\'s policy preset operator and by your token\'s scope read; '
      + 'it needs both the admin preset (policy_preset: admin) and a token with scope admin');
    expect(body.error.data).toMatchObject({ hiddenBy: 'preset', allowedBy: 'admin', scopeNeeded: 'admin' });
  });
});

describe('a refused call to a hidden tool costs a rate-limit token', () => {
  it('two hidden-tool refusals spend a budget of two: the next visible call is limited', async () => {
    const gateway = await startTestGateway({ policy_preset: 'operator', rate_limit_per_minute: 2, enable_metrics: false });
    try {
      expect((await legacy(gateway.url, 'docker.image.pull')).status).toBe(403);
      expect((await legacy(gateway.url, 'docker.image.pull')).status).toBe(403);
      expect((await legacy(gateway.url, 'docker.container.list')).status).toBe(429);
    } finally {
      await gateway.stop();
    }
  }, 60_000);

  it('so do 403 insufficient_scope refusals on /mcp/call (they were free)', async () => {
    const gateway = await startTestGateway({ policy_preset: 'operator', auth_tokens: [`reader:read:${READER}`], rate_limit_per_minute: 2, enable_metrics: false });
    try {
      expect((await legacy(gateway.url, 'docker.container.stop', READER)).status).toBe(403);
      expect((await legacy(gateway.url, 'docker.container.stop', READER)).status).toBe(403);
      expect((await legacy(gateway.url, 'docker.container.list', READER)).status).toBe(429);
    } finally {
      await gateway.stop();
    }
  }, 60_000);
});
