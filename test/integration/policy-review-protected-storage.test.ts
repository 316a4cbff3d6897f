// Review finding (issue 14, fresh review): a protected container's storage was not protected. The
// tunnel's credentials live in a named volume (or an allow-listed host directory); an admin could
// mount that same volume — or bind that directory, or its parent, read-only under the recommended
// `/srv/apps:ro` — into a new container and read the secret or rewrite the tunnel's files, and an
// operator could exec into an existing unprotected container that shares the volume. Now every
// volume and bind a container would mount is compared with the mounts of every protected
// container, at create and at each start and exec. Real containers, real tools, real policy.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyOptions } from '../../src/gateway/policy/policy.js';
import { containerRun } from '../../src/gateway/tools/containers-create.js';
import { containerStart } from '../../src/gateway/tools/containers-lifecycle.js';
import { containerExec } from '../../src/gateway/tools/exec.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { defaultPolicyOptions, policyToolContext } from '../helpers/policy-context.js';
import { tempDir } from '../helpers/temp-dir.js';
import { callTool } from '../helpers/tool-context.js';

const docker = testDocker();
const made: Dockerode.Container[] = [];
const volumes: string[] = [];
const SECRET = `tunnel-secret-${Math.random().toString(36).slice(2)}`;
/** The recommended read-only allowed root; the tunnel keeps its config in a subdirectory. */
const root = tempDir('dmcp-review-store-');
const tunnelDir = join(root, 'tunnel');
const siblingDir = join(root, 'app');
const rules: PolicyOptions['rules'] = {
  binds: { rules: [{ path: root, readOnlyOnly: true }], socketPaths: ['/var/run/docker.sock'] },
  allowedCapabilities: new Set(),
};
const admin = (): ReturnType<typeof policyToolContext> => policyToolContext(defaultPolicyOptions({ rules }));
const operator = (): ReturnType<typeof policyToolContext> => policyToolContext(defaultPolicyOptions({ preset: 'operator', rules }));

let credsVolume: string;
let tunnel: Dockerode.Container;

async function make(name: string, hostConfig: Record<string, unknown>): Promise<Dockerode.Container> {
  const c = await docker.createContainer({
    name, Image: testEnv.testImage, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: '1' }, HostConfig: { NetworkMode: 'none', ...hostConfig },
  });
  made.push(c);
  return c;
}

beforeAll(async () => {
  mkdirSync(tunnelDir);
  mkdirSync(siblingDir);
  writeFileSync(join(tunnelDir, 'credentials.json'), SECRET);
  writeFileSync(join(siblingDir, 'index.html'), 'hello');
  credsVolume = uniqueName('cf-creds');
  await docker.createVolume({ Name: credsVolume, Labels: { [TEST_LABEL]: '1' } });
  volumes.push(credsVolume);
  // The protected tunnel (matches the default `*cloudflared*`), made outside the gateway.
  tunnel = await make(uniqueName('cloudflared'), {
    Mounts: [{ Type: 'volume', Source: credsVolume, Target: '/etc/cloudflared' }],
    Binds: [`${tunnelDir}:/config:ro`],
  });
  await tunnel.start();
  const exec = await tunnel.exec({ Cmd: ['sh', '-c', `echo ${SECRET} > /etc/cloudflared/token`] });
  await exec.start({ hijack: true }).then((s) => new Promise((resolve) => { s.on('end', resolve); s.resume(); }));
});

afterAll(async () => {
  await Promise.allSettled(made.map((c) => c.remove({ force: true })));
  await Promise.allSettled(volumes.map((v) => docker.getVolume(v).remove({ force: true })));
});

const run = (spec: Record<string, unknown>) =>
  callTool(containerRun, {
    image: testEnv.testImage, name: uniqueName('reader'), labels: { [TEST_LABEL]: '1' }, network_mode: 'none', wait: true, ...spec,
  }, admin()).then((r) => { made.push(docker.getContainer(r.structured.id)); return r; });

describe('a protected container\'s volumes and bind sources', () => {
  it('cannot be mounted by a new container (admin container_run), so its secret is not read', async () => {
    const attempt = run({ cmd: ['cat', '/x/token'], mounts: [{ type: 'volume', source: credsVolume, target: '/x', read_only: true }] });
    await expect(attempt).rejects.toThrow(/protected-storage.*cloudflared/s);
    // From Docker's state: no container other than the tunnel mounts the volume.
    const users = await docker.listContainers({ all: true, filters: { volume: [credsVolume] } });
    expect(users.map((c) => c.Id)).toEqual([tunnel.id]);
  });

  it('cannot be bound from the host, itself or through its parent, even read-only', async () => {
    await expect(run({ cmd: ['cat', '/x/credentials.json'], mounts: [{ type: 'bind', source: tunnelDir, target: '/x', read_only: true }] }))
      .rejects.toThrow(/protected-storage/);
    await expect(run({ cmd: ['cat', '/x/tunnel/credentials.json'], mounts: [{ type: 'bind', source: root, target: '/x', read_only: true }] }))
      .rejects.toThrow(/protected-storage/);
  });

  it('is not reachable by starting or exec-ing into an unprotected container that shares it (operator)', async () => {
    const sharer = await make(uniqueName('sharer'), { Mounts: [{ Type: 'volume', Source: credsVolume, Target: '/x' }] });
    await expect(callTool(containerStart, { container: sharer.id }, operator())).rejects.toThrow(/run-target.*protected-storage/s);
    expect((await sharer.inspect()).State.Running).toBe(false);
    await sharer.start(); // started outside the gateway: exec is still refused
    await expect(callTool(containerExec, { container: sharer.id, command: ['cat', '/x/token'], user: '1000:1000' }, operator()))
      .rejects.toThrow(/exec-into-privileged.*protected-storage/s);
  });

  it('leaves other volumes and sibling directories usable', async () => {
    const other = uniqueName('plain');
    volumes.push(other);
    const result = await run({
      cmd: ['cat', '/site/index.html'],
      mounts: [{ type: 'bind', source: siblingDir, target: '/site', read_only: true }, { type: 'volume', source: other, target: '/data' }],
    });
    expect(result.structured.stdout).toContain('hello');
  });
});
