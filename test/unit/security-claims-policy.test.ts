// docs/security.md claims checked at the policy's own functions: the exec user id boundary
// (numbers Docker reads as numbers go up to 2^31-1; a longer one is looked up as a name in the
// container's /etc/passwd) and "a host cgroup namespace on a cgroup v1 daemon" as the only
// CgroupnsMode host accepted when an existing container is judged (judgeRunnable with the daemon
// defaults supplied, the real private daemon as its client).
import { describe, expect, it } from 'vitest';
import { PolicyDenial } from '../../src/gateway/policy/body.js';
import { checkExecUser } from '../../src/gateway/policy/exec-user.js';
import { judgeRunnable, type DaemonDefaults, type RunnableEnv } from '../../src/gateway/policy/runnable.js';
import type { ContainerFacts } from '../../src/gateway/policy/scope.js';
import { testDocker } from '../helpers/env.js';

function facts(over: Partial<ContainerFacts> = {}): ContainerFacts {
  return { id: 'c'.repeat(64), name: 'app', image: 'busybox', labels: {}, user: '', hostConfig: {}, mounts: [], networks: {}, ...over };
}

/** The rule a call was refused by, or 'allowed'. */
function ruleOf(run: () => void): string {
  try {
    run();
    return 'allowed';
  } catch (error) {
    if (error instanceof PolicyDenial) return error.rule;
    throw error;
  }
}

describe('exec user: the 2^31-1 boundary', () => {
  it.each(['2147483648:1000', '1000:2147483648', '99999999999:1000', '1000:4294967296'])('%s is refused (Docker would look it up as a name)', (user) => {
    expect(ruleOf(() => checkExecUser(user, facts()))).toBe('exec-user');
  });

  it.each(['2147483647:2147483647', '1:1', '1000:1000', '0000001000:2147483647'])('%s is accepted', (user) => {
    expect(ruleOf(() => checkExecUser(user, facts()))).toBe('allowed');
  });

  it('the container\'s own Config.User is held to the same bound when the exec gives none', () => {
    expect(ruleOf(() => checkExecUser(undefined, facts({ user: '2147483648:1000' })))).toBe('exec-user');
    expect(ruleOf(() => checkExecUser('', facts({ user: '2147483647:2147483647' })))).toBe('allowed');
  });
});

describe('judgeRunnable: CgroupnsMode host', () => {
  const env = (defaults: DaemonDefaults): RunnableEnv => ({
    docker: testDocker(),
    rules: { binds: { rules: [], socketPaths: ['/var/run/docker.sock'] }, allowedCapabilities: new Set() },
    daemonDefaults: () => Promise.resolve(defaults),
    scope: { selector: [], protectedLabels: [], protectedContainers: [], self: [] },
  });
  const judge = (hostConfig: Record<string, unknown>, defaults: DaemonDefaults) =>
    judgeRunnable(facts({ hostConfig }), env(defaults)).then(() => 'allowed', (error: unknown) => (error instanceof PolicyDenial ? error.rule : String(error)));

  it.each(['host', 'HOST'])('%s is accepted on a cgroup v1 daemon (every container gets it there)', async (mode) => {
    expect(await judge({ CgroupnsMode: mode }, { cgroupV1: true, runtime: 'runc' })).toBe('allowed');
  });

  it('is refused on a cgroup v2 daemon, and when the daemon could not be asked (strictest defaults)', async () => {
    expect(await judge({ CgroupnsMode: 'host' }, { cgroupV1: false, runtime: 'runc' })).toBe('host-namespace');
    expect(await judge({ CgroupnsMode: 'host' }, { cgroupV1: false, runtime: '' })).toBe('host-namespace');
  });

  it('private is accepted on either (control)', async () => {
    expect(await judge({ CgroupnsMode: 'private' }, { cgroupV1: false, runtime: 'runc' })).toBe('allowed');
    expect(await judge({ CgroupnsMode: 'private' }, { cgroupV1: true, runtime: 'runc' })).toBe('allowed');
  });
});
