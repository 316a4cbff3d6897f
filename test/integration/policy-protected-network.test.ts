// Protected containers' names and their networks' name resolution, attacked through a real gateway
// (admin token, default protected_containers `*cloudflared*`) against the private daemon. The scene
// is a homelab tunnel: a protected "cloudflared" container (alias "tunnel") and its upstream "web"
// (a compose-style alias "web") on a user-defined bridge; an attacker's container on another
// network. Every verdict is checked in Docker's own state: who answers a name from inside the
// tunnel container (nslookup through Docker's embedded DNS), which names and networks exist.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type Dockerode from 'dockerode';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, connectWith, resultText } from '../helpers/attacks.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { dockerCli } from '../helpers/test-image.js';

const ADMIN = 'admin-token-protected-network-0123456789';
const run = uniqueName('pnet');
const labels = { [TEST_LABEL]: run };
const docker = testDocker();
const quiet = { auditStream: new Writable({ write: (_c, _e, cb) => cb() }), self: [] as string[] };

const app = `${run}-app`;
const other = `${run}-other`;
const side = `${run}-side`;
const tunnelName = `${run}-cloudflared`;
let gateway: TestGateway;
let client: Client;
let appId = '';
let evil: Dockerode.Container;

async function container(name: string, network: string, extra: Partial<Dockerode.ContainerCreateOptions> = {}, start = true): Promise<Dockerode.Container> {
  const c = await docker.createContainer({
    name, Image: testEnv.testImage, Cmd: ['sleep', '600'], Labels: labels, HostConfig: { NetworkMode: network }, ...extra,
  });
  if (start) await c.start();
  return c;
}

/** The addresses Docker's embedded DNS gives the tunnel container for a name. */
function resolveFromTunnel(name: string): string[] {
  let out = '';
  try {
    out = dockerCli(testEnv.dockerHost, ['exec', tunnelName, 'nslookup', name]);
  } catch (error) {
    out = String((error as { stdout?: string }).stdout ?? '');
  }
  const answer = out.split(/Non-authoritative answer:|Name:\s/).slice(1).join('\n');
  return [...answer.matchAll(/Address:\s*([\d.]+)/g)].map((m) => m[1]!).sort();
}

async function ipOn(c: Dockerode.Container, network: string): Promise<string> {
  return (await c.inspect()).NetworkSettings.Networks[network]?.IPAddress ?? '';
}

async function call(name: string, args: Record<string, unknown>): Promise<{ isError: boolean; text: string }> {
  const result = await client.callTool({ name, arguments: args });
  return { isError: result.isError === true, text: resultText(result) };
}

let webIp = '';

beforeAll(async () => {
  appId = (await docker.createNetwork({ Name: app, Driver: 'bridge', Internal: true, Labels: labels })).id;
  await docker.createNetwork({ Name: other, Driver: 'bridge', Internal: true, Labels: labels });
  await docker.createNetwork({ Name: side, Driver: 'bridge', Internal: true, Labels: labels });
  const endpoint = (alias: string) => ({ NetworkingConfig: { EndpointsConfig: { [app]: { Aliases: [alias] } } } });
  await container(tunnelName, app, endpoint('tunnel'));
  const web = await container(`${run}-web-1`, app, endpoint('web'));
  webIp = await ipOn(web, app);
  evil = await container(`${run}-evil`, other);
  // A protected container that is only configured on `side` (stopped): the network is still its.
  await container(`${run}-cloudflared-side`, side, {}, false);
  gateway = await startTestGateway(
    { enable_metrics: false, auth_tokens: [`root:admin:${ADMIN}`], policy_preset: 'admin', rate_limit_per_minute: 0 },
    { securityDeps: quiet },
  );
  ({ client } = await connectWith(gateway.url, bearer(ADMIN)));
  expect(resolveFromTunnel('web')).toEqual([webIp]);
});

