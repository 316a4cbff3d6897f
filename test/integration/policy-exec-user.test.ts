// Exec as root spelled the way Go's strconv.Atoi reads it ("-0", "+0", "-00:-0" are uid 0), through
// the real container_exec tool and the real policy: the input schema refuses a leading sign, and the
// policy refuses those users even if they reach it, also as the container's own Config.User.
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerExec } from '../../src/gateway/tools/exec.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { policyToolContext } from '../helpers/policy-context.js';
import { callTool } from '../helpers/tool-context.js';

const docker = testDocker();
const made: Dockerode.Container[] = [];

async function running(user?: string): Promise<string> {
  const c = await docker.createContainer({
    name: uniqueName('execuser'), Image: testEnv.testImage, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: '1' },
    ...(user !== undefined ? { User: user } : {}),
  });
  made.push(c);
  await c.start();
  return c.id;
}

let plain: string;
let minusZero: string;

beforeAll(async () => {
  plain = await running();
  minusZero = await running('-0');
});

afterAll(async () => {
  await Promise.allSettled(made.map((c) => c.remove({ force: true })));
});

async function execIds(id: string): Promise<string[]> {
  return (await docker.getContainer(id).inspect()).ExecIDs ?? [];
}

describe('exec as root spelled with a sign', () => {
  it('Docker really runs "-0" as uid 0 (what the checks below prevent)', async () => {
    // Straight to Docker, no gateway: shows the spelling is root, so the refusals matter.
    const exec = await docker.getContainer(plain).exec({ Cmd: ['id', '-u'], User: '-0', AttachStdout: true });
    const out = await new Promise<string>((resolve, reject) => {
      void exec.start({ hijack: true }).then((stream) => {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
        stream.on('end', () => resolve(data));
        stream.on('error', reject);
      }, reject);
    });
    expect(out).toMatch(/(^|\D)0\n/);
  });

  it.each(['-0', '+0', '-00:-0', '-0:1000'])('container_exec refuses user %j at the input, before any Docker call', async (user) => {
    const ctx = policyToolContext();
    const before = await execIds(plain);
    await expect(callTool(containerExec, { container: plain, command: ['id', '-u'], user }, ctx)).rejects.toThrow(/no leading/);
    expect(ctx.authorized).toEqual([]);
    expect(await execIds(plain)).toEqual(before);
  });

  it.each(['-0', '+0', '-00:-0', '00'])('the policy refuses user %j as exec-root if it gets past the schema', async (user) => {
    const ctx = policyToolContext();
    const before = await execIds(plain);
    // The handler without the schema: the policy is the second line.
    const args = { container: plain, command: ['id', '-u'], user, shell: false, privileged: false, timeout_seconds: 30 };
    await expect(containerExec.handler(args, ctx)).rejects.toThrow(/exec-root/);
    expect(await execIds(plain)).toEqual(before);
  });

  it('a container whose own User is "-0" cannot be exec\'d into without a user', async () => {
    const ctx = policyToolContext();
    const before = await execIds(minusZero);
    await expect(callTool(containerExec, { container: minusZero, command: ['id', '-u'] }, ctx)).rejects.toThrow(/exec-root.*"-0"/);
    expect(await execIds(minusZero)).toEqual(before);
  });

  it('a non-root uid still runs', async () => {
    const result = await callTool(containerExec, { container: plain, command: ['id', '-u'], user: '1000:1000' }, policyToolContext());
    expect(result.structured).toMatchObject({ exit_code: 0, stdout: '1000\n' });
    const group = await callTool(containerExec, { container: minusZero, command: ['id', '-u'], user: '1000:1000' }, policyToolContext());
    expect(group.structured).toMatchObject({ exit_code: 0, stdout: '1000\n' });
  });
});
