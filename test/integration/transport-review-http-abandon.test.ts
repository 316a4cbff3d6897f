// Transport review: a Streamable HTTP client that hangs up on a pending request and then cancels
// it must not leave memory behind. json-reply.ts remembers the id of a request whose POST closed
// first, to drop its late response; but a cancelled request gets no response, so before the fix
// the id stayed for the life of the session. Ids are client-chosen strings up to max_body_bytes:
// one session could pin ~1 MB per request, at the rate limit ~120 MB a minute per identity.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openHttpSession } from '../helpers/raw-mcp.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

describe('abandoned Streamable HTTP requests', () => {
  let gateway: TestGateway;
  const name = uniqueName('abandon');
  beforeAll(async () => {
    gateway = await startTestGateway({ enable_metrics: false, rate_limit_per_minute: 0 });
    const c = await testDocker().createContainer({ name, Image: testEnv.testImage, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: '1' }, HostConfig: { NetworkMode: 'none' } });
    await c.start();
  });
  afterAll(async () => {
    await gateway?.stop();
    await testDocker().getContainer(name).remove({ force: true }).catch(() => undefined);
  });

  for (const sse of [false, true]) it(`hanging up on a slow request (${sse ? 'SSE' : 'JSON'} answer) and cancelling it leaves no per-request memory in the session`, async () => {
    const sessionId = await openHttpSession(gateway.url);
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-06-18' };
    const post = (body: unknown, signal?: AbortSignal) => fetch(`${gateway.url}/mcp`, { method: 'POST', headers, body: JSON.stringify(body), signal });
    const round = async (i: number): Promise<void> => {
      // A ~900 kB id, so what the session keeps shows in the heap.
      const id = `${String(i).padStart(6, '0')}${'x'.repeat(900_000)}`;
      const controller = new AbortController();
      // One stats sample takes Docker about a second: the request is still pending when we hang up.
      const pending = post({ jsonrpc: '2.0', id, method: 'resources/read', params: { uri: `docker://containers/${name}/stats`, ...(sse ? { _meta: { progressToken: i } } : {}) } }, controller.signal).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
      controller.abort();
      await pending;
      await new Promise((r) => setTimeout(r, 50));
      await (await post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'gone' } })).text();
    };
    await round(0);
    const before = await heapAfterGc();
    for (let i = 1; i <= 30; i++) await round(i);
    // Let the aborted reads end.
    await new Promise((r) => setTimeout(r, 2_500));
    const grown = (await heapAfterGc()) - before;
    // Before the fix: ~27 MB (30 ids of 900 kB). Now only noise.
    expect(grown, `heap grew by ${Math.round(grown / 1e6)} MB`).toBeLessThan(10_000_000);
    // The session still works.
    const ping = await post({ jsonrpc: '2.0', id: 'p', method: 'ping' });
    expect(ping.status).toBe(200);
  }, 60_000);

  it('a second request with the id of one in flight is refused (409) instead of leaving a POST unanswered forever', async () => {
    // Before: two SSE-answered requests with one id shared the SDK's id -> stream entry and one POST
    // never got an answer: its connection held and its session busy (never idle) for good.
    const sessionId = await openHttpSession(gateway.url);
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-06-18' };
    const read = (sse: boolean) => JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'resources/read', params: { uri: `docker://containers/${name}/stats`, ...(sse ? { _meta: { progressToken: 1 } } : {}) } });
    const post = async (body: string): Promise<{ status: number; text: string }> => {
      const res = await fetch(`${gateway.url}/mcp`, { method: 'POST', headers, body, signal: AbortSignal.timeout(8_000) });
      return { status: res.status, text: await res.text() };
    };
    for (const [first, second] of [[true, true], [false, true], [true, false], [false, false]] as const) {
      const answers = await Promise.all([post(read(first)), new Promise((r) => setTimeout(r, 100)).then(() => post(read(second)))]);
      expect(answers[0].status).toBe(200);
      expect(answers[0].text).toContain('"contents"');
      expect(answers[1].status).toBe(409);
      expect(answers[1].text).toContain('already used by a request in flight');
      // Once answered, the id is free again.
      expect((await post(read(second))).text).toContain('"contents"');
    }
  }, 60_000);
});
