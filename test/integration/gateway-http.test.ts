// Streamable HTTP at /mcp with a real SDK client against the private daemon: sessions, stateless
// mode, the HTTP-level error envelope and the tool call error tiers.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDocker } from '../helpers/env.js';
import { connectHttpClient, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const accept = 'application/json, text/event-stream';
const initBody = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
};

function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: accept, ...headers },
    body,
  });
}

function textOf(result: unknown): string {
  const content = (result as { content: { type: string; text?: string }[] }).content;
  return content.map((c) => c.text ?? '').join('\n');
}

describe('gateway over Streamable HTTP (sessions)', () => {
  let gateway: TestGateway;
  let client: Client;
  let transport: StreamableHTTPClientTransport;

  beforeAll(async () => {
    gateway = await startTestGateway();
    ({ client, transport } = await connectHttpClient(gateway.url));
  });
  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
  });

  it('initializes with a session and lists the system tools with schemas and annotations', async () => {
    expect(transport.sessionId).toMatch(/^[\x21-\x7e]+$/);
    expect(client.getServerVersion()?.name).toBe('docker-mcp');
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['system_info', 'system_version', 'system_df', 'system_ping', 'system_events']));
    const ping = tools.find((t) => t.name === 'system_ping');
    expect(ping?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true });
    expect(ping?.outputSchema?.type).toBe('object');
    const events = tools.find((t) => t.name === 'system_events');
    expect(events?.inputSchema.properties).toHaveProperty('limit');
  });

  it('calls system tools and returns the real daemon data as structured content plus text', async () => {
    const version = await testDocker().version();
    const info = await client.callTool({ name: 'system_info', arguments: {} });
    expect(info.isError).toBeFalsy();
    expect(info.structuredContent).toMatchObject({ server_version: version.Version });
    expect(textOf(info)).toContain(`Docker ${version.Version}`);

    const v = await client.callTool({ name: 'system_version', arguments: {} });
    expect(v.structuredContent).toMatchObject({ version: version.Version, api_version: version.ApiVersion });

    const ping = await client.callTool({ name: 'system_ping', arguments: {} });
    expect(ping.structuredContent).toMatchObject({ ok: true });

    const df = await client.callTool({ name: 'system_df', arguments: { top: 2 } });
    const images = (df.structuredContent as { images: { count: number } }).images;
    expect(images.count).toBeGreaterThanOrEqual(1);
  });

  it('answers an unknown tool with JSON-RPC error -32602', async () => {
    const error = await client.callTool({ name: 'no_such_tool', arguments: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32602);
    expect((error as McpError).message).toContain('Unknown tool: no_such_tool');
  });

  it('answers wrong argument types with an isError result naming the field', async () => {
    const result = await client.callTool({ name: 'system_events', arguments: { limit: 'many', window_seconds: 1 } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Invalid arguments for system_events: limit: .*number/);
    const bad = await client.callTool({ name: 'system_df', arguments: { top: -1 } });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain('top');
  });

  it('marks /mcp responses as unbufferable and untransformable', async () => {
    const res = await post(gateway.url, JSON.stringify(initBody));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('mcp-session-id')).toBeTruthy();
    await res.body?.cancel();
  });

  it('rejects malformed JSON with -32700', async () => {
    const res = await post(gateway.url, '{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32700);
  });

  it('rejects a wrong Content-Type with 415 and a wrong Accept with 406', async () => {
    const wrongType = await post(gateway.url, JSON.stringify(initBody), { 'Content-Type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    const wrongAccept = await post(gateway.url, JSON.stringify(initBody), { Accept: 'text/html' });
    expect(wrongAccept.status).toBe(406);
  });

  it('rejects requests without a session id (400) and with an unknown one (404)', async () => {
    const listBody = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
    const missing = await post(gateway.url, listBody);
    expect(missing.status).toBe(400);
    const get = await fetch(`${gateway.url}/mcp`, { headers: { Accept: 'text/event-stream' } });
    expect(get.status).toBe(400);
    const unknown = await post(gateway.url, listBody, { 'Mcp-Session-Id': 'no-such-session', 'MCP-Protocol-Version': '2025-11-25' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('Session not found');
  });

  it('rejects an unsupported MCP-Protocol-Version with 400', async () => {
    const res = await post(gateway.url, JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list', params: {} }), {
      'Mcp-Session-Id': transport.sessionId ?? '',
      'MCP-Protocol-Version': '1999-01-01',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Unsupported protocol version');
  });

  it('ends a session on DELETE; the id then answers 404', async () => {
    const other = await connectHttpClient(gateway.url, 'deleter');
    const sessionId = other.transport.sessionId ?? '';
    await other.transport.terminateSession();
    const after = await post(gateway.url, JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/list', params: {} }), {
      'Mcp-Session-Id': sessionId,
      'MCP-Protocol-Version': '2025-11-25',
    });
    expect(after.status).toBe(404);
    await other.client.close();
  });

  it('serves /health and /ready, and answers other paths and methods with JSON 404/405', async () => {
    const health = await fetch(`${gateway.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', uptime_seconds: expect.any(Number) as number });
    const ready = await fetch(`${gateway.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', latency_ms: expect.any(Number) as number });
    const missing = await fetch(`${gateway.url}/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const wrongMethod = await fetch(`${gateway.url}/health`, { method: 'POST' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('SSE keep-alive', () => {
  it('sends a keep-alive comment on an idle SSE stream at the configured interval', async () => {
    const gateway = await startTestGateway({ sse_keepalive_seconds: 1, enable_metrics: false });
    const controller = new AbortController();
    try {
      // A raw session, so this test owns the session's single standalone GET stream.
      const init = await post(gateway.url, JSON.stringify(initBody));
      const sessionId = init.headers.get('mcp-session-id') ?? '';
      await init.body?.cancel();
      const res = await fetch(`${gateway.url}/mcp`, {
        headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-11-25' },
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-accel-buffering')).toBe('no');
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const started = Date.now();
      let text = '';
      while (!text.includes(': keepalive') && Date.now() - started < 5_000) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
      expect(text).toContain(': keepalive');
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      controller.abort();
      await gateway.stop();
    }
  });
});

describe('gateway over Streamable HTTP (--stateless)', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ stateless: true });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('serves initialize, tools/list and calls without a session id', async () => {
    const { client, transport } = await connectHttpClient(gateway.url);
    expect(transport.sessionId).toBeUndefined();
    const { tools } = await client.listTools();
    expect(tools.some((t) => t.name === 'system_ping')).toBe(true);
    const ping = await client.callTool({ name: 'system_ping', arguments: {} });
    expect(ping.structuredContent).toMatchObject({ ok: true });
    await client.close();
  });

  it('answers a bare tools/list POST (any replica can serve any request) and refuses GET with 405', async () => {
    const res = await post(gateway.url, JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list', params: {} }), {
      'MCP-Protocol-Version': '2025-11-25',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('system_ping');
    const get = await fetch(`${gateway.url}/mcp`, { headers: { Accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
  });

  it('does not offer resource subscriptions (no session outlives a request to carry the updates)', async () => {
    const { client } = await connectHttpClient(gateway.url);
    try {
      expect(client.getServerCapabilities()?.resources).toMatchObject({ subscribe: false });
      // Reads still work; a subscribe request is refused instead of accepted and never honoured.
      expect((await client.readResource({ uri: 'docker://system/info' })).contents).toHaveLength(1);
      const res = await post(gateway.url, JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'resources/subscribe', params: { uri: 'docker://containers/x/inspect' } }), {
        'MCP-Protocol-Version': '2025-11-25',
      });
      expect(await res.text()).toMatch(/"code":-32601/);
    } finally {
      await client.close();
    }
  });
});
