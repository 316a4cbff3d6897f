// Operation policy attack catalogue: each argument rule with its bypass attempts (case variants,
// duplicates, Unicode folding, path tricks, volume driver options, namespace joins, image
// spellings) and the scope × preset matrix. Bodies are the exact Docker bodies handlers send.
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandScope } from '../../src/gateway/auth/scopes.js';
import { PolicyDenial } from '../../src/gateway/policy/body.js';
import { checkCreateBody } from '../../src/gateway/policy/container-rules.js';
import { createOperationPolicy, type PolicyOptions, type Preset } from '../../src/gateway/policy/policy.js';
import { withDaemonPaths } from '../../src/gateway/policy/runnable.js';
import type { Identity, Scope } from '../../src/gateway/security.js';
import type { GuardedOperation, ToolDefinition } from '../../src/gateway/tools/define.js';
import { testDocker } from '../helpers/env.js';
import { tempDir } from '../helpers/temp-dir.js';

const hostDir = tempDir('dmcp-bind-');

function options(overrides: Partial<PolicyOptions> = {}): PolicyOptions {
  return {
    preset: 'admin',
    toolAllow: [],
    toolDeny: [],
    rules: {
      binds: { rules: [{ path: '/home', readOnlyOnly: false }, { path: '/srv/data', readOnlyOnly: true }, { path: hostDir, readOnlyOnly: false }], socketPaths: ['/var/run/docker.sock', '/run/docker.sock'] },
      allowedCapabilities: new Set(['NET_ADMIN']),
    },
    allowedImages: ['docker.io/library/busybox', 'registry.example.com/team/**'],
    allowExecRoot: false,
    scope: { selector: [], protectedLabels: ['dev.docker-mcp.protected=true'], protectedContainers: ['*cloudflared*'], self: [] },
    socketPaths: ['/var/run/docker.sock', '/run/docker.sock'],
    ...overrides,
  };
}

const admin: Identity = { id: 'token:root', kind: 'token', name: 'root', scopes: expandScope('admin') };

async function decide(op: GuardedOperation, opts = options(), identity = admin) {
  return createOperationPolicy(opts, testDocker()).authorize(identity, op);
}

function create(hostConfig: Record<string, unknown>, extra: Record<string, unknown> = {}): GuardedOperation {
  return { kind: 'container.create', body: { Image: 'busybox', Cmd: ['true'], HostConfig: hostConfig, ...extra } };
}

async function expectDenied(op: GuardedOperation, rule: string | RegExp, opts?: PolicyOptions): Promise<void> {
  const decision = await decide(op, opts);
  expect(decision.allowed, JSON.stringify(op)).toBe(false);
  expect(decision.rule).toMatch(rule);
  expect(decision.reason).toBeTruthy();
  expect(decision.howToAllow).toBeTruthy();
}

async function expectAllowed(op: GuardedOperation, opts?: PolicyOptions): Promise<void> {
  expect(await decide(op, opts), JSON.stringify(op)).toEqual({ allowed: true });
}

