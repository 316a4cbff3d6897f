// The gate step (src/gateway/tools/pipeline/gate.ts) with the real daemon monitor: while the daemon
// is known to be down a call fails fast (not after docker_timeout), says so, and is counted as an
// unreachable Docker error; once it answers again calls pass.
import Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { createDaemonMonitor } from '../../src/gateway/docker/daemon-monitor.js';
import { createHealthChecker } from '../../src/gateway/observability/health.js';
import { gateStep } from '../../src/gateway/tools/pipeline/gate.js';
import { testDocker } from '../helpers/env.js';
import { memoryLog, metricValue, quietMetrics, stubNext, toolCall } from './pipeline-helpers.js';

describe('gate step', () => {
  it('passes calls while the daemon answers', async () => {
    const metrics = quietMetrics();
    const monitor = createDaemonMonitor(createHealthChecker(testDocker(), 'test', 2_000), { endpoint: 'test', log: memoryLog('silent').log, metrics });
    const next = stubNext();
    expect((await gateStep(monitor, metrics)(toolCall(), next)).outcome).toBe('ok');
    expect(next.calls).toHaveLength(1);
    monitor.close();
  });

  it('fails fast while the daemon is down, keeps the decision, counts an unreachable error', async () => {
    const metrics = quietMetrics();
    const missing = new Dockerode({ socketPath: '/nonexistent/docker.sock' });
    const monitor = createDaemonMonitor(createHealthChecker(missing, 'unix:///nonexistent/docker.sock', 2_000),
      { endpoint: 'unix:///nonexistent/docker.sock', log: memoryLog('silent').log, metrics });
    monitor.reportUnreachable('Docker daemon unreachable at unix:///nonexistent/docker.sock: no socket');
    const call = toolCall();
    call.decision = { allowed: true };
    const next = stubNext();
    const started = performance.now();
    const output = await gateStep(monitor, metrics)(call, next);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(next.calls).toHaveLength(0);
    expect(output).toMatchObject({ outcome: 'tool_error', daemonUnreachable: true, decision: { allowed: true } });
    expect((output.result.content[0] as { text: string }).text)
      .toMatch(/^Docker daemon unavailable, call not attempted: Docker daemon unreachable at unix:\/\/\/nonexistent\/docker\.sock: no socket\nHint: The gateway re-checks/);
    expect(await metricValue(metrics, 'docker_mcp_docker_errors_total', { kind: 'unreachable' })).toBe(1);
    monitor.close();
  });
});
