// Review finding (issue 14, fresh review): a writable allowed_bind_paths root is shared with the
// host. A container runs as root with Docker's default MKNOD capability, so through a writable bind
// it left a world-writable block device node and a setuid-root shell on the host's filesystem
// (measured from the host below), which any process on the host could use to become root. Docker
// cannot mount a bind nosuid or nodev itself; the host mount can. So a writable bind is refused
// unless the root's filesystem, where the gateway sees it, is mounted nosuid,nodev (the gateway
// sets requireNosuidNodev; security-config.ts). Real tools, real policy, private daemon.
import { lstatSync, openSync } from 'node:fs';
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
const PLANT = 'mknod /data/disk b 7 0; chmod 666 /data/disk; cp /bin/busybox /data/sh && chmod 4755 /data/sh; ls -l /data';

afterAll(async () => {
  await Promise.allSettled(made.map((c) => docker.getContainer(c).remove({ force: true })));
});

/** A policy as the gateway builds it, with one writable allowed root. */
function withRoot(root: string): ReturnType<typeof policyToolContext> {
  const rules: PolicyOptions['rules'] = {
    binds: { rules: [{ path: root, readOnlyOnly: false }], socketPaths: ['/var/run/docker.sock'], requireNosuidNodev: true },
    allowedCapabilities: new Set(),
  };
  return policyToolContext(defaultPolicyOptions({ rules }));
}

const plant = (root: string, readOnly = false) => callTool(containerRun, {
  image: testEnv.testImage, name: uniqueName('plant'), network_mode: 'none', wait: true, labels: { [TEST_LABEL]: '1' },
  mounts: [{ type: 'bind', source: root, target: '/data', read_only: readOnly }], cmd: ['sh', '-c', PLANT],
}, withRoot(root)).then((r) => { made.push(r.structured.id); return r; });

const stat = (path: string) => { try { return lstatSync(path); } catch { return undefined; } };

describe('a writable allowed root', () => {
  it('on a filesystem without nosuid,nodev is refused, so no device node or setuid-root program reaches the host', async () => {
    const root = tempDir('dmcp-review-wr-');
    await expect(plant(root)).rejects.toThrow(/bind-writable-mount.*nosuid/s);
    expect(stat(join(root, 'disk'))?.isBlockDevice() ?? false).toBe(false);
    const sh = stat(join(root, 'sh'));
    expect(!!sh && (sh.mode & 0o4000) !== 0 && sh.uid === 0).toBe(false);
  });

  it('may still be bound read-only', async () => {
    const result = await plant(tempDir('dmcp-review-wr-'), true);
    expect(result.structured.stdout).not.toContain('disk');
  });

  it('on a nosuid,nodev filesystem is allowed, and what a container plants there is inert on the host', async () => {
    const root = nosuidTempDir('dmcp-review-wr-');
    await plant(root);
    expect(stat(join(root, 'disk'))?.isBlockDevice()).toBe(true);
    // nodev: the host cannot open the node, root included.
    expect(() => openSync(join(root, 'disk'), 'r')).toThrow(/EACCES|EPERM|ENXIO/);
  });
});
