// Step 9, execute (the innermost step): the handler, within its deadline (docker_timeout, or
// long_call_timeout_seconds for long-running tools), cancelled by the client's signal or the
// gateway's shutdown, with a ToolContext whose progress is redacted and whose `authorize` is the
// policy on the exact body sent to Docker. An early end throws Aborted; map-error answers it.
import type { Logger } from 'pino';
import { redactText } from '../../audit/redact.js';
import type { PolicyDecision } from '../../security.js';
import type { ToolContext } from '../define.js';
import type { CallOutput, RegistryDeps } from '../registry-types.js';
import { Aborted } from './results.js';
import type { Next, ToolCall } from './types.js';

export type ExecuteDeps = Pick<RegistryDeps,
  'docker' | 'endpoint' | 'policy' | 'log' | 'limits' | 'timeoutMs' | 'longTimeoutMs' | 'shutdownSignal' | 'daemon'>;

export function executeStep(deps: ExecuteDeps): Next {
  // EventTarget listeners cost several µs each on every call, so the handler's signal gets none
  // of ours, and shutdown reaches running calls through this set and one listener for them all.
  const abortOnShutdown = new Set<(reason: Aborted) => void>();
  deps.shutdownSignal?.addEventListener('abort', () => {
    for (const abort of abortOnShutdown) abort(new Aborted('The gateway is shutting down.', 'cancelled', 'Retry shortly.'));
  }, { once: true });

  return async (call: ToolCall): Promise<CallOutput> => {
    const { tool, origin } = call;
    // Every way a call ends early goes through `abort`: it aborts the handler's signal and
    // answers the caller at once.
    const controller = new AbortController();
    call.signal = controller.signal;
    let answerAborted: (reason: Aborted) => void = () => undefined;
    // Handlers that ignore the signal must not keep the caller waiting past cancel or timeout.
    const aborted = new Promise<never>((_, reject) => (answerAborted = reject));
    const abort = (reason: Aborted): void => {
      if (controller.signal.aborted) return;
      controller.abort(reason);
      answerAborted(reason);
    };
    const limitMs = tool.longRunning ? deps.longTimeoutMs : deps.timeoutMs;
    // A mutating request already sent cannot be recalled: the daemon may still finish it.
    const mayComplete = tool.annotations.readOnlyHint ? '' : ' The request was cancelled, but Docker may still complete the operation; check its state before retrying.';
    const timer = setTimeout(() => {
      deps.daemon?.suspect();
      abort(new Aborted(`${tool.name} timed out after ${Math.round(limitMs / 1000)} s (Docker at ${deps.endpoint}).${mayComplete}`,
        'timeout', tool.longRunning ? 'Narrow the request or raise long_call_timeout_seconds.' : 'Raise docker_timeout or narrow the request.'));
    }, limitMs);
    const onCancel = (): void => abort(new Aborted('Cancelled by the client.', 'cancelled'));
    if (origin.signal.aborted) onCancel();
    else origin.signal.addEventListener('abort', onCancel, { once: true });
    abortOnShutdown.add(abort);

    let toolLog: Logger | undefined;
    const sendProgress = origin.progress;
    const ctx: ToolContext = {
      docker: deps.docker,
      signal: controller.signal,
      timeoutMs: deps.timeoutMs,
      callTimeoutMs: limitMs,
      // Progress messages carry Docker text too (event actions, build and pull lines).
      progress: sendProgress
        ? (update) => sendProgress(update.message === undefined ? update : { ...update, message: redactText(update.message) })
        : () => Promise.resolve(),
      // Made on first use: most handlers never log, and a pino child costs a few µs per call.
      get log() {
        return (toolLog ??= deps.log.child({ tool: tool.name, requestId: origin.requestId }));
      },
      limits: deps.limits,
      authorize: async (operation) => {
        const verdict: PolicyDecision = await deps.policy.authorize(origin.identity, operation);
        if (!verdict.allowed) {
          call.denial = verdict;
          throw new Aborted(
            `Denied by policy${verdict.rule ? ` rule ${verdict.rule}` : ''}: ${verdict.reason ?? operation.kind}`,
            'denied',
            verdict.howToAllow,
          );
        }
      },
    };
    try {
      // Already cancelled (e.g. while waiting for the daemon gate): the handler does not start.
      const output = await Promise.race([controller.signal.aborted ? aborted : tool.handler(call.input as Parameters<typeof tool.handler>[0], ctx), aborted]);
      return {
        outcome: 'ok',
        decision: call.decision,
        result: { content: [{ type: 'text', text: output.text }], structuredContent: output.structured },
      };
    } finally {
      clearTimeout(timer);
      origin.signal.removeEventListener('abort', onCancel);
      abortOnShutdown.delete(abort);
    }
  };
}
