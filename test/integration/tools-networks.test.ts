// Network tools against the private daemon (started with --bridge none, so every network here is
// a user-defined, internal bridge). Everything carries TEST_LABEL=<run id>; prunes are narrowed by
// a label unique to this run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  networkConnect, networkCreate, networkDisconnect, networkInspect, networkList, networkPrune, networkRemove, networkTools,
} from '../../src/gateway/tools/networks.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { callTool, makeToolContext } from '../helpers/tool-context.js';

const run = uniqueName('net');
const docker = testDocker();
const labels = { [TEST_LABEL]: run };
// A subnet per run so parallel runs against a shared daemon do not collide.
const octet = 100 + Math.floor(Math.random() * 150);
const subnet = `10.${octet}.7.0/24`;

async function networkExists(name: string): Promise<boolean> {
  return docker.getNetwork(name).inspect().then(() => true, () => false);
}

async function containerNetworks(id: string): Promise<Record<string, { Aliases: string[] | null }>> {
  const info = await docker.getContainer(id).inspect();
  return info.NetworkSettings.Networks as unknown as Record<string, { Aliases: string[] | null }>;
}

describe('network tools', () => {
  const primary = `${run}-a`;
  const secondary = `${run}-b`;
  let containerId = '';

  beforeAll(async () => {
    await docker.createNetwork({ Name: primary, Driver: 'bridge', Internal: true, Labels: labels });
  });

  afterAll(async () => {
    const containers = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${run}`] } });
    for (const c of containers) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    const networks = await docker.listNetworks({ filters: { label: [`${TEST_LABEL}=${run}`] } });
    for (const n of networks) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  });

  it('network_create makes an internal bridge with subnet, gateway and labels, authorizing the body', async () => {
    const ctx = makeToolContext();
    const gateway = subnet.replace(/0\/24$/, '1');
    const result = await callTool(networkCreate, {
      name: secondary, internal: true, labels: { ...labels, 'org.example.role': 'backend' }, subnet, gateway,
    }, ctx);
    expect(ctx.authorized).toEqual([{
      kind: 'network.change',
      action: 'create',
      body: {
        Name: secondary, Driver: 'bridge', Internal: true, Attachable: false, CheckDuplicate: true,
        Labels: { ...labels, 'org.example.role': 'backend' },
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gateway }] },
      },
    }]);
    expect(result.structured).toMatchObject({ name: secondary, driver: 'bridge', internal: true, subnets: [subnet], gateways: [gateway] });
    const info = await docker.getNetwork(secondary).inspect();
    expect(info.Internal).toBe(true);
    expect(info.IPAM?.Config?.[0]).toMatchObject({ Subnet: subnet, Gateway: gateway });
    expect(info.Labels).toMatchObject({ 'org.example.role': 'backend' });
  });

  it('network_create validates subnet and gateway', async () => {
    await expect(callTool(networkCreate, { name: `${run}-bad`, subnet: '10.0.0.0/99' })).rejects.toThrow(/CIDR/);
    await expect(callTool(networkCreate, { name: `${run}-bad`, gateway: '10.0.0.1' })).rejects.toThrow(/gateway needs a subnet/);
    await expect(callTool(networkCreate, { name: `${run}-bad`, options: { foo: 'bar' } })).rejects.toThrow();
  });

  it('network_list filters by label and caps with a notice', async () => {
    const result = await callTool(networkList, { label: [`${TEST_LABEL}=${run}`] });
    expect(result.structured.networks.map((n) => n.name)).toEqual([primary, secondary]);
    expect(result.text).toContain(secondary);
    const capped = await callTool(networkList, { label: [`${TEST_LABEL}=${run}`], limit: 1 });
    expect(capped.structured).toMatchObject({ truncated: true, total: 2 });
    expect(capped.text).toContain('[truncated: showing 1 of 2 networks');
    const custom = await callTool(networkList, { type: 'custom', name: run });
    expect(custom.structured.networks).toHaveLength(2);
  });

  it('network_connect attaches a stopped container with aliases; network_disconnect detaches it', async () => {
    const container = await docker.createContainer({
      Image: testEnv.testImage, Cmd: ['sleep', '60'], Labels: labels, HostConfig: { NetworkMode: primary },
    });
    containerId = container.id;
    const ctx = makeToolContext();
    const connected = await callTool(networkConnect, { network: secondary, container: containerId, aliases: ['db', 'db-primary'] }, ctx);
    expect(connected.structured.aliases).toEqual(['db', 'db-primary']);
    expect(ctx.authorized).toEqual([{
      kind: 'network.change', action: 'connect',
      // The network is named to the policy and to Docker by its full id, resolved once.
      body: { Network: (await docker.getNetwork(secondary).inspect()).Id, Container: containerId, EndpointConfig: { Aliases: ['db', 'db-primary'] } },
    }]);
    const networks = await containerNetworks(containerId);
    expect(Object.keys(networks).sort()).toEqual([primary, secondary].sort());
    expect(networks[secondary]?.Aliases).toEqual(expect.arrayContaining(['db', 'db-primary']));

    // Started, the container appears in network_inspect with an address from the subnet.
    await container.start();
    const inspected = await callTool(networkInspect, { network: secondary });
    const attached = inspected.structured.containers.find((c) => c.id === containerId);
    expect(attached?.ipv4.startsWith(subnet.slice(0, subnet.lastIndexOf('.')))).toBe(true);
    expect(inspected.text).toContain('Containers:');

    const dctx = makeToolContext();
    await callTool(networkDisconnect, { network: secondary, container: containerId, force: true }, dctx);
    expect(dctx.authorized[0]).toMatchObject({ kind: 'network.change', action: 'disconnect', body: { Container: containerId, Force: true } });
    expect(Object.keys(await containerNetworks(containerId))).toEqual([primary]);
  });

  it('network_remove deletes a network', async () => {
    const name = `${run}-remove`;
    const { id } = await docker.createNetwork({ Name: name, Internal: true, Labels: labels });
    const ctx = makeToolContext();
    const result = await callTool(networkRemove, { network: name }, ctx);
    expect(result.structured.removed).toBe(name);
    expect(ctx.authorized).toEqual([{ kind: 'network.change', action: 'remove', body: { Network: id } }]);
    expect(await networkExists(name)).toBe(false);
    await expect(callTool(networkInspect, { network: name })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('network_prune removes only unused networks matching the label filter', async () => {
    const prune = { ...labels, 'org.example.prune': run };
    const unused = await docker.createNetwork({ Name: `${run}-unused`, Internal: true, Labels: prune });
    await docker.createNetwork({ Name: `${run}-other`, Internal: true, Labels: labels });
    // Same prune label, but a container is attached: it must survive.
    await docker.createNetwork({ Name: `${run}-used`, Internal: true, Labels: prune });
    await docker.getNetwork(`${run}-used`).connect({ Container: containerId });
    const ctx = makeToolContext();
    const result = await callTool(networkPrune, { label: [`org.example.prune=${run}`] }, ctx);
    expect(result.structured.deleted).toEqual([`${run}-unused`]);
    // Each network the prune takes is authorized by id (the policy refuses those protected containers use).
    expect(ctx.authorized).toEqual([{ kind: 'network.change', action: 'prune', body: { Network: unused.id } }]);
    expect(await networkExists(`${run}-unused`)).toBe(false);
    expect(await networkExists(`${run}-used`)).toBe(true);
    expect(await networkExists(`${run}-other`)).toBe(true);
  });

  it('network_prune with until leaves networks created after that time', async () => {
    const prune = { ...labels, 'org.example.prune-until': run };
    await docker.createNetwork({ Name: `${run}-young`, Internal: true, Labels: prune });
    const kept = await callTool(networkPrune, { label: [`org.example.prune-until=${run}`], until: '1h' });
    expect(kept.structured.deleted).toEqual([]);
    expect(await networkExists(`${run}-young`)).toBe(true);
    const taken = await callTool(networkPrune, { label: [`org.example.prune-until=${run}`], until: String(Math.ceil(Date.now() / 1000) + 5) });
    expect(taken.structured.deleted).toEqual([`${run}-young`]);
  });

  it('network_prune lists at most limit names, says how many were removed, and removes them all', async () => {
    const prune = { ...labels, 'org.example.prune-limit': run };
    await docker.createNetwork({ Name: `${run}-plim-a`, Internal: true, Labels: prune });
    await docker.createNetwork({ Name: `${run}-plim-b`, Internal: true, Labels: prune });
    const result = await callTool(networkPrune, { label: [`org.example.prune-limit=${run}`], limit: 1 });
    expect(result.structured).toMatchObject({ deleted_total: 2, truncated: true });
    expect(result.structured.deleted).toHaveLength(1);
    expect(result.text).toMatch(/^Pruned 2 network\(s\): [^,]+\./);
    expect(result.text).toContain('[truncated: showing 1 of 2 pruned networks; all 2 were removed, only this list is shortened]');
    expect(await networkExists(`${run}-plim-a`)).toBe(false);
    expect(await networkExists(`${run}-plim-b`)).toBe(false);
  });

  it('lists all seven network tools with described inputs', () => {
    expect(networkTools.map((t) => t.name)).toEqual([
      'network_list', 'network_inspect', 'network_create', 'network_remove', 'network_connect', 'network_disconnect', 'network_prune',
    ]);
    for (const t of networkTools) {
      for (const [field, schema] of Object.entries(t.inputSchema.shape)) {
        expect((schema as { description?: string }).description, `${t.name}.${field}`).toBeTruthy();
      }
    }
  });
});
