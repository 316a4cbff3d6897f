// Bad input on the tool path, against the private daemon: a missing required argument and a wrong
// argument type, or an unknown (old camelCase) argument name, over real SDK clients (HTTP and WebSocket) give an
// isError result naming the field;
// over the seed's POST /mcp/call they give 400 {"error":{"code":-32602,…}} naming it, and a body
// that is not {"method","params":{}} gives -32600/-32602. Also the seed's own example,
// {"method":"docker.container.list","params":{}}, listing a container made here in the daemon.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { callRaw, connectHttp, connectWs, textOf } from '../helpers/mcp-clients.js';

interface LegacyAnswer {
  status: number;
  body: { result?: unknown; error?: { code: number; message: string; data?: unknown } };
}

async function legacy(url: string, body: string): Promise<LegacyAnswer> {
  const res = await fetch(`${url}/mcp/call`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  return { status: res.status, body: (await res.json()) as LegacyAnswer['body'] };
}

describe('bad tool arguments and the seed /mcp/call example', () => {
  let gateway: TestGateway;
  const clients: Client[] = [];
  const name = uniqueName('bad-input');

  beforeAll(async () => {
    gateway = await startTestGateway();
    clients.push(await connectHttp(gateway, 'bad-input-http'), await connectWs(gateway, 'bad-input-ws'));
    const container = await testDocker().createContainer({
      name, Image: testEnv.testImage, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: '1' }, HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await gateway?.stop();
    await testDocker().getContainer(name).remove({ force: true }).catch(() => undefined);
  });

  it.each([0, 1])('missing and mistyped arguments over MCP are isError results naming the field (client %i: http, ws)', async (i) => {
    const client = clients[i]!;
    const missing = await callRaw(client, 'container_inspect', {});
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/^Invalid arguments for container_inspect: container: .*expected string, received undefined/);

    const mistyped = await callRaw(client, 'container_inspect', { container: 42 });
    expect(mistyped.isError).toBe(true);
    expect(textOf(mistyped)).toMatch(/^Invalid arguments for container_inspect: container: .*expected string, received number/);

    // A value that fits none of a field's forms says which forms there are, not just "Invalid input".
    const neither = await callRaw(client, 'container_logs', { container: name, tail: 'lots' });
    expect(neither.isError).toBe(true);
    expect(textOf(neither)).toMatch(/tail: matches none of its accepted forms \(expected number, received string; or expected "all"\)/);

    // An image reference is a path segment of the Engine request: "?", "#" or ".." could redirect it.
    for (const image of ['busybox?all=1', '../containers/json', 'busybox#x']) {
      const odd = await callRaw(client, 'image_history', { image });
      expect(odd.isError, image).toBe(true);
      expect(textOf(odd), image).toMatch(/^Invalid arguments for image_history: image: expected an image id, name, name:tag or name@digest/);
    }

    // The same call with the field given works, so the failures above really were the arguments.
    const ok = await callRaw(client, 'container_inspect', { container: name });
    expect(ok.isError).toBeFalsy();
    expect(ok.structuredContent).toMatchObject({ name });
  });

  // Argument names are snake_case with no camelCase aliases: an old spelling is refused by name
  // instead of being dropped (a dropped windowSeconds would silently mean the default 10 s).
  it.each([0, 1])('an unknown (old camelCase) argument is an isError result naming the key (client %i: http, ws)', async (i) => {
    const client = clients[i]!;
    const old = await callRaw(client, 'system_events', { windowSeconds: 1 });
    expect(old.isError).toBe(true);
    expect(textOf(old)).toMatch(/^Invalid arguments for system_events: \(arguments\): Unrecognized key: "windowSeconds"/);

    const ok = await callRaw(client, 'system_events', { window_seconds: 0.1, limit: 1 });
    expect(ok.isError).toBeFalsy();
    expect(ok.structuredContent).toMatchObject({ stopped_by: expect.stringMatching(/^(limit|window)$/) as string });
  });

  it('an unknown argument on POST /mcp/call is 400 with code -32602 naming the key', async () => {
    const old = await legacy(gateway.url, '{"method":"docker.system.events","params":{"windowSeconds":1}}');
    expect(old.status).toBe(400);
    expect(old.body.error).toMatchObject({ code: -32602, data: { outcome: 'invalid_args' } });
    expect(old.body.error?.message).toMatch(/^Invalid arguments for system_events: \(arguments\): Unrecognized key: "windowSeconds"/);
  });

  it('missing and mistyped arguments on POST /mcp/call are 400 with code -32602 naming the field', async () => {
    const missing = await legacy(gateway.url, '{"method":"docker.container.inspect","params":{}}');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: -32602, data: { outcome: 'invalid_args' } });
    expect(missing.body.error?.message).toMatch(/^Invalid arguments for container_inspect: container: .*received undefined/);

    const mistyped = await legacy(gateway.url, '{"method":"docker.container.list","params":{"all":"yes"}}');
    expect(mistyped.status).toBe(400);
    expect(mistyped.body.error).toMatchObject({ code: -32602 });
    expect(mistyped.body.error?.message).toMatch(/^Invalid arguments for container_list: all: .*expected boolean, received string/);
    expect(mistyped.body.result).toBeUndefined();
  });

  it('POST /mcp/call refuses bodies that are not {"method": string, "params": object}', async () => {
    const noMethod = await legacy(gateway.url, '{"params":{}}');
    expect(noMethod).toMatchObject({ status: 400, body: { error: { code: -32600 } } });
    expect(noMethod.body.error?.message).toContain('"method"');
    const arrayParams = await legacy(gateway.url, '{"method":"docker.container.list","params":["all"]}');
    expect(arrayParams).toMatchObject({ status: 400, body: { error: { code: -32602, message: 'Invalid params: "params" must be an object.' } } });
  });

  it('answers the seed example {"method":"docker.container.list","params":{}} with the running container', async () => {
    const answer = await legacy(gateway.url, '{"method":"docker.container.list","params":{}}');
    expect(answer.status).toBe(200);
    expect(answer.body.error).toBeUndefined();
    const result = answer.body.result as { containers: { id: string; name: string; image: string; state: string }[]; total: number; truncated: boolean };
    const id = (await testDocker().getContainer(name).inspect()).Id;
    expect(result.containers).toContainEqual(expect.objectContaining({ id, name, image: testEnv.testImage, state: 'running' }));
    expect(result.total).toBe(result.containers.length);
    expect(result.truncated).toBe(false);
  });
});
