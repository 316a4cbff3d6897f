// The daemon goes away under a running gateway: kill -9 and restart of a private dockerd (never the
// shared one) during calls and a resource subscription, a hung daemon (SIGSTOP), and timeouts.
// Asserts: clear errors for calls in flight, /ready 503 well within one readiness probe period
// (the installer renders periodSeconds 5), fast failures meanwhile, and recovery without a restart.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { createPrivateDaemon, unmountUnder, type PrivateDaemon } from '../helpers/private-dockerd.js';
import { until } from '../helpers/raw-mcp.js';
import { buildTestImage, TEST_IMAGE } from '../helpers/test-image.js';

/** The installer's readiness probe period (src/templates/kubernetes/objects.ts). */
const PROBE_PERIOD_MS = 5_000;

const text = (result: CallToolResult): string => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('Docker daemon restarts and hangs', () => {
  let daemon: PrivateDaemon;
  let dir: string;
  let docker: Dockerode;
  let gateway: TestGateway;
  let client: Client;

  const ready = async (): Promise<number> => (await fetch(`${gateway.url}/ready`)).status;
  const metric = async (name: string): Promise<number> => metricValue(await (await fetch(gateway.metricsUrl ?? '')).text(), name);
  const makeLooper = async (name: string): Promise<void> => {
    // Exits on SIGTERM and has a 1 s stop timeout, so the daemon's restart does not wait 10 s on it.
    const c = await docker.createContainer({
      name, Image: TEST_IMAGE, HostConfig: { NetworkMode: 'none' }, StopTimeout: 1,
      Cmd: ['sh', '-c', 'trap "exit 0" TERM; while true; do echo tick; sleep 0.2; done'],
    });
    await c.start();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dmcp-r-'));
    daemon = createPrivateDaemon(join(dir, 'd'));
    await daemon.start();
    docker = new Dockerode({ socketPath: daemon.socketPath });
    buildTestImage(daemon.host, dir);
    await makeLooper('looper');
    gateway = await startTestGateway({ docker_host: daemon.host, enable_metrics: true, ready_timeout_seconds: 1, docker_timeout: 5 });
    client = new Client({ name: 'reliability', version: '0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  });

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await gateway?.stop();
    const pid = daemon?.process?.pid;
    if (pid) process.kill(pid, 'SIGCONT');
    await daemon?.stop();
    // Container shims orphaned by the kill -9 outlive both daemons; they are ours (their command
    // line names our temp dir), so end them by pid.
    for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
      try {
        if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir) && Number(entry) !== process.pid) process.kill(Number(entry), 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
    }
    unmountUnder(dir);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });

  it('kill -9 during calls and a subscription: clear errors, 503 at once, fast failures, recovery by itself', async () => {
    const updates: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updates.push(n.params.uri));
    await client.subscribeResource({ uri: 'docker://containers/looper/inspect' });
    expect(await metric('docker_mcp_event_watches')).toBe(1);

    const follow = client.callTool({ name: 'container_logs', arguments: { container: 'looper', follow: true, max_seconds: 60, tail: 1 } });
    const events = client.callTool({ name: 'system_events', arguments: { window_seconds: 60, limit: 1000 } });
    await until(async () => (await metric('docker_mcp_docker_connections')) >= 3, 5_000, 'follow, events and watch open');

    const killedAt = Date.now();
    await daemon.stop({ hard: true });
    const [followResult, eventsResult] = (await Promise.all([follow, events])) as CallToolResult[];
    // In-flight calls end promptly with an error naming the daemon, not a silent partial success.
    expect(Date.now() - killedAt).toBeLessThan(3_000);
    for (const result of [followResult, eventsResult] as CallToolResult[]) {
      expect(result.isError, text(result)).toBe(true);
      expect(text(result)).toMatch(/Docker daemon (unreachable|unavailable)/);
    }
    const notReady = await until(async () => (await ready()) === 503, PROBE_PERIOD_MS, '/ready 503 after the kill');
    expect(notReady).toBeLessThan(PROBE_PERIOD_MS);

    const started = Date.now();
    const down = (await client.callTool({ name: 'container_list', arguments: {} })) as CallToolResult;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(down.isError).toBe(true);
    expect(text(down)).toContain('Docker daemon');
    expect(await metric('docker_mcp_docker_up')).toBe(0);

    await daemon.start();
    await until(async () => (await ready()) === 200, 15_000, '/ready 200 after the restart');
    await until(async () => (await metric('docker_mcp_docker_up')) === 1, 5_000, 'docker_up back to 1');
    const listed = (await client.callTool({ name: 'container_list', arguments: { all: true } })) as CallToolResult;
    expect(listed.isError, text(listed)).toBeFalsy();
    expect(text(listed)).toContain('looper');

    // The subscription re-subscribed on its own: a container change after the restart notifies.
    await until(async () => (await metric('docker_mcp_event_watches')) === 1, 10_000, 'event watch re-opened');
    updates.length = 0;
    await docker.getContainer('looper').start().catch(() => undefined);
    await docker.getContainer('looper').restart({ t: 0 });
    await until(() => updates.includes('docker://containers/looper/inspect'), 10_000, 'resources/updated after the restart');

    await client.unsubscribeResource({ uri: 'docker://containers/looper/inspect' });
    await until(async () => (await metric('docker_mcp_docker_connections')) === 0, 3_000, 'no daemon sockets left');
    expect(await metric('docker_mcp_tool_calls_in_flight')).toBe(0);
  });

  it('a hung daemon (SIGSTOP): /ready 503 within the ready timeout, calls fail fast, SIGCONT recovers', async () => {
    const pid = daemon.process?.pid ?? 0;
    process.kill(pid, 'SIGSTOP');
    try {
      const started = Date.now();
      // A ping the daemon answered just before it stopped may still be settling, and concurrent
      // probes share it (health.ts): that 200 is true. What must hold is 503 within one probe period.
      let status = await ready();
      while (status !== 503 && Date.now() - started < PROBE_PERIOD_MS) status = await ready();
      expect(status).toBe(503);
      expect(Date.now() - started).toBeLessThan(PROBE_PERIOD_MS);
      const callStarted = Date.now();
      const result = (await client.callTool({ name: 'container_list', arguments: {} })) as CallToolResult;
      // Without the gate this would wait out docker_timeout (5 s here, 30 s by default).
      expect(Date.now() - callStarted).toBeLessThan(1_500);
      expect(result.isError).toBe(true);
      expect(text(result)).toContain('did not answer /_ping');
      // Resources, completion and prompts read Docker too, and fail just as fast.
      const reads: [string, () => Promise<unknown>][] = [
        ['resources/read', () => client.readResource({ uri: 'docker://system/info' })],
        ['resources/read (container)', () => client.readResource({ uri: 'docker://containers/looper/inspect' })],
        ['completion/complete', () => client.complete({ ref: { type: 'ref/prompt', name: 'diagnose_container' }, argument: { name: 'container', value: 'lo' } })],
        ['prompts/get', () => client.getPrompt({ name: 'reclaim_disk_space', arguments: {} })],
      ];
      // A prompt's missing argument is still reported as such, not as the daemon being down.
      await expect(client.getPrompt({ name: 'diagnose_container', arguments: {} })).rejects.toThrow(/Prompt argument "container" is required/);
      for (const [what, read] of reads) {
        const readStarted = Date.now();
        await expect(read(), what).rejects.toThrow(/Docker daemon unavailable, not attempted: .*did not answer \/_ping/);
        expect(Date.now() - readStarted, what).toBeLessThan(1_500);
      }
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await until(async () => (await ready()) === 200, 10_000, '/ready 200 after SIGCONT');
    const listed = (await client.callTool({ name: 'container_list', arguments: {} })) as CallToolResult;
    expect(listed.isError, text(listed)).toBeFalsy();
    await until(async () => (await metric('docker_mcp_docker_connections')) === 0, 3_000, 'no daemon sockets left');
  });

  it('a mutating call that outlives docker_timeout is cancelled and says Docker may still finish it', async () => {
    const quick = await startTestGateway({ docker_host: daemon.host, enable_metrics: true, docker_timeout: 1 });
    const c = new Client({ name: 'timeouts', version: '0' });
    try {
      await c.connect(new StreamableHTTPClientTransport(new URL(`${quick.url}/mcp`)));
      // PID 1 ignores SIGTERM, so the stop waits its full 3 s before SIGKILL.
      const slow = await docker.createContainer({
        name: 'slowstop', Image: TEST_IMAGE, HostConfig: { NetworkMode: 'none' }, StopTimeout: 1, Cmd: ['sleep', '3600'],
      });
      await slow.start();
      const started = Date.now();
      const result = (await c.callTool({ name: 'container_stop', arguments: { container: 'slowstop', timeout_seconds: 3 } })) as CallToolResult;
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/timed out after 1 s/);
      expect(text(result)).toContain('Docker may still complete the operation');
      const metrics = await (await fetch(quick.metricsUrl ?? '')).text();
      expect(metricValue(metrics, 'docker_mcp_tool_calls_total', { tool: 'container_stop', outcome: 'timeout', transport: 'http' })).toBe(1);
      await until(async () => metricValue(await (await fetch(quick.metricsUrl ?? '')).text(), 'docker_mcp_docker_connections') === 0, 2_000,
        'the timed-out request was cancelled');
      // ... and the daemon did finish it.
      await until(async () => !(await slow.inspect()).State.Running, 10_000, 'container stopped by the daemon anyway');
    } finally {
      await c.close().catch(() => undefined);
      await quick.stop();
    }
  });
});
