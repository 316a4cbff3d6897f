// Transport review, part A: requests other than tool calls must not escape the per-identity limits.
// Before the fix resources/read, prompts/get, completion/complete and resources/subscribe cost no
// rate-limit token and no concurrency slot, so one read-scope client could keep any number of Docker
// reads running at once over one WebSocket; and every session opened one Docker event stream per
// subscribed container, so one identity could hold sessions × containers Docker connections.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, connectWith } from '../helpers/attacks.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { metricValue, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openWs, until } from '../helpers/raw-mcp.js';

const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef01';
const tokens = [`alice:read:${ALICE}`, `bob:read:${BOB}`];

type Reply = { result?: unknown; error?: { code: number; message: string; data?: { retryAfterSeconds?: number } } };

async function metric(gateway: TestGateway, name: string): Promise<number> {
  return metricValue(await (await fetch(gateway.metricsUrl ?? '')).text(), name);
}

describe('resources, prompts and completion share the tool-call limits', () => {
  let gateway: TestGateway;
  const RATE = 20;
  const CONCURRENT = 3;
  beforeAll(async () => {
    gateway = await startTestGateway({ enable_metrics: true, auth_tokens: tokens, rate_limit_per_minute: RATE, max_concurrent_calls: CONCURRENT });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('a flood of reads over one WebSocket is limited like tool calls, and another identity\'s tool call still succeeds promptly', async () => {
    const alice = await openWs(gateway.url, bearer(ALICE));
    const bob = await openWs(gateway.url, bearer(BOB));
    try {
      const kinds: Array<[string, unknown]> = [
        ['resources/read', { uri: 'docker://system/df' }],
        ['resources/read', { uri: 'docker://system/info' }],
        ['prompts/get', { name: 'reclaim_disk_space', arguments: {} }],
        ['completion/complete', { ref: { type: 'ref/resource', uri: 'docker://containers/{id}/inspect' }, argument: { name: 'id', value: '' } }],
      ];
      let peakDocker = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          peakDocker = Math.max(peakDocker, await metric(gateway, 'docker_mcp_docker_connections'));
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const flood = Array.from({ length: 400 }, (_, i) => alice.request(...(kinds[i % kinds.length] as [string, unknown])) as Promise<Reply>);
      // While the flood runs, bob's call is admitted and answered.
      const started = Date.now();
      const bobReply = (await bob.request('tools/call', { name: 'system_ping', arguments: {} })) as { result?: { isError?: boolean } };
      const bobMs = Date.now() - started;
      const replies = await Promise.all(flood);
      sampling = false;
      await sampler;

      expect(bobReply.result?.isError).toBeFalsy();
      expect(bobMs).toBeLessThan(3_000);
      const limited = replies.filter((r) => r.error?.code === -32000);
      const succeeded = replies.filter((r) => r.result !== undefined);
      // The bucket holds RATE tokens: everything past them (or past CONCURRENT at once) is refused,
      // with the setting named and a retry hint, as a limited tool call is.
      expect(succeeded.length).toBeLessThanOrEqual(RATE + 1);
      expect(limited.length).toBeGreaterThanOrEqual(400 - RATE - 1);
      expect(limited[0]?.error?.message).toMatch(/\((rate_limit_per_minute|max_concurrent_calls)\)\.\nHint: Retry in \d+ s\./);
      expect(limited[0]?.error?.data?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      for (const method of ['resources/read', 'prompts/get', 'completion/complete']) {
        expect(replies.some((r, i) => kinds[i % kinds.length]?.[0] === method && r.error?.code === -32000), method).toBe(true);
      }
      // Never more Docker sockets than the two identities' concurrency caps (plus the health probe).
      expect(peakDocker).toBeLessThanOrEqual(2 * CONCURRENT + 1);
      // The same bucket: alice's tool calls are now limited too; bob's are not.
      const aliceCall = (await alice.request('tools/call', { name: 'system_ping', arguments: {} })) as { result?: { isError?: boolean; content?: Array<{ text: string }> } };
      expect(aliceCall.result?.isError).toBe(true);
      expect(aliceCall.result?.content?.[0]?.text).toMatch(/rate_limit_per_minute/);
    } finally {
      alice.socket.terminate();
      bob.socket.terminate();
    }
  });
});

describe('resource subscriptions share one Docker event stream', () => {
  let gateway: TestGateway;
  const names = Array.from({ length: 4 }, () => uniqueName('sub'));
  const sessions: Array<{ client: Client; transport: { terminateSession(): Promise<void> } }> = [];
  beforeAll(async () => {
    gateway = await startTestGateway({ enable_metrics: true, auth_tokens: tokens });
    for (const name of names) {
      const c = await testDocker().createContainer({ name, Image: testEnv.testImage, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: '1' }, HostConfig: { NetworkMode: 'none' } });
      await c.start();
    }
  });
  afterAll(async () => {
    for (const { client, transport } of sessions) {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    }
    await gateway?.stop();
    await Promise.all(names.map((name) => testDocker().getContainer(name).remove({ force: true }).catch(() => undefined)));
  });

  it('one identity subscribing to many containers from several sessions holds one Docker event stream, and each session is still notified', async () => {
    const updated: string[][] = [];
    for (let s = 0; s < 3; s++) {
      const session = await connectWith(gateway.url, bearer(ALICE));
      sessions.push(session);
      const seen: string[] = [];
      updated.push(seen);
      session.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void seen.push(n.params.uri));
      for (const name of names) {
        await session.client.subscribeResource({ uri: `docker://containers/${name}/inspect` });
        await session.client.subscribeResource({ uri: `docker://containers/${name}/stats` });
      }
    }
    // 3 sessions × 4 containers opened 12 streams before; now one for the whole gateway.
    expect(await metric(gateway, 'docker_mcp_event_watches')).toBe(1);
    expect(await metric(gateway, 'docker_mcp_docker_connections')).toBeLessThanOrEqual(2);

    // An event of one container reaches every session subscribed to it, and only its URIs.
    await testDocker().getContainer(names[1] as string).pause();
    await testDocker().getContainer(names[1] as string).unpause();
    for (const seen of updated) {
      await until(() => seen.includes(`docker://containers/${names[1]}/stats`) && seen.includes(`docker://containers/${names[1]}/inspect`), 5_000, 'notified');
      expect(seen.every((uri) => uri.includes(names[1] as string))).toBe(true);
    }

    // Unsubscribing one session leaves the stream to the others; the last one out closes it.
    for (const name of names) {
      await sessions[0]?.client.unsubscribeResource({ uri: `docker://containers/${name}/inspect` });
      await sessions[0]?.client.unsubscribeResource({ uri: `docker://containers/${name}/stats` });
    }
    expect(await metric(gateway, 'docker_mcp_event_watches')).toBe(1);
    for (const { client, transport } of sessions.splice(0)) {
      await transport.terminateSession();
      await client.close();
    }
    await until(async () => (await metric(gateway, 'docker_mcp_event_watches')) === 0, 5_000, 'stream closed after the last subscription');
  });
});
