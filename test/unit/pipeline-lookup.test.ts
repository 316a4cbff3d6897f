// The lookup step (src/gateway/tools/pipeline/lookup.ts): a tool this caller may see goes on as a
// call; a name that is no tool is a JSON-RPC "Unknown tool" error, not recorded; a tool hidden from
// the caller is refused with what would allow it, on record, and costs a rate-limit token.
import { describe, expect, it } from 'vitest';
import { createCallLimits } from '../../src/gateway/limits/rate-limit.js';
import type { Identity } from '../../src/gateway/security.js';
import { HiddenToolError, UnknownToolError } from '../../src/gateway/tools/hidden-tools.js';
import { allTools } from '../../src/gateway/tools/index.js';
import { lookupStep } from '../../src/gateway/tools/pipeline/lookup.js';
import { memoryAudit, origin, presetPolicy, stubNext, token } from './pipeline-helpers.js';

const policy = presetPolicy('operator');
const visible = (identity: Identity) => policy.visibleTools(identity, allTools);

describe('lookup step', () => {
  it('hands on a visible tool as a call with every later field still empty', async () => {
    const next = stubNext();
    const from = origin({ identity: token('operate') });
    await lookupStep({ tools: allTools, policy, visible })({ name: 'container_list', args: { all: true }, origin: from }, next);
    expect(next.calls).toHaveLength(1);
    const [call] = next.calls;
    expect(call!.tool.name).toBe('container_list');
    expect(call).toMatchObject({ name: 'container_list', args: { all: true }, origin: from, input: undefined, decision: undefined });
  });

  it('a name that is no tool (even `__proto__`) rejects with UnknownToolError and leaves no audit line', async () => {
    const audit = memoryAudit();
    const lookup = lookupStep({ tools: allTools, policy, visible, audit });
    const next = stubNext();
    for (const name of ['format_disk', '__proto__', 'constructor']) {
      await expect(lookup({ name, args: {}, origin: origin() }, next)).rejects.toBeInstanceOf(UnknownToolError);
    }
    expect(next.calls).toHaveLength(0);
    expect(audit.lines()).toEqual([]);
  });

  it('a hidden tool rejects with HiddenToolError, leaves a denied audit line and costs a rate-limit token', async () => {
    const audit = memoryAudit();
    const admission = createCallLimits(1, 0);
    const lookup = lookupStep({ tools: allTools, policy, visible, audit, admission });
    const next = stubNext();
    const from = origin({ identity: token('operate', 'ops'), requestId: 'ws:c1:7', transport: 'ws' });
    await expect(lookup({ name: 'image_pull', args: { image: 'alpine' }, origin: from }, next)).rejects.toBeInstanceOf(HiddenToolError);
    expect(next.calls).toHaveLength(0);
    expect(audit.lines()).toEqual([expect.objectContaining({
      identity: 'token:ops', transport: 'ws', tool: 'image_pull', requestId: 'ws:c1:7', outcome: 'denied',
      arguments: { image: 'alpine' }, decision: expect.objectContaining({ result: 'deny', rule: 'hidden_tool' }) as unknown,
    })]);
    // The one token of this minute went to the refusal.
    expect(admission.admit('token:ops').ok).toBe(false);
  });

  it('refuses a tool list with two tools of one name when the registry is built', () => {
    expect(() => lookupStep({ tools: [allTools[0]!, allTools[0]!], policy, visible })).toThrow(/duplicate tool names/);
  });
});
