// Through a real gateway with a small long_call_timeout_seconds: a tool whose wait the caller
// chooses either refuses a wait the gateway would cut off, or answers with its own timed-out
// result (and the output so far) before the gateway's bound, never the bare "timed out" error.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';

const docker = testDocker();
let gateway: TestGateway;
let client: Client;
let id: string;

const call = async (name: string, args: Record<string, unknown>): Promise<CallToolResult> =>
  (await client.callTool({ name, arguments: args })) as CallToolResult;
const text = (result: CallToolResult): string => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

beforeAll(async () => {
  const c = await docker.createContainer({
    name: uniqueName('bound'), Image: testEnv.testImage, Cmd: ['sleep', '3600'], Labels: { [TEST_LABEL]: '1' },
    HostConfig: { NetworkMode: 'none' },
  });
  await c.start();
  id = c.id;
  gateway = await startTestGateway({ long_call_timeout_seconds: 3 });
  ({ client } = await connectHttpClient(gateway.url));
});

afterAll(async () => {
  await client?.close();
  await gateway?.stop();
  await docker.getContainer(id).remove({ force: true });
});

describe('caller-chosen waits under long_call_timeout_seconds', () => {
  it('refuses a wait above the bound at once, before anything runs', async () => {
    const before = (await docker.getContainer(id).inspect()).ExecIDs?.length ?? 0;
    const started = Date.now();
    const result = await call('container_exec', { container: id, command: ['true'], user: '65534:65534', timeout_seconds: 3600 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('timeout_seconds 3600 is above this gateway\'s long_call_timeout_seconds (3)');
    expect(text(result)).toContain('Ask for at most 3, or raise long_call_timeout_seconds.');
    expect((await docker.getContainer(id).inspect()).ExecIDs?.length ?? 0).toBe(before);
    const wait = await call('container_wait', { container: id, timeout_seconds: 60 });
    expect(wait.isError).toBe(true);
    expect(text(wait)).toContain('timeout_seconds 60 is above');
  });

  it('answers with timed_out and the output collected before the bound', async () => {
    const result = await call('container_exec', { container: id, command: ['sh', '-c', 'echo started; sleep 30'], user: '65534:65534', timeout_seconds: 3 });
    expect(result.isError, text(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ timed_out: true, exit_code: null, stdout: 'started\n' });
    expect(text(result)).toMatch(/timeout_seconds 3 was cut short/);
    const wait = await call('container_wait', { container: id, timeout_seconds: 3 });
    expect(wait.isError).toBeFalsy();
    expect(wait.structuredContent).toMatchObject({ timed_out: true, exited: false });
  });
});
