// Streamable HTTP answers a plain request with one JSON body (cheaper than an SSE stream), and
// keeps SSE whenever the call can produce notifications (a progress token). Both are spec-valid
// answers to a client that accepts both; this checks the gateway picks the right one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-11-25' };

describe('Streamable HTTP reply type', () => {
  let gateway: TestGateway;
  let session: string;

  const post = (body: unknown): Promise<Response> =>
    fetch(`${gateway.url}/mcp`, { method: 'POST', headers: { ...headers, 'Mcp-Session-Id': session }, body: JSON.stringify(body) });

  beforeAll(async () => {
    gateway = await startTestGateway();
    const init = await fetch(`${gateway.url}/mcp`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } }),
    });
    session = init.headers.get('mcp-session-id') ?? '';
    await init.text();
    const initialized = await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(initialized.status).toBe(202);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('answers a call without a progress token with application/json', async () => {
    const res = await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'system_ping', arguments: {} } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    // Sent with its length, not chunked.
    expect(res.headers.get('transfer-encoding')).toBeNull();
    const text = await res.text();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    const body = JSON.parse(text) as { id: number; result: { structuredContent: { ok: boolean } } };
    expect(body.id).toBe(2);
    expect(body.result.structuredContent).toMatchObject({ ok: true });
  });

  it('streams a call with a progress token as text/event-stream', async () => {
    const res = await post({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'system_ping', arguments: {}, _meta: { progressToken: 'p1' } } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    expect(text).toMatch(/"id":3/);
  });
});
