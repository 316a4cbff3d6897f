// Network references in bodies the tools do not build today but the policy must still judge
// (NetworkingConfig, case variants Docker accepts), references whose meaning could flip, and the
// networks an existing container joins at start. The real OperationPolicy against the private daemon.
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyDenial } from '../../src/gateway/policy/body.js';
import { judgeContainerNetworks, judgeDriver } from '../../src/gateway/policy/network-refs.js';
import { createOperationPolicy } from '../../src/gateway/policy/policy.js';
import { expandScope } from '../../src/gateway/auth/scopes.js';
import type { Identity, PolicyDecision } from '../../src/gateway/security.js';
import type { GuardedOperation } from '../../src/gateway/tools/define.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { defaultPolicyOptions } from '../helpers/policy-context.js';

const run = uniqueName('nref');
const labels = { [TEST_LABEL]: run };
const docker = testDocker();
const policy = createOperationPolicy(defaultPolicyOptions(), docker);
const admin: Identity = { id: 'token:t', kind: 'token', name: 't', scopes: expandScope('admin') };
const app = `${run}-app`;
let hostId = '';
let shadow = '';

const authorize = (op: GuardedOperation): Promise<PolicyDecision> => policy.authorize(admin, op);
const create = (body: Record<string, unknown>, name?: string): Promise<PolicyDecision> =>
  authorize({ kind: 'container.create', body: { Image: testEnv.testImage, Labels: labels, ...body }, ...(name ? { name } : {}) });

beforeAll(async () => {
  hostId = (await docker.getNetwork('host').inspect()).Id;
  await docker.createNetwork({ Name: app, Driver: 'bridge', Internal: true, Labels: labels });
  // Created outside the gateway: a bridge whose name is also a prefix of the host network's id.
  shadow = hostId.slice(0, 5);
  await docker.createNetwork({ Name: shadow, Driver: 'bridge', Internal: true, Labels: labels });
  const tunnel = await docker.createContainer({
    name: `${run}-cloudflared`, Image: testEnv.testImage, Cmd: ['sleep', '600'], Labels: labels,
    HostConfig: { NetworkMode: app }, NetworkingConfig: { EndpointsConfig: { [app]: { Aliases: ['tunnel'] } } },
  });
  await tunnel.start();
});

afterAll(async () => {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${run}`] } });
  await Promise.allSettled(containers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  const networks = await docker.listNetworks({ filters: { label: [`${TEST_LABEL}=${run}`] } });
  await Promise.allSettled(networks.map((n) => docker.getNetwork(n.Id).remove()));
});

describe('create bodies', () => {
  it('an EndpointsConfig key naming the host network by id prefix is refused', async () => {
    const d = await create({ NetworkingConfig: { EndpointsConfig: { [hostId.slice(0, 12)]: {} } } });
    expect(d).toMatchObject({ allowed: false, rule: 'host-namespace' });
  });

  it('aliases on a protected network are refused in any key spelling Docker accepts', async () => {
    const d = await create({ networkingconfig: { endpointsconfig: { [app]: { aliases: ['web'] } } } }, `${run}-x`);
    expect(d).toMatchObject({ allowed: false, rule: 'protected-network' });
  });

  it('a network reference Docker does not know is refused, not guessed', async () => {
    expect(await create({ HostConfig: { NetworkMode: `${run}-missing` } })).toMatchObject({ allowed: false, rule: 'network-not-found' });
  });

  it('a network name that is also another network\'s id prefix is refused as ambiguous', async () => {
    expect(await create({ HostConfig: { NetworkMode: shadow } })).toMatchObject({ allowed: false, rule: 'network-ambiguous' });
  });

  it('an ordinary create on the protected network with its own plain name is allowed', async () => {
    expect(await create({ HostConfig: { NetworkMode: app } }, `${run}-plain`)).toEqual({ allowed: true });
  });
});

describe('creates that would make a container protected', () => {
  it('a protected image reference or an image carrying the protected label is refused', async () => {
    expect(await create({ Image: 'cloudflare/cloudflared:latest' }, `${run}-img`)).toMatchObject({ allowed: false, rule: 'protected-name' });
    const base = await docker.createContainer({ Image: testEnv.testImage, Labels: labels });
    const tag = `dmcp-test/labelled-${run}`;
    await base.commit({ repo: tag, tag: 'latest', changes: 'LABEL dev.docker-mcp.protected=true' });
    try {
      expect(await create({ Image: `${tag}:latest` }, `${run}-lbl-img`)).toMatchObject({ allowed: false, rule: 'protected-name' });
    } finally {
      await docker.getImage(`${tag}:latest`).remove({ noprune: true }).catch(() => undefined);
    }
  });
});

describe('renames of a container configured on a protected network', () => {
  it('a never-started container cannot be renamed to the protected container\'s alias', async () => {
    const c = await docker.createContainer({ name: `${run}-idle`, Image: testEnv.testImage, Labels: labels, HostConfig: { NetworkMode: app } });
    const d = await authorize({ kind: 'container.change', container: c.id, action: 'rename', newName: 'tunnel' });
    expect(d).toMatchObject({ allowed: false, rule: 'protected-name' });
    expect(await authorize({ kind: 'container.change', container: c.id, action: 'rename', newName: `${run}-fine` })).toEqual({ allowed: true });
  });
});

describe('network_connect claims on a protected network', () => {
  it('a fixed address, an alias spelled as a FQDN ("tunnel.") and a Domainname are refused', async () => {
    const c = await docker.createContainer({ name: `${run}-joiner`, Image: testEnv.testImage, Labels: labels, HostConfig: { NetworkMode: 'none' } });
    const appId = (await docker.getNetwork(app).inspect()).Id;
    const connect = (endpoint: Record<string, unknown>) =>
      authorize({ kind: 'network.change', action: 'connect', body: { Network: appId, Container: c.id, EndpointConfig: endpoint } });
    expect(await connect({ IPAMConfig: { IPv4Address: '10.1.2.3' } })).toMatchObject({ allowed: false, rule: 'protected-network' });
    expect(await connect({ Aliases: ['tunnel.'] })).toMatchObject({ allowed: false, rule: 'protected-name' });
    expect(await connect({})).toEqual({ allowed: true });
    expect(await create({ Hostname: 'db', Domainname: 'example.com', HostConfig: { NetworkMode: app } }, `${run}-fq`))
      .toMatchObject({ allowed: false, rule: 'protected-network' });
  });
});

describe('drivers and existing containers', () => {
  it('only bridge, overlay and null networks keep a container in its own namespace', () => {
    for (const driver of ['macvlan', 'ipvlan', 'weaveworks/net-plugin:latest', '']) {
      expect(() => judgeDriver({ id: 'x'.repeat(64), name: 'n', driver }, 'w')).toThrow(PolicyDenial);
    }
    for (const driver of ['bridge', 'overlay', 'null']) judgeDriver({ id: 'x'.repeat(64), name: 'n', driver }, 'w');
  });

  it('a container created outside the gateway on the host network by id prefix is judged as on the host network', async () => {
    const c = await docker.createContainer({ name: `${run}-ext`, Image: testEnv.testImage, Labels: labels, HostConfig: { NetworkMode: hostId.slice(0, 12) } });
    const info: Dockerode.ContainerInspectInfo = await c.inspect();
    expect(info.HostConfig.NetworkMode).toBe(hostId.slice(0, 12)); // what a string check sees
    await expect(judgeContainerNetworks(docker, info.NetworkSettings.Networks, 'start')).rejects.toMatchObject({ rule: 'host-namespace' });
  });
});
