// The one judgement of an existing container as Docker will run it, for start, restart, unpause
// and exec alike, and for containers created outside the gateway as much as for its own: inspect
// it, then apply the create rules to what Docker holds now — HostConfig (namespaces, privileges,
// devices, capabilities, security options), every bind re-checked against allowed_bind_paths and
// the forbidden paths with symlinks re-resolved, and every volume's driver options. Docker's inspect
// output lists some defaults the create rules would refuse if a caller sent them; those are
// accepted only where they are exactly what Docker applies to an ordinary container.
import type Dockerode from 'dockerode';
import { list, PolicyDenial, type Body } from './body.js';
import { checkCreateBody, checkExistingVolume, type ContainerRules } from './container-rules.js';
import { judgeContainerNetworks } from './network-refs.js';
import { checkBindSource } from './paths.js';
import { judgeProtectedStorage } from './protected-storage.js';
import type { ContainerFacts, ControlScope } from './scope.js';

/**
 * Docker 20.10's default masked and read-only /proc and /sys paths. Later versions only add to
 * these lists, so a container missing one of them has had its /proc unmasked on purpose.
 */
const DEFAULT_MASKED = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
];
const DEFAULT_READONLY = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export interface RunnableEnv {
  docker: Dockerode;
  rules: ContainerRules;
  /** What the daemon fills in for a container that asked for nothing (from `docker info`). */
  daemonDefaults: () => Promise<DaemonDefaults>;
  /** Whose storage no other container may mount (protected-storage.ts). */
  scope: ControlScope;
}

export interface DaemonDefaults {
  /** cgroup v1, where a host cgroup namespace is what every container gets. */
  cgroupV1: boolean;
  /** The runtime inspect shows for a container created without one (runc unless configured); '' unknown. */
  runtime: string;
  /** Docker's data root (`--data-root`): never bindable, like /var/lib/docker, wherever it is. */
  rootDir?: string;
}

/** The rules with the daemon's data root added to the paths no bind may reach, and its default runtime. */
export function withDaemonPaths(rules: ContainerRules, defaults: DaemonDefaults): ContainerRules {
  const withRuntime = { ...rules, defaultRuntime: defaults.runtime || undefined };
  if (!defaults.rootDir) return withRuntime;
  return { ...withRuntime, binds: { ...rules.binds, socketPaths: [...rules.binds.socketPaths, defaults.rootDir] } };
}

/** Asked once per policy; a failure is not remembered and reads as the strictest defaults. */
export function daemonDefaultsOf(docker: Dockerode): () => Promise<DaemonDefaults> {
  let cached: Promise<DaemonDefaults> | undefined;
  return () => {
    cached ??= docker.info().then(
      (info: { CgroupVersion?: string; DefaultRuntime?: string; DockerRootDir?: string }) => ({
        cgroupV1: info.CgroupVersion === '1',
        runtime: info.DefaultRuntime || 'runc',
        rootDir: info.DockerRootDir?.startsWith('/') ? info.DockerRootDir : undefined,
      }),
      () => {
        cached = undefined;
        // Unknown default runtime: no Runtime may be named (a create without one is still fine).
        return { cgroupV1: false, runtime: '' };
      },
    );
    return cached;
  };
}

function keepsDefaults(hostConfig: Body, name: 'MaskedPaths' | 'ReadonlyPaths', defaults: readonly string[]): void {
  // Absent or null: Docker applies its defaults at start.
  if (hostConfig[name] === undefined || hostConfig[name] === null) return;
  const present = new Set(list(hostConfig, name, 'HostConfig').map(String));
  const missing = defaults.filter((p) => !present.has(p));
  if (missing.length) {
    throw new PolicyDenial(
      'masked-paths',
      `HostConfig.${name} leaves out Docker's default ${missing.join(', ')}, which exposes the host's kernel interfaces.`,
      'Recreate the container without MaskedPaths/ReadonlyPaths (or systempaths=unconfined).',
    );
  }
}

/** The HostConfig as the create rules should read it: Docker's own defaults taken out, honestly. */
async function withoutDefaults(hostConfig: Body, env: RunnableEnv): Promise<Body> {
  keepsDefaults(hostConfig, 'MaskedPaths', DEFAULT_MASKED);
  keepsDefaults(hostConfig, 'ReadonlyPaths', DEFAULT_READONLY);
  const rest: Body = { ...hostConfig };
  delete rest.MaskedPaths;
  delete rest.ReadonlyPaths;
  const defaults = await env.daemonDefaults();
  // "host" is what every container gets on a cgroup v1 daemon; on v2 it was asked for.
  if (typeof rest.CgroupnsMode === 'string' && rest.CgroupnsMode.toLowerCase() === 'host' && defaults.cgroupV1) delete rest.CgroupnsMode;
  // The daemon's default runtime is what a create without Runtime gets; another one was asked for.
  if (rest.Runtime === defaults.runtime) delete rest.Runtime;
  return rest;
}

/** Throws unless a volume the container mounts is a plain local volume (404: Docker makes it plain). */
export async function checkVolumeByName(docker: Dockerode, name: string, where: string): Promise<void> {
  let info: Dockerode.VolumeInspectInfo;
  try {
    info = await docker.getVolume(name).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return;
    throw new PolicyDenial('inspect-failed', `Could not inspect volume ${name}.`, 'Retry when the Docker daemon answers.');
  }
  checkExistingVolume(where, name, info.Driver, info.Options);
}

/** Throws a PolicyDenial (its own rule) when Docker, running `facts` now, would break the policy. */
export async function judgeRunnable(facts: ContainerFacts, env: RunnableEnv): Promise<void> {
  const hostConfig = await withoutDefaults(facts.hostConfig, env);
  const rules = withDaemonPaths(env.rules, await env.daemonDefaults());
  // The create rules over HostConfig, its Binds and its Mounts, as Docker stored them.
  const findings = checkCreateBody({ HostConfig: hostConfig }, rules);
  const volumes = findings.namedVolumes;
  // What Docker will mount: inspect's Mounts (sources cleaned by Docker), binds re-resolved.
  facts.mounts.forEach((mount, i) => {
    const where = `Mounts[${i}]`;
    const type = (mount.Type ?? '').toLowerCase();
    if (type === 'bind') {
      checkBindSource({ source: mount.Source ?? '', readOnly: mount.RW === false, where }, rules.binds);
      findings.binds.push({ source: mount.Source ?? '', where });
    } else if (type === 'volume') {
      if (mount.Name) volumes.push({ name: mount.Name, where });
    } else if (type !== 'tmpfs') {
      throw new PolicyDenial('mount-type', `${where} has mount type "${type}".`, 'Use bind (allow-listed paths), volume or tmpfs mounts.');
    }
  });
  for (const v of volumes) await checkVolumeByName(env.docker, v.name, v.where);
  // A volume or host directory a protected container uses is its storage, not this container's.
  await judgeProtectedStorage(env.docker, env.scope, { volumes, binds: findings.binds }, facts.id);
  // NetworkMode may name the host network by id or id prefix, which the string rules cannot see:
  // judge each network Docker will attach, looked up as Docker looks it up.
  await judgeContainerNetworks(env.docker, facts.networks, 'Networks');
}
