// Step 8, gate: while the Docker daemon is known to be down, fail fast instead of letting every
// call wait out docker_timeout (docker/daemon-monitor.ts re-checks in the background).
import type { Metrics } from '../../observability/metrics.js';
import type { CallOutput, RegistryDeps } from '../registry-types.js';
import { errorResult } from './results.js';
import type { Next, Step, ToolCall } from './types.js';

export function gateStep(daemon: NonNullable<RegistryDeps['daemon']>, metrics: Pick<Metrics, 'dockerErrors'>): Step {
  async function whileDown(call: ToolCall, next: Next): Promise<CallOutput> {
    // At most one fresh bounded ping (a recent failure is reused): the daemon may be back.
    const down = await daemon.gate();
    if (!down) return await next(call);
    metrics.dockerErrors.inc({ kind: 'unreachable' });
    return {
      outcome: 'tool_error',
      daemonUnreachable: true,
      decision: call.decision,
      result: errorResult(`Docker daemon unavailable, call not attempted: ${down}`,
        'The gateway re-checks every second and recovers by itself; /ready is 503 until then. Retry shortly.'),
    };
  }
  // While the daemon is up (the fast path) the gate costs nothing: no ping, no await.
  return (call, next) => (daemon.up ? next(call) : whileDown(call, next));
}
