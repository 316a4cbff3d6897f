// A wait the caller chooses (container_wait, container_exec, container_run, log follow, events)
// must end before the registry's own bound on the call: past that bound the registry answers with a
// bare "timed out" error and whatever the tool collected (exec output, logs, events) is lost. So a
// wait longer than the bound is refused before anything runs, and one that fits is cut short just
// enough to leave time to collect the result and answer with the tool's own timed-out result.
import { ToolError, type ToolContext } from './define.js';

export interface CallBudget {
  /** How long to wait from now: what the caller asked for, or less so that the result still fits. */
  waitMs(): number;
  /** Time left before the registry's bound (less a margin), to bound reads after the wait. */
  leftMs(): number;
  /** Empty, or a note for the text result once waitMs() gave less than the caller asked for. */
  shortenedNote(): string;
}

const asSeconds = (ms: number): string => String(Number((ms / 1000).toFixed(3)));

/**
 * Call at the start of the handler, before any Docker request: it throws a ToolError when the
 * caller asks for more than the gateway allows. Only longRunning tools use it, so the bound it
 * names is long_call_timeout_seconds.
 */
export function callBudget(ctx: ToolContext, argument: string, requestedSeconds: number): CallBudget {
  const requestedMs = requestedSeconds * 1000;
  const boundMs = ctx.callTimeoutMs;
  if (requestedMs > boundMs) {
    const most = Math.floor(boundMs / 1000);
    throw new ToolError(
      `${argument} ${requestedSeconds} is above this gateway's long_call_timeout_seconds (${asSeconds(boundMs)}), ` +
        'after which the gateway ends the call; nothing was run.',
      most >= 1 ? `Ask for at most ${most}, or raise long_call_timeout_seconds.` : 'Raise long_call_timeout_seconds.',
    );
  }
  const started = Date.now();
  // Kept after the wait to read the result (exit code, logs) and answer: a tenth of the bound, 0.5-5 s.
  const reserveMs = Math.min(5000, Math.max(500, boundMs / 10));
  let shortened = false;
  return {
    waitMs() {
      const left = started + boundMs - reserveMs - Date.now();
      if (left < requestedMs) shortened = true;
      return Math.max(0, Math.min(requestedMs, left));
    },
    leftMs: () => Math.max(0, started + boundMs - reserveMs / 2 - Date.now()),
    shortenedNote: () =>
      shortened
        ? ` (${argument} ${requestedSeconds} was cut short to leave time for this result within the gateway's ` +
          `long_call_timeout_seconds of ${asSeconds(boundMs)})`
        : '',
  };
}
