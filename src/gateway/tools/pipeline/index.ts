// The path every tool call takes, whatever the transport (MCP over HTTP/WS/stdio, or the seed's
// POST /mcp/call): named steps in the order a call meets them, each in its own file. A step wraps
// the ones after it, so the outer steps (record, redact, track, admit, map-error, check-output)
// also act on the way out; the order below is the order they are entered:
//
//   lookup → record → redact → drain → track → admit → validate → authorize → [confirm]
//     → gate → map-error → check-output → execute
//
// Composed once per registry; steps whose dependency is not configured (no limits, no daemon
// monitor, output checks off) are left out rather than run as no-ops.
import type { CallOutput, RegistryDeps } from '../registry-types.js';
import { admitStep } from './admit.js';
import { authorizeStep } from './authorize.js';
import { checkOutputStep } from './check-output.js';
import { drainStep } from './drain.js';
import { executeStep } from './execute.js';
import { gateStep } from './gate.js';
import { lookupStep, type LookupDeps } from './lookup.js';
import { mapErrorStep } from './map-error.js';
import { recordStep } from './record.js';
import { redactStep } from './redact.js';
import { createCallTracker } from './track.js';
import { compose, type CallRequest, type Step } from './types.js';
import { validateStep } from './validate.js';

export type { CallRequest, Next, Step, ToolCall } from './types.js';

export interface CallPipeline {
  /** Runs one call; rejects with UnknownToolError / HiddenToolError (lookup), else answers. */
  run(request: CallRequest): Promise<CallOutput>;
  /** Calls running now (between drain and the answer). */
  inFlight: () => number;
}

export function createCallPipeline(deps: RegistryDeps & Pick<LookupDeps, 'visible'>): CallPipeline {
  const tracker = createCallTracker(deps.metrics);
  const steps: Step[] = [
    recordStep(deps),
    redactStep,
    ...(deps.draining ? [drainStep(deps.draining)] : []),
    tracker.step,
    ...(deps.admission ? [admitStep(deps.admission)] : []),
    validateStep,
    authorizeStep(deps.policy),
    // Issue 18 (confirm_destructive, plan 3.5): the confirm step goes here, after the policy allowed
    // the call and before the daemon gate, so a refused call never asks and a confirmed call is
    // still judged against the daemon's state at the time it runs.
    ...(deps.daemon ? [gateStep(deps.daemon, deps.metrics)] : []),
    mapErrorStep(deps),
    ...((deps.validateOutput ?? true) ? [checkOutputStep(deps.log)] : []),
  ];
  const lookup = lookupStep(deps);
  const afterLookup = compose(steps, executeStep(deps));
  return {
    run: (request) => lookup(request, afterLookup),
    inFlight: tracker.inFlight,
  };
}
