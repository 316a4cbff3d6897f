// Resources, completion, subscriptions, prompts and logging/setLevel through a real SDK client.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { connectHttpClient, metricValue, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { until } from '../helpers/raw-mcp.js';

describe('resources, prompts and completion', () => {
  let gateway: TestGateway;
  let client: Client;
  const name = uniqueName('res');
  let containerId = '';

  beforeAll(async () => {
    gateway = await startTestGateway({ enable_metrics: false });
    ({ client } = await connectHttpClient(gateway.url));
    const container = await testDocker().createContainer({
      name,
      Image: testEnv.testImage,
      Cmd: ['sh', '-c', 'echo hello-from-resource; echo oops >&2; sleep 300'],
      Labels: { [TEST_LABEL]: '1' },
      HostConfig: { NetworkMode: 'none' },
    });
    containerId = container.id;
    await container.start();
    await new Promise((r) => setTimeout(r, 300));
  });
  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
    if (containerId) await testDocker().getContainer(containerId).remove({ force: true });
  });

  it('lists fixed resources and container templates', async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(['docker://system/info', 'docker://system/df']);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      'docker://containers/{id}/logs',
      'docker://containers/{id}/inspect',
      'docker://containers/{id}/stats',
    ]);
  });

  it('reads system and container resources from the daemon', async () => {
    const info = await client.readResource({ uri: 'docker://system/info' });
    expect(JSON.parse((info.contents[0] as { text: string }).text)).toHaveProperty('ServerVersion');
    const df = await client.readResource({ uri: 'docker://system/df' });
    expect(JSON.parse((df.contents[0] as { text: string }).text)).toHaveProperty('LayersSize');

    const logs = await client.readResource({ uri: `docker://containers/${name}/logs` });
    const text = (logs.contents[0] as { text: string }).text;
    expect(text).toContain('hello-from-resource');
    expect(text).toContain('oops');
    const inspect = await client.readResource({ uri: `docker://containers/${name}/inspect` });
    expect(JSON.parse((inspect.contents[0] as { text: string }).text)).toMatchObject({ Id: containerId });
    const stats = await client.readResource({ uri: `docker://containers/${name}/stats` });
    expect(JSON.parse((stats.contents[0] as { text: string }).text)).toHaveProperty('memory_stats');

    const missing = await client.readResource({ uri: 'docker://containers/does-not-exist/inspect' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(McpError);
    expect((missing as McpError).code).toBe(-32002);
  });

  it('completes {id} and prompt container arguments from live container names', async () => {
    const prefix = name.slice(0, name.length - 3);
    const byResource = await client.complete({
      ref: { type: 'ref/resource', uri: 'docker://containers/{id}/logs' },
      argument: { name: 'id', value: prefix },
    });
    expect(byResource.completion.values).toContain(name);
    const byPrompt = await client.complete({
      ref: { type: 'ref/prompt', name: 'diagnose_container' },
      argument: { name: 'container', value: prefix },
    });
    expect(byPrompt.completion.values).toEqual([name]);
  });

  it('sends notifications/resources/updated for a subscribed container until unsubscribed', async () => {
    const updates: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
    });
    const uri = `docker://containers/${name}/inspect`;
    await client.subscribeResource({ uri });
    await new Promise((r) => setTimeout(r, 200));
    const container = testDocker().getContainer(containerId);
    await container.pause();
    await container.unpause();
    const deadline = Date.now() + 5_000;
    while (updates.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(new Set(updates)).toEqual(new Set([uri]));

    await client.unsubscribeResource({ uri });
    const count = updates.length;
    await container.pause();
    await container.unpause();
    await new Promise((r) => setTimeout(r, 500));
    expect(updates.length).toBe(count);
  });

  it('lists prompts and builds diagnose_container and reclaim_disk_space from live data', async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['diagnose_container', 'reclaim_disk_space', 'review_container_security']);
    const diagnose = await client.getPrompt({ name: 'diagnose_container', arguments: { container: name } });
    const serialized = JSON.stringify(diagnose.messages);
    expect(serialized).toContain('hello-from-resource');
    const state = diagnose.messages.find((m) => m.content.type === 'resource' && m.content.resource.uri.endsWith('/inspect'));
    expect(JSON.parse((state?.content as { resource: { text: string } }).resource.text)).toMatchObject({ Running: true, ExitCode: 0 });
    const reclaim = await client.getPrompt({ name: 'reclaim_disk_space', arguments: {} });
    expect(JSON.stringify(reclaim.messages)).toContain('LayersSize');
    const review = await client.getPrompt({ name: 'review_container_security', arguments: { container: name } });
    expect(JSON.stringify(review.messages)).toContain('NetworkMode');
    await expect(client.getPrompt({ name: 'diagnose_container', arguments: {} })).rejects.toThrow(/required/);
  });

  it('accepts logging/setLevel and ping', async () => {
    await expect(client.setLoggingLevel('warning')).resolves.toBeDefined();
    await expect(client.ping()).resolves.toBeDefined();
  });

  it('bounds a resource read by docker_timeout and closes its Docker request', async () => {
    // A one-shot stats read waits for two samples (~1-2 s): longer than this gateway allows.
    const hasty = await startTestGateway({ docker_timeout: 0.3 });
    const { client: c } = await connectHttpClient(hasty.url);
    try {
      const started = Date.now();
      await expect(c.readResource({ uri: `docker://containers/${name}/stats` })).rejects.toThrow(/timed out after 0.3 s \(Docker at unix:/);
      expect(Date.now() - started).toBeLessThan(1_000);
      await until(async () => metricValue(await (await fetch(hasty.metricsUrl ?? '')).text(), 'docker_mcp_docker_connections') === 0, 2_000,
        'the timed-out stats request was closed');
    } finally {
      await c.close();
      await hasty.stop();
    }
  });
});
