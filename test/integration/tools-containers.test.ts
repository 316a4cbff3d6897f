// Container query, create/run and lifecycle tools against the private daemon: every tool's effect
// is checked in Docker itself, not only in the tool's own answer.
import { afterAll, describe, expect, it } from 'vitest';
import { containerTools } from '../../src/gateway/tools/containers.js';
import { containerCreate, containerRun } from '../../src/gateway/tools/containers-create.js';
import {
  containerKill, containerPause, containerPrune, containerRemove, containerRename, containerRestart,
  containerStart, containerStop, containerUnpause, containerUpdate, containerWait,
} from '../../src/gateway/tools/containers-lifecycle.js';
import { containerInspect, containerList, containerTop } from '../../src/gateway/tools/containers-query.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { callTool, makeToolContext } from '../helpers/tool-context.js';

const docker = testDocker();
const RUN = uniqueName('ct');
const labels = { [TEST_LABEL]: '1', 'dev.docker-mcp.run': RUN };
// PID 1 ignores SIGTERM without a handler; trap it so stop is quick and graceful.
const LOOP = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'];

async function running(name: string): Promise<string> {
  const c = await docker.createContainer({ name, Image: testEnv.testImage, Cmd: LOOP, Labels: labels, HostConfig: { NetworkMode: 'none' } });
  await c.start();
  return c.id;
}
const state = async (id: string) => (await docker.getContainer(id).inspect()).State;

afterAll(async () => {
  const mine = await docker.listContainers({ all: true, filters: { label: [`dev.docker-mcp.run=${RUN}`] } });
  await Promise.all(mine.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
});

describe('container tool definitions', () => {
  it('have valid names, described inputs and strict schemas', () => {
    const names = containerTools.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const tool of containerTools) {
      expect(tool.name).toMatch(/^container_[a-z_]+$/);
      for (const [key, field] of Object.entries(tool.inputSchema.shape)) {
        expect((field as { description?: string }).description, `${tool.name}.${key}`).toBeTruthy();
      }
      expect(() => tool.inputSchema.parse({ container: 'x', image: 'x', bogus: 1 })).toThrow();
    }
    expect(names).toEqual(expect.arrayContaining(['container_list', 'container_prune', 'container_update', 'container_run']));
  });
});

describe('query tools', () => {
  it('container_list filters by label and name, and caps with a notice', async () => {
    const a = await running(`${RUN}-la`);
    await running(`${RUN}-lb`);
    const ctx = makeToolContext();
    const all = await callTool(containerList, { label: [`dev.docker-mcp.run=${RUN}`] }, ctx);
    expect(all.structured.containers.map((c) => c.name)).toEqual(expect.arrayContaining([`${RUN}-la`, `${RUN}-lb`]));
    const capped = await callTool(containerList, { label: [`dev.docker-mcp.run=${RUN}`], limit: 1 });
    expect(capped.structured.truncated).toBe(true);
    expect(capped.structured.containers).toHaveLength(1);
    expect(capped.text).toMatch(/truncated: showing 1 of \d+ containers/);
    const byName = await callTool(containerList, { name: `${RUN}-la` });
    expect(byName.structured.containers.map((c) => c.id)).toEqual([a]);
    expect(byName.text).toContain('NAME');
  });

  it('container_inspect and container_top show the real container', async () => {
    const id = await running(`${RUN}-insp`);
    const inspected = await callTool(containerInspect, { container: `${RUN}-insp` });
    expect(inspected.structured).toMatchObject({ id, name: `${RUN}-insp`, state: { running: true }, host_config: { network_mode: 'none' } });
    expect(inspected.structured.raw).toBeUndefined();
    const raw = await callTool(containerInspect, { container: id, raw: true });
    expect(raw.structured.raw).toMatchObject({ Id: id });
    const top = await callTool(containerTop, { container: id });
    expect(top.structured.titles).toContain('CMD');
    expect(top.structured.processes.flat().join(' ')).toContain('sleep');
  });

  it('container_top caps the process list with a notice', async () => {
    const c = await docker.createContainer({
      name: `${RUN}-top`, Image: testEnv.testImage, Cmd: ['sh', '-c', 'sleep 3600 & sleep 3600 & wait'], Labels: labels,
      HostConfig: { NetworkMode: 'none' },
    });
    await c.start();
    const all = await callTool(containerTop, { container: c.id });
    expect(all.structured).toMatchObject({ total: 3, truncated: false });
    expect(all.text).not.toContain('truncated');
    const capped = await callTool(containerTop, { container: c.id, limit: 1 });
    expect(capped.structured).toMatchObject({ total: 3, truncated: true });
    expect(capped.structured.processes).toHaveLength(1);
    expect(capped.text).toContain('[truncated: showing 1 of 3 processes; raise "limit" or add filters]');
    const byDefault = await callTool(containerTop, { container: c.id }, makeToolContext({ limits: { maxOutputBytes: 1 << 20, defaultListLimit: 2 } }));
    expect(byDefault.structured).toMatchObject({ total: 3, truncated: true });
  });

  it('gives a Docker 404 for a missing container and rejects bad input', async () => {
    await expect(callTool(containerInspect, { container: 'no-such-container-xyz' })).rejects.toMatchObject({ statusCode: 404 });
    expect(() => containerInspect.inputSchema.parse({ container: 'a b' })).toThrow();
    expect(() => containerTop.inputSchema.parse({ container: 'x', ps_args: 'aux; rm -rf /' })).toThrow();
  });
});

