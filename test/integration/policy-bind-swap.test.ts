// Class 1 of issue 14: a bind's source is resolved by Docker again at every start, so a directory
// a container can write must never be part of it. The attack: A binds <root>/sub while it is a
// plain directory, B binds <root> and swaps `sub` for a symlink to `/`, then container_start or
// container_restart of A (operator preset) hands A the host's `/`. Also: start, restart, unpause
// and exec judge containers made outside the gateway exactly as a create would be judged.
// Real containers on the private daemon; the gateway's tools with the real policy.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyOptions } from '../../src/gateway/policy/policy.js';
import { containerRun } from '../../src/gateway/tools/containers-create.js';
import { containerRestart, containerStart, containerUnpause, containerUpdate } from '../../src/gateway/tools/containers-lifecycle.js';
import { containerExec } from '../../src/gateway/tools/exec.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { defaultPolicyOptions, policyToolContext } from '../helpers/policy-context.js';
import { tempDir } from '../helpers/temp-dir.js';
import { callTool } from '../helpers/tool-context.js';
import { execDirect } from '../helpers/docker-exec.js';

const docker = testDocker();
const made: Dockerode.Container[] = [];
/** The writable allowed root: a host directory the gateway (running on the host here) can see. */
const root = tempDir('dmcp-swap-');
const rules: PolicyOptions['rules'] = {
  binds: { rules: [{ path: root, readOnlyOnly: false }], socketPaths: ['/var/run/docker.sock'] },
  allowedCapabilities: new Set(),
};
const operator = (): ReturnType<typeof policyToolContext> => policyToolContext(defaultPolicyOptions({ preset: 'operator', rules }));
const admin = (): ReturnType<typeof policyToolContext> => policyToolContext(defaultPolicyOptions({ rules }));
const NEVER = '0001-01-01T00:00:00Z';

async function make(hostConfig: Record<string, unknown>, start: boolean): Promise<Dockerode.Container> {
  const c = await docker.createContainer({
    name: uniqueName('swap'), Image: testEnv.testImage, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: '1' }, HostConfig: hostConfig,
  });
  made.push(c);
  if (start) await c.start();
  return c;
}

/** Runs a command in `c` straight through Docker (no gateway) and returns its stdout. */
const run = (c: Dockerode.Container, cmd: string[]): Promise<string> => execDirect(c, cmd);

/** B: binds the allowed root itself (allowed, through the gateway), and can write it. */
let swapper: Dockerode.Container;

beforeAll(async () => {
  const result = await callTool(containerRun, {
    image: testEnv.testImage, name: uniqueName('swapper'), cmd: ['sleep', '300'], labels: { [TEST_LABEL]: '1' },
    mounts: [{ type: 'bind', source: root, target: '/data' }],
  }, admin());
  swapper = docker.getContainer(result.structured.id);
  made.push(swapper);
});

afterAll(async () => {
  await Promise.allSettled(made.map((c) => c.remove({ force: true })));
});

/** A fresh plain directory under the root with a marker file, as A sees it before the swap. */
function plainDir(): string {
  const name = uniqueName('sub');
  mkdirSync(join(root, name));
  writeFileSync(join(root, name, 'only-in-sub'), 'x');
  return name;
}

/** B replaces <root>/<name> with a symlink to the host's `/` (the old directory moves aside). */
async function swapToHostRoot(name: string): Promise<void> {
  await run(swapper, ['sh', '-c', `mv /data/${name} /data/${name}.old && ln -s / /data/${name}`]);
  expect(await run(swapper, ['readlink', `/data/${name}`])).toBe('/\n');
}

