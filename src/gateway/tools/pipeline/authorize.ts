// Step 6, authorize: the policy's per-call check (scope, tool allow/deny) before anything runs.
// The operation itself is judged later, on the exact body sent to Docker (execute's ctx.authorize).
import type { OperationPolicy } from '../../security.js';
import { errorResult } from './results.js';
import type { Step } from './types.js';

export function authorizeStep(policy: OperationPolicy): Step {
  return (call, next) => {
    const { tool, origin } = call;
    const decision = policy.checkCall(origin.identity, tool);
    if (!decision.allowed) {
      return Promise.resolve({
        outcome: 'denied',
        decision,
        result: errorResult(
          `Denied: ${tool.name} is not allowed for ${origin.identity.name}${decision.rule ? ` (rule ${decision.rule})` : ''}` +
            `${decision.reason ? `: ${decision.reason}` : '.'}`,
          decision.howToAllow,
        ),
      });
    }
    call.decision = decision;
    return next(call);
  };
}
