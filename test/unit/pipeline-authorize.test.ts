// The authorize step (src/gateway/tools/pipeline/authorize.ts) with the real operation policy: a
// call the policy refuses never runs and says which rule and how to allow it; an allowed call
// carries the decision on (into the audit line).
import { describe, expect, it } from 'vitest';
import { allTools } from '../../src/gateway/tools/index.js';
import { authorizeStep } from '../../src/gateway/tools/pipeline/authorize.js';
import { origin, presetPolicy, stubNext, token, toolCall } from './pipeline-helpers.js';

const tool = (name: string) => allTools.find((t) => t.name === name)!;

describe('authorize step', () => {
  it('refuses a tool the policy denies, naming the rule, the reason and how to allow it', async () => {
    const policy = presetPolicy('admin', ['container_remove']);
    const next = stubNext();
    const output = await authorizeStep(policy)(toolCall(tool('container_remove'), {}, origin({ identity: token('admin', 'ci') })), next);
    expect(next.calls).toHaveLength(0);
    const decision = policy.checkCall(token('admin', 'ci'), tool('container_remove'));
    expect(decision.allowed).toBe(false);
    expect(output).toEqual({
      outcome: 'denied',
      decision,
      result: {
        isError: true,
        content: [{
          type: 'text',
          text: `Denied: container_remove is not allowed for ci (rule ${decision.rule}): ${decision.reason}${decision.howToAllow ? `\nHint: ${decision.howToAllow}` : ''}`,
        }],
      },
    });
  });

  it('refuses by scope: a read token calling an operate tool', async () => {
    const output = await authorizeStep(presetPolicy('admin'))(toolCall(tool('container_stop'), {}, origin({ identity: token('read') })), stubNext());
    expect(output.outcome).toBe('denied');
    expect(output.decision?.allowed).toBe(false);
  });

  it('passes an allowed call on with the decision that allowed it', async () => {
    const policy = presetPolicy('operator');
    const next = stubNext();
    await authorizeStep(policy)(toolCall(tool('container_stop'), {}, origin({ identity: token('operate') })), next);
    expect(next.calls[0]!.decision).toEqual(policy.checkCall(token('operate'), tool('container_stop')));
    expect(next.calls[0]!.decision?.allowed).toBe(true);
  });
});
