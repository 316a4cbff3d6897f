// Class 6 of issue 14: with allow_exec_root off, an exec must never run with uid 0 or gid 0,
// whatever the container's own files say. Docker resolves a user or group NAME (and a number too
// big for Go's Atoi) through the container's /etc/passwd and /etc/group, and gives a uid without
// a group the passwd group plus every /etc/group membership. A container whose passwd is writable
// by group 0 (a common image pattern) lets an exec as 1000:0 add `toor:x:0:0`; exec as `toor` is
// then uid 0; and a GroupAdd entry, numeric or not, is looked up by name in /etc/group first.
// Real containers on the private daemon, the real container_exec tool and policy.
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerExec } from '../../src/gateway/tools/exec.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { policyToolContext } from '../helpers/policy-context.js';
import { callTool } from '../helpers/tool-context.js';
import { execDirect } from '../helpers/docker-exec.js';

const docker = testDocker();
const made: Dockerode.Container[] = [];

async function running(extra: Record<string, unknown> = {}, hostConfig: Record<string, unknown> = {}): Promise<Dockerode.Container> {
  const c = await docker.createContainer({
    name: uniqueName('passwd'), Image: testEnv.testImage, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: '1' }, HostConfig: hostConfig, ...extra,
  });
  made.push(c);
  await c.start();
  // The image pattern: passwd writable by group 0; user app (1000) also listed in group root.
  await direct(c, ['sh', '-c', 'echo "app:x:1000:1000::/:/bin/sh" >> /etc/passwd && echo "root:x:0:app" > /etc/group.new && ' +
    'grep -v "^root:" /etc/group >> /etc/group.new && mv /etc/group.new /etc/group && echo "app:x:1000:" >> /etc/group && chmod 664 /etc/passwd']);
  return c;
}

/** Straight to Docker, no gateway: shows what Docker does with a user spelling. */
const direct = (c: Dockerode.Container, cmd: string[], user = '0:0'): Promise<string> => execDirect(c, cmd, { user, withStderr: true });

async function execIds(c: Dockerode.Container): Promise<string[]> {
  return (await c.inspect()).ExecIDs ?? [];
}

/** Refused by the policy with `rule`, and no exec was created in the container. */
async function expectRefused(c: Dockerode.Container, user: string | undefined, rule: RegExp): Promise<void> {
  const before = await execIds(c);
  const args = { container: c.id, command: ['id'], ...(user !== undefined ? { user } : {}) };
  await expect(callTool(containerExec, args, policyToolContext())).rejects.toThrow(rule);
  expect(await execIds(c)).toEqual(before);
}

let target: Dockerode.Container;

beforeAll(async () => {
  target = await running();
});

afterAll(async () => {
  await Promise.allSettled(made.map((c) => c.remove({ force: true })));
});

describe('exec users that Docker resolves through the container\'s own files', () => {
  it('Docker really runs a name from a rewritten passwd as uid 0 (what the refusals below prevent)', async () => {
    const c = await running();
    await direct(c, ['sh', '-c', 'echo "toor:x:0:0::/:/bin/sh" >> /etc/passwd'], '1000:0');
    expect(await direct(c, ['id', '-u'], 'toor')).toBe('0\n');
    // A uid alone gets the /etc/group memberships: here group 0.
    expect((await direct(c, ['id', '-G'], '1000')).trim().split(' ')).toContain('0');
  });

  it('the toor attack: exec as 1000:0 to rewrite passwd is refused, passwd stays as it was', async () => {
    const before = await direct(target, ['cat', '/etc/passwd']);
    const args = { container: target.id, command: ['sh', '-c', 'echo "toor:x:0:0::/:/bin/sh" >> /etc/passwd'], user: '1000:0' };
    await expect(callTool(containerExec, args, policyToolContext())).rejects.toThrow(/exec-root.*group 0/);
    expect(await direct(target, ['cat', '/etc/passwd'])).toBe(before);
  });

  it('exec as a name that passwd makes uid 0 is refused', async () => {
    const c = await running();
    await direct(c, ['sh', '-c', 'echo "toor:x:0:0::/:/bin/sh" >> /etc/passwd && echo "99999999999999999999:x:0:0::/:/bin/sh" >> /etc/passwd']);
    await expectRefused(c, 'toor', /exec-user/);
    await expectRefused(c, 'toor:1000', /exec-user/);
    // Too big for Go's Atoi, so Docker looks it up as a name: uid 0 here.
    expect(await direct(c, ['id', '-u'], '99999999999999999999:1000')).toBe('0\n');
    await expectRefused(c, '99999999999999999999:1000', /exec-user/);
  });

  it.each([
    ['a name', 'nobody', /exec-user/],
    ['a uid without a group (group and supplementary groups from the container\'s files)', '1000', /exec-user/],
    ['a numeric uid with a group name', '1000:shadow', /exec-user/],
    ['gid 0', '1000:0', /exec-root/],
    ['gid 0 spelled 00', '1000:00', /exec-root/],
  ])('exec user as %s is refused', async (_label, user, rule) => {
    await expectRefused(target, user, rule);
  });

  it('with no exec user, the container\'s own User must be numeric uid:gid too', async () => {
    const named = await running({ User: 'nobody' });
    await expectRefused(named, undefined, /exec-user.*Config\.User/s);
    const uidOnly = await running({ User: '1000' });
    await expectRefused(uidOnly, undefined, /exec-user/);
    const ok = await running({ User: '1000:1000' });
    const result = await callTool(containerExec, { container: ok.id, command: ['id', '-u'] }, policyToolContext());
    expect(result.structured).toMatchObject({ exit_code: 0, stdout: '1000\n' });
  });

  it('Docker looks a numeric GroupAdd entry up by name first: a /etc/group line "1234:x:0:" makes it gid 0', async () => {
    const c = await running({}, { GroupAdd: ['1234'] });
    expect((await direct(c, ['id', '-G'], '1000:1000')).trim()).toBe('1000 1234');
    await direct(c, ['sh', '-c', 'echo "1234:x:0:" > /tmp/g && cat /etc/group >> /tmp/g && cat /tmp/g > /etc/group']);
    expect((await direct(c, ['id', '-G'], '1000:1000')).trim().split(' ')).toContain('0');
  });

  it.each([[['0']], [['root']], [['nogroup']], [['1234']]])('exec into a container with GroupAdd %j is refused', async (groupAdd) => {
    const c = await running({}, { GroupAdd: groupAdd });
    await expectRefused(c, '1000:1000', /exec-root.*GroupAdd/s);
  });

  it('numeric uid:gid runs with exactly that group: no supplementary groups from /etc/group', async () => {
    const plain = await callTool(containerExec, { container: target.id, command: ['id', '-G'], user: '1000:1000' }, policyToolContext());
    // The container's /etc/group lists app (uid 1000) in group root; Docker does not apply it here.
    expect(plain.structured).toMatchObject({ exit_code: 0, stdout: '1000\n' });
  });
});
