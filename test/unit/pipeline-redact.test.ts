// The redact step (src/gateway/tools/pipeline/redact.ts): whatever a handler or Docker put in a
// result, a secret in it never leaves; the rest of the answer is untouched.
import { describe, expect, it } from 'vitest';
import { redactStep } from '../../src/gateway/tools/pipeline/redact.js';
import type { CallOutput } from '../../src/gateway/tools/registry-types.js';
import { stubNext, toolCall } from './pipeline-helpers.js';

describe('redact step', () => {
  it('withholds secrets in the text and the structured content, and keeps outcome and decision', async () => {
    const answer: CallOutput = {
      outcome: 'ok',
      decision: { allowed: true },
      result: {
        content: [{ type: 'text', text: 'app --token s1 --name visible' }],
        structuredContent: { env: ['DB_PASSWORD=s2', 'PLAIN=visible'] },
      },
    };
    const output = await redactStep(toolCall(), stubNext(answer));
    expect(output.outcome).toBe('ok');
    expect(output.decision).toEqual({ allowed: true });
    expect(output.result.content).toEqual([{ type: 'text', text: 'app --token [REDACTED] --name visible' }]);
    expect(JSON.stringify(output.result.structuredContent)).not.toMatch(/s2/);
    expect(JSON.stringify(output.result.structuredContent)).toMatch(/PLAIN=visible/);
  });

  it('redacts an error result too (its text becomes the audit line error)', async () => {
    const output = await redactStep(toolCall(), stubNext({
      outcome: 'tool_error', result: { isError: true, content: [{ type: 'text', text: 'failed: password: hunter2' }] },
    }));
    expect(output.result).toEqual({ isError: true, content: [{ type: 'text', text: 'failed: password: [REDACTED]' }] });
  });
});
