// One session may hold at most MAX_SUBSCRIPTIONS_PER_SESSION subscribed URIs. Each Docker event of a
// container becomes one notification per URI naming it (any view, any id prefix), queued for a
// standby stream a client need not read: without a cap, one session could multiply every event
// into thousands of queued notifications. Real gateway, real SDK client, real containers.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SUBSCRIPTIONS_PER_SESSION } from '../../src/gateway/resources.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { connectHttp } from '../helpers/mcp-clients.js';

let gateway: TestGateway;
let client: Client;
const ids: string[] = [];

beforeAll(async () => {
  // Every subscribe is a read that costs a rate-limit token; this test is about the cap alone.
  gateway = await startTestGateway({ enable_metrics: false, rate_limit_per_minute: 0 });
  client = await connectHttp(gateway);
  for (let i = 0; i < 2; i++) {
    const c = await testDocker().createContainer({
      name: uniqueName('subcap'), Image: testEnv.testImage, Cmd: ['sleep', '60'], Labels: { [TEST_LABEL]: 'subcap' }, HostConfig: { NetworkMode: 'none' },
    });
    ids.push(c.id);
  }
}, 60_000);
afterAll(async () => {
  await client?.close();
  await gateway?.stop();
  await Promise.allSettled(ids.map((id) => testDocker().getContainer(id).remove({ force: true })));
});

describe('resource subscriptions per session', () => {
  it(`are capped at ${MAX_SUBSCRIPTIONS_PER_SESSION} distinct URIs; a held URI and one freed by unsubscribe still work`, async () => {
    // Distinct URIs for the same two containers: every view under every id prefix of 12..64 characters.
    const uris = ids.flatMap((id) => ['inspect', 'logs', 'stats'].flatMap((view) =>
      Array.from({ length: 53 }, (_, i) => `docker://containers/${id.slice(0, 12 + i)}/${view}`)));
    expect(uris.length).toBeGreaterThan(MAX_SUBSCRIPTIONS_PER_SESSION);
    for (const uri of uris.slice(0, MAX_SUBSCRIPTIONS_PER_SESSION)) await client.subscribeResource({ uri });
    const extra = uris[MAX_SUBSCRIPTIONS_PER_SESSION]!;
    await expect(client.subscribeResource({ uri: extra })).rejects.toThrow(new RegExp(`${MAX_SUBSCRIPTIONS_PER_SESSION} resource subscriptions`));
    await client.subscribeResource({ uri: uris[0]! }); // already held: no new slot needed
    await client.unsubscribeResource({ uri: uris[1]! });
    await client.subscribeResource({ uri: extra });
  }, 60_000);
});
