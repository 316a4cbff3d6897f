// docs/security.md: the gateway's own container is protected; detectSelf finds its id. Here the
// files it reads come from a real container on the private daemon (its /proc/self/mountinfo and
// /proc/self/cgroup, its hostname, its /.dockerenv), once with the default cgroup namespace and
// once with a private one; and this process's own files, read while a container with a shareable
// IPC namespace runs (Docker mounts its shm under <data-root>/containers/<id>/ on the host), must
// not make that container "self".
import type Dockerode from 'dockerode';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { detectSelf } from '../../src/gateway/security-config.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { execDirect } from '../helpers/docker-exec.js';

const docker = testDocker();
const made: Dockerode.Container[] = [];

async function started(hostConfig: Record<string, unknown>): Promise<Dockerode.Container> {
  const c = await docker.createContainer({
    name: uniqueName('self'), Image: testEnv.testImage, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: 'self' }, HostConfig: { NetworkMode: 'none', ...hostConfig },
  });
  made.push(c);
  await c.start();
  return c;
}

/** Runs `cmd` in `c` and returns its stdout. */
const run = (c: Dockerode.Container, cmd: string[]): Promise<string> => execDirect(c, cmd);

afterAll(async () => {
  await Promise.allSettled(made.map((c) => c.remove({ force: true })));
});

describe('detectSelf on the files of a real container', () => {
  it.each([['the daemon\'s default cgroup namespace', {}], ['a private cgroup namespace', { CgroupnsMode: 'private' }]])(
    'finds the container\'s full id and short id (%s)',
    async (_label, hostConfig) => {
      const c = await started(hostConfig);
      const [mountinfo, cgroup, hostname, dockerenv] = await Promise.all([
        run(c, ['cat', '/proc/self/mountinfo']), run(c, ['cat', '/proc/self/cgroup']), run(c, ['hostname']),
        run(c, ['sh', '-c', 'test -e /.dockerenv && echo yes']),
      ]);
      const found = detectSelf({ mountinfo, cgroup, hostname: hostname.trim(), dockerenv: dockerenv.trim() === 'yes' });
      expect(found).toContain(c.id);
      expect(found).toContain(c.id.slice(0, 12));
      // Only its own id: nothing of other containers on the same daemon.
      expect(found.every((id) => c.id.startsWith(id))).toBe(true);
      // From mountinfo alone, too (the cgroup path is "/" in a private namespace).
      expect(detectSelf({ mountinfo, hostname: 'x', dockerenv: false })).toEqual([c.id]);
    },
  );

  it('on the host, a running container with a shareable IPC namespace is not taken for the gateway itself', async () => {
    const c = await started({ IpcMode: 'shareable' });
    const shm = `/containers/${c.id}/mounts/shm`;
    // The attack surface exists here only if the daemon's mounts are visible to this process.
    const visible = readFileSync('/proc/self/mountinfo', 'utf8').includes(shm);
    expect(detectSelf()).not.toContain(c.id);
    if (!visible) console.warn('shm mount of a shareable container not visible in this mount namespace; only the negative is checked');
  });
});
