// Review finding (issue 14, second review): the nosuid,nodev rule for a writable allowed root read
// only the mount that holds the root. Docker binds recursively (rbind), so every filesystem mounted
// BELOW the root is writable in the container too: a root on a nosuid,nodev filesystem with a
// suid-capable filesystem mounted under it (a data disk at root/cache, say) let a container leave a
// setuid-root shell and a world-writable device node there, live on the host. Real tools, real
// policy, private daemon; the planted files are measured from the host.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PolicyOptions } from '../../src/gateway/policy/policy.js';
import { containerRun } from '../../src/gateway/tools/containers-create.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { defaultPolicyOptions, policyToolContext } from '../helpers/policy-context.js';
import { nosuidTempDir, tempDir } from '../helpers/temp-dir.js';
import { callTool } from '../helpers/tool-context.js';

const docker = testDocker();
const made: string[] = [];
const submounts: string[] = [];
const PLANT = 'mknod /data/cache/disk b 7 0; chmod 666 /data/cache/disk; cp /bin/busybox /data/cache/sh && chmod 4755 /data/cache/sh; ls -l /data/cache';

afterAll(async () => {
  await Promise.allSettled(made.map((c) => docker.getContainer(c).remove({ force: true })));
  for (const dir of submounts) { try { execFileSync('umount', ['-l', dir]); } catch { /* gone with its parent */ } }
});

function policyFor(root: string): ReturnType<typeof policyToolContext> {
  const rules: PolicyOptions['rules'] = {
    binds: { rules: [{ path: root, readOnlyOnly: false }], socketPaths: ['/var/run/docker.sock'], requireNosuidNodev: true },
    allowedCapabilities: new Set(),
  };
  return policyToolContext(defaultPolicyOptions({ rules }));
}

const stat = (path: string) => { try { return lstatSync(path); } catch { return undefined; } };

describe('a writable allowed root on a nosuid,nodev filesystem', () => {
  it('is refused when a filesystem without nosuid,nodev is mounted below it, so nothing setuid or device reaches the host', async () => {
    const root = nosuidTempDir('dmcp-review2-sub-');
    const cache = join(root, 'cache');
    mkdirSync(cache);
    // A suid-capable filesystem below the root (as a host data disk would be).
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', cache]);
    submounts.push(cache);
    const run = callTool(containerRun, {
      image: testEnv.testImage, name: uniqueName('plant'), network_mode: 'none', wait: true, labels: { [TEST_LABEL]: '1' },
      mounts: [{ type: 'bind', source: root, target: '/data' }], cmd: ['sh', '-c', PLANT],
    }, policyFor(root)).then((r) => { made.push(r.structured.id); return r; });
    await expect(run).rejects.toThrow(/bind-writable-mount.*cache.*nosuid/s);
    expect(stat(join(cache, 'disk'))?.isBlockDevice() ?? false).toBe(false);
    const sh = stat(join(cache, 'sh'));
    expect(!!sh && (sh.mode & 0o4000) !== 0 && sh.uid === 0).toBe(false);
  });

  it('is allowed when a mount below it is shadowed by the documented bind of the root onto itself', async () => {
    const root = tempDir('dmcp-review2-sub-');
    const cache = join(root, 'cache');
    mkdirSync(cache);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', cache]);
    // docs/security.md: a non-recursive bind of the directory onto itself, remounted nosuid,nodev,
    // hides the mount below it (it stays in the mount table, hanging off the shadowed mount).
    execFileSync('mount', ['--bind', root, root]);
    execFileSync('mount', ['-o', 'remount,bind,nosuid,nodev', root]);
    submounts.push(root, cache);
    const result = await callTool(containerRun, {
      image: testEnv.testImage, name: uniqueName('plant'), network_mode: 'none', wait: true, labels: { [TEST_LABEL]: '1' },
      mounts: [{ type: 'bind', source: root, target: '/data' }], cmd: ['sh', '-c', `mkdir -p /data/cache; ${PLANT}`],
    }, policyFor(root));
    made.push(result.structured.id);
    expect(stat(join(cache, 'disk'))?.isBlockDevice()).toBe(true);
    // The node landed on the nodev bind, not on the tmpfs below: the host cannot open it.
    expect(() => openSync(join(cache, 'disk'), 'r')).toThrow(/EACCES|EPERM|ENXIO/);
  });

  it('is judged by the mount the path is really on, not by a nosuid mount hidden under a later one', async () => {
    const outer = tempDir('dmcp-review2-sub-');
    const root = join(outer, 'apps');
    mkdirSync(root);
    // The root gets its nosuid,nodev mount; later the host mounts a suid-capable filesystem over
    // its parent, which hides that mount: the path now lands on the new filesystem.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'nosuid,nodev,size=16m', 'tmpfs', root]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', outer]);
    submounts.push(outer, root);
    mkdirSync(join(root, 'cache'), { recursive: true });
    const run = callTool(containerRun, {
      image: testEnv.testImage, name: uniqueName('plant'), network_mode: 'none', wait: true, labels: { [TEST_LABEL]: '1' },
      mounts: [{ type: 'bind', source: root, target: '/data' }], cmd: ['sh', '-c', PLANT],
    }, policyFor(root)).then((r) => { made.push(r.structured.id); return r; });
    await expect(run).rejects.toThrow(/bind-writable-mount.*nosuid/s);
    const sh = stat(join(root, 'cache', 'sh'));
    expect(!!sh && (sh.mode & 0o4000) !== 0 && sh.uid === 0).toBe(false);
  });
});
