// The harness itself: a private daemon (never the default socket), the local test image and the
// local registry holding a copy of it.
import { describe, expect, it } from 'vitest';
import { testDocker, testEnv } from '../helpers/env.js';

describe('private docker harness', () => {
  it('talks to a private daemon, not the default socket', async () => {
    expect(testEnv.dockerSocket).not.toBe('/var/run/docker.sock');
    const info = await testDocker().info() as { DockerRootDir: string };
    expect(info.DockerRootDir).not.toBe('/var/lib/docker');
  });

  it('has the locally built busybox image, which runs', async () => {
    const docker = testDocker();
    const container = await docker.createContainer({ Image: testEnv.testImage, Cmd: ['echo', 'harness-ok'], HostConfig: { NetworkMode: 'none' } });
    await container.start();
    const result = await container.wait() as { StatusCode: number };
    const logs = await container.logs({ stdout: true });
    await container.remove();
    expect(result.StatusCode).toBe(0);
    expect(logs.toString('utf8')).toContain('harness-ok');
  });

  it('serves the test image from the local registry', async () => {
    const res = await fetch(`http://${testEnv.registry}/v2/dmcp-test/busybox/tags/list`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'dmcp-test/busybox', tags: ['latest'] });
  });
});
