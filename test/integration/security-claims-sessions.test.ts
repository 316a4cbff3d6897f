// docs/security.md, "Session slots": opening a session takes a token from a per-identity bucket
// "kept apart from the tool-call bucket, so a client that used its call budget can still
// reconnect (and be told about the call limit)"; and "under --stateless no session is kept, so
// none is counted". Real gateways, real SDK clients and raw HTTP over loopback sockets.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, connectWith, initializeMessage, mcpHeaders, rawRequest, resultText } from '../helpers/attacks.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ALICE = 'alice-token-claims-0123456789abcdef';
const tokens = [`alice:read:${ALICE}`];

describe('the tool-call bucket and the session-open bucket are separate', () => {
  let gateway: TestGateway;
  const clients: Client[] = [];
  beforeAll(async () => {
    gateway = await startTestGateway({ auth_tokens: tokens, rate_limit_per_minute: 2 });
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await gateway?.stop();
  });

  it('after its calls are used up, the same identity still initializes a new session, which is told about the call limit', async () => {
    const first = await connectWith(gateway.url, bearer(ALICE));
    clients.push(first.client);
    const ping = () => first.client.callTool({ name: 'system_ping', arguments: {} });
    expect((await ping()).isError).toBeFalsy();
    expect((await ping()).isError).toBeFalsy();
    const limited = await ping();
    expect(limited.isError).toBe(true);
    expect(resultText(limited)).toMatch(/rate_limit_per_minute/);

    // A second session (the second of the two opens a minute) gets in…
    const second = await connectWith(gateway.url, bearer(ALICE));
    clients.push(second.client);
    expect((await second.client.listTools()).tools.length).toBeGreaterThan(0);
    // …and its tool calls share the spent call bucket: refused with the reason, not a connect failure.
    const again = await second.client.callTool({ name: 'system_ping', arguments: {} });
    expect(again.isError).toBe(true);
    expect(resultText(again)).toMatch(/rate_limit_per_minute/);
  });
});

describe('--stateless: initialize opens nothing and counts against nothing', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ stateless: true, auth_tokens: tokens, rate_limit_per_minute: 2, max_sessions: 2, max_sessions_per_identity: 1 });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('more initializes than the opens bucket, max_sessions and the per-identity cap all get 200, none 429 or 503', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await rawRequest(gateway.url, { path: '/mcp', headers: { ...mcpHeaders, ...bearer(ALICE) }, body: JSON.stringify(initializeMessage) });
      statuses.push(res.status);
      expect(res.headers['mcp-session-id']).toBeUndefined();
      expect(res.body).toContain('"protocolVersion"');
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
  });
});
