// The record step (src/gateway/tools/pipeline/record.ts): one metric sample, one log line and one
// audit line per call, from the answer as it leaves; nothing for a call that threw.
import { describe, expect, it } from 'vitest';
import { NOT_RECORDED } from '../../src/gateway/audit/refusals.js';
import { recordStep } from '../../src/gateway/tools/pipeline/record.js';
import type { CallOutput } from '../../src/gateway/tools/registry-types.js';
import { memoryAudit, memoryLog, metricValue, okOutput, origin, quietMetrics, stubNext, toolCall } from './pipeline-helpers.js';

const failed = (outcome: CallOutput['outcome'], text: string): CallOutput =>
  ({ outcome, result: { isError: true, content: [{ type: 'text', text }] } });

describe('record step', () => {
  it('counts the call by tool, outcome and transport, and times it', async () => {
    const metrics = quietMetrics();
    const { log } = memoryLog('silent');
    const step = recordStep({ metrics, log });
    await step(toolCall(), stubNext());
    await step(toolCall(), stubNext(failed('timeout', 'echo_value timed out')));
    expect(await metricValue(metrics, 'docker_mcp_tool_calls_total', { tool: 'echo_value', outcome: 'ok', transport: 'http' })).toBe(1);
    expect(await metricValue(metrics, 'docker_mcp_tool_calls_total', { tool: 'echo_value', outcome: 'timeout', transport: 'http' })).toBe(1);
    expect(await metricValue(metrics, 'docker_mcp_tool_call_duration_seconds_count', { tool: 'echo_value', outcome: 'ok' })).toBe(1);
  });

  it('writes one audit line per call: outcome, error kind, decision, the failure text and the raw arguments', async () => {
    const audit = memoryAudit();
    const step = recordStep({ metrics: quietMetrics(), log: memoryLog('silent').log, audit });
    const ok = { ...okOutput(), decision: { allowed: true, rule: 'preset' } };
    await step(toolCall(undefined, { value: 'a' }, origin({ requestId: 'http:9' })), stubNext(ok));
    await step(toolCall(undefined, { value: 7 }), stubNext(failed('invalid_args', 'Invalid arguments for echo_value: value: …')));
    await step(toolCall(), stubNext({ ...failed('denied', 'Denied: no'), decision: { allowed: false, rule: 'tool_deny' } }));
    await step(toolCall(), stubNext(failed('denied', 'Denied by policy')));
    expect(audit.lines()).toEqual([
      expect.objectContaining({ tool: 'echo_value', outcome: 'ok', requestId: 'http:9', arguments: { value: 'a' }, decision: 'allow' }),
      expect.objectContaining({ outcome: 'error', errorKind: 'invalid_args', error: 'Invalid arguments for echo_value: value: …', decision: 'allow' }),
      expect.objectContaining({ outcome: 'denied', decision: { result: 'deny', rule: 'tool_deny' } }),
      // No decision carried: a denied outcome still says "not allowed".
      expect.objectContaining({ outcome: 'denied', decision: { result: 'deny' } }),
    ]);
    expect(audit.lines()[0]).not.toHaveProperty('error');
  });

  it('past the rate limit the line keeps no arguments', async () => {
    const audit = memoryAudit();
    const step = recordStep({ metrics: quietMetrics(), log: memoryLog('silent').log, audit });
    await step(toolCall(undefined, { value: 'x'.repeat(10_000) }), stubNext(failed('limited', 'Rate limit')));
    expect(audit.lines()[0]).toMatchObject({ outcome: 'limited', arguments: NOT_RECORDED });
  });

  it('logs the call at info without an audit log, at debug with one (the audit line is then the line)', async () => {
    const plain = memoryLog('info');
    await recordStep({ metrics: quietMetrics(), log: plain.log })(toolCall(), stubNext());
    expect(plain.lines()).toEqual([expect.objectContaining({ level: 30, msg: 'tool call', tool: 'echo_value', outcome: 'ok', identity: 'token:admin' })]);
    const audited = memoryLog('info');
    await recordStep({ metrics: quietMetrics(), log: audited.log, audit: memoryAudit() })(toolCall(), stubNext());
    expect(audited.lines()).toEqual([]);
  });

  it('a call that threw leaves no sample and no line', async () => {
    const metrics = quietMetrics();
    const audit = memoryAudit();
    await expect(recordStep({ metrics, log: memoryLog('silent').log, audit })(toolCall(), stubNext(new Error('boom')))).rejects.toThrow('boom');
    expect(await metrics.registry.getSingleMetricAsString('docker_mcp_tool_calls_total')).not.toMatch(/echo_value/);
    expect(audit.lines()).toEqual([]);
  });
});
