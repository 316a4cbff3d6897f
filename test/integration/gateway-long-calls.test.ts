// Calls that can run longer than a proxy tolerates silence (Cloudflare cuts at ~100 s) are kept
// alive whether or not the client asked for progress: over /mcp they are answered on SSE, which
// carries keep-alive comments; over the seed's /mcp/call the answer is committed to 200 and kept
// alive with newlines. And a call the client cancels gets its HTTP answer ended at once, instead of
// an open connection that the SDK would hold until the client hangs up.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';

const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-11-25' };
const events = (seconds: number) => ({ name: 'system_events', arguments: { window_seconds: seconds } });

async function openSession(url: string): Promise<string> {
  const init = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } }),
  });
  const session = init.headers.get('mcp-session-id') ?? '';
  await init.text();
  await (await fetch(`${url}/mcp`, { method: 'POST', headers: { ...headers, 'Mcp-Session-Id': session }, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).text();
  return session;
}

/** Reads a response body as it arrives, with the time of each chunk since `started`. */
async function chunks(res: Response, started: number): Promise<{ at: number; text: string }[]> {
  const seen: { at: number; text: string }[] = [];
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) seen.push({ at: Date.now() - started, text: decoder.decode(chunk) });
  return seen;
}

describe('long calls without a progress token', { timeout: 20_000 }, () => {
  let gateway: TestGateway;
  let session: string;
  const post = (body: unknown, url = gateway.url, id = session): Promise<Response> =>
    fetch(`${url}/mcp`, { method: 'POST', headers: { ...headers, 'Mcp-Session-Id': id }, body: JSON.stringify(body) });

  beforeAll(async () => {
    gateway = await startTestGateway({ sse_keepalive_seconds: 1 });
    session = await openSession(gateway.url);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('are answered on SSE with keep-alive comments, while short calls stay plain JSON', async () => {
    const short = await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'container_list', arguments: {} } });
    expect(short.headers.get('content-type')).toMatch(/^application\/json/);
    await short.text();

    const started = Date.now();
    const res = await post({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: events(2.5) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const seen = await chunks(res, started);
    const keepAlives = seen.filter((c) => c.text.includes(': keepalive'));
    expect(keepAlives.length).toBeGreaterThanOrEqual(1);
    expect(keepAlives[0]?.at).toBeLessThan(2_000);
    expect(seen.map((c) => c.text).join('')).toMatch(/"id":3/);
  });

  it('are answered on SSE under --stateless too', async () => {
    const stateless = await startTestGateway({ stateless: true, sse_keepalive_seconds: 1 });
    try {
      const started = Date.now();
      const res = await fetch(`${stateless.url}/mcp`, {
        method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: events(1.5) }),
      });
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const seen = await chunks(res, started);
      expect(seen.some((c) => c.text.includes(': keepalive'))).toBe(true);
      expect(seen.map((c) => c.text).join('')).toMatch(/"id":4/);
    } finally {
      await stateless.stop();
    }
  });

  it('include every call when docker_timeout allows a short call to outlast a proxy', async () => {
    const patient = await startTestGateway({ docker_timeout: 120 });
    try {
      const id = await openSession(patient.url);
      const res = await post({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'system_ping', arguments: {} } }, patient.url, id);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(await res.text()).toMatch(/"id":5/);
    } finally {
      await patient.stop();
    }
  });

  it('over /mcp/call: committed to 200 and kept alive with newlines, the outcome in the body', async () => {
    const started = Date.now();
    const res = await fetch(`${gateway.url}/mcp/call`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: 'docker.system.events', params: { window_seconds: 2.5 } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const seen = await chunks(res, started);
    expect(seen[0]?.text).toBe('\n');
    expect(seen[0]?.at).toBeLessThan(2_000);
    const body = JSON.parse(seen.map((c) => c.text).join('')) as { result?: { events?: unknown[] } };
    expect(Array.isArray(body.result?.events)).toBe(true);
  });

  it('over /mcp/call: a short call that times out keeps its 504 (no keep-alive commits it to 200)', async () => {
    const hasty = await startTestGateway({ docker_timeout: 2, sse_keepalive_seconds: 1 });
    const docker = testDocker();
    // PID 1 ignores SIGTERM, so this stop takes its full 5 s: past docker_timeout.
    const slow = await docker.createContainer({
      name: uniqueName('slowstop'), Image: testEnv.testImage, Cmd: ['sleep', '3600'], Labels: { [TEST_LABEL]: '1' }, HostConfig: { NetworkMode: 'none' },
    });
    await slow.start();
    try {
      const res = await fetch(`${hasty.url}/mcp/call`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ method: 'docker.container.stop', params: { container: slow.id, timeout_seconds: 5 } }),
      });
      expect(res.status).toBe(504);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/timed out after 2 s/);
    } finally {
      await slow.remove({ force: true });
      await hasty.stop();
    }
  });

  it('over /mcp/call: a quick failure keeps its HTTP status', async () => {
    const res = await fetch(`${gateway.url}/mcp/call`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: 'docker.container.inspect', params: { container: uniqueName('missing') } }),
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/No such container|not found/i);
  });
});

