// Review of issue 14 (surface): the local volume driver mounts nfs and cifs shares itself. dockerd
// hands `o=addr=…` (after resolving a host name from the HOST's resolver) and the cifs `//host/share`
// to the kernel, which connects from the host's network namespace when a container using the volume
// starts. With only the filesystem type judged, an admin created `type=nfs,o=addr=127.0.0.1` or
// `addr=169.254.169.254` (the cloud metadata service): the same host-loopback/metadata reach that
// image-local-registry closes for pulls. Addresses are now literal IPs judged like registry hosts.
// (The kernel of the test VM has no nfs/cifs, so the evidence is Docker's own state: the volume
// exists and a start makes dockerd attempt the mount with that address.)
import { afterAll, describe, expect, it } from 'vitest';
import { containerStart } from '../../src/gateway/tools/containers-lifecycle.js';
import { volumeCreate, volumePrune, volumeRemove } from '../../src/gateway/tools/volumes.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { defaultPolicyOptions, policyToolContext } from '../helpers/policy-context.js';
import { callTool } from '../helpers/tool-context.js';

const docker = testDocker();
const run = uniqueName('volsrv');
const created: string[] = [];
afterAll(async () => {
  for (const name of created) await docker.getVolume(name).remove({ force: true }).catch(() => undefined);
});

const RULE = /policy rule volume-server: /;
const context = () => policyToolContext(defaultPolicyOptions());

async function attempt(suffix: string, driverOpts: Record<string, string>): Promise<unknown> {
  const name = `dmcp-${run}-${suffix}`;
  created.push(name);
  return callTool(volumeCreate, { name, driver_opts: driverOpts }, context());
}

describe('nfs/cifs volumes may not make the host connect to its own loopback or link-local addresses', () => {
  it('refuses addr= on the loopback, link-local, unspecified (every spelling) and host names dockerd would resolve', async () => {
    const cases: Record<string, string>[] = [
      { type: 'nfs', o: 'addr=127.0.0.1,rw,port=2375', device: ':/' },
      { type: 'nfs4', o: 'rw,addr=169.254.169.254', device: ':/' },
      { type: 'nfs', o: 'addr=0x7f000001', device: ':/' },
      { type: 'nfs', o: 'addr=127.1', device: ':/' },
      { type: 'nfs', o: 'addr=::1', device: ':/' },
      { type: 'nfs', o: 'addr=::ffff:127.0.0.1', device: ':/' },
      { type: 'nfs', o: 'addr=0.0.0.0', device: ':/' },
      { type: 'nfs', o: 'addr=localhost', device: ':/' },
      { type: 'nfs', o: 'addr=metadata.google.internal', device: ':/' },
      { type: 'nfs', o: 'addr=192.0.2.10,mountaddr=127.0.0.1', device: ':/' },
      { type: 'NFS', o: 'ADDR=127.0.0.1', device: ':/' },
      { type: 'nfs', o: 'addr=192.0.2.10,addr=127.0.0.1', device: ':/' },
      { type: 'cifs', o: 'username=u', device: '\\\\127.0.0.1\\share' },
      { type: 'cifs', o: 'username=u', device: '\\\\localhost\\share' },
      { type: 'cifs', o: 'username=u', device: '\\\\fileserver\\share' },
      { type: 'cifs', o: 'ip=169.254.169.254', device: '\\\\192.0.2.10\\share' },
      { type: 'cifs', o: 'addr=127.0.0.1', device: '\\\\192.0.2.10\\share' },
      { type: 'nfs', o: 'rw', device: 'localhost:/export' },
    ];
    for (const [i, opts] of cases.entries()) {
      await expect(attempt(`bad${i}`, opts), JSON.stringify(opts)).rejects.toThrow(RULE);
    }
    const names = ((await docker.listVolumes()).Volumes ?? []).map((v) => v.Name).filter((n) => n.startsWith(`dmcp-${run}-bad`));
    expect(names).toEqual([]);
  });

  it('still creates nfs and cifs volumes whose server is a literal, non-local address, and tmpfs volumes', async () => {
    await expect(attempt('nfs', { type: 'nfs', o: 'addr=192.0.2.10,rw,nfsvers=4', device: ':/export' })).resolves.toMatchObject({ structured: { driver: 'local' } });
    await expect(attempt('cifs', { type: 'cifs', o: 'addr=192.0.2.11,username=u', device: '\\\\fileserver\\share' })).resolves.toMatchObject({ structured: { driver: 'local' } });
    await expect(attempt('cifsip', { type: 'cifs', o: 'username=u', device: '\\\\192.0.2.12\\share' })).resolves.toMatchObject({ structured: { driver: 'local' } });
    await expect(attempt('tmp', { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' })).resolves.toMatchObject({ structured: { driver: 'local' } });
  });

  it('(refuted) volume_remove with force and volume_prune all do not take the volume of a stopped protected container', async () => {
    const volume = `dmcp-${run}-guarded`;
    created.push(volume);
    await docker.createVolume({ Name: volume, Labels: { [TEST_LABEL]: run } });
    const protectedOne = await docker.createContainer({
      Image: testEnv.testImage, name: `dmcp-${run}-cloudflared`, Cmd: ['true'], Labels: { [TEST_LABEL]: run },
      HostConfig: { NetworkMode: 'none', Binds: [`${volume}:/data`] },
    });
    try {
      await expect(callTool(volumeRemove, { name: volume, force: true }, context())).rejects.toThrow(/in use/);
      // Narrowed to this test's volume: the daemon is shared by the test files of this run.
      await callTool(volumePrune, { all: true, label: [`${TEST_LABEL}=${run}`] }, context());
      await expect(docker.getVolume(volume).inspect()).resolves.toMatchObject({ Name: volume });
    } finally {
      await protectedOne.remove({ force: true });
    }
  });

  it('a container created outside the gateway with a loopback nfs volume is not started (the start is where dockerd mounts)', async () => {
    const volume = `dmcp-${run}-outside`;
    created.push(volume);
    await docker.createVolume({ Name: volume, Labels: { [TEST_LABEL]: run }, DriverOpts: { type: 'nfs', o: 'addr=127.0.0.1,port=2049', device: ':/' } });
    const outside = await docker.createContainer({
      Image: testEnv.testImage, name: `dmcp-${run}-outside`, Cmd: ['true'], Labels: { [TEST_LABEL]: run },
      HostConfig: { NetworkMode: 'none', Binds: [`${volume}:/data`] },
    });
    try {
      const refused = await callTool(containerStart, { container: outside.id }, context()).then(() => 'started', (e: Error) => e.message);
      expect(refused).toMatch(/run-target.*option addr=127\.0\.0\.1: .*rule volume-server/s);
      expect((await outside.inspect()).State.StartedAt).toMatch(/^0001-/);
      // What the gateway prevents: dockerd itself hands the address to the kernel's mount.
      await expect(outside.start()).rejects.toThrow(/127\.0\.0\.1|no such device|mount/i);
    } finally {
      await outside.remove({ force: true });
    }
  });
});