describe('symlink swap under a writable allowed root', () => {
  it('creating A with a subpath of the writable root is refused (through the gateway)', async () => {
    const sub = plainDir();
    const ctx = admin();
    await expect(callTool(containerRun, {
      image: testEnv.testImage, cmd: ['sleep', '300'], labels: { [TEST_LABEL]: '1' },
      mounts: [{ type: 'bind', source: join(root, sub), target: '/host' }],
    }, ctx)).rejects.toThrow(/bind-subpath/);
    expect(ctx.authorized.map((op) => op.kind)).toEqual(['image.use', 'container.create']);
  });

  it('container_start of an existing A after the swap is refused; A never runs, so it never sees /', async () => {
    const sub = plainDir();
    // A as it was made while `sub` was a plain directory (the old gateway allowed this create).
    const a = await make({ Binds: [`${join(root, sub)}:/host`] }, false);
    await swapToHostRoot(sub);
    await expect(callTool(containerStart, { container: a.id }, operator())).rejects.toThrow(/run-target.*bind-subpath/s);
    const state = (await a.inspect()).State;
    expect([state.Running, state.StartedAt]).toEqual([false, NEVER]);
  });

  it('container_restart of a running A after the swap is refused; A keeps the directory it had', async () => {
    const sub = plainDir();
    const a = await make({ Binds: [`${join(root, sub)}:/host`] }, true);
    const startedAt = (await a.inspect()).State.StartedAt;
    await swapToHostRoot(sub);
    await expect(callTool(containerRestart, { container: a.id, timeout_seconds: 0 }, operator())).rejects.toThrow(/run-target.*bind-subpath/s);
    expect((await a.inspect()).State.StartedAt).toBe(startedAt);
    // From inside A: still the old directory, not the host's root.
    const listing = await run(a, ['ls', '/host']);
    expect(listing).toContain('only-in-sub');
    expect(listing).not.toMatch(/(^|\n)(etc|proc|usr)\n/);
  });

  it('the allowed root itself may be bound, started and restarted (control)', async () => {
    const result = await callTool(containerRun, {
      image: testEnv.testImage, cmd: ['sleep', '300'], labels: { [TEST_LABEL]: '1' },
      mounts: [{ type: 'bind', source: root, target: '/data', read_only: true }],
    }, admin());
    made.push(docker.getContainer(result.structured.id));
    const restarted = await callTool(containerRestart, { container: result.structured.id, timeout_seconds: 0 }, operator());
    expect(restarted.structured.state).toBe('running');
  });
});

describe('containers created outside the gateway are judged when they would run', () => {
  it.each([
    ['NetworkMode host', { NetworkMode: 'host' }, /host-namespace/],
    ['PidMode host', { PidMode: 'host' }, /host-namespace/],
    ['Privileged', { Privileged: true }, /privileged/],
    ['a bind of /etc', { Binds: ['/etc:/hostetc:ro'] }, /bind-path/],
    ['unmasked /proc (MaskedPaths: [])', { MaskedPaths: [] }, /masked-paths/],
    ['an added capability', { CapAdd: ['SYS_ADMIN'] }, /capabilities/],
  ])('container_start (operator) of one with %s is refused and it stays unstarted', async (_label, hostConfig, rule) => {
    const c = await make(hostConfig, false);
    const refused = await callTool(containerStart, { container: c.id }, operator()).then(() => 'allowed', (e: Error) => e.message);
    expect(refused).toMatch(rule);
    const state = (await c.inspect()).State;
    expect([state.Running, state.StartedAt]).toEqual([false, NEVER]);
  });

  it('container_start (operator) of one whose NetworkMode names the host network by an id prefix is refused', async () => {
    // The string rules only know "host"; Docker looks the prefix up and attaches the host network.
    const host = (await docker.listNetworks({ filters: { name: ['host'] } })).find((n) => n.Name === 'host')!;
    const c = await make({ NetworkMode: host.Id.slice(0, 12) }, false);
    const refused = await callTool(containerStart, { container: c.id }, operator()).then(() => 'allowed', (e: Error) => e.message);
    expect(refused).toMatch(/host-namespace|host network/);
    const state = (await c.inspect()).State;
    expect([state.Running, state.StartedAt]).toEqual([false, NEVER]);
  });

  it('container_update setting a restart policy on a stopped one with host networking is refused (Docker would start it itself)', async () => {
    const c = await make({ NetworkMode: 'host' }, false);
    await expect(callTool(containerUpdate, { container: c.id, restart_policy: { name: 'always' } }, operator())).rejects.toThrow(/run-target.*host-namespace/s);
    expect((await c.inspect()).HostConfig.RestartPolicy?.Name ?? '').toMatch(/^(no)?$/);
    // Resources alone do not arrange a start: still allowed.
    await expect(callTool(containerUpdate, { container: c.id, cpu_shares: 512 }, operator())).resolves.toBeDefined();
  });

  it('container_unpause of a paused one that binds a path outside the allow-list is refused; it stays paused', async () => {
    const c = await make({ Binds: ['/etc:/hostetc:ro'] }, true);
    await c.pause();
    await expect(callTool(containerUnpause, { container: c.id }, operator())).rejects.toThrow(/run-target.*bind-path/s);
    expect((await c.inspect()).State.Paused).toBe(true);
    await c.unpause();
  });

  it('exec into one that binds /etc (read /etc/shadow with the shadow group) is refused, no exec is created', async () => {
    const c = await make({ Binds: ['/etc:/hostetc:ro'] }, true);
    const before = (await c.inspect()).ExecIDs ?? [];
    await expect(callTool(containerExec, { container: c.id, command: ['cat', '/hostetc/shadow'], user: '1000:42' }, operator()))
      .rejects.toThrow(/exec-into-privileged.*bind-path/s);
    expect((await c.inspect()).ExecIDs ?? []).toEqual(before);
  });

  it('exec into one whose bind of a subpath of the writable root is now a symlink to / is refused', async () => {
    const sub = plainDir();
    const c = await make({ Binds: [`${join(root, sub)}:/host`] }, true);
    await swapToHostRoot(sub);
    await expect(callTool(containerExec, { container: c.id, command: ['ls', '/host'], user: '1000:1000' }, operator()))
      .rejects.toThrow(/exec-into-privileged.*bind-subpath/s);
  });

  it('an ordinary external container starts and can be exec\'d into (control)', async () => {
    const c = await make({}, false);
    const started = await callTool(containerStart, { container: c.id }, operator());
    expect(started.structured.state).toBe('running');
    const result = await callTool(containerExec, { container: c.id, command: ['id', '-u'], user: '1000:1000' }, operator());
    expect(result.structured).toMatchObject({ exit_code: 0, stdout: '1000\n' });
  });
});

