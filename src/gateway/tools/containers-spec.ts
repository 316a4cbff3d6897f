// The create/run input schema and the one function that turns it into an Engine API create body.
// Docker decodes bodies case-insensitively and the last duplicate key wins, so user JSON never
// reaches it: every key below is chosen here. The risky host-level fields (privileged, devices,
// namespaces, capabilities, …) are in the schema on purpose, so the operation policy sees them in
// the body it authorizes and can deny them.
import { z } from 'zod';
import { containerNamePattern } from './containers-shared.js';
import { ToolError } from './define.js';
import { imageRef } from './identifiers.js';

const envKey = z.string().min(1).max(256).regex(/^[^=\0]+$/, 'no "=" or NUL in names');
const port = z.number().int().min(1).max(65535);
const absolutePath = z.string().min(1).max(4096).regex(/^\//, 'an absolute path');
const namespaceMode = (what: string) =>
  z.string().max(256).regex(/^(host|private|shareable|none|container:[a-zA-Z0-9][a-zA-Z0-9_.-]*)?$/).optional().describe(
    `${what} namespace mode: "host" shares the host's (dangerous), "container:<name>" joins another container's.`,
  );

const mount = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('bind').describe('A host path mounted into the container.'),
    source: absolutePath.describe('Absolute path on the Docker host.'),
    target: absolutePath.describe('Absolute path in the container.'),
    read_only: z.boolean().optional().describe('Mount read-only.'),
  }),
  z.strictObject({
    type: z.literal('volume').describe('A named Docker volume (created if missing).'),
    source: z.string().min(1).max(256).regex(containerNamePattern).describe('Volume name.'),
    target: absolutePath.describe('Absolute path in the container.'),
    read_only: z.boolean().optional().describe('Mount read-only.'),
  }),
  z.strictObject({
    type: z.literal('tmpfs').describe('An in-memory filesystem.'),
    target: absolutePath.describe('Absolute path in the container.'),
    size_bytes: z.number().int().positive().optional().describe('Size limit in bytes.'),
    read_only: z.boolean().optional().describe('Mount read-only.'),
  }),
]);

export const createFields = {
  // The policy inspects it (/images/<image>/json): Docker's reference grammar, see identifiers.ts.
  image: imageRef.describe('Image reference, e.g. "nginx:1.27" or an image id.'),
  name: z.string().min(2).max(128).regex(containerNamePattern).optional().describe('Container name; Docker picks one when omitted.'),
  cmd: z.array(z.string().max(8192)).max(256).optional().describe('Command as an argv array (overrides the image CMD).'),
  entrypoint: z.array(z.string().max(8192)).max(64).optional().describe('Entrypoint as an argv array (overrides the image ENTRYPOINT); [] clears it.'),
  env: z.record(envKey, z.string().max(32768)).optional().describe('Environment variables, name -> value.'),
  labels: z.record(z.string().min(1).max(256), z.string().max(4096)).optional().describe('Labels, key -> value.'),
  working_dir: absolutePath.optional().describe('Working directory in the container.'),
  user: z.string().max(256).regex(/^[a-zA-Z0-9_.-]+(:[a-zA-Z0-9_.-]+)?$/).optional().describe('User (and group) to run as: "1000", "1000:1000" or "nobody".'),
  hostname: z.string().max(253).regex(/^[a-zA-Z0-9][a-zA-Z0-9.-]*$/).optional().describe('Hostname inside the container.'),
  tty: z.boolean().optional().describe('Allocate a TTY (logs are then not split into stdout/stderr).'),
  ports: z
    .array(
      z.strictObject({
        container_port: port.describe('Port inside the container.'),
        protocol: z.enum(['tcp', 'udp', 'sctp']).default('tcp').describe('Protocol.'),
        host_ip: z.union([z.ipv4(), z.ipv6()]).optional().describe('Host address to bind; all addresses when omitted.'),
        host_port: port.optional().describe('Host port; Docker picks a free one when omitted.'),
      }),
    )
    .max(64)
    .optional()
    .describe('Published ports.'),
  mounts: z.array(mount).max(64).optional().describe('Mounts: bind (host path), volume (named volume) or tmpfs.'),
  network_mode: z.string().max(256).regex(/^[a-zA-Z0-9][a-zA-Z0-9_.:-]*$/).optional().describe('"bridge", "none", "host", a network name or "container:<name>".'),
  restart_policy: z
    .strictObject({
      name: z.enum(['no', 'always', 'unless-stopped', 'on-failure']).describe('When Docker restarts the container.'),
      maximum_retry_count: z.number().int().min(0).max(1000).optional().describe('Retries for on-failure.'),
    })
    .optional()
    .describe('Restart policy.'),
  memory: z.number().int().min(6 * 1024 * 1024).optional().describe('Memory limit in bytes (at least 6 MiB).'),
  cpus: z.number().positive().max(1024).optional().describe('CPU limit in CPUs, e.g. 0.5 (sent as NanoCpus).'),
  nano_cpus: z.number().int().positive().optional().describe('CPU limit in units of 1e-9 CPUs; use cpus or this, not both.'),
  read_only: z.boolean().optional().describe('Mount the root filesystem read-only.'),
  tmpfs: z.record(absolutePath, z.string().max(256).regex(/^[a-zA-Z0-9=,]*$/)).optional().describe('tmpfs mounts: path -> options such as "size=64m,noexec".'),
  auto_remove: z.boolean().optional().describe('Remove the container when it exits.'),
  privileged: z.boolean().optional().describe('Give the container full access to the host (dangerous; usually denied by policy).'),
  cap_add: z.array(z.string().max(64).regex(/^[A-Z_]+$/)).max(64).optional().describe('Linux capabilities to add, e.g. ["NET_ADMIN"].'),
  cap_drop: z.array(z.string().max(64).regex(/^[A-Z_]+$/)).max(64).optional().describe('Linux capabilities to drop, e.g. ["ALL"].'),
  devices: z
    .array(
      z.strictObject({
        path_on_host: absolutePath.describe('Device path on the host, e.g. /dev/fuse.'),
        path_in_container: absolutePath.optional().describe('Path in the container; the host path when omitted.'),
        cgroup_permissions: z.string().regex(/^[rwm]{1,3}$/).default('rwm').describe('Cgroup permissions: r, w, m.'),
      }),
    )
    .max(64)
    .optional()
    .describe('Host devices to expose (dangerous).'),
  security_opt: z.array(z.string().max(1024)).max(32).optional().describe('Security options, e.g. ["no-new-privileges"].'),
  sysctls: z.record(z.string().max(256).regex(/^[a-z0-9_.]+$/), z.string().max(1024)).optional().describe('Namespaced kernel parameters.'),
  pid_mode: namespaceMode('PID'),
  ipc_mode: namespaceMode('IPC'),
  uts_mode: z.enum(['host']).optional().describe('UTS namespace: "host" shares the host\'s hostname (dangerous).'),
  userns_mode: z.enum(['host']).optional().describe('User namespace: "host" disables user-namespace remapping.'),
  cgroupns_mode: z.enum(['private', 'host']).optional().describe('Cgroup namespace mode.'),
  volumes_from: z.array(z.string().max(300).regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*(:(ro|rw))?$/)).max(32).optional().describe('Containers whose volumes to mount ("name" or "name:ro").'),
  runtime: z.string().max(128).regex(/^[a-zA-Z0-9_.-]+$/).optional().describe('OCI runtime name, e.g. "runc".'),
};

