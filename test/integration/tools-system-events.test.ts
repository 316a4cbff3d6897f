// system_events called directly: its listening window stays inside the gateway's long-call bound,
// so the caller gets the events collected, not the registry's bare "timed out" error.
import { describe, expect, it } from 'vitest';
import { eventsTool } from '../../src/gateway/tools/system-events.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { callTool, makeToolContext } from '../helpers/tool-context.js';

const docker = testDocker();

describe('system_events within the long-call bound', () => {
  it('refuses a window above the bound before listening', async () => {
    const ctx = makeToolContext({ callTimeoutMs: 60_000 });
    await expect(callTool(eventsTool, { window_seconds: 600 }, ctx))
      .rejects.toThrow('window_seconds 600 is above this gateway\'s long_call_timeout_seconds (60)');
  });

  it('cuts a window that fits short and returns what arrived', async () => {
    const label = `dev.docker-mcp.events=${uniqueName('ev')}`;
    const ctx = makeToolContext({ callTimeoutMs: 2000 });
    const started = Date.now();
    const pending = callTool(eventsTool, { window_seconds: 2, types: ['container'], labels: [label] }, ctx);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [key = '', value = ''] = label.split('=');
    const c = await docker.createContainer({ Image: testEnv.testImage, Cmd: ['true'], Labels: { [TEST_LABEL]: '1', [key]: value }, HostConfig: { NetworkMode: 'none' } });
    await c.remove();
    const result = await pending;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.structured.stopped_by).toBe('window');
    expect(result.structured.events.map((e) => e.action)).toEqual(expect.arrayContaining(['create', 'destroy']));
    expect(result.text).toMatch(/listened for \d+(\.\d)? s \(window_seconds 2 was cut short/);
  });
});
