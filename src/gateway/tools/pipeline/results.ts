// What the steps answer with when a call ends early, and the error that carries such an ending
// out of a running handler (execute.ts throws it, map-error.ts turns it into the result).
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { CallOutcome } from '../../observability/metrics.js';
import { ToolError } from '../define.js';

export function errorResult(message: string, hint?: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: hint ? `${message}\nHint: ${hint}` : message }] };
}

/** A call ended by the gateway (timeout, cancel, shutdown, a policy refusal mid-call), with its outcome. */
export class Aborted extends ToolError {
  constructor(
    message: string,
    readonly outcome: CallOutcome,
    hint?: string,
  ) {
    super(message, hint);
  }
}
