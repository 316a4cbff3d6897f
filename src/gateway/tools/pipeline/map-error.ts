// Step 11, map-error: however the handler failed, the caller gets a result a person can act on
// (the tool-failure tier: `isError`, never a JSON-RPC error or a stack trace) and the outcome the
// metrics and the audit line name: aborted (timeout, cancel, shutdown, a policy refusal mid-call),
// a ToolError, a Docker status, an unreachable daemon, or an internal error (logged).
import { isDaemonUnreachable, toToolError } from '../../docker/errors.js';
import { ToolError } from '../define.js';
import type { RegistryDeps } from '../registry-types.js';
import { Aborted, errorResult } from './results.js';
import type { Step } from './types.js';

export function mapErrorStep(deps: Pick<RegistryDeps, 'metrics' | 'log' | 'endpoint' | 'daemon'>): Step {
  const { metrics, log, endpoint, daemon } = deps;
  return async (call, next) => {
    try {
      return await next(call);
    } catch (thrown) {
      // After an abort, whatever the handler threw (AbortError, socket hang up) is a consequence.
      const error: unknown = call.signal?.aborted ? call.signal.reason : thrown;
      if (error instanceof Aborted) return { outcome: error.outcome, decision: call.denial ?? call.decision, result: errorResult(error.message, error.hint) };
      if (error instanceof ToolError) return { outcome: 'tool_error', result: errorResult(error.message, error.hint) };
      const status = (error as { statusCode?: unknown }).statusCode;
      const unreachable = isDaemonUnreachable(error);
      if (unreachable || typeof status === 'number') {
        metrics.dockerErrors.inc({ kind: unreachable ? 'unreachable' : String(status) });
        const mapped = toToolError(error, endpoint);
        if (!unreachable) return { outcome: 'tool_error', result: errorResult(mapped.message, mapped.hint) };
        daemon?.reportUnreachable(mapped.message);
        return { outcome: 'tool_error', daemonUnreachable: true, result: errorResult(mapped.message, mapped.hint) };
      }
      log.error({ err: error, tool: call.tool.name, requestId: call.origin.requestId }, 'tool handler failed');
      const mapped = toToolError(error, endpoint);
      return { outcome: 'internal', result: errorResult(`Internal error in ${call.tool.name}: ${mapped.message}`) };
    }
  };
}