describe('create and run', () => {
  it('container_create authorizes the exact body, then Docker has exactly that', async () => {
    const ctx = makeToolContext();
    const name = `${RUN}-create`;
    const result = await callTool(containerCreate, {
      image: testEnv.testImage, name, cmd: ['echo', 'hi'], env: { A: '1' }, labels, network_mode: 'none',
      working_dir: '/tmp', user: 'nobody', memory: 64 * 1024 * 1024, cpus: 0.5, restart_policy: { name: 'no' },
      mounts: [{ type: 'tmpfs', target: '/scratch' }], read_only: true, cap_drop: ['ALL'],
    }, ctx);
    expect(result.structured.name).toBe(name);
    expect(ctx.authorized[0]).toEqual({ kind: 'image.use', image: testEnv.testImage, action: 'create' });
    const op = ctx.authorized[1]!;
    expect(op.kind).toBe('container.create');
    const body = (op as { body: Record<string, unknown> }).body;
    expect(body).toMatchObject({ Image: testEnv.testImage, Cmd: ['echo', 'hi'], Env: ['A=1'], User: 'nobody' });
    expect(body.HostConfig).toMatchObject({ NetworkMode: 'none', Memory: 67108864, NanoCpus: 500_000_000, ReadonlyRootfs: true, CapDrop: ['ALL'] });
    expect(body).not.toHaveProperty('name');
    const info = await docker.getContainer(result.structured.id).inspect();
    expect(info.State.Status).toBe('created');
    expect(info.Config.Env).toContain('A=1');
    expect(info.HostConfig).toMatchObject({ NetworkMode: 'none', Memory: 67108864, NanoCpus: 500_000_000, ReadonlyRootfs: true });
    expect(info.Mounts.find((m) => m.Destination === '/scratch')?.Type).toBe('tmpfs');
  });

  it('passes dangerous fields to the policy in the body, and a denial stops the request', async () => {
    const denied = new Error('denied by policy');
    const ctx = makeToolContext({
      authorize: (op) => (op.kind === 'container.create' ? Promise.reject(denied) : Promise.resolve()),
    });
    const name = `${RUN}-priv`;
    await expect(
      callTool(containerCreate, {
        image: testEnv.testImage, name, labels, network_mode: 'none', privileged: true, pid_mode: 'host',
        cap_add: ['SYS_ADMIN'], devices: [{ path_on_host: '/dev/fuse' }], security_opt: ['apparmor=unconfined'],
      }, ctx),
    ).rejects.toBe(denied);
    expect(await docker.listContainers({ all: true, filters: { name: [name] } })).toHaveLength(0);
    // What the policy saw, from a context that allows and records.
    const recorder = makeToolContext();
    await callTool(containerCreate, { image: testEnv.testImage, name, labels, network_mode: 'none', privileged: true, pid_mode: 'host', devices: [{ path_on_host: '/dev/null' }] }, recorder);
    const body = (recorder.authorized[1] as { body: Record<string, unknown> }).body;
    expect(body.HostConfig).toMatchObject({ Privileged: true, PidMode: 'host', Devices: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/null', CgroupPermissions: 'rwm' }] });
    expect((await docker.getContainer(name).inspect()).HostConfig.Privileged).toBe(true);
  });

  it('rejects unknown keys, raw JSON and contradictions', async () => {
    expect(() => containerCreate.inputSchema.parse({ image: 'x', HostConfig: { Privileged: true } })).toThrow();
    expect(() => containerCreate.inputSchema.parse({ image: 'x', mounts: [{ type: 'bind', source: '/', target: '/h', propagation: 'shared' }] })).toThrow();
    expect(() => containerCreate.inputSchema.parse({ image: 'x', env: { 'A=B': '1' } })).toThrow();
    await expect(callTool(containerCreate, { image: testEnv.testImage, cpus: 1, nano_cpus: 1 })).rejects.toThrow(/cpus or nano_cpus/);
  });

  it('container_run waits, returns exit code and split logs, and removes', async () => {
    const ctx = makeToolContext();
    const result = await callTool(containerRun, {
      image: testEnv.testImage, name: `${RUN}-run`, labels, network_mode: 'none',
      cmd: ['sh', '-c', 'echo out; echo err >&2; exit 3'], wait: true, remove: true,
    }, ctx);
    expect(result.structured).toMatchObject({ started: true, stdout: 'out\n', stderr: 'err\n', removed: true, wait: { exited: true, exit_code: 3 } });
    expect(ctx.authorized.map((o) => (o.kind === 'container.change' ? o.action : o.kind))).toEqual(['image.use', 'container.create', 'start', 'remove']);
    await expect(docker.getContainer(result.structured.id).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('container_run without wait leaves it running; a wait timeout says so', async () => {
    const started = await callTool(containerRun, { image: testEnv.testImage, name: `${RUN}-bg`, labels, network_mode: 'none', cmd: LOOP });
    expect((await state(started.structured.id)).Running).toBe(true);
    const waited = await callTool(containerRun, {
      image: testEnv.testImage, name: `${RUN}-slow`, labels, network_mode: 'none', cmd: ['sh', '-c', 'echo begun; sleep 30'],
      wait: true, wait_timeout_seconds: 1, remove: true,
    });
    expect(waited.structured).toMatchObject({ wait: { timed_out: true, exit_code: null }, removed: false, stdout: 'begun\n' });
    expect((await state(waited.structured.id)).Running).toBe(true);
    await expect(callTool(containerRun, { image: testEnv.testImage, remove: true })).rejects.toThrow(/remove needs wait/);
  });

  it('container_run refuses a wait above the gateway\'s long-call bound before creating anything', async () => {
    const ctx = makeToolContext({ callTimeoutMs: 900_000 });
    const name = `${RUN}-toolong`;
    await expect(callTool(containerRun, {
      image: testEnv.testImage, name, labels, network_mode: 'none', cmd: ['true'], wait: true, wait_timeout_seconds: 3600,
    }, ctx)).rejects.toThrow('wait_timeout_seconds 3600 is above this gateway\'s long_call_timeout_seconds (900)');
    expect(ctx.authorized).toEqual([]);
    expect(await docker.listContainers({ all: true, filters: { name: [name] } })).toHaveLength(0);
    // Without wait the bound does not matter: nothing waits.
    const started = await callTool(containerRun, { image: testEnv.testImage, name, labels, network_mode: 'none', cmd: ['true'], wait_timeout_seconds: 3600 }, ctx);
    expect(started.structured.started).toBe(true);
  });

  it('container_run cuts a wait that fits the bound short and still returns the logs', async () => {
    const ctx = makeToolContext({ callTimeoutMs: 2000 });
    const began = Date.now();
    const result = await callTool(containerRun, {
      image: testEnv.testImage, name: `${RUN}-bounded`, labels, network_mode: 'none', cmd: ['sh', '-c', 'echo begun; sleep 30'],
      wait: true, wait_timeout_seconds: 2,
    }, ctx);
    expect(Date.now() - began).toBeLessThan(2000);
    expect(result.structured).toMatchObject({ wait: { timed_out: true, exit_code: null }, stdout: 'begun\n' });
    expect(result.text).toMatch(/Still running after \d+(\.\d)?s \(wait_timeout_seconds 2 was cut short/);
  });
});

describe('lifecycle', () => {
  it('stop, start, restart, pause, unpause, kill change the real state', async () => {
    const id = await running(`${RUN}-life`);
    const ctx = makeToolContext();
    expect((await callTool(containerStop, { container: id, timeout_seconds: 5 }, ctx)).structured.state).toBe('exited');
    expect((await state(id)).Running).toBe(false);
    expect((await callTool(containerStart, { container: id }, ctx)).structured.state).toBe('running');
    expect((await state(id)).Running).toBe(true);
    const before = (await state(id)).StartedAt;
    await callTool(containerRestart, { container: id, timeout_seconds: 5 }, ctx);
    const after = await state(id);
    expect(after.Running).toBe(true);
    expect(after.StartedAt).not.toBe(before);
    await callTool(containerPause, { container: id }, ctx);
    expect((await state(id)).Paused).toBe(true);
    await callTool(containerUnpause, { container: id }, ctx);
    expect((await state(id)).Paused).toBe(false);
    await callTool(containerKill, { container: id, signal: 'SIGKILL' }, ctx);
    const killed = await state(id);
    expect(killed.Running).toBe(false);
    expect(killed.ExitCode).toBe(137);
    expect(ctx.authorized).toEqual(
      ['stop', 'start', 'restart', 'pause', 'unpause', 'kill'].map((action) => ({ kind: 'container.change', container: id, action })),
    );
  });

  it('rename, update, wait and remove', async () => {
    const id = await running(`${RUN}-old`);
    await callTool(containerRename, { container: id, new_name: `${RUN}-new` });
    expect((await docker.getContainer(id).inspect()).Name).toBe(`/${RUN}-new`);

    const ctx = makeToolContext();
    const updated = await callTool(containerUpdate, { container: id, cpus: 0.5, restart_policy: { name: 'unless-stopped' } }, ctx);
    expect(ctx.authorized[0]).toEqual({ kind: 'container.update', container: id, body: { NanoCpus: 500_000_000, RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 } } });
    expect(updated.structured.applied).toHaveProperty('NanoCpus');
    const host = (await docker.getContainer(id).inspect()).HostConfig;
    expect(host.NanoCpus).toBe(500_000_000);
    expect(host.RestartPolicy?.Name).toBe('unless-stopped');
    expect(() => containerUpdate.inputSchema.parse({ container: id, privileged: true })).toThrow();
    await expect(callTool(containerUpdate, { container: id })).rejects.toThrow(/Nothing to update/);

    const timedOut = await callTool(containerWait, { container: id, timeout_seconds: 1 });
    expect(timedOut.structured).toMatchObject({ timed_out: true, exited: false });
    expect(timedOut.text).toContain('did not reach "not-running" within 1s.');
    // Above the gateway's bound: refused at once. Within it: the tool's own timed-out answer comes before the bound.
    const bounded = makeToolContext({ callTimeoutMs: 2000 });
    await expect(callTool(containerWait, { container: id, timeout_seconds: 3600 }, bounded))
      .rejects.toThrow('timeout_seconds 3600 is above this gateway\'s long_call_timeout_seconds (2)');
    const began = Date.now();
    const cut = await callTool(containerWait, { container: id, timeout_seconds: 2 }, bounded);
    expect(Date.now() - began).toBeLessThan(2000);
    expect(cut.structured).toMatchObject({ timed_out: true, exited: false });
    expect(cut.text).toMatch(/within \d+(\.\d)?s \(timeout_seconds 2 was cut short/);
    expect((await state(id)).Running).toBe(true);
    const waiting = callTool(containerWait, { container: id, timeout_seconds: 20 });
    await docker.getContainer(id).kill({ signal: 'SIGTERM' });
    expect((await waiting).structured).toMatchObject({ exited: true, exit_code: 0, timed_out: false });

    const removed = await callTool(containerRemove, { container: id, force: true, volumes: true });
    expect(removed.structured).toMatchObject({ id, state: 'removed' });
    await expect(docker.getContainer(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(callTool(containerRemove, { container: id })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('container_prune removes only stopped containers matching the label', async () => {
    const pruneLabel = `dev.docker-mcp.prune=${RUN}`;
    const stopped = await docker.createContainer({ Image: testEnv.testImage, Cmd: ['true'], Labels: { ...labels, 'dev.docker-mcp.prune': RUN }, HostConfig: { NetworkMode: 'none' } });
    const other = await docker.createContainer({ Image: testEnv.testImage, Cmd: ['true'], Labels: labels, HostConfig: { NetworkMode: 'none' } });
    const ctx = makeToolContext();
    const result = await callTool(containerPrune, { label: [pruneLabel] }, ctx);
    expect(ctx.authorized).toEqual([{ kind: 'container.change', container: stopped.id, action: 'prune' }]);
    expect(result.structured.deleted).toEqual([stopped.id]);
    await expect(stopped.inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await other.inspect()).Id).toBe(other.id);
  });

  it('container_prune lists at most limit removed ids, says how many were removed, and removes them all', async () => {
    const pruneLabel = { ...labels, 'dev.docker-mcp.prune-limit': RUN };
    const made = await Promise.all([1, 2].map(() =>
      docker.createContainer({ Image: testEnv.testImage, Cmd: ['true'], Labels: pruneLabel, HostConfig: { NetworkMode: 'none' } })));
    const result = await callTool(containerPrune, { label: [`dev.docker-mcp.prune-limit=${RUN}`], limit: 1 });
    expect(result.structured).toMatchObject({ deleted_total: 2, truncated: true });
    expect(result.structured.deleted).toHaveLength(1);
    expect(result.text).toContain('Removed 2 stopped container(s)');
    expect(result.text).toContain('[truncated: showing 1 of 2 removed ids; all 2 were removed, only this list is shortened]');
    for (const c of made) await expect(c.inspect()).rejects.toMatchObject({ statusCode: 404 });
  });
});