afterAll(async () => {
  await client?.close();
  await gateway?.stop();
  const containers = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${run}`] } });
  await Promise.allSettled(containers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  const networks = await docker.listNetworks({ filters: { label: [`${TEST_LABEL}=${run}`] } });
  await Promise.allSettled(networks.map((n) => docker.getNetwork(n.Id).remove()));
});

describe('DNS names on a protected container\'s network', () => {
  it('network_connect with alias "web" is refused; the tunnel still resolves web to the real upstream only', async () => {
    const r = await call('network_connect', { network: app, container: evil.id, aliases: ['web'] });
    expect(r.isError, r.text).toBe(true);
    expect(r.text).toMatch(/protected-network.*aliases there are refused/s);
    expect(await ipOn(evil, app)).toBe('');
    expect(resolveFromTunnel('web')).toEqual([webIp]);
  });

  it('an alias equal to the protected container\'s name or alias is refused on any network, by id prefix too', async () => {
    for (const alias of [tunnelName, 'TUNNEL']) {
      const r = await call('network_connect', { network: appId.slice(0, 12), container: evil.id, aliases: [alias] });
      expect(r.isError, r.text).toBe(true);
      expect(r.text).toMatch(/protected-name/);
    }
    const r = await call('network_connect', { network: side, container: evil.id, aliases: ['tunnel'] });
    expect(r.text).toMatch(/protected-name/);
    expect(Object.keys((await evil.inspect()).NetworkSettings.Networks)).toEqual([other]);
  });

  it('a plain join (own name, no alias) is allowed; renaming it to a name the tunnel resolves is then refused', async () => {
    const joined = await call('network_connect', { network: app, container: evil.id });
    expect(joined.isError, joined.text).toBe(false);
    const evilIp = await ipOn(evil, app);
    expect(evilIp).not.toBe('');
    for (const name of ['web', 'one.one.one.one']) {
      const r = await call('container_rename', { container: evil.id, new_name: name });
      expect(r.isError, r.text).toBe(true);
      expect(r.text).toMatch(/protected-network/);
      expect(resolveFromTunnel(name)).not.toContain(evilIp);
    }
    expect((await evil.inspect()).Name).toBe(`/${run}-evil`);
  });

  it('container_create on the network by id prefix with hostname "web" or the name "tunnel" is refused; nothing is created', async () => {
    // Only this run's names: other test files share the daemon and create containers meanwhile.
    const mine = async (): Promise<string[]> => (await docker.listContainers({ all: true }))
      .flatMap((c) => c.Names).filter((n) => n.startsWith(`/${run}-`) || n === '/tunnel').sort();
    const before = await mine();
    for (const args of [{ name: `${run}-x1`, hostname: 'web' }, { name: 'tunnel' }, { name: `${run}-x2`, hostname: 'api.example.com' }]) {
      const r = await call('container_create', { image: testEnv.testImage, cmd: ['sleep', '60'], labels, network_mode: appId.slice(0, 10), ...args });
      expect(r.isError, r.text).toBe(true);
      expect(r.text).toMatch(/protected-(network|name)/);
    }
    expect(await mine()).toEqual(before);
    expect(resolveFromTunnel('web')).toEqual([webIp]);
  });

  it('network_disconnect of the protected container is refused; it stays on its network', async () => {
    const r = await call('network_disconnect', { network: app, container: tunnelName });
    expect(r.text).toMatch(/protected-container/);
    expect(Object.keys((await docker.getContainer(tunnelName).inspect()).NetworkSettings.Networks)).toEqual([app]);
  });
});

describe('protected names', () => {
  it('container_rename to a name under protected_containers is refused (it could never be renamed back)', async () => {
    const r = await call('container_rename', { container: evil.id, new_name: `${run}-cloudflared-2` });
    expect(r.isError, r.text).toBe(true);
    expect(r.text).toMatch(/protected-name.*would be protected/s);
    expect((await evil.inspect()).Name).toBe(`/${run}-evil`);
  });

  it('container_create with a protected name or the protected label is refused', async () => {
    for (const extra of [{ name: `${run}-cloudflared-evil` }, { name: `${run}-lbl`, labels: { ...labels, 'dev.docker-mcp.protected': 'true' } }]) {
      const r = await call('container_create', { image: testEnv.testImage, cmd: ['sleep', '60'], labels, network_mode: 'none', ...extra });
      expect(r.isError, r.text).toBe(true);
      expect(r.text).toMatch(/protected-name.*would be protected/s);
      expect(await docker.getContainer(extra.name).inspect().then(() => true, () => false)).toBe(false);
    }
  });
});

describe('network references are resolved before they are judged', () => {
  it('network_mode as the host network\'s id or id prefix is refused', async () => {
    const hostId = (await docker.getNetwork('host').inspect()).Id;
    for (const mode of [hostId, hostId.slice(0, 12), hostId.slice(0, 4)]) {
      const name = `${run}-h${mode.length}`;
      const r = await call('container_create', { image: testEnv.testImage, cmd: ['sleep', '60'], labels, name, network_mode: mode });
      expect(r.isError, r.text).toBe(true);
      expect(r.text).toMatch(/host-namespace.*host network/s);
      expect(await docker.getContainer(name).inspect().then(() => true, () => false)).toBe(false);
    }
  });

  it('network_mode container:<id prefix> is refused in every spelling', async () => {
    const r = await call('container_create', { image: testEnv.testImage, labels, name: `${run}-cm`, network_mode: `container:${evil.id.slice(0, 8)}` });
    expect(r.text).toMatch(/host-namespace/);
  });

  it('network_create with a name that is another network\'s id prefix is refused', async () => {
    const hostId = (await docker.getNetwork('host').inspect()).Id;
    const r = await call('network_create', { name: hostId.slice(0, 8), labels });
    expect(r.isError, r.text).toBe(true);
    expect(r.text).toMatch(/network-name/);
    expect(await docker.getNetwork(hostId.slice(0, 8)).inspect().then((n) => n.Driver)).toBe('host');
  });

  it('network_remove and network_prune of a network only a stopped protected container uses are refused', async () => {
    const removed = await call('network_remove', { network: side });
    expect(removed.text).toMatch(/protected-network.*used by the protected container/s);
    const pruned = await call('network_prune', { label: [`${TEST_LABEL}=${run}`] });
    expect(pruned.text).toMatch(/protected-network/);
    expect(await docker.getNetwork(side).inspect().then(() => true, () => false)).toBe(true);
  });
});
