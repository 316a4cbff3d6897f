// A local volume created with bind options (type=none, o=bind, device=<host dir>) is a bind mount
// in disguise: inspect lists it as Type "volume". Created outside the gateway (which refuses to
// create one) and pointed at the directory holding the Docker socket, it hands the socket to
// whoever can exec into the container. Exec into such a container is refused; exec into one with
// an ordinary volume still runs. Real container_exec, real policy, private daemon.
import { dirname } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerExec } from '../../src/gateway/tools/exec.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { policyToolContext } from '../helpers/policy-context.js';
import { callTool } from '../helpers/tool-context.js';

const docker = testDocker();
const containers: Dockerode.Container[] = [];
const volumes: string[] = [];

async function withVolume(volumeOptions: Record<string, string>): Promise<string> {
  const volume = uniqueName('execvol');
  await docker.createVolume({ Name: volume, Driver: 'local', DriverOpts: volumeOptions, Labels: { [TEST_LABEL]: '1' } });
  volumes.push(volume);
  const c = await docker.createContainer({
    name: uniqueName('execvol'), Image: testEnv.testImage, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: '1' },
    HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: volume, Target: '/host-run' }] },
  });
  containers.push(c);
  await c.start();
  return c.id;
}

let disguised: string;
let ordinary: string;

beforeAll(async () => {
  // The directory of the private daemon's own socket, as an agent container would mount /var/run.
  disguised = await withVolume({ type: 'none', o: 'bind', device: dirname(testEnv.dockerSocket) });
  ordinary = await withVolume({});
});

afterAll(async () => {
  await Promise.allSettled(containers.map((c) => c.remove({ force: true })));
  await Promise.allSettled(volumes.map((v) => docker.getVolume(v).remove()));
});

describe('exec into a container with a bind-like volume', () => {
  it('is refused, and no exec is created', async () => {
    const before = (await docker.getContainer(disguised).inspect()).ExecIDs ?? [];
    await expect(callTool(containerExec, { container: disguised, command: ['ls', '/host-run'], user: '1000:1000' }, policyToolContext()))
      .rejects.toThrow(/exec-into-privileged.*mounts volume .*whose/s);
    expect((await docker.getContainer(disguised).inspect()).ExecIDs ?? []).toEqual(before);
  });

  it('still runs in a container with an ordinary volume', async () => {
    const result = await callTool(containerExec, { container: ordinary, command: ['echo', 'ok'], user: '1000:1000' }, policyToolContext());
    expect((result.structured as { stdout: string }).stdout).toContain('ok');
  });
});
