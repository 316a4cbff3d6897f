// Scope of control against real containers on the private daemon: protected containers, the
// label selector, exec as root, exec into a container that holds the host, and pre-existing
// volumes with bind options. Each denial is checked to leave the container as it was.
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandScope } from '../../src/gateway/auth/scopes.js';
import { createOperationPolicy, type PolicyOptions } from '../../src/gateway/policy/policy.js';
import type { Identity } from '../../src/gateway/security.js';
import { expectDockerUnchanged, snapshotDocker } from '../helpers/attacks.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { defaultPolicyOptions } from '../helpers/policy-context.js';

const docker = testDocker();
const operator: Identity = { id: 'token:ops', kind: 'token', name: 'ops', scopes: expandScope('admin') };
const made: Dockerode.Container[] = [];
const volumes: string[] = [];

async function container(labels: Record<string, string>, hostConfig: Record<string, unknown> = {}, name = uniqueName('sec'), user?: string, start = true): Promise<{ id: string; name: string }> {
  const c = await docker.createContainer({
    name,
    Image: testEnv.testImage,
    Cmd: ['sleep', '300'],
    Labels: { [TEST_LABEL]: '1', ...labels },
    ...(user ? { User: user } : {}),
    HostConfig: hostConfig,
  });
  made.push(c);
  if (start) await c.start();
  return { id: c.id, name };
}

const options = (overrides: Partial<PolicyOptions> = {}): PolicyOptions => defaultPolicyOptions(overrides);

async function running(id: string): Promise<boolean> {
  return (await docker.getContainer(id).inspect()).State.Running;
}

let plain: { id: string; name: string };

beforeAll(async () => {
  plain = await container({ 'dev.docker-mcp.managed': 'true' });
});

afterAll(async () => {
  await Promise.allSettled(made.map((c) => c.remove({ force: true })));
  await Promise.allSettled(volumes.map((v) => docker.getVolume(v).remove()));
});

describe('scope of control (real containers)', () => {
  it('protects labelled containers, cloudflared look-alikes and the gateway itself', async () => {
    const labelled = await container({ 'dev.docker-mcp.protected': 'true' });
    const tunnel = await container({}, {}, uniqueName('cloudflared'));
    const policy = createOperationPolicy(options({ scope: { ...options().scope, self: [plain.id.slice(0, 12)] } }), docker);
    for (const target of [labelled, tunnel, plain]) {
      for (const action of ['stop', 'remove', 'kill', 'restart']) {
        const decision = await policy.authorize(operator, { kind: 'container.change', container: target.name, action });
        expect(decision).toMatchObject({ allowed: false, rule: 'protected-container' });
      }
      const exec = await policy.authorize(operator, { kind: 'container.exec', container: target.id, body: { Cmd: ['id'], User: '1000' } });
      expect(exec).toMatchObject({ allowed: false, rule: 'protected-container' });
      expect(await running(target.id)).toBe(true);
    }
  });

  it('only containers matching control_label_selector may be changed', async () => {
    const outsider = await container({});
    const policy = createOperationPolicy(options({ scope: { ...options().scope, selector: ['dev.docker-mcp.managed=true'] } }), docker);
    expect(await policy.authorize(operator, { kind: 'container.change', container: outsider.name, action: 'stop' })).toMatchObject({ allowed: false, rule: 'control-scope' });
    expect(await policy.authorize(operator, { kind: 'container.change', container: plain.name, action: 'stop' })).toEqual({ allowed: true });
    expect(await policy.authorize(operator, { kind: 'network.change', action: 'disconnect', body: { Container: outsider.id } })).toMatchObject({ allowed: false, rule: 'control-scope' });
    expect(await running(outsider.id)).toBe(true);
  });

  it('denies unknown containers (fail closed)', async () => {
    const policy = createOperationPolicy(options(), docker);
    expect(await policy.authorize(operator, { kind: 'container.change', container: 'no-such-container-xyz', action: 'stop' })).toMatchObject({ allowed: false, rule: 'container-not-found' });
  });

  it('denies exec as root in every spelling unless allow_exec_root', async () => {
    const policy = createOperationPolicy(options(), docker);
    for (const User of ['', '0', 'root', '0:0', 'root:root', '00', ' 0 ']) {
      const decision = await policy.authorize(operator, { kind: 'container.exec', container: plain.id, body: { Cmd: ['sh'], User } });
      expect(decision, `User ${JSON.stringify(User)}`).toMatchObject({ allowed: false, rule: 'exec-root' });
    }
    expect(await policy.authorize(operator, { kind: 'container.exec', container: plain.id, body: { Cmd: ['id'], User: '1000:1000' } })).toEqual({ allowed: true });
    expect(await policy.authorize(operator, { kind: 'container.exec', container: plain.id, body: { Cmd: ['id'], user: '1000', USER: '0' } })).toMatchObject({ rule: 'duplicate-field' });
    const lenient = createOperationPolicy(options({ allowExecRoot: true }), docker);
    expect(await lenient.authorize(operator, { kind: 'container.exec', container: plain.id, body: { Cmd: ['id'] } })).toEqual({ allowed: true });
  });

  it('an empty exec user falls back to the image user: non-root containers are fine', async () => {
    const nobody = await container({}, {}, uniqueName('sec-nobody'), '65534:65534');
    const policy = createOperationPolicy(options(), docker);
    expect(await policy.authorize(operator, { kind: 'container.exec', container: nobody.id, body: { Cmd: ['id'] } })).toEqual({ allowed: true });
  });

  it('denies exec into a container that itself holds the host (privileged, socket mount)', async () => {
    // Created, not started: this sandbox cannot run privileged containers, and the policy only inspects.
    const priv = await container({}, { Privileged: true }, uniqueName('sec-priv'), undefined, false);
    const sock = await container({}, { Binds: [`${testEnv.dockerSocket}:/var/run/docker.sock`] });
    const policy = createOperationPolicy(options({ allowExecRoot: true }), docker);
    for (const target of [priv, sock]) {
      expect(await policy.authorize(operator, { kind: 'container.exec', container: target.id, body: { Cmd: ['sh'], User: '1000' } })).toMatchObject({ allowed: false, rule: 'exec-into-privileged' });
    }
  });

  it('denies mounting a pre-existing local volume created with bind options', async () => {
    const name = uniqueName('bindvol');
    await docker.createVolume({ Name: name, Driver: 'local', DriverOpts: { type: 'none', o: 'bind', device: '/tmp' } });
    volumes.push(name);
    const policy = createOperationPolicy(options(), docker);
    const before = await snapshotDocker();
    for (const HostConfig of [{ Binds: [`${name}:/data`] }, { Mounts: [{ Type: 'volume', Source: name, Target: '/data' }] }]) {
      const decision = await policy.authorize(operator, { kind: 'container.create', body: { Image: testEnv.testImage, HostConfig } });
      expect(decision).toMatchObject({ allowed: false, rule: 'volume-bind' });
    }
    await expectDockerUnchanged(before);
  });

  it('resolves image ids to their names for the image allow-list', async () => {
    const info = await docker.getImage(testEnv.testImage).inspect();
    const allowed = createOperationPolicy(options({ allowedImages: [testEnv.testImage.split(':')[0]!] }), docker);
    const denied = createOperationPolicy(options({ allowedImages: ['docker.io/library/alpine'] }), docker);
    const op = { kind: 'container.create' as const, body: { Image: info.Id } };
    expect(await allowed.authorize(operator, op)).toEqual({ allowed: true });
    expect(await denied.authorize(operator, op)).toMatchObject({ allowed: false, rule: 'image-allow-list' });
  });
});
