// Attack catalogue, operation policy: every argument rule with its bypass attempts, sent as real
// tool calls by an admin over MCP (so only the policy can stop them), plus the protected-container
// rules against a real running container labelled protected. Each case checks the daemon is unchanged.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACK_LABEL, bearer, connectWith, createArgs, resultText, RUN, unchangedBy } from '../helpers/attacks.js';
import { testDocker, testEnv } from '../helpers/env.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ADMIN = 'admin-token-policy-0123456789';
const quiet = { auditStream: new Writable({ write: (_c, _e, cb) => cb() }), self: [] as string[] };
const PROTECTED = `${RUN}-protected`;
const ORDINARY = `${RUN}-ordinary`;

let gateway: TestGateway;
let client: Client;

async function startFixture(name: string, labels: Record<string, string>): Promise<void> {
  const container = await testDocker().createContainer({
    Image: testEnv.testImage, name, Cmd: ['sleep', '600'], Labels: { [ATTACK_LABEL]: RUN, ...labels },
  });
  await container.start();
}

/** Calls the tool and expects a policy denial (or refused arguments) that left Docker unchanged. */
async function expectRefused(tool: string, args: Record<string, unknown>, rule?: RegExp): Promise<string> {
  const result = await unchangedBy(() => client.callTool({ name: tool, arguments: args }));
  const text = resultText(result);
  expect(result.isError, `${tool} ${JSON.stringify(args)} should be refused, got ${text}`).toBe(true);
  if (rule) expect(text).toMatch(rule);
  return text;
}

beforeAll(async () => {
  await startFixture(PROTECTED, { 'dev.docker-mcp.protected': 'true' });
  await startFixture(ORDINARY, {});
  gateway = await startTestGateway(
    {
      enable_metrics: false, auth_tokens: [`root:admin:${ADMIN}`], policy_preset: 'admin',
      allowed_images: [testEnv.testImage.split(':')[0]!], allowed_bind_paths: ['/home'],
      rate_limit_per_minute: 0,
    },
    { securityDeps: quiet },
  );
  ({ client } = await connectWith(gateway.url, bearer(ADMIN)));
});

afterAll(async () => {
  await client?.close();
  await gateway?.stop();
  for (const name of [PROTECTED, ORDINARY]) await testDocker().getContainer(name).remove({ force: true }).catch(() => undefined);
});

