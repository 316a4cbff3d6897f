// Step 13, record (wraps every step after lookup, so its clock starts where the call does): the
// metrics, the log line and the audit line, one each per call, written from the answer as it
// leaves (already redacted by the redact step inside it).
import type { AuditEntry } from '../../audit/audit-log.js';
import { NOT_RECORDED } from '../../audit/refusals.js';
import type { CallOutcome } from '../../observability/metrics.js';
import type { RegistryDeps } from '../registry-types.js';
import type { Step } from './types.js';

const auditOutcome = {
  ok: 'ok', tool_error: 'error', invalid_args: 'error', internal: 'error', timeout: 'error',
  denied: 'denied', limited: 'limited', cancelled: 'cancelled',
} as const satisfies Record<CallOutcome, string>;

// Which failure an audit line's outcome `error` was (the metric's outcome label).
const errorKinds: Partial<Record<CallOutcome, AuditEntry['errorKind']>> = {
  tool_error: 'tool_error', invalid_args: 'invalid_args', internal: 'internal', timeout: 'timeout',
};

export function recordStep(deps: Pick<RegistryDeps, 'metrics' | 'log' | 'audit'>): Step {
  const { metrics, log, audit } = deps;
  // With an audit log the audit line is the one line per call (it carries the same request id,
  // transport, tool, duration and outcome); the plain line then drops to debug, so a busy
  // gateway does not write every call twice.
  const level = audit ? 'debug' : 'info';
  return async (call, next) => {
    const started = performance.now();
    // A step that throws (none should) leaves no record, as a call that never had an answer.
    const output = await next(call);
    const { name, origin } = call;
    const seconds = (performance.now() - started) / 1000;
    metrics.toolCalls.inc({ tool: name, outcome: output.outcome, transport: origin.transport });
    metrics.toolDuration.observe({ tool: name, outcome: output.outcome }, seconds);
    if (log.isLevelEnabled(level)) log[level](
      {
        requestId: origin.requestId,
        transport: origin.transport,
        identity: origin.identity.id,
        tool: name,
        durationMs: Math.round(seconds * 1000),
        outcome: output.outcome,
      },
      'tool call',
    );
    if (audit) {
      const first = output.result.content[0];
      const outcome = auditOutcome[output.outcome];
      audit.record({
        identity: origin.identity.id,
        transport: origin.transport,
        tool: name,
        // Past the rate limit a line is kept small: a flood of refused calls cannot fill the log
        // with their arguments (up to 16 KiB each), only with lines of a few hundred bytes.
        arguments: output.outcome === 'limited' ? NOT_RECORDED : call.args,
        decision: output.decision ?? { allowed: output.outcome !== 'denied' },
        outcome,
        errorKind: outcome === 'error' ? errorKinds[output.outcome] : undefined,
        durationMs: Math.round(seconds * 1000),
        error: output.outcome === 'ok' || first?.type !== 'text' ? undefined : first.text,
        requestId: origin.requestId,
      });
    }
    return output;
  };
}
