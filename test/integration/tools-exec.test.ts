// container_exec against a real running container: argv without a shell, exit codes, split
// output, caps, timeouts and cancellation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDestroyed, recentStreams } from '../../src/gateway/docker/streams.js';
import { ToolError } from '../../src/gateway/tools/define.js';
import { containerExec, execTools } from '../../src/gateway/tools/exec.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { callTool, makeToolContext } from '../helpers/tool-context.js';

const docker = testDocker();
let id: string;

beforeAll(async () => {
  const c = await docker.createContainer({
    name: uniqueName('exec'), Image: testEnv.testImage, Cmd: ['sleep', '3600'], Labels: { [TEST_LABEL]: '1' },
    HostConfig: { NetworkMode: 'none' },
  });
  await c.start();
  id = c.id;
});

afterAll(async () => {
  await docker.getContainer(id).remove({ force: true });
});

describe('container_exec', () => {
  it('is the only exec tool and takes an argv array', () => {
    expect(execTools.map((t) => t.name)).toEqual(['container_exec']);
    expect(() => containerExec.inputSchema.parse({ container: id, command: 'ls -l' })).toThrow();
    expect(() => containerExec.inputSchema.parse({ container: id, command: [] })).toThrow();
    expect(() => containerExec.inputSchema.parse({ container: id, command: ['ls'], Privileged: true })).toThrow();
  });

  it('returns exit code 0 and stdout, authorizing the exact exec body', async () => {
    const ctx = makeToolContext();
    const result = await callTool(containerExec, { container: id, command: ['echo', 'hello', '$HOME'], env: { X: 'y' }, workdir: '/tmp', user: 'nobody' }, ctx);
    // No shell: "$HOME" arrives literally.
    expect(result.structured).toMatchObject({ exit_code: 0, stdout: 'hello $HOME\n', stderr: '', timed_out: false, cancelled: false });
    expect(ctx.authorized).toEqual([{
      kind: 'container.exec', container: id,
      body: { Cmd: ['echo', 'hello', '$HOME'], User: 'nobody', Privileged: false, Env: ['X=y'], WorkingDir: '/tmp', AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false },
    }]);
    const whoami = await callTool(containerExec, { container: id, command: ['sh', '-c', 'id -u; pwd; echo $X'], env: { X: 'y' }, workdir: '/tmp', user: 'nobody' });
    expect(whoami.structured.stdout).toBe('65534\n/tmp\ny\n');
  });

  it('separates stderr and returns non-zero exit codes', async () => {
    const result = await callTool(containerExec, { container: id, command: ['echo out; echo err >&2; exit 7'], shell: true });
    expect(result.structured).toMatchObject({ exit_code: 7, stdout: 'out\n', stderr: 'err\n' });
    expect(result.text).toMatch(/^Exit code 7\./);
    const missing = await callTool(containerExec, { container: id, command: ['ls', '/nonexistent'] });
    expect(missing.structured.exit_code).not.toBe(0);
    expect(missing.structured.stderr).toContain('nonexistent');
  });

  it('caps large output, keeping the end, with a notice', async () => {
    const ctx = makeToolContext({ limits: { maxOutputBytes: 1000, defaultListLimit: 100 } });
    const result = await callTool(containerExec, { container: id, command: ['seq 1 20000'], shell: true }, ctx);
    expect(result.structured).toMatchObject({ exit_code: 0, stdout_truncated: true, stderr_truncated: false });
    expect(Buffer.byteLength(result.structured.stdout)).toBe(1000);
    expect(result.structured.stdout.endsWith('19999\n20000\n')).toBe(true);
    expect(result.text).toMatch(/\[truncated: stdout was 108894 bytes; showing the last 1000 bytes\]/);
  });

  it('times out, says so and closes the exec stream', async () => {
    const started = Date.now();
    const result = await callTool(containerExec, { container: id, command: ['sh', '-c', 'echo started; sleep 30'], timeout_seconds: 1 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.structured).toMatchObject({ timed_out: true, exit_code: null, stdout: 'started\n' });
    expect(result.text).toMatch(/Timed out after 1s/);
    expect(isDestroyed(recentStreams().at(-1)!)).toBe(true);
  });

  it('refuses a timeout above the gateway\'s long-call bound before anything runs', async () => {
    const before = (await docker.getContainer(id).inspect()).ExecIDs?.length ?? 0;
    const ctx = makeToolContext({ callTimeoutMs: 900_000 });
    const error = await callTool(containerExec, { container: id, command: ['true'], timeout_seconds: 3600 }, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect(error).toMatchObject({
      message: expect.stringContaining('timeout_seconds 3600 is above this gateway\'s long_call_timeout_seconds (900)') as string,
      hint: 'Ask for at most 900, or raise long_call_timeout_seconds.',
    });
    expect(ctx.authorized).toEqual([]);
    expect((await docker.getContainer(id).inspect()).ExecIDs?.length ?? 0).toBe(before);
  });

  it('ends a wait that fits the bound early enough to return timed_out with the output so far', async () => {
    // The registry answers a bare "timed out" at callTimeoutMs and drops the output: the tool must answer first.
    const ctx = makeToolContext({ callTimeoutMs: 2000 });
    const started = Date.now();
    const result = await callTool(containerExec, { container: id, command: ['sh', '-c', 'echo started; sleep 30'], timeout_seconds: 2 }, ctx);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.structured).toMatchObject({ timed_out: true, exit_code: null, stdout: 'started\n' });
    expect(result.text).toMatch(/^Timed out after \d+(\.\d)?s \(timeout_seconds 2 was cut short .* long_call_timeout_seconds of 2\)/);
    // A short command is not affected by the bound.
    const quick = await callTool(containerExec, { container: id, command: ['echo', 'ok'], timeout_seconds: 2 }, ctx);
    expect(quick.structured).toMatchObject({ exit_code: 0, stdout: 'ok\n', timed_out: false });
  });

  it('a cancel settles at once and destroys the stream', async () => {
    const ctx = makeToolContext();
    const pending = callTool(containerExec, { container: id, command: ['sleep', '30'], timeout_seconds: 60 }, ctx);
    await new Promise((r) => setTimeout(r, 500));
    const abortedAt = Date.now();
    ctx.controller.abort();
    const result = await pending;
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(result.structured).toMatchObject({ cancelled: true, exit_code: null });
    expect(isDestroyed(recentStreams().at(-1)!)).toBe(true);
  });

  it('is refused by a policy before Docker sees it, and 404s on a missing container', async () => {
    const before = (await docker.getContainer(id).inspect()).ExecIDs?.length ?? 0;
    const ctx = makeToolContext({ authorize: () => Promise.reject(new Error('exec denied')) });
    await expect(callTool(containerExec, { container: id, command: ['true'], privileged: true }, ctx)).rejects.toThrow('exec denied');
    expect((await docker.getContainer(id).inspect()).ExecIDs?.length ?? 0).toBe(before);
    await expect(callTool(containerExec, { container: 'missing-container-xyz', command: ['true'] })).rejects.toMatchObject({ statusCode: 404 });
  });
});