describe('attacks on the container create rules (container_create and container_run)', () => {
  it.each([
    ['privileged', { privileged: true }, /rule privileged/],
    ['host network', { network_mode: 'host' }, /host/i],
    ['network of another container', { network_mode: `container:${PROTECTED}` }, /Denied/],
    ['host pid', { pid_mode: 'host' }, /host/i],
    ['pid of another container', { pid_mode: `container:${PROTECTED}` }, /Denied|Invalid/],
    ['host ipc', { ipc_mode: 'host' }, /host/i],
    ['host uts', { uts_mode: 'host' }, /host/i],
    ['host userns', { userns_mode: 'host' }, /host/i],
    ['host cgroupns', { cgroupns_mode: 'host' }, /host/i],
    ['cap_add SYS_ADMIN', { cap_add: ['SYS_ADMIN'] }, /capabilit/i],
    ['cap_add ALL', { cap_add: ['ALL'] }, /capabilit/i],
    ['cap_add CAP_SYS_PTRACE spelling', { cap_add: ['CAP_SYS_PTRACE'] }, /capabilit/i],
    ['cap_add lower case', { cap_add: ['sys_admin'] }, /Invalid arguments|capabilit/i],
    ['a host device', { devices: [{ path_on_host: '/dev/mem', path_in_container: '/dev/mem' }] }, /devices|Invalid/],
    ['apparmor unconfined', { security_opt: ['apparmor=unconfined'] }, /security-opt/],
    ['seccomp unconfined, odd spacing', { security_opt: [' Seccomp = Unconfined '] }, /security-opt/],
    ['SELinux label disable', { security_opt: ['label=disable'] }, /security-opt/],
    ['a sysctl', { sysctls: { 'net.ipv4.ip_forward': '1' } }, /sysctls/],
    ['another runtime', { runtime: 'runsc' }, /runtime/],
    ['volumes_from', { volumes_from: [PROTECTED] }, /volumes-from/],
    ['bind of the docker socket', { mounts: [{ type: 'bind', source: '/var/run/docker.sock', target: '/s' }] }, /bind-path|socket/i],
    ['bind of the socket via ..', { mounts: [{ type: 'bind', source: '/etc/../var/run/docker.sock', target: '/s' }] }, /bind-path|socket/i],
    ['bind of the socket via // and a trailing /', { mounts: [{ type: 'bind', source: '//run//docker.sock/', target: '/s' }] }, /bind-path|socket|Invalid/i],
    ['bind of the socket\'s directory', { mounts: [{ type: 'bind', source: '/var/run', target: '/s' }] }, /bind-path|socket/i],
    ['bind of the test daemon\'s own socket', { mounts: [{ type: 'bind', source: testEnv.dockerSocket, target: '/s' }] }, /bind-path|socket/i],
    ['bind of /home2 next to an allowed /home', { mounts: [{ type: 'bind', source: '/home2', target: '/h' }] }, /bind-path/],
    ['bind escaping /home with ..', { mounts: [{ type: 'bind', source: '/home/../etc', target: '/h' }] }, /bind-path/],
    ['bind of /', { mounts: [{ type: 'bind', source: '/', target: '/host' }] }, /bind-/],
    ['an image outside the allow-list', { image: 'alpine:3.19' }, /image-allow-list/],
    ['a look-alike of the allowed image', { image: 'dmcp-test/busybox-evil:latest' }, /image-allow-list/],
    ['the allowed repository on another registry', { image: `${testEnv.registry}/dmcp-test/busybox:latest` }, /image-allow-list/],
  ])('container_create with %s is refused and creates nothing', async (_name, extra, rule) => {
    await expectRefused('container_create', createArgs(extra), rule);
  });

  it.each([
    ['privileged', { privileged: true }],
    ['host pid and the socket', { pid_mode: 'host', mounts: [{ type: 'bind', source: '/run/docker.sock', target: '/s' }] }],
  ])('container_run with %s is refused and starts nothing', async (_name, extra) => {
    await expectRefused('container_run', createArgs(extra), /Denied/);
  });

  it('refuses a local volume with bind driver options (a bind mount in disguise)', async () => {
    await expectRefused('volume_create', {
      name: `${RUN}-vol`, driver: 'local', driver_opts: { type: 'none', o: 'bind', device: '/etc' }, labels: { [ATTACK_LABEL]: RUN },
    }, /Denied/);
    await expectRefused('volume_create', {
      name: `${RUN}-vol2`, driver: 'local', driver_opts: { type: 'NONE', o: 'rbind,ro', device: '/var/run' }, labels: { [ATTACK_LABEL]: RUN },
    }, /Denied/);
  });

  it('refuses pulling an image outside the allow-list', async () => {
    await expectRefused('image_pull', { reference: `${testEnv.registry}/dmcp-attack/evil:1` }, /image-allow-list/);
  });

  it('the same create with nothing dangerous is allowed (control), so the refusals above are the policy', async () => {
    const result = await client.callTool({ name: 'container_create', arguments: createArgs({ name: `${RUN}-control` }) });
    expect(result.isError, resultText(result)).toBeFalsy();
    await testDocker().getContainer(`${RUN}-control`).remove({ force: true });
  });
});

describe('attacks on exec and on protected containers', () => {
  it.each([['root'], ['0'], ['0:0'], ['root:root']])('exec as %s is refused', async (user) => {
    await expectRefused('container_exec', { container: ORDINARY, command: ['touch', '/tmp/pwned'], user }, /exec-root/);
  });

  it('exec with the image default user (root in this image) or privileged is refused', async () => {
    await expectRefused('container_exec', { container: ORDINARY, command: ['id'] }, /exec-root/);
    await expectRefused('container_exec', { container: ORDINARY, command: ['id'], user: 'nobody', privileged: true }, /exec-privileged/);
  });

  it.each([
    ['container_stop', {}],
    ['container_kill', {}],
    ['container_restart', {}],
    ['container_pause', {}],
    ['container_remove', { force: true }],
    ['container_exec', { command: ['id'], user: 'nobody' }],
    ['container_update', { memory: 64 * 1024 * 1024 }],
  ])('%s on the protected container is refused and it keeps running', async (tool, extra) => {
    await expectRefused(tool, { container: PROTECTED, ...extra }, /protect/i);
    expect((await testDocker().getContainer(PROTECTED).inspect()).State.Running).toBe(true);
  });

  it('addressing the protected container by id prefix does not get around the rule', async () => {
    const id = (await testDocker().getContainer(PROTECTED).inspect()).Id;
    await expectRefused('container_stop', { container: id.slice(0, 12) }, /protect/i);
    expect((await testDocker().getContainer(PROTECTED).inspect()).State.Running).toBe(true);
  });
});
