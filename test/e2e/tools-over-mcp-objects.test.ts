// Image, volume and network tools through the SDK's WebSocketClientTransport, each effect checked
// in Docker (and the local registry for push). Pull runs with a progress token. Everything carries
// TEST_LABEL=<run>; every prune is narrowed to a label unique to this run.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import type { TestGateway } from '../helpers/gateway.js';
import { call, connectWs, startAdminGateway } from '../helpers/mcp-clients.js';

const run = uniqueName('e2e-obj');
const docker = testDocker();
const labels = { [TEST_LABEL]: run };
const labelFilter = [`${TEST_LABEL}=${run}`];
const repo = () => `${testEnv.registry}/dmcp-e2e/${run}`;
// A subnet per run so parallel runs against a shared daemon do not collide.
const octet = 100 + Math.floor(Math.random() * 150);

const imageExists = (ref: string): Promise<boolean> => docker.getImage(ref).inspect().then(() => true, () => false);
const volumeExists = (name: string): Promise<boolean> => docker.getVolume(name).inspect().then(() => true, () => false);
const networkExists = (name: string): Promise<boolean> => docker.getNetwork(name).inspect().then(() => true, () => false);

describe('image, volume and network tools over WebSocket', () => {
  let gateway: TestGateway;
  let client: Client;

  beforeAll(async () => {
    // The test chooses its own subnet (10.x.9.0/24): allow that range, as an operator would. The local
    // registry is on the host's loopback: allowed only when named literally.
    gateway = await startAdminGateway({
      enable_metrics: false, allowed_network_subnets: ['10.0.0.0/8'], allowed_images: ['**', `${testEnv.registry}/**`],
    });
    client = await connectWs(gateway);
  });
  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
    for (const c of await docker.listContainers({ all: true, filters: { label: labelFilter } })) {
      await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    }
    for (const image of await docker.listImages({ filters: { label: labelFilter } })) {
      await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
    }
    for (const n of await docker.listNetworks({ filters: { label: labelFilter } })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
    const { Volumes } = await docker.listVolumes({ filters: { label: labelFilter } });
    for (const v of Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
  });

  it('image_build builds from Dockerfile text and a context file', async () => {
    const built = await call<{ image_id: string; tags: string[] }>(client, 'image_build', {
      dockerfile: `FROM ${testEnv.testImage}\nCOPY hello.txt /hello.txt\n`,
      files: [{ path: 'hello.txt', content: `hello ${run}\n` }],
      tags: [`${repo()}:v1`], labels, network: 'none',
    });
    expect(built.tags).toEqual([`${repo()}:v1`]);
    expect((await docker.getImage(`${repo()}:v1`).inspect()).Id).toBe(built.image_id);
  });

  it('image_tag, image_push to the local registry, image_remove', async () => {
    const tagged = await call<{ target: string }>(client, 'image_tag', { image: `${repo()}:v1`, repository: repo(), tag: 'v2' });
    expect(tagged.target).toBe(`${repo()}:v2`);
    expect(await imageExists(`${repo()}:v2`)).toBe(true);
    const pushed = await call<{ digest: string | null }>(client, 'image_push', { reference: `${repo()}:v2` });
    expect(pushed.digest).toMatch(/^sha256:/);
    const tags = (await (await fetch(`http://${testEnv.registry}/v2/dmcp-e2e/${run}/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['v2']);
    const untagged = await call<{ untagged: string[]; deleted: string[] }>(client, 'image_remove', { image: `${repo()}:v1` });
    expect(untagged.deleted).toEqual([]);
    const deleted = await call<{ deleted: string[] }>(client, 'image_remove', { image: `${repo()}:v2` });
    expect(deleted.deleted.length).toBeGreaterThan(0);
    expect(await imageExists(`${repo()}:v2`)).toBe(false);
  });

  it('image_pull from the local registry sends progress notifications and the image is present', async () => {
    const progress: { progress: number; total?: number }[] = [];
    const pulled = await call<{ reference: string; layers: number }>(client, 'image_pull', { reference: `${repo()}:v2` }, {
      onprogress: (p) => progress.push(p),
    });
    expect(pulled.reference).toBe(`${repo()}:v2`);
    expect(progress.length).toBeGreaterThan(0);
    const values = progress.map((p) => p.progress);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(await imageExists(`${repo()}:v2`)).toBe(true);
  });

  it('image_list, image_inspect and image_history describe the pulled image', async () => {
    const list = await call<{ images: { tags: string[] }[] }>(client, 'image_list', { reference: repo() });
    expect(list.images.flatMap((i) => i.tags)).toContain(`${repo()}:v2`);
    const inspect = await call<{ labels: Record<string, string> }>(client, 'image_inspect', { image: `${repo()}:v2` });
    expect(inspect.labels).toMatchObject(labels);
    const history = await call<{ layers: { created_by: string }[] }>(client, 'image_history', { image: `${repo()}:v2` });
    expect(JSON.stringify(history.layers)).toContain('hello.txt');
  });

  it('image_prune removes dangling images with this run\'s prune label only', async () => {
    const prune = { ...labels, 'org.example.prune': run };
    const build = (n: number) => call<{ image_id: string }>(client, 'image_build', {
      dockerfile: `FROM ${testEnv.testImage}\nLABEL v=${n}\n`, tags: [`${repo()}:prune`], labels: prune, network: 'none',
    });
    const first = await build(1);
    await build(2);
    expect(await imageExists(first.image_id)).toBe(true);
    const pruned = await call<{ deleted: string[] }>(client, 'image_prune', { label: [`org.example.prune=${run}`] });
    expect(pruned.deleted).toContain(first.image_id);
    expect(await imageExists(first.image_id)).toBe(false);
    expect(await imageExists(`${repo()}:prune`)).toBe(true);
  });

  it('volume_create, volume_list, volume_inspect, volume_remove, volume_prune', async () => {
    const created = await call<{ name: string }>(client, 'volume_create', { name: `${run}-data`, labels });
    expect(created.name).toBe(`${run}-data`);
    expect((await docker.getVolume(`${run}-data`).inspect()).Labels).toMatchObject(labels);
    const list = await call<{ volumes: { name: string }[] }>(client, 'volume_list', { label: labelFilter });
    expect(list.volumes.map((v) => v.name)).toEqual([`${run}-data`]);
    const inspect = await call<{ name: string; driver: string }>(client, 'volume_inspect', { name: `${run}-data` });
    expect(inspect).toMatchObject({ name: `${run}-data`, driver: 'local' });
    await call(client, 'volume_remove', { name: `${run}-data` });
    expect(await volumeExists(`${run}-data`)).toBe(false);

    await docker.createVolume({ Name: `${run}-prune`, Labels: { ...labels, 'org.example.prune': run } });
    await docker.createVolume({ Name: `${run}-keep`, Labels: labels });
    const pruned = await call<{ deleted: string[] }>(client, 'volume_prune', { label: [`org.example.prune=${run}`], all: true });
    expect(pruned.deleted).toEqual([`${run}-prune`]);
    expect(await volumeExists(`${run}-prune`)).toBe(false);
    expect(await volumeExists(`${run}-keep`)).toBe(true);
  });

  it('network_create, network_list, network_inspect, network_connect/disconnect, network_remove, network_prune', async () => {
    const [primary, secondary] = [`${run}-a`, `${run}-b`];
    const subnet = `10.${octet}.9.0/24`;
    await call(client, 'network_create', { name: primary, internal: true, labels });
    const created = await call<{ name: string; subnets: string[] }>(client, 'network_create', { name: secondary, internal: true, labels, subnet });
    expect(created.subnets).toEqual([subnet]);
    expect((await docker.getNetwork(secondary).inspect()).Internal).toBe(true);
    const list = await call<{ networks: { name: string }[] }>(client, 'network_list', { label: labelFilter });
    expect(list.networks.map((n) => n.name)).toEqual([primary, secondary]);

    // (Dis)connecting needs a container on a real network, so this one is not network_mode none.
    const container = await docker.createContainer({ Image: testEnv.testImage, Cmd: ['sleep', '60'], Labels: labels, HostConfig: { NetworkMode: primary } });
    await container.start();
    await call(client, 'network_connect', { network: secondary, container: container.id, aliases: ['db'] });
    const networks = async () => Object.keys((await container.inspect()).NetworkSettings.Networks).sort();
    expect(await networks()).toEqual([primary, secondary]);
    const inspect = await call<{ containers: { id: string; ipv4: string }[] }>(client, 'network_inspect', { network: secondary });
    expect(inspect.containers.find((c) => c.id === container.id)?.ipv4.startsWith(`10.${octet}.9.`)).toBe(true);
    await call(client, 'network_disconnect', { network: secondary, container: container.id, force: true });
    expect(await networks()).toEqual([primary]);

    await call(client, 'network_remove', { network: secondary });
    expect(await networkExists(secondary)).toBe(false);
    await docker.createNetwork({ Name: `${run}-unused`, Internal: true, Labels: { ...labels, 'org.example.prune': run } });
    const pruned = await call<{ deleted: string[] }>(client, 'network_prune', { label: [`org.example.prune=${run}`] });
    expect(pruned.deleted).toEqual([`${run}-unused`]);
    expect(await networkExists(primary)).toBe(true);
    await container.remove({ force: true });
  });
});
