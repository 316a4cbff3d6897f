// Every container tool through a real SDK client over Streamable HTTP, each effect checked in
// Docker itself, plus a log follow cancelled mid-stream with the SDK's AbortSignal. Everything
// made here carries TEST_LABEL=<run>; the prune is narrowed to that label.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDestroyed, recentStreams } from '../../src/gateway/docker/streams.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { metricValue, type TestGateway } from '../helpers/gateway.js';
import { call, callRaw, connectHttp, startAdminGateway, textOf, until } from '../helpers/mcp-clients.js';

const run = uniqueName('e2e-ctr');
const docker = testDocker();
const labels = { [TEST_LABEL]: run };
const base = { image: testEnv.testImage, labels, network_mode: 'none' };

async function state(id: string): Promise<{ Status: string; Running: boolean; Paused: boolean; StartedAt: string; ExitCode: number }> {
  return (await docker.getContainer(id).inspect()).State;
}

async function exists(id: string): Promise<boolean> {
  return docker.getContainer(id).inspect().then(() => true, () => false);
}

describe('container tools over Streamable HTTP', () => {
  let gateway: TestGateway;
  let client: Client;
  let id = '';
  const name = `${run}-main`;

  beforeAll(async () => {
    gateway = await startAdminGateway();
    client = await connectHttp(gateway);
  });
  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
    for (const c of await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${run}`] } })) {
      await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    }
  });

  it('container_create makes a container Docker can see, container_start runs it', async () => {
    const created = await call<{ id: string; name: string }>(client, 'container_create', {
      ...base, name, cmd: ['sh', '-c', 'echo hello-e2e; echo oops >&2; trap "exit 0" TERM; while true; do sleep 1; done'],
      env: { GREETING: 'hi' },
    });
    id = created.id;
    expect(created.name).toBe(name);
    expect((await docker.getContainer(id).inspect()).Config.Labels).toMatchObject(labels);
    expect((await state(id)).Status).toBe('created');
    const started = await call<{ state: string }>(client, 'container_start', { container: name });
    expect(started.state).toBe('running');
    expect((await state(id)).Running).toBe(true);
  });

  it('container_list and container_inspect see it', async () => {
    const list = await call<{ containers: { id: string; name: string }[] }>(client, 'container_list', { label: [`${TEST_LABEL}=${run}`] });
    expect(list.containers.map((c) => c.name)).toEqual([name]);
    const inspect = await call(client, 'container_inspect', { container: name });
    expect(JSON.stringify(inspect)).toContain(id);
  });

  it('container_logs, container_top and container_stats read the running container', async () => {
    await until(async () => (await docker.getContainer(id).logs({ stdout: true, stderr: true })).toString().includes('oops'));
    const logs = await call<{ stdout: string; stderr: string }>(client, 'container_logs', { container: name });
    expect(logs.stdout).toContain('hello-e2e');
    expect(logs.stderr).toContain('oops');
    const top = await call<{ titles: string[]; processes: string[][] }>(client, 'container_top', { container: name });
    expect(top.titles).toContain('PID');
    expect(JSON.stringify(top.processes)).toContain('sleep');
    const stats = await call<{ samples: unknown[] }>(client, 'container_stats', { container: name });
    expect(stats.samples).toHaveLength(1);
  });

  it('container_pause/unpause freeze and thaw it', async () => {
    await call(client, 'container_pause', { container: name });
    expect((await state(id)).Paused).toBe(true);
    await call(client, 'container_unpause', { container: name });
    expect((await state(id)).Paused).toBe(false);
  });

  it('container_update changes resources; container_rename renames', async () => {
    const updated = await call<{ applied: Record<string, unknown> }>(client, 'container_update', {
      container: name, memory: 64 * 1024 * 1024, memory_swap: 128 * 1024 * 1024, restart_policy: { name: 'on-failure', maximum_retry_count: 2 },
    });
    expect(updated.applied).toMatchObject({ Memory: 64 * 1024 * 1024 });
    const info = await docker.getContainer(id).inspect();
    expect(info.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(info.HostConfig.RestartPolicy).toMatchObject({ Name: 'on-failure', MaximumRetryCount: 2 });
    await call(client, 'container_rename', { container: id, new_name: `${name}-renamed` });
    expect((await docker.getContainer(id).inspect()).Name).toBe(`/${name}-renamed`);
  });

  it('container_restart starts it again; container_stop stops it', async () => {
    const before = (await state(id)).StartedAt;
    await call(client, 'container_restart', { container: id, timeout_seconds: 1 });
    const after = await state(id);
    expect(after.Running).toBe(true);
    expect(after.StartedAt).not.toBe(before);
    const stopped = await call<{ state: string }>(client, 'container_stop', { container: id, timeout_seconds: 2 });
    expect(stopped.state).toBe('exited');
    expect((await state(id)).Running).toBe(false);
  });

  it('container_kill sends a signal; container_wait returns the exit code', async () => {
    await docker.getContainer(id).start();
    const waiting = call<{ exit_code: number | null }>(client, 'container_wait', { container: id, timeout_seconds: 20 });
    await new Promise((r) => setTimeout(r, 200));
    await call(client, 'container_kill', { container: id, signal: 'SIGKILL' });
    expect((await state(id)).Running).toBe(false);
    expect((await waiting).exit_code).toBe(137);
    expect((await state(id)).ExitCode).toBe(137);
  });

  it('container_remove deletes it', async () => {
    const removed = await call<{ state: string }>(client, 'container_remove', { container: id, force: true });
    expect(removed.state).toBe('removed');
    expect(await exists(id)).toBe(false);
  });

  it('container_run creates, starts, waits and returns exit code and logs', async () => {
    const result = await call<{ id: string; wait: { exit_code: number }; stdout: string; stderr: string }>(client, 'container_run', {
      ...base, name: `${run}-run`, cmd: ['sh', '-c', 'echo ran-ok; echo bad >&2; exit 3'], wait: true, wait_timeout_seconds: 20,
    });
    expect(result.wait.exit_code).toBe(3);
    expect(result.stdout).toContain('ran-ok');
    expect(result.stderr).toContain('bad');
    expect((await state(result.id)).ExitCode).toBe(3);
  });

  it('container_prune removes stopped containers with this run\'s label only, never protected ones', async () => {
    const make = (extra: Record<string, string>) => docker.createContainer({
      Image: testEnv.testImage, Cmd: ['true'], Labels: { ...extra }, HostConfig: { NetworkMode: 'none' },
    });
    const keeper = await make({ [TEST_LABEL]: `${run}-keep` });
    // The default protected_labels: a prune that would take it is denied as a whole.
    const guarded = await make({ ...labels, 'dev.docker-mcp.protected': 'true' });
    try {
      const denied = await callRaw(client, 'container_prune', { label: [`${TEST_LABEL}=${run}`] });
      expect(denied.isError).toBe(true);
      expect(textOf(denied)).toMatch(/protected/);
      expect((await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${run}`] } })).length).toBeGreaterThanOrEqual(2);
      const pruned = await call<{ deleted: string[] }>(client, 'container_prune', {
        label: [`${TEST_LABEL}=${run}`], label_not: ['dev.docker-mcp.protected'],
      });
      expect(pruned.deleted.length).toBeGreaterThanOrEqual(1);
      expect((await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${run}`] } })).map((c) => c.Id)).toEqual([guarded.id]);
      expect(await exists(keeper.id)).toBe(true);
    } finally {
      await keeper.remove({ force: true });
      await guarded.remove({ force: true });
    }
  });

  it('a log follow cancelled with an AbortSignal ends the call and closes the Docker stream', async () => {
    const chatty = await docker.createContainer({
      name: `${run}-chatty`, Image: testEnv.testImage, Cmd: ['sh', '-c', 'while true; do echo tick; sleep 0.2; done'],
      Labels: labels, HostConfig: { NetworkMode: 'none' },
    });
    await chatty.start();
    const controller = new AbortController();
    const progress: number[] = [];
    const pending = client.callTool(
      { name: 'container_logs', arguments: { container: chatty.id, tail: 0, follow: true, max_seconds: 60 } },
      undefined,
      { signal: controller.signal, onprogress: (p) => progress.push(p.progress), timeout: 70_000 },
    );
    await until(() => progress.length > 0, 10_000, 'follow progress');
    const stream = recentStreams().at(-1)!;
    expect(isDestroyed(stream)).toBe(false);
    const abortedAt = Date.now();
    controller.abort('enough');
    await expect(pending).rejects.toThrow();
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    // The gateway saw notifications/cancelled, aborted the Docker request and counted it.
    await until(() => isDestroyed(stream), 3_000, 'the Docker log stream to close');
    const socket = (stream as { socket?: { destroyed: boolean } | null }).socket;
    expect(socket == null || socket.destroyed).toBe(true);
    const metrics = async (): Promise<string> => (await fetch(gateway.metricsUrl!)).text();
    await until(async () => metricValue(await metrics(), 'docker_mcp_tool_calls_total', { tool: 'container_logs', outcome: 'cancelled', transport: 'http' }) === 1,
      3_000, 'the cancelled call in /metrics');
    // No socket to the daemon is left open (pooled keep-alive sockets close after 1 s idle).
    await until(async () => metricValue(await metrics(), 'docker_mcp_docker_connections') === 0, 5_000, 'no Docker sockets in /metrics');
    // The session is still usable after the cancel.
    expect(textOf(await callRaw(client, 'system_ping'))).toMatch(/answered/);
  });
});
