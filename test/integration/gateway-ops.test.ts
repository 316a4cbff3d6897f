// Operations: progress and cancellation of a long call, readiness against a missing daemon and its
// recovery, Prometheus metrics on their own port, and the seed's POST /mcp/call.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { connectHttpClient, metricValue, startTestGateway, type TestGateway } from '../helpers/gateway.js';

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function makeEvent(name: string): Promise<void> {
  const docker = testDocker();
  const container = await docker.createContainer({
    name, Image: testEnv.testImage, Cmd: ['true'], Labels: { [TEST_LABEL]: '1' }, HostConfig: { NetworkMode: 'none' },
  });
  await container.remove();
}

function legacy(url: string, body: unknown, contentType = 'application/json'): Promise<Response> {
  return fetch(`${url}/mcp/call`, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('gateway operations', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ enable_metrics: true });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('sends progress for system_events when the client gives a token, and returns the events', async () => {
    const { client } = await connectHttpClient(gateway.url);
    const name = uniqueName('events');
    const progress: Progress[] = [];
    const call = client.callTool(
      { name: 'system_events', arguments: { window_seconds: 20, limit: 2, containers: [name], types: ['container'] } },
      undefined,
      { onprogress: (p) => progress.push(p) },
    );
    await new Promise((r) => setTimeout(r, 300));
    await makeEvent(name);
    const result = await call;
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as { events: { action: string; name: string }[]; stopped_by: string };
    expect(structured.stopped_by).toBe('limit');
    expect(structured.events.map((e) => e.action)).toEqual(['create', 'destroy']);
    expect(structured.events[0]?.name).toBe(name);
    expect(progress.map((p) => p.progress)).toEqual([1, 2]);
    expect(progress[0]?.total).toBe(2);
    await client.close();
  });

  it('ends a cancelled system_events call on the server, not just on the client', async () => {
    const { client } = await connectHttpClient(gateway.url);
    const metricsUrl = gateway.metricsUrl ?? '';
    const cancelledBefore = metricValue(await (await fetch(metricsUrl)).text(), 'docker_mcp_tool_calls_total', {
      tool: 'system_events', outcome: 'cancelled',
    });
    const name = uniqueName('cancel');
    const controller = new AbortController();
    let gotProgress!: () => void;
    const firstProgress = new Promise<void>((resolve) => (gotProgress = resolve));
    const started = Date.now();
    const call = client.callTool(
      { name: 'system_events', arguments: { window_seconds: 120, limit: 1000, containers: [name] } },
      undefined,
      { signal: controller.signal, onprogress: () => gotProgress() },
    );
    await new Promise((r) => setTimeout(r, 300));
    await makeEvent(name);
    await firstProgress;
    controller.abort('test cancels mid-stream');
    await expect(call).rejects.toThrow();
    const cancelled = await waitFor(async () => {
      const value = metricValue(await (await fetch(metricsUrl)).text(), 'docker_mcp_tool_calls_total', {
        tool: 'system_events', outcome: 'cancelled',
      });
      return value > cancelledBefore ? value : undefined;
    });
    expect(cancelled).toBe(cancelledBefore + 1);
    expect(Date.now() - started).toBeLessThan(20_000);
    await client.close();
  });

  it('serves Prometheus metrics on the metrics port only', async () => {
    const { client } = await connectHttpClient(gateway.url);
    await client.callTool({ name: 'system_ping', arguments: {} });
    const res = await fetch(gateway.metricsUrl ?? '');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(metricValue(text, 'docker_mcp_tool_calls_total', { tool: 'system_ping', outcome: 'ok', transport: 'http' })).toBeGreaterThanOrEqual(1);
    expect(text).toContain('docker_mcp_tool_call_duration_seconds_bucket{le="0.005",tool="system_ping",outcome="ok"}');
    expect(metricValue(text, 'docker_mcp_http_requests_total', { method: 'POST', route: '/mcp', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'docker_mcp_open_sessions', { transport: 'http' })).toBeGreaterThanOrEqual(1);
    expect(text).toContain('docker_mcp_websocket_connections');
    expect(text).toContain('docker_mcp_docker_errors_total');
    expect(text).toContain('docker_mcp_process_cpu_user_seconds_total');
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(404);
    await client.close();
  });

  it('POST /mcp/call maps docker.<noun>.<verb> onto the tools and answers {result} or {error}', async () => {
    const ok = await legacy(gateway.url, { method: 'docker.system.ping', params: {} });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ result: { ok: true } });

    const info = await legacy(gateway.url, { method: 'docker.system.info' });
    expect(((await info.json()) as { result: { server_version: string } }).result.server_version).toBeTruthy();

    const unknown = await legacy(gateway.url, { method: 'docker.nothing.here', params: {} });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: -32601 } });

    const badParams = await legacy(gateway.url, { method: 'docker.system.df', params: { top: 'x' } });
    expect(badParams.status).toBe(400);
    const badBody = (await badParams.json()) as { error: { code: number; message: string } };
    expect(badBody.error.code).toBe(-32602);
    expect(badBody.error.message).toContain('top');

    const malformed = await legacy(gateway.url, '{"method": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: -32700 } });

    const wrongType = await legacy(gateway.url, { method: 'docker.system.ping' }, 'text/plain');
    expect(wrongType.status).toBe(415);

    const metrics = await (await fetch(gateway.metricsUrl ?? '')).text();
    expect(metricValue(metrics, 'docker_mcp_tool_calls_total', { tool: 'system_ping', transport: 'legacy', outcome: 'ok' })).toBe(1);
    expect(metricValue(metrics, 'docker_mcp_tool_calls_total', { tool: 'system_df', transport: 'legacy', outcome: 'invalid_args' })).toBe(1);
  });
});

describe('readiness without a daemon', () => {
  it('reports 503 with the endpoint, fails tool calls with it, and recovers when the daemon appears', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmcp-ready-'));
    const socket = join(dir, 'docker.sock');
    const gateway = await startTestGateway({ docker_host: `unix://${socket}`, enable_metrics: false });
    try {
      const down = await fetch(`${gateway.url}/ready`);
      expect(down.status).toBe(503);
      const body = (await down.json()) as { status: string; reason: string };
      expect(body.status).toBe('unavailable');
      expect(body.reason).toContain(`unix://${socket}`);
      expect((await fetch(`${gateway.url}/health`)).status).toBe(200);

      const call = await legacy(gateway.url, { method: 'docker.system.ping' });
      const failed = (await call.json()) as { error: { message: string } };
      expect(failed.error.message).toContain(`Docker daemon unreachable at unix://${socket}`);

      // The daemon "comes back": the same path now leads to the private daemon's socket.
      symlinkSync(testEnv.dockerSocket, socket);
      const up = await fetch(`${gateway.url}/ready`);
      expect(up.status).toBe(200);
      expect(await (await legacy(gateway.url, { method: 'docker.system.ping' })).json()).toMatchObject({ result: { ok: true } });
    } finally {
      await gateway.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
