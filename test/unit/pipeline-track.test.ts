// The track step (src/gateway/tools/pipeline/track.ts): a call counts as in flight (for shutdown's
// wait and the gauge) while the rest of the pipeline runs, and stops counting however it ends.
import { describe, expect, it } from 'vitest';
import { createCallTracker } from '../../src/gateway/tools/pipeline/track.js';
import type { CallOutput } from '../../src/gateway/tools/registry-types.js';
import { metricValue, okOutput, origin, quietMetrics, toolCall } from './pipeline-helpers.js';

describe('track step', () => {
  it('counts the call while it runs, per transport, and returns to 0 after an answer or a throw', async () => {
    const metrics = quietMetrics();
    const tracker = createCallTracker(metrics);
    let finish: (output: CallOutput) => void = () => undefined;
    const running = tracker.step(toolCall(undefined, undefined, origin({ transport: 'ws' })), () => new Promise((resolve) => (finish = resolve)));
    expect(tracker.inFlight()).toBe(1);
    expect(await metricValue(metrics, 'docker_mcp_tool_calls_in_flight', { transport: 'ws' })).toBe(1);
    finish(okOutput());
    await running;
    expect(tracker.inFlight()).toBe(0);
    expect(await metricValue(metrics, 'docker_mcp_tool_calls_in_flight', { transport: 'ws' })).toBe(0);

    await expect(tracker.step(toolCall(), () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(tracker.inFlight()).toBe(0);
    expect(await metricValue(metrics, 'docker_mcp_tool_calls_in_flight', { transport: 'http' })).toBe(0);
  });
});
