// Review finding (issue 14, fresh review): a caller-chosen network subnet is routed on the host.
// Docker takes an explicit `subnet` as given (it only avoids host routes when it picks a pool
// itself) and installs a connected route for it in the host's network namespace, more specific
// than the default route. So an admin could claim any outside address range — a tunnel's edge, the
// host's DNS resolver, the cloud metadata address — and a container on that network answers the
// host's (and every other container's) traffic to it. Proved with TEST-NET-3 (203.0.113.0/24),
// which the host otherwise sends to its default gateway. Real tools, real policy, private daemon
// (which shares this machine's network namespace, as a production daemon shares the host's).
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSubnetRules } from '../../src/gateway/policy/network-subnets.js';
import { containerRun } from '../../src/gateway/tools/containers-create.js';
import { networkCreate } from '../../src/gateway/tools/networks.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { defaultPolicyOptions, policyToolContext } from '../helpers/policy-context.js';
import { callTool } from '../helpers/tool-context.js';

const docker = testDocker();
const containers: string[] = [];
const networks: string[] = [];

afterAll(async () => {
  await Promise.allSettled(containers.map((c) => docker.getContainer(c).remove({ force: true })));
  await Promise.allSettled(networks.map((n) => docker.getNetwork(n).remove()));
});

/** What the host gets back when it connects to `host:port` (empty on failure), within 3 s. */
function hostReads(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    const socket = connect({ host, port });
    const done = () => { socket.destroy(); resolve(data); };
    socket.setTimeout(3000, done);
    socket.on('data', (chunk) => { data += chunk.toString('utf8'); });
    socket.on('end', done);
    socket.on('error', done);
  });
}

describe('network_create with a caller-chosen subnet', () => {
  it('cannot claim an outside address range the host routes elsewhere', async () => {
    const name = uniqueName('hijack');
    const attempt = callTool(networkCreate, { name, subnet: '203.0.113.0/24', labels: { [TEST_LABEL]: '1' } }, policyToolContext());
    const created = await attempt.then(() => true, (error: Error) => {
      expect(error.message).toMatch(/network-subnet/);
      return false;
    });
    if (!created) return;
    networks.push(name);
    // The attack as it ran before the fix: a listener on the claimed range answers the host.
    const run = await callTool(containerRun, {
      image: testEnv.testImage, name: uniqueName('hijacker'), network_mode: name, labels: { [TEST_LABEL]: '1' },
      cmd: ['sh', '-c', 'while true; do echo hijacked | nc -l -p 8080; done'],
    }, policyToolContext());
    containers.push(run.structured.id);
    const info = await docker.getContainer(run.structured.id).inspect();
    const address = info.NetworkSettings.Networks[name]!.IPAddress;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await hostReads(address, 8080)).not.toContain('hijacked');
    expect.unreachable(`network_create accepted 203.0.113.0/24; the host reached ${address} inside it`);
  });

  it('is refused in every spelling outside allowed_network_subnets, and allowed inside it', async () => {
    const ctx = () => policyToolContext(defaultPolicyOptions({ allowedNetworkSubnets: parseSubnetRules(['10.0.0.0/8']) }));
    const octet = 100 + Math.floor(Math.random() * 100);
    for (const subnet of ['203.0.113.0/24', '10.0.0.0/7', '0.0.0.0/0', '169.254.169.0/24', 'fd00:1::/64']) {
      await expect(callTool(networkCreate, { name: uniqueName('subnet'), subnet }, ctx())).rejects.toThrow(/network-subnet/);
    }
    const name = uniqueName('subnet-ok');
    const subnet = `10.${octet}.${Math.floor(Math.random() * 250)}.0/24`;
    const result = await callTool(networkCreate, { name, subnet, labels: { [TEST_LABEL]: '1' } }, ctx());
    networks.push(name);
    expect((await docker.getNetwork(result.structured.id).inspect()).IPAM?.Config?.[0]?.Subnet).toBe(subnet);
    // Without a subnet Docker picks the range, as before.
    const plain = uniqueName('subnet-auto');
    await callTool(networkCreate, { name: plain, labels: { [TEST_LABEL]: '1' } }, policyToolContext());
    networks.push(plain);
  });
});
