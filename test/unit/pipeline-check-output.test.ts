// The check-output step (src/gateway/tools/pipeline/check-output.ts): a handler's structured
// result that does not match its output schema is our bug: the caller gets an internal error (no
// stack, no output), the log gets the issues; a matching result goes out as the schema parsed it.
import { describe, expect, it } from 'vitest';
import { checkOutputStep } from '../../src/gateway/tools/pipeline/check-output.js';
import type { CallOutput } from '../../src/gateway/tools/registry-types.js';
import { memoryLog, stubNext, toolCall } from './pipeline-helpers.js';

const answer = (structuredContent: Record<string, unknown>): CallOutput =>
  ({ outcome: 'ok', decision: { allowed: true }, result: { content: [{ type: 'text', text: 'x' }], structuredContent } });

describe('check-output step', () => {
  it('refuses a result that does not match the schema, and logs why', async () => {
    const { log, lines } = memoryLog('error');
    const output = await checkOutputStep(log)(toolCall(), stubNext(answer({ value: 42 })));
    expect(output).toEqual({
      outcome: 'internal',
      result: { isError: true, content: [{ type: 'text', text: 'Internal error: echo_value produced output that does not match its schema.' }] },
    });
    expect(lines()).toEqual([expect.objectContaining({ msg: 'tool output does not match its schema', tool: 'echo_value' })]);
  });

  it('sends a matching result as the schema parsed it (undeclared fields dropped)', async () => {
    const output = await checkOutputStep(memoryLog('silent').log)(toolCall(), stubNext(answer({ value: 'ok', internal: 'x' })));
    expect(output).toEqual(answer({ value: 'ok' }));
  });

  it('leaves failures as they are', async () => {
    const failed: CallOutput = { outcome: 'tool_error', result: { isError: true, content: [{ type: 'text', text: 'Not found' }] } };
    expect(await checkOutputStep(memoryLog('silent').log)(toolCall(), stubNext(failed))).toBe(failed);
  });
});
