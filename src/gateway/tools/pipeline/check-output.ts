// Step 10, check-output (when validate_tool_output is on): a handler's structured result against
// its tool's output schema. A mismatch is our bug, so the caller gets an internal error and the
// log gets the issues; the result carries what the schema parsed.
import type { Logger } from 'pino';
import { errorResult } from './results.js';
import type { Step } from './types.js';

export function checkOutputStep(log: Logger): Step {
  return async (call, next) => {
    const output = await next(call);
    if (output.outcome !== 'ok') return output;
    const { tool } = call;
    const structured = tool.outputSchema.safeParse(output.result.structuredContent);
    if (!structured.success) {
      log.error({ tool: tool.name, issues: structured.error.issues }, 'tool output does not match its schema');
      return { outcome: 'internal', result: errorResult(`Internal error: ${tool.name} produced output that does not match its schema.`) };
    }
    // The result object was made by execute for this call alone.
    output.result.structuredContent = structured.data;
    return output;
  };
}
