// The validate step (src/gateway/tools/pipeline/validate.ts): the arguments against the tool's
// input schema; what passes on is what the schema parsed, and a refusal names each bad field.
import { describe, expect, it } from 'vitest';
import { allTools } from '../../src/gateway/tools/index.js';
import { validateStep } from '../../src/gateway/tools/pipeline/validate.js';
import { echoTool, stubNext, toolCall } from './pipeline-helpers.js';

describe('validate step', () => {
  it('passes the parsed arguments on (defaults applied; none given counts as {})', async () => {
    const next = stubNext();
    await validateStep(toolCall(echoTool, { value: 'a' }), next);
    expect(next.calls[0]!.input).toEqual({ value: 'a', times: 1 });
    const ping = allTools.find((tool) => tool.name === 'system_ping')!;
    await validateStep({ ...toolCall(ping), args: undefined }, next);
    expect(next.calls[1]!.input).toEqual({});
  });

  it('refuses bad arguments by field, unknown fields by name, and does not run the call', async () => {
    const next = stubNext();
    const output = await validateStep(toolCall(echoTool, { value: 3, extra: true }), next);
    expect(next.calls).toHaveLength(0);
    expect(output.outcome).toBe('invalid_args');
    const text = (output.result.content[0] as { text: string }).text;
    expect(text).toMatch(/^Invalid arguments for echo_value: value: .*expected string/);
    expect(text).toMatch(/extra/);
    expect(text).toMatch(/\nHint: Check the tool's inputSchema in tools\/list\.$/);
  });

  it('says which forms a union accepts instead of zod\'s bare "Invalid input"', async () => {
    const logs = allTools.find((tool) => tool.name === 'container_logs')!;
    const output = await validateStep(toolCall(logs, { container: 'x', tail: 'some' }), stubNext());
    expect((output.result.content[0] as { text: string }).text).toMatch(/tail: matches none of its accepted forms \(.*; or .*\)/);
  });
});