describe('Docker\'s data root, wherever --data-root put it', () => {
  it('is never bindable, even through an allowed root that contains it', async () => {
    const dataRoot = ((await docker.info()) as { DockerRootDir: string }).DockerRootDir;
    const parent = dataRoot.replace(/\/[^/]+$/, '');
    const ctx = policyToolContext(defaultPolicyOptions({
      rules: { binds: { rules: [{ path: parent, readOnlyOnly: false }], socketPaths: [] }, allowedCapabilities: new Set() },
    }));
    const create = (Binds: string[]) => ({ kind: 'container.create' as const, body: { Image: testEnv.testImage, HostConfig: { Binds } } });
    await expect(ctx.authorize(create([`${parent}:/x:ro`]))).rejects.toThrow(/bind-forbidden/);
  });
});

describe('when the gateway cannot see the path', () => {
  // Roots that do not exist on the gateway's filesystem (as when it runs in a container without them).
  const unseen = `/dmcp-unseen-${Date.now().toString(36)}`;
  const options = defaultPolicyOptions({
    rules: { binds: { rules: [{ path: unseen, readOnlyOnly: false }, { path: `${unseen}-ro`, readOnlyOnly: true }], socketPaths: [] }, allowedCapabilities: new Set() },
  });
  const create = (Binds: string[]) => ({ kind: 'container.create' as const, body: { Image: testEnv.testImage, HostConfig: { Binds } } });

  it('a writable root may only be bound itself; a read-only root\'s subpaths read-only', async () => {
    const ctx = policyToolContext(options);
    await expect(ctx.authorize(create([`${unseen}/sub:/x`]))).rejects.toThrow(/bind-subpath/);
    await expect(ctx.authorize(create([`${unseen}/sub:/x:ro`]))).rejects.toThrow(/bind-subpath/);
    await expect(ctx.authorize(create([`${unseen}:/x`]))).resolves.toBeUndefined();
    await expect(ctx.authorize(create([`${unseen}-ro/a/b:/x:ro`]))).resolves.toBeUndefined();
    await expect(ctx.authorize(create([`${unseen}-ro/a/b:/x`]))).rejects.toThrow(/bind-read-only/);
  });
});
