// docs/security.md claims checked through a real gateway over POST /mcp/call against the private
// daemon, the settings read from the environment as `docker-mcp serve` reads them
// (DOCKER_MCP_POLICY_PRESET=admin, DOCKER_MCP_PROTECTED_LABELS=other=1):
// - a policy denial is 403 {"error":{"data":{"outcome":"denied"}}} naming the rule, and Docker is unchanged;
// - the default protected label still protects when protected_labels names something else;
// - a network a STOPPED protected container is configured on takes no alias and no fixed address.
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveGatewayConfig } from '../../src/gateway/config.js';
import { startGateway, type RunningGateway } from '../../src/gateway/main.js';
import { silentLogger } from '../../src/gateway/observability/log.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';

const docker = testDocker();
const run = uniqueName('claims');
const labels = { [TEST_LABEL]: run };
let gateway: RunningGateway;
let url = '';
const networks: string[] = [];

interface Answer { status: number; body: { result?: unknown; error?: { code: number; message: string; data?: { outcome?: string } } } }

async function legacy(method: string, params: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(`${url}/mcp/call`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ method, params }) });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

async function container(name: string, extra: Partial<Dockerode.ContainerCreateOptions> = {}, start = true): Promise<Dockerode.Container> {
  const c = await docker.createContainer({ name, Image: testEnv.testImage, Cmd: ['sleep', '600'], Labels: labels, ...extra });
  if (start) await c.start();
  return c;
}

/** A bridge with its own /24 (Docker accepts a fixed address only on a network with a configured subnet). */
async function network(name: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const subnet = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 256)}.0/24`;
    try {
      await docker.createNetwork({ Name: name, Driver: 'bridge', Labels: labels, IPAM: { Config: [{ Subnet: subnet }] } });
      networks.push(name);
      return subnet.replace(/0\/24$/, '');
    } catch (error) {
      if (!/overlap|pool/i.test(String(error))) throw error;
    }
  }
  throw new Error('no free subnet');
}

beforeAll(async () => {
  const { config, sources } = resolveGatewayConfig({
    flags: { dockerHost: testEnv.dockerHost },
    env: { DOCKER_MCP_POLICY_PRESET: 'admin', DOCKER_MCP_PROTECTED_LABELS: 'other=1' },
  });
  expect([sources.protected_labels, sources.policy_preset]).toEqual(['env', 'env']);
  expect(config.protected_labels).toEqual(['other=1']);
  gateway = await startGateway({ ...config, port: 0, metrics_port: 0, validate_tool_output: true }, {
    log: silentLogger(),
    securityDeps: { auditStream: { write: () => undefined }, self: [] },
  });
  url = gateway.http!.url;
});

afterAll(async () => {
  await gateway?.stop();
  const mine = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${run}`] } });
  await Promise.allSettled(mine.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  await Promise.allSettled(networks.map((n) => docker.getNetwork(n).remove()));
});

describe('POST /mcp/call: a policy denial', () => {
  it('container_create with privileged: true is 403, outcome denied, rule privileged named; no container exists after', async () => {
    const name = `${run}-priv`;
    const answer = await legacy('docker.container.create', { image: testEnv.testImage, name, cmd: ['sleep', '60'], labels, privileged: true });
    expect(answer.status).toBe(403);
    expect(answer.body.error?.data?.outcome).toBe('denied');
    expect(answer.body.error?.message).toMatch(/^Denied by policy rule privileged: /);
    expect(answer.body.result).toBeUndefined();
    await expect(docker.getContainer(name).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(await docker.listContainers({ all: true, filters: { name: [name] } })).toEqual([]);
  });

  it('the same create without privileged succeeds (control: the denial was the rule, not the call)', async () => {
    const name = `${run}-plain`;
    const answer = await legacy('docker.container.create', { image: testEnv.testImage, name, cmd: ['sleep', '60'], labels });
    expect(answer.status).toBe(200);
    expect((await docker.getContainer(name).inspect()).Name).toBe(`/${name}`);
  });
});

describe('protected_labels set to other=1: the default label still applies', () => {
  it('stop of a container labelled dev.docker-mcp.protected=true is refused; it keeps running', async () => {
    const c = await container(`${run}-guarded`, { Labels: { ...labels, 'dev.docker-mcp.protected': 'true' } });
    const answer = await legacy('docker.container.stop', { container: c.id, timeout_seconds: 0 });
    expect(answer.status).toBe(403);
    expect(answer.body.error?.message).toMatch(/protected-container/);
    expect((await c.inspect()).State.Running).toBe(true);
  });

  it('the configured label protects too, and an unlabelled container stops (controls)', async () => {
    const other = await container(`${run}-other1`, { Labels: { ...labels, other: '1' } });
    expect((await legacy('docker.container.stop', { container: other.id, timeout_seconds: 0 })).status).toBe(403);
    expect((await other.inspect()).State.Running).toBe(true);
    const plain = await container(`${run}-free`);
    expect((await legacy('docker.container.stop', { container: plain.id, timeout_seconds: 0 })).status).toBe(200);
    expect((await plain.inspect()).State.Running).toBe(false);
  });
});

describe('a network whose protected container is stopped', () => {
  let side = '';
  let sidePrefix = '';
  let free = '';
  let freePrefix = '';
  let joinerA: Dockerode.Container;
  let joinerB: Dockerode.Container;

  beforeAll(async () => {
    side = `${run}-side`;
    free = `${run}-open`;
    sidePrefix = await network(side);
    freePrefix = await network(free);
    // Matches the default protected_containers glob *cloudflared*; configured on `side`, never started.
    await container(`${run}-cloudflared`, { HostConfig: { NetworkMode: side } }, false);
    joinerA = await container(`${run}-joina`, {}, false);
    joinerB = await container(`${run}-joinb`, {}, false);
  });

  const attached = async (c: Dockerode.Container): Promise<string[]> => Object.keys((await c.inspect()).NetworkSettings.Networks ?? {});

  it('network_connect with an alias no one answers to is refused (protected-network); the container is not attached', async () => {
    const answer = await legacy('docker.network.connect', { network: side, container: joinerA.id, aliases: [`${run}-fresh-alias`] });
    expect(answer.status).toBe(403);
    expect(answer.body.error?.message).toMatch(/protected-network.*aliases there are refused/s);
    expect(await attached(joinerA)).not.toContain(side);
  });

  it('network_connect with a fixed IPv4 address is refused (protected-network); the container is not attached', async () => {
    const answer = await legacy('docker.network.connect', { network: side, container: joinerB.id, ipv4_address: `${sidePrefix}77` });
    expect(answer.status).toBe(403);
    expect(answer.body.error?.message).toMatch(/protected-network.*fixed addresses there are refused/s);
    expect(await attached(joinerB)).not.toContain(side);
  });

  it('the same alias and fixed address on a network without a protected container are accepted (control)', async () => {
    const alias = await legacy('docker.network.connect', { network: free, container: joinerA.id, aliases: [`${run}-fresh-alias`] });
    expect(alias.status, alias.body.error?.message).toBe(200);
    const fixed = await legacy('docker.network.connect', { network: free, container: joinerB.id, ipv4_address: `${freePrefix}77` });
    expect(fixed.status, fixed.body.error?.message).toBe(200);
    expect(await attached(joinerA)).toContain(free);
    const endpoint = (await joinerB.inspect()).NetworkSettings.Networks[free] as { IPAMConfig?: { IPv4Address?: string } } | undefined;
    expect(endpoint?.IPAMConfig?.IPv4Address).toBe(`${freePrefix}77`);
  });
});
