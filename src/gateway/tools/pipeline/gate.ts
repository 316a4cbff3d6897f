// Step 8, gate: while the Docker daemon is known to be down, fail fast instead of letting every
// call wait out docker_timeout (docker/daemon-monitor.ts re-checks in the background).
import type { Metrics } from '../../observability/metrics.js';
import type { RegistryDeps } from '../registry-types.js';
import { errorResult } from './results.js';
import type { Step } from './types.js';

export function gateStep(daemon: NonNullable<RegistryDeps['daemon']>, metrics: Pick<Metrics, 'dockerErrors'>): Step {
  return async (call, next) => {
    const down = await daemon.gate();
    if (!down) return next(call);
    metrics.dockerErrors.inc({ kind: 'unreachable' });
    return {
      outcome: 'tool_error',
      daemonUnreachable: true,
      decision: call.decision,
      result: errorResult(`Docker daemon unavailable, call not attempted: ${down}`,
        'The gateway re-checks every second and recovers by itself; /ready is 503 until then. Retry shortly.'),
    };
  };
}
