// Step 12, redact: the one place a result leaves for any transport (MCP, /mcp/call) and for the
// audit line's error text (the record step wraps this one). Whatever the handler or Docker put in
// it, secrets are withheld here (audit/redact.ts).
import { redactToolResult } from '../../audit/redact.js';
import type { Step } from './types.js';

export const redactStep: Step = async (call, next) => {
  const output = await next(call);
  return { ...output, result: redactToolResult(output.result) };
};
