// The composed pipeline (src/gateway/tools/pipeline/index.ts) with real policy, limits, metrics,
// audit log and daemon monitor: what each step's place in the order guarantees (a reordering that
// keeps every step working on its own still breaks one of these), and the end-to-end promises.
import Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { createDaemonMonitor } from '../../src/gateway/docker/daemon-monitor.js';
import { createCallLimits } from '../../src/gateway/limits/rate-limit.js';
import { createHealthChecker } from '../../src/gateway/observability/health.js';
import type { Identity, OperationPolicy } from '../../src/gateway/security.js';
import { HiddenToolError } from '../../src/gateway/tools/hidden-tools.js';
import { createCallPipeline } from '../../src/gateway/tools/pipeline/index.js';
import type { RegistryDeps } from '../../src/gateway/tools/registry-types.js';
import { testDocker } from '../helpers/env.js';
import { echoTool, memoryAudit, memoryLog, metricValue, origin, presetPolicy, quietMetrics, token } from './pipeline-helpers.js';
import { allTools } from '../../src/gateway/tools/index.js';
import { defineTool, type ToolDefinition } from '../../src/gateway/tools/define.js';
import { z } from 'zod';

const leakyTool = defineTool({
  ...echoTool,
  name: 'leaky_echo',
  outputSchema: z.object({ value: z.string() }),
  handler: () => Promise.reject(new Error('connect to postgres://app:s3cret@db/app failed')),
}) as unknown as ToolDefinition;

// `listAll`: every tool is listed whatever the policy says, so checkCall (not the listing) is what
// refuses; the gateway's own policy lists exactly what checkCall allows.
function pipeline(overrides: Partial<RegistryDeps> = {}, listAll = false, policy: OperationPolicy = presetPolicy('operator')) {
  const metrics = overrides.metrics ?? quietMetrics();
  const audit = memoryAudit();
  const tools = [echoTool, leakyTool, ...allTools.filter((tool) => tool.name === 'container_stop' || tool.name === 'image_pull')];
  const deps: RegistryDeps = {
    tools, docker: testDocker(), endpoint: 'test', policy, log: memoryLog('silent').log, metrics,
    limits: { maxOutputBytes: 1024, defaultListLimit: 10 }, timeoutMs: 5_000, longTimeoutMs: 60_000, audit, ...overrides,
  };
  const visible = (identity: Identity) => (listAll ? tools : policy.visibleTools(identity, tools));
  return { run: createCallPipeline({ ...deps, visible }), audit, metrics };
}

describe('the call pipeline, in order', () => {
  it('admission comes before validation and policy: refused calls still cost a rate-limit token', async () => {
    const admission = createCallLimits(2, 0);
    const { run, audit } = pipeline({ admission }, true);
    const from = origin({ identity: token('read', 'reader') });
    expect((await run.run({ name: 'echo_value', args: { value: 1 }, origin: from })).outcome).toBe('invalid_args');
    expect((await run.run({ name: 'container_stop', args: { container: 'x' }, origin: from })).outcome).toBe('denied');
    expect((await run.run({ name: 'echo_value', args: { value: 'a' }, origin: from })).outcome).toBe('limited');
    expect(audit.lines().map((line) => line.outcome)).toEqual(['error', 'denied', 'limited']);
  });

  it('drain comes before admission and tracking: a call refused while draining takes no token and never counts as running', async () => {
    const admission = createCallLimits(1, 0);
    let draining = true;
    const { run, metrics } = pipeline({ admission, draining: () => draining });
    expect((await run.run({ name: 'echo_value', args: { value: 'a' }, origin: origin() })).outcome).toBe('cancelled');
    expect(await metricValue(metrics, 'docker_mcp_tool_calls_total', { tool: 'echo_value', outcome: 'cancelled', transport: 'http' })).toBe(1);
    draining = false;
    expect((await run.run({ name: 'echo_value', args: { value: 'a' }, origin: origin() })).outcome).toBe('ok');
  });

  it('policy comes before the daemon gate: a refused call is denied, not "daemon unavailable"', async () => {
    const metrics = quietMetrics();
    const daemon = createDaemonMonitor(createHealthChecker(new Dockerode({ socketPath: '/nonexistent/docker.sock' }), 'gone', 2_000),
      { endpoint: 'gone', log: memoryLog('silent').log, metrics });
    daemon.reportUnreachable('gone');
    const { run } = pipeline({ daemon, metrics }, true);
    expect((await run.run({ name: 'container_stop', args: { container: 'x' }, origin: origin({ identity: token('read') }) })).outcome).toBe('denied');
    expect(await run.run({ name: 'echo_value', args: { value: 'a' }, origin: origin() })).toMatchObject({ outcome: 'tool_error', daemonUnreachable: true });
    daemon.close();
  });

  it('a secret in a handler\'s error reaches neither the answer nor the audit line', async () => {
    const { run, audit } = pipeline();
    const output = await run.run({ name: 'leaky_echo', args: { value: 'a' }, origin: origin() });
    expect(output.outcome).toBe('internal');
    expect(JSON.stringify(output)).not.toMatch(/s3cret/);
    expect(JSON.stringify(audit.lines())).not.toMatch(/s3cret/);
    expect(audit.lines()).toEqual([expect.objectContaining({ outcome: 'error', errorKind: 'internal' })]);
  });

  it('lookup comes before the record: a hidden tool is a refusal line, not a call (no sample, no call line)', async () => {
    const { run, audit, metrics } = pipeline();
    await expect(run.run({ name: 'image_pull', args: {}, origin: origin() })).rejects.toBeInstanceOf(HiddenToolError);
    expect(audit.lines()).toEqual([expect.objectContaining({ outcome: 'denied', durationMs: 0 })]);
    expect(await metrics.registry.getSingleMetricAsString('docker_mcp_tool_calls_total')).not.toMatch(/image_pull/);
  });

  it('counts a call as running from admission to answer, and checks output only when asked', async () => {
    const { run } = pipeline({ validateOutput: false });
    const output = await run.run({ name: 'echo_value', args: { value: 'a', times: 2 }, origin: origin() });
    expect(output.result.structuredContent).toEqual({ value: 'aa' });
    expect(run.inFlight()).toBe(0);
  });
});
