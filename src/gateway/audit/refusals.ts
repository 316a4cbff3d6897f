// The audit line of a tool call refused before it runs: for its scope (HTTP 403), or because the
// tool is hidden from the caller (tools/hidden-tools.ts). One shape for both lines; given the
// caller's admission, a refusal costs what a refused call costs in the registry: a rate-limit token,
// and past the limit a line without the caller's arguments, so a flood of refusals cannot fill the
// log with 16 KiB lines.
import type { Identity, Transport } from '../security.js';
import type { CallAdmission, CallAuditor } from '../tools/registry-types.js';

/** What an audit line holds instead of the arguments of a call refused by the rate limit. */
export const NOT_RECORDED = { '[not recorded]': 'rate limited' };

export interface Refusal {
  identity: Identity;
  transport: Transport;
  tool: string;
  args: unknown;
  requestId: string;
  rule: string;
  reason: string;
}

export function recordRefusal(audit: CallAuditor | undefined, admission: CallAdmission | undefined, refusal: Refusal): void {
  const charge = admission?.admit(refusal.identity.id);
  if (charge?.ok) charge.release();
  audit?.record({
    identity: refusal.identity.id, transport: refusal.transport, tool: refusal.tool, requestId: refusal.requestId,
    arguments: charge && !charge.ok ? NOT_RECORDED : refusal.args ?? {},
    decision: { allowed: false, rule: refusal.rule, reason: refusal.reason },
    outcome: 'denied', durationMs: 0,
  });
}
