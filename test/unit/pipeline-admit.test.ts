// The admit step (src/gateway/tools/pipeline/admit.ts) with the real limits (limits/rate-limit.ts):
// a call over the rate or concurrency limit is refused with a Retry-After, before anything else
// runs; an admitted call holds its slot until the rest of the pipeline answered or threw.
import { describe, expect, it } from 'vitest';
import { createCallLimits } from '../../src/gateway/limits/rate-limit.js';
import { admitStep } from '../../src/gateway/tools/pipeline/admit.js';
import type { CallOutput } from '../../src/gateway/tools/registry-types.js';
import { okOutput, stubNext, toolCall } from './pipeline-helpers.js';

describe('admit step', () => {
  it('refuses past the rate limit with the seconds to wait, without running the call', async () => {
    const step = admitStep(createCallLimits(1, 0));
    const next = stubNext();
    expect((await step(toolCall(), next)).outcome).toBe('ok');
    const refused = await step(toolCall(), next);
    expect(next.calls).toHaveLength(1);
    expect(refused.outcome).toBe('limited');
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.result.isError).toBe(true);
    expect(refused.result.content[0]).toMatchObject({ text: expect.stringMatching(new RegExp(`\\nHint: Retry in ${refused.retryAfterSeconds} s\\.$`)) as unknown });
  });

  it('holds the concurrency slot while the call runs and frees it after an answer or a throw', async () => {
    const limits = createCallLimits(0, 1);
    const step = admitStep(limits);
    let finish: (output: CallOutput) => void = () => undefined;
    const first = step(toolCall(), () => new Promise((resolve) => (finish = resolve)));
    expect((await step(toolCall(), stubNext())).outcome).toBe('limited');
    finish(okOutput());
    await first;
    expect(limits.concurrency.running('token:admin')).toBe(0);

    await expect(step(toolCall(), stubNext(new Error('boom')))).rejects.toThrow('boom');
    expect(limits.concurrency.running('token:admin')).toBe(0);
    expect((await step(toolCall(), stubNext())).outcome).toBe('ok');
  });
});
