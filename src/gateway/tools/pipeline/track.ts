// Step 3, track: the calls running now, for shutdown (which waits for 0 within its grace period)
// and the in-flight gauge. A refused call counts while it is being refused, as it always did;
// a call refused by drain never started.
import type { Metrics } from '../../observability/metrics.js';
import type { Step } from './types.js';

export interface CallTracker {
  step: Step;
  inFlight: () => number;
}

export function createCallTracker(metrics: Pick<Metrics, 'callsInFlight'>): CallTracker {
  let running = 0;
  return {
    inFlight: () => running,
    step: async (call, next) => {
      running++;
      metrics.callsInFlight.inc({ transport: call.origin.transport });
      try {
        return await next(call);
      } finally {
        running--;
        metrics.callsInFlight.dec({ transport: call.origin.transport });
      }
    },
  };
}
