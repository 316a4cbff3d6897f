// Step 2, drain: once shutdown began, calls already running finish and new ones are refused at
// once (and still recorded), before they take a slot or a rate-limit token.
import type { RegistryDeps } from '../registry-types.js';
import { errorResult } from './results.js';
import type { Step } from './types.js';

export function drainStep(draining: NonNullable<RegistryDeps['draining']>): Step {
  return (call, next) => draining()
    ? Promise.resolve({
      outcome: 'cancelled',
      result: errorResult('The gateway is shutting down and takes no new calls.', 'Retry: another replica, or this one once restarted, will answer.'),
    })
    : next(call);
}
