// The shapes a tool call takes through the pipeline (index.ts composes the steps). A step is a
// plain async function `(call, next)`: it may answer by itself (a refusal) or pass the call on,
// and, because it wraps what follows, release what it holds in a `finally` and see the answer.
import type { PolicyDecision } from '../../security.js';
import type { ToolDefinition } from '../define.js';
import type { CallOrigin, CallOutput } from '../registry-types.js';

/** A call as it arrives: a tool name that is not yet resolved for this caller. */
export interface CallRequest {
  readonly name: string;
  readonly args: unknown;
  readonly origin: CallOrigin;
}

/**
 * A call once lookup resolved its tool: one object per call, made by lookup with every field
 * present (one shape for V8), which the later steps fill in as the call goes.
 */
export interface ToolCall extends CallRequest {
  readonly tool: ToolDefinition;
  /** The arguments as the tool's input schema parsed them (validate). */
  input: unknown;
  /** checkCall's decision (authorize), carried into the audit line. */
  decision: PolicyDecision | undefined;
  /** The handler's signal (execute): once aborted, its reason is why the call ended (map-error). */
  signal: AbortSignal | undefined;
  /** A refusal by `ctx.authorize` while the handler ran (execute), preferred over `decision`. */
  denial: PolicyDecision | undefined;
}

export type Next<C = ToolCall> = (call: C) => Promise<CallOutput>;
export type Step<C = ToolCall> = (call: C, next: Next<C>) => Promise<CallOutput>;

/**
 * Chains the steps once (at registry creation), outermost first, around the last one: a call
 * then costs one function call per step and no allocation for the chain itself.
 */
export function compose<C>(steps: readonly Step<C>[], last: Next<C>): Next<C> {
  return steps.reduceRight<Next<C>>((next, step) => (call) => step(call, next), last);
}
