// Issue 14, classes 1 and 6 end to end: a real gateway configured as the docs recommend for agents
// (policy_preset operator, a writable allowed_bind_paths entry, allow_exec_root off), a real MCP
// client over HTTP, real containers. The attacks: restart/start a container whose bind under the
// allowed root another container swapped for a symlink to `/`; exec into an external container
// binding /etc with the shadow group; the toor passwd trick. Docker's state is checked afterwards.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { connectHttpClient, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { nosuidTempDir } from '../helpers/temp-dir.js';

const docker = testDocker();
// nosuid,nodev: the gateway refuses writable binds of other filesystems (policy-review-writable-root).
const root = nosuidTempDir('dmcp-swapgw-');
const made: Dockerode.Container[] = [];
let gateway: TestGateway;
let client: Client;

const call = async (name: string, args: Record<string, unknown>): Promise<CallToolResult> =>
  (await client.callTool({ name, arguments: args })) as CallToolResult;
const text = (result: CallToolResult): string => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

async function make(hostConfig: Record<string, unknown>, start: boolean): Promise<Dockerode.Container> {
  const c = await docker.createContainer({
    name: uniqueName('swapgw'), Image: testEnv.testImage, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: '1' }, HostConfig: hostConfig,
  });
  made.push(c);
  if (start) await c.start();
  return c;
}

/** Straight to Docker as root (the attacker's other container, or the test's own look inside). */
async function direct(c: Dockerode.Container, cmd: string[]): Promise<void> {
  const exec = await c.exec({ Cmd: cmd, User: '0:0' });
  await exec.start({ Detach: true });
  for (let i = 0; i < 50 && (await exec.inspect()).Running; i++) await new Promise((r) => setTimeout(r, 50));
}

beforeAll(async () => {
  gateway = await startTestGateway({ policy_preset: 'operator', allowed_bind_paths: [root], allow_exec_root: false });
  ({ client } = await connectHttpClient(gateway.url));
});

afterAll(async () => {
  await client?.close();
  await gateway?.stop();
  await Promise.allSettled(made.map((c) => c.remove({ force: true })));
});

describe('over MCP, operator preset', () => {
  it('restart and start after a symlink swap under the allowed root are refused; Docker shows nothing ran', async () => {
    mkdirSync(join(root, 'sub'));
    mkdirSync(join(root, 'sub2'));
    writeFileSync(join(root, 'sub', 'only-in-sub'), 'x');
    const running = await make({ Binds: [`${join(root, 'sub')}:/host`] }, true);
    const stopped = await make({ Binds: [`${join(root, 'sub2')}:/host`] }, false);
    const swapper = await make({ Binds: [`${root}:/data`] }, true);
    await direct(swapper, ['sh', '-c', 'cd /data && mv sub sub.old && ln -s / sub && mv sub2 sub2.old && ln -s / sub2']);
    const startedAt = (await running.inspect()).State.StartedAt;

    const restart = await call('container_restart', { container: running.id, timeout_seconds: 0 });
    expect(restart.isError, text(restart)).toBe(true);
    expect(text(restart)).toMatch(/run-target.*bind-subpath/s);
    expect((await running.inspect()).State.StartedAt).toBe(startedAt);

    const start = await call('container_start', { container: stopped.id });
    expect(start.isError, text(start)).toBe(true);
    expect(text(start)).toMatch(/bind-subpath/);
    expect((await stopped.inspect()).State.StartedAt).toBe('0001-01-01T00:00:00Z');
  });

  it('exec into an external container binding /etc with the shadow group is refused', async () => {
    const c = await make({ Binds: ['/etc:/hostetc:ro'] }, true);
    const result = await call('container_exec', { container: c.id, command: ['cat', '/hostetc/shadow'], user: '1000:42' });
    expect(result.isError, text(result)).toBe(true);
    expect(text(result)).toMatch(/exec-into-privileged.*bind-path/s);
    expect((await c.inspect()).ExecIDs ?? []).toEqual([]);
  });

  it('the toor trick is refused at both steps: 1000:0 to write passwd, then the name', async () => {
    const c = await make({}, true);
    await direct(c, ['chmod', '664', '/etc/passwd']);
    const write = await call('container_exec', { container: c.id, command: ['sh', '-c', 'echo toor:x:0:0::/:/bin/sh >> /etc/passwd'], user: '1000:0' });
    expect(text(write)).toMatch(/exec-root/);
    await direct(c, ['sh', '-c', 'echo toor:x:0:0::/:/bin/sh >> /etc/passwd']);
    const asToor = await call('container_exec', { container: c.id, command: ['id', '-u'], user: 'toor' });
    expect(asToor.isError, text(asToor)).toBe(true);
    expect(text(asToor)).toMatch(/exec-user/);
    const ok = await call('container_exec', { container: c.id, command: ['id', '-u'], user: '1000:1000' });
    expect(ok.structuredContent).toMatchObject({ exit_code: 0, stdout: '1000\n' });
  });
});
