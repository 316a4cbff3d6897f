// Review finding (issue 14, second review): a read-only bind is read-only only at its top. Docker
// binds recursively and, measured on this daemon (Docker 28, Binds ":ro" and Mounts ReadOnly
// alike), leaves every mount below the source writable. So under the recommended
// `allowed_bind_paths: ["/srv/apps:ro"]`, a host filesystem mounted below the entry (a data disk at
// /srv/apps/uploads) was writable to any container: it left a setuid-root shell there, live on the
// host, and could plant the symlinks that the ":ro entries allow subpaths" rule assumes no container
// can. Real tools, real policy, private daemon; the planted file is measured from the host.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PolicyOptions } from '../../src/gateway/policy/policy.js';
import { containerRun } from '../../src/gateway/tools/containers-create.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { defaultPolicyOptions, policyToolContext } from '../helpers/policy-context.js';
import { tempDir } from '../helpers/temp-dir.js';
import { callTool } from '../helpers/tool-context.js';

const docker = testDocker();
const made: string[] = [];
const submounts: string[] = [];

afterAll(async () => {
  await Promise.allSettled(made.map((c) => docker.getContainer(c).remove({ force: true })));
  for (const dir of submounts) { try { execFileSync('umount', ['-l', dir]); } catch { /* already gone */ } }
});

/** A read-only allowed root as the recommended settings have it, judged with the gateway's mount checks on. */
function readOnlyRoot(root: string): ReturnType<typeof policyToolContext> {
  const rules: PolicyOptions['rules'] = {
    binds: { rules: [{ path: root, readOnlyOnly: true }], socketPaths: ['/var/run/docker.sock'], requireNosuidNodev: true },
    allowedCapabilities: new Set(),
  };
  return policyToolContext(defaultPolicyOptions({ rules }));
}

const run = (root: string, source: string, cmd: string) => callTool(containerRun, {
  image: testEnv.testImage, name: uniqueName('ro'), network_mode: 'none', wait: true, labels: { [TEST_LABEL]: '1' },
  mounts: [{ type: 'bind', source, target: '/data', read_only: true }], cmd: ['sh', '-c', cmd],
}, readOnlyRoot(root)).then((r) => { made.push(r.structured.id); return r; });

const stat = (path: string) => { try { return lstatSync(path); } catch { return undefined; } };

describe('a read-only allowed root', () => {
  it('is refused when a writable filesystem is mounted below it, so nothing is written through ":ro"', async () => {
    const root = tempDir('dmcp-review2-ro-');
    const uploads = join(root, 'uploads');
    mkdirSync(uploads);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', uploads]);
    submounts.push(uploads);
    await expect(run(root, root, 'cp /bin/busybox /data/uploads/sh && chmod 4755 /data/uploads/sh; ls -l /data/uploads'))
      .rejects.toThrow(/bind-writable-mount.*uploads/s);
    const sh = stat(join(uploads, 'sh'));
    expect(!!sh && (sh.mode & 0o4000) !== 0 && sh.uid === 0).toBe(false);
    // The mount below may still be bound by itself: Docker makes the top of a bind read-only.
    const alone = await run(root, uploads, 'touch /data/x 2>&1; echo done');
    expect(alone.structured.stdout).toMatch(/Read-only file system/);
    expect(stat(join(uploads, 'x'))).toBeUndefined();
  });

  it('without mounts below it is still allowed read-only', async () => {
    const root = tempDir('dmcp-review2-ro-');
    mkdirSync(join(root, 'sub'));
    const result = await run(root, root, 'touch /data/sub/x 2>&1; echo done');
    expect(result.structured.stdout).toMatch(/Read-only file system/);
  });
});