describe('a call the client cancels', { timeout: 20_000 }, () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  const cancel = (url: string, session: string, requestId: number): Promise<Response> =>
    fetch(`${url}/mcp`, {
      method: 'POST', headers: { ...headers, 'Mcp-Session-Id': session },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'test' } }),
    });

  it('ends its plain-JSON answer at once with an SSE stream that carries nothing', async () => {
    const docker = testDocker();
    // PID 1 ignores SIGTERM, so a stop with a 5 s grace period takes 5 s.
    const slow = await docker.createContainer({
      name: uniqueName('slowstop'), Image: testEnv.testImage, Cmd: ['sleep', '3600'], Labels: { [TEST_LABEL]: '1' }, HostConfig: { NetworkMode: 'none' },
    });
    await slow.start();
    try {
      const session = await openSession(gateway.url);
      const started = Date.now();
      const call = fetch(`${gateway.url}/mcp`, {
        method: 'POST', headers: { ...headers, 'Mcp-Session-Id': session },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'container_stop', arguments: { container: slow.id, timeout_seconds: 5 } } }),
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await cancel(gateway.url, session, 7)).status).toBe(202);
      const res = await call;
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(await res.text()).toBe('');
      expect(Date.now() - started).toBeLessThan(3_000);

      // The SDK ignores a cancel for id 0, so that call runs on, and its answer must still come.
      const zero = fetch(`${gateway.url}/mcp`, {
        method: 'POST', headers: { ...headers, 'Mcp-Session-Id': session },
        body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'tools/call', params: { name: 'container_stop', arguments: { container: slow.id, timeout_seconds: 1 } } }),
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await cancel(gateway.url, session, 0);
      const answered = await zero;
      expect(answered.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await answered.json()).toMatchObject({ id: 0, result: { content: [{ type: 'text' }] } });
    } finally {
      await slow.remove({ force: true });
    }
  });

  it('ends its SSE answer at once (SDK client, long call)', async () => {
    const client = new Client({ name: 'cancel', version: '0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`));
    await client.connect(transport);
    try {
      const session = transport.sessionId ?? '';
      // A raw POST on the SDK client's session, so the end of its stream can be observed.
      const started = Date.now();
      const res = await fetch(`${gateway.url}/mcp`, {
        method: 'POST', headers: { ...headers, 'Mcp-Session-Id': session },
        body: JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: events(20) }),
      });
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await cancel(gateway.url, session, 8)).status).toBe(202);
      const text = await res.text();
      expect(text).not.toMatch(/"id":8/);
      expect(Date.now() - started).toBeLessThan(5_000);
      // The session still serves.
      expect((await client.callTool({ name: 'system_ping', arguments: {} })).isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });
});