export const createInput = z.strictObject(createFields);
export type CreateArgs = z.infer<typeof createInput>;

/** Leaves out what the caller did not set, so the body (and the audit log) shows only real choices. */
function defined(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

export function buildCreateBody(args: CreateArgs): Record<string, unknown> {
  if (args.cpus !== undefined && args.nano_cpus !== undefined) {
    throw new ToolError('Give either cpus or nano_cpus, not both.');
  }
  const portKey = (p: { container_port: number; protocol: string }): string => `${p.container_port}/${p.protocol}`;
  const exposed = args.ports?.length ? Object.fromEntries(args.ports.map((p) => [portKey(p), {}])) : undefined;
  let bindings: Record<string, { HostIp: string; HostPort: string }[]> | undefined;
  for (const p of args.ports ?? []) {
    bindings ??= {};
    (bindings[portKey(p)] ??= []).push({ HostIp: p.host_ip ?? '', HostPort: p.host_port ? String(p.host_port) : '' });
  }
  const hostConfig = defined({
    PortBindings: bindings,
    Mounts: args.mounts?.map((m) =>
      m.type === 'tmpfs'
        ? defined({ Type: 'tmpfs', Target: m.target, ReadOnly: m.read_only, TmpfsOptions: m.size_bytes ? { SizeBytes: m.size_bytes } : undefined })
        : defined({ Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.read_only }),
    ),
    NetworkMode: args.network_mode,
    RestartPolicy: args.restart_policy && defined({ Name: args.restart_policy.name, MaximumRetryCount: args.restart_policy.maximum_retry_count }),
    Memory: args.memory,
    NanoCpus: args.nano_cpus ?? (args.cpus !== undefined ? Math.round(args.cpus * 1e9) : undefined),
    ReadonlyRootfs: args.read_only,
    Tmpfs: args.tmpfs,
    AutoRemove: args.auto_remove,
    Privileged: args.privileged,
    CapAdd: args.cap_add,
    CapDrop: args.cap_drop,
    Devices: args.devices?.map((d) => ({
      PathOnHost: d.path_on_host,
      PathInContainer: d.path_in_container ?? d.path_on_host,
      CgroupPermissions: d.cgroup_permissions,
    })),
    SecurityOpt: args.security_opt,
    Sysctls: args.sysctls,
    PidMode: args.pid_mode,
    IpcMode: args.ipc_mode,
    UTSMode: args.uts_mode,
    UsernsMode: args.userns_mode,
    CgroupnsMode: args.cgroupns_mode,
    VolumesFrom: args.volumes_from,
    Runtime: args.runtime,
  });
  return defined({
    Image: args.image,
    Cmd: args.cmd,
    Entrypoint: args.entrypoint,
    Env: args.env && Object.entries(args.env).map(([key, value]) => `${key}=${value}`),
    Labels: args.labels,
    WorkingDir: args.working_dir,
    User: args.user,
    Hostname: args.hostname,
    Tty: args.tty,
    ExposedPorts: exposed,
    HostConfig: hostConfig,
  });
}
