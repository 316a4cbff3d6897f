// Step 4, admit: the caller's rate and concurrency limits (src/gateway/limits). Admitted before
// validation and policy: a call refused for its arguments or by the policy still costs a token, so a
// caller cannot send (and have audited) refused calls faster than rate_limit_per_minute allows.
import type { CallAdmission } from '../registry-types.js';
import { errorResult } from './results.js';
import type { Step } from './types.js';

export function admitStep(admission: CallAdmission): Step {
  return async (call, next) => {
    const admitted = admission.admit(call.origin.identity.id);
    if (!admitted.ok) {
      return {
        outcome: 'limited',
        retryAfterSeconds: admitted.retryAfterSeconds,
        result: errorResult(admitted.message, `Retry in ${admitted.retryAfterSeconds} s.`),
      };
    }
    // Released however the call ends: answered, refused later, thrown, timed out or cancelled.
    try {
      return await next(call);
    } finally {
      admitted.release();
    }
  };
}