describe('container create rules', () => {
  it('allows an ordinary container', async () => {
    await expectAllowed(create({ Binds: ['/home:/app:ro', `${hostDir}:/x`], CapAdd: ['NET_ADMIN', 'chown'], NetworkMode: 'bridge', SecurityOpt: ['no-new-privileges'] }));
  });

  it.each([
    ['Privileged', { Privileged: true }],
    ['lower-case privileged', { privileged: true }],
    ['upper-case PRIVILEGED', { PRIVILEGED: true }],
    ['string "true"', { Privileged: 'true' }],
  ])('denies privileged: %s', async (_name, hostConfig) => {
    await expectDenied(create(hostConfig), 'privileged');
  });

  it('denies duplicate case-variant keys (Docker obeys the last one)', async () => {
    await expectDenied(create({ Privileged: false, privileged: true }), 'duplicate-field');
    await expectDenied({ kind: 'container.create', body: { Image: 'busybox', HostConfig: {}, hostconfig: { Privileged: true } } }, 'duplicate-field');
  });

  it('folds keys like Go does: ſ (U+017F) is s, K (U+212A) is k', async () => {
    await expectDenied(create({ Bindſ: ['/:/host'] }), 'bind-forbidden');
    await expectDenied(create({ NetworKMode: 'host' }), 'host-namespace');
    await expectDenied(create({ SecurityOpt: [], ſecurityOpt: ['seccomp=unconfined'] }), 'duplicate-field');
  });

  it.each([
    ['NetworkMode', 'host'], ['NetworkMode', 'HOST'], ['NetworkMode', 'container:gateway'], ['PidMode', 'host'],
    ['PidMode', 'container:abc'], ['IpcMode', 'host'], ['IpcMode', 'container:abc'], ['UTSMode', 'host'], ['UsernsMode', 'host'],
    ['CgroupnsMode', 'host'], ['Cgroup', 'container:abc'],
  ])('denies host/shared namespace %s=%s', async (fieldName, value) => {
    await expectDenied(create({ [fieldName]: value }), 'host-namespace');
  });

  it.each([['ALL'], ['all'], ['SYS_ADMIN'], ['cap_sys_admin'], ['SYS_PTRACE'], ['SYS_MODULE']])('denies CapAdd %s outside the allow-list', async (cap) => {
    await expectDenied(create({ CapAdd: [cap] }), 'capabilities');
  });

  it('denies the Capabilities field that replaces the default set', async () => {
    await expectDenied(create({ Capabilities: ['CAP_SYS_ADMIN'] }), 'capabilities');
  });

  it.each([
    ['Devices', { Devices: [{ PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' }] }, 'devices'],
    ['DeviceRequests', { DeviceRequests: [{ Driver: 'nvidia', Count: -1 }] }, 'devices'],
    ['DeviceCgroupRules', { DeviceCgroupRules: ['b 8:* rwm'] }, 'devices'],
    ['Sysctls', { Sysctls: { 'kernel.core_pattern': '|/tmp/x' } }, 'sysctls'],
    ['Runtime', { Runtime: 'runsc-unconfined' }, 'runtime'],
    ['CgroupParent', { CgroupParent: '/' }, 'cgroup'],
    ['MaskedPaths', { MaskedPaths: [] }, 'masked-paths'],
    ['ReadonlyPaths', { ReadonlyPaths: [] }, 'masked-paths'],
    ['VolumesFrom', { VolumesFrom: ['docker-mcp'] }, 'volumes-from'],
  ])('denies %s', async (_name, hostConfig, rule) => {
    await expectDenied(create(hostConfig), rule);
  });

  it('a Runtime must be the daemon\'s default: runc on a gVisor daemon leaves the sandbox', () => {
    const rules = { ...options().rules, defaultRuntime: 'runsc' };
    expect(() => checkCreateBody({ HostConfig: { Runtime: 'runc' } }, rules)).toThrow(/daemon's default runtime \(runsc\)/);
    expect(() => checkCreateBody({ HostConfig: { Runtime: 'runsc' } }, rules)).not.toThrow();
    // Unknown default (docker info failed): no Runtime may be named at all.
    expect(() => checkCreateBody({ HostConfig: { Runtime: 'runc' } }, options().rules)).toThrow(PolicyDenial);
    expect(withDaemonPaths(options().rules, { cgroupV1: false, runtime: 'runsc' }).defaultRuntime).toBe('runsc');
  });

  it('the private daemon\'s own default runtime (runc) may be named; another may not', async () => {
    expect((await decide(create({ Runtime: 'runc' }))).allowed).toBe(true);
    await expectDenied(create({ Runtime: 'io.containerd.runc.v2' }), 'runtime');
  });

  it.each([['seccomp=unconfined'], ['seccomp:unconfined'], ['apparmor=unconfined'], ['label=disable'], ['label:type:spc_t'], ['systempaths=unconfined'], ['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}']])(
    'denies SecurityOpt %s',
    async (opt) => {
      await expectDenied(create({ SecurityOpt: [opt] }), 'security-opt');
    },
  );

  it.each([
    ['/', 'bind-forbidden'], ['/var/run/docker.sock', 'bind-forbidden'], ['//var/run/docker.sock', 'bind-forbidden'],
    ['/etc/../var/run/docker.sock', 'bind-forbidden'], ['/home/../var/run/docker.sock', 'bind-forbidden'], ['/run', 'bind-forbidden'],
    ['/var/run/', 'bind-forbidden'], ['/var', 'bind-forbidden'], ['/home/user/podman.sock', 'bind-forbidden'],
    ['/home2', 'bind-path'], ['/home2/x', 'bind-path'], ['/homes', 'bind-path'], ['/etc', 'bind-path'], ['/home/../etc', 'bind-path'],
    ['/srv/data/x', 'bind-read-only'], ['/proc', 'bind-forbidden'], ['/var/lib/docker/volumes', 'bind-forbidden'],
  ])('denies bind source %s', async (source, rule) => {
    await expectDenied(create({ Binds: [`${source}:/mnt`] }), rule);
    await expectDenied(create({ Mounts: [{ Type: 'bind', Source: source, Target: '/mnt' }] }), rule);
  });

  it('honours read-only allow-list entries and trailing slashes', async () => {
    await expectAllowed(create({ Binds: ['/srv/data/x:/mnt:ro'] }));
    await expectAllowed(create({ Mounts: [{ Type: 'bind', Source: '/srv/data/', Target: '/mnt', ReadOnly: true }] }));
    await expectAllowed(create({ Binds: ['/home/:/mnt'] }));
  });

  it('denies a symlink inside an allowed directory that points at the Docker socket or outside', async () => {
    symlinkSync('/var/run/docker.sock', join(hostDir, 'sock-link'));
    symlinkSync('/etc', join(hostDir, 'etc-link'));
    // Under a writable root no subpath may be bound at all (a container could swap it later).
    await expectDenied(create({ Binds: [`${hostDir}/sock-link:/s`] }), 'bind-subpath');
    await expectDenied(create({ Binds: [`${hostDir}/etc-link:/e`] }), 'bind-subpath');
    // Under a read-only root the link is followed and its target judged.
    const ro = { binds: { ...options().rules.binds, rules: [{ path: hostDir, readOnlyOnly: true }] }, allowedCapabilities: new Set<string>() };
    await expectDenied(create({ Binds: [`${hostDir}/sock-link:/s:ro`] }), 'bind-forbidden', options({ rules: ro }));
    await expectDenied(create({ Binds: [`${hostDir}/etc-link:/e:ro`] }), 'bind-path', options({ rules: ro }));
  });

  it('denies a volume plugin as the container\'s VolumeDriver; local is the default', async () => {
    await expectDenied(create({ VolumeDriver: 'local-persist', Binds: ['data:/data'] }), 'volume-driver');
    await expectAllowed(create({ VolumeDriver: 'local', Binds: [`${hostDir}:/data`] }));
  });

  it('denies mount bypasses: relative paths, unknown types, volume driver configs, Binds lower-case', async () => {
    await expectDenied(create({ Binds: ['../../etc:/e'] }), 'bind-path');
    await expectDenied(create({ Mounts: [{ Type: 'npipe', Source: '/x', Target: '/y' }] }), 'mount-type');
    await expectDenied(create({ Mounts: [{ type: 'BIND', source: '/', target: '/host' }] }), 'bind-forbidden');
    await expectDenied(
      create({ Mounts: [{ Type: 'volume', Source: 'v', Target: '/v', VolumeOptions: { DriverConfig: { Name: 'local', Options: { type: 'none', o: 'bind', device: '/' } } } }] }),
      'volume-driver',
    );
    await expectDenied(create({ binds: ['/:/host'] }), 'bind-forbidden');
  });

  it('denies images outside the allow-list, whatever the spelling', async () => {
    for (const image of ['busybox', 'busybox:1.36', 'docker.io/library/busybox', 'index.docker.io/library/busybox:latest', 'library/busybox@sha256:' + 'a'.repeat(64), 'registry.example.com/team/sub/app:1']) {
      await expectAllowed(create({}, { Image: image }));
    }
    for (const image of ['alpine', 'docker.io/library/busybox2', 'evil.example.com/library/busybox', 'docker.io/busybox/evil', 'registry.example.com/other/app', 'BUSYBOX', '']) {
      await expectDenied(create({}, { Image: image }), /image/);
    }
    await expectDenied({ kind: 'container.create', body: { Image: 'busybox', image: 'alpine' } }, 'duplicate-field');
    await expectDenied({ kind: 'image.use', image: 'alpine:latest', action: 'pull' }, 'image-allow-list');
    await expectAllowed({ kind: 'image.use', image: 'busybox', action: 'pull' });
  });
});

describe('volume, network and update rules', () => {
  it.each([
    [{ Driver: 'local', DriverOpts: { type: 'none', o: 'bind', device: '/' } }, 'volume-bind'],
    [{ driver: 'local', driveropts: { o: 'rbind', device: '/etc' } }, 'volume-bind'],
    [{ DriverOpts: { type: 'ext4', device: '/dev/sda1' } }, 'volume-bind'],
    [{ DriverOpts: { TYPE: 'none', DEVICE: '/' } }, 'volume-bind'],
    [{ Driver: 'rexray/ebs' }, 'volume-driver'],
    [{ Driver: 'local', driver: 'evil' }, 'duplicate-field'],
  ])('denies volume create %j', async (body, rule) => {
    await expectDenied({ kind: 'volume.create', body }, rule);
  });

  it('allows plain and tmpfs volumes', async () => {
    await expectAllowed({ kind: 'volume.create', body: { Name: 'data' } });
    await expectAllowed({ kind: 'volume.create', body: { Driver: 'local', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=64m' } } });
  });

  it('denies macvlan/ipvlan networks and device/cgroup escalation in update bodies', async () => {
    await expectDenied({ kind: 'network.change', action: 'create', body: { Name: 'n', Driver: 'macvlan', Options: { parent: 'eth0' } } }, 'network-driver');
    await expectDenied({ kind: 'container.update', container: 'x', body: { Devices: [{ PathOnHost: '/dev/mem' }] } }, 'devices');
    await expectDenied({ kind: 'container.update', container: 'x', body: { cgroupparent: '/' } }, 'cgroup');
  });

  it('denies privileged exec before looking at the container', async () => {
    await expectDenied({ kind: 'container.exec', container: 'anything', body: { Cmd: ['sh'], privileged: true, User: '1000' } }, 'exec-privileged');
  });
});

describe('scope × preset matrix', () => {
  const tool = (access: Scope, name = `t_${access}`): ToolDefinition => ({ name, family: 'containers', access } as unknown as ToolDefinition);
  const tools = [tool('read', 'container_list'), tool('operate', 'container_stop'), tool('admin', 'container_create')];
  const presets: Preset[] = ['read-only', 'operator', 'admin'];
  const expected: Record<Preset, Scope[]> = { 'read-only': ['read'], operator: ['read', 'operate'], admin: ['read', 'operate', 'admin'] };

  for (const preset of presets) {
    for (const scope of ['read', 'operate', 'admin'] as Scope[]) {
      it(`preset ${preset} × scope ${scope}`, async () => {
        const policy = createOperationPolicy(options({ preset }), testDocker());
        const identity: Identity = { id: 'x', kind: 'token', name: 'x', scopes: expandScope(scope) };
        const allowed = expected[preset].filter((s) => expandScope(scope).has(s));
        expect(policy.visibleTools(identity, tools).map((t) => t.access)).toEqual(allowed);
        for (const t of tools) expect(policy.checkCall(identity, t).allowed).toBe(allowed.includes(t.access));
        const createDecision = await policy.authorize(identity, create({}));
        expect(createDecision.allowed).toBe(allowed.includes('admin'));
        if (!createDecision.allowed) expect(createDecision.rule).toMatch(/preset|insufficient_scope/);
      });
    }
  }

  it('tool deny globs match names and families; deny wins over allow', () => {
    const policy = createOperationPolicy(options({ toolAllow: ['containers', 'image_*'], toolDeny: ['*_create'] }), testDocker());
    const all: ToolDefinition[] = [...tools, { name: 'image_pull', family: 'images', access: 'admin' } as unknown as ToolDefinition, { name: 'volume_list', family: 'volumes', access: 'read' } as unknown as ToolDefinition];
    expect(policy.visibleTools(admin, all).map((t) => t.name)).toEqual(['container_list', 'container_stop', 'image_pull']);
    expect(policy.checkCall(admin, tools[2]!)).toMatchObject({ allowed: false, rule: 'tool-deny' });
    expect(policy.checkCall(admin, all[4]!)).toMatchObject({ allowed: false, rule: 'tool-allow' });
  });
});
