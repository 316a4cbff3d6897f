// Argument rules for container create/update bodies: everything in HostConfig that hands a
// container the host (privileged, host namespaces, capabilities, devices, security options,
// sysctls, runtimes, cgroups, masked paths, bind mounts, volumes-from). Each rule throws a
// PolicyDenial with the rule name and how to allow it. Reads go through body.ts so that case
// variants and duplicates cannot hide a field from these checks.
import { isPlainObject, isSet, list, nonEmpty, PolicyDenial, struct, text, type Body } from './body.js';
import { assertVolumeServers } from './volume-servers.js';
import { checkBindSource, localVolumeOptionsProblem, type BindPolicy } from './paths.js';

export interface ContainerRules {
  binds: BindPolicy;
  /** Upper-case, without CAP_ prefix; may contain ALL. */
  allowedCapabilities: ReadonlySet<string>;
  /**
   * The daemon's default runtime (`docker info`), the only one a body may name. Unknown: none may.
   * Naming runc on a daemon whose default is gVisor, Kata or sysbox takes the container out of its sandbox.
   */
  defaultRuntime?: string;
}

/** Docker's default capability set: adding one of these changes nothing. */
const DEFAULT_CAPS = new Set([
  'CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP',
  'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE',
]);

export function normalizeCapability(cap: string): string {
  return cap.trim().toUpperCase().replace(/^CAP_/, '');
}

const NAMESPACE_FIELDS = ['NetworkMode', 'PidMode', 'IpcMode', 'UTSMode', 'UsernsMode', 'CgroupnsMode', 'Cgroup'];

function denyNamespaces(hostConfig: Body): void {
  for (const name of NAMESPACE_FIELDS) {
    const value = text(hostConfig, name, 'HostConfig')?.trim().toLowerCase();
    if (!value) continue;
    // container:<id> joins another container's namespace, which may itself be the host's.
    if (value === 'host' || value.startsWith('container:') || value.startsWith('ns:')) {
      throw new PolicyDenial(
        'host-namespace',
        `HostConfig.${name} "${value}" shares a namespace with the host or another container.`,
        'Use a bridge or user-defined network and the default private namespaces; host and container: modes cannot be allowed through the gateway.',
      );
    }
  }
}

function denyCapabilities(hostConfig: Body, allowed: ReadonlySet<string>): void {
  if (isSet(hostConfig, 'Capabilities')) {
    // The (deprecated) Capabilities field replaces the whole default set.
    throw new PolicyDenial('capabilities', 'HostConfig.Capabilities replaces the capability set.', 'Use CapAdd with allowed_capabilities instead.');
  }
  for (const raw of list(hostConfig, 'CapAdd', 'HostConfig')) {
    if (typeof raw !== 'string') throw new PolicyDenial('capabilities', 'HostConfig.CapAdd must list strings.', 'Send capability names.');
    const cap = normalizeCapability(raw);
    if (DEFAULT_CAPS.has(cap) || allowed.has(cap) || allowed.has('ALL')) continue;
    throw new PolicyDenial(
      'capabilities',
      `HostConfig.CapAdd adds ${cap}, which is not in allowed_capabilities.`,
      `Add ${cap} to allowed_capabilities if containers really need it (ALL and SYS_ADMIN amount to root on the host).`,
    );
  }
}

function denyDevicesAndKernel(hostConfig: Body, defaultRuntime: string | undefined): void {
  const rules: Array<[string, string, string]> = [
    ['Privileged', 'privileged', 'HostConfig.Privileged gives the container every capability and every host device.'],
    ['Devices', 'devices', 'HostConfig.Devices passes host devices into the container.'],
    ['DeviceRequests', 'devices', 'HostConfig.DeviceRequests passes host devices (GPUs) into the container.'],
    ['DeviceCgroupRules', 'devices', 'HostConfig.DeviceCgroupRules lets the container open host devices.'],
    ['Sysctls', 'sysctls', 'HostConfig.Sysctls changes kernel parameters.'],
    ['CgroupParent', 'cgroup', 'HostConfig.CgroupParent moves the container out of Docker\'s cgroup.'],
    ['MaskedPaths', 'masked-paths', 'HostConfig.MaskedPaths overrides the /proc paths Docker hides.'],
    ['ReadonlyPaths', 'masked-paths', 'HostConfig.ReadonlyPaths overrides the /proc paths Docker makes read-only.'],
    ['VolumesFrom', 'volumes-from', 'HostConfig.VolumesFrom inherits another container\'s mounts (possibly the Docker socket).'],
  ];
  for (const [name, rule, reason] of rules) {
    // An empty MaskedPaths/ReadonlyPaths list is the dangerous case (it unmasks /proc), so presence counts.
    const present =
      name === 'Privileged' ? isSet(hostConfig, name)
      : name === 'MaskedPaths' || name === 'ReadonlyPaths' ? isSet(hostConfig, name)
      : nonEmpty(hostConfig, name);
    if (present) {
      throw new PolicyDenial(rule, reason, `Remove ${name}; this gateway never allows it because it breaks container isolation.`);
    }
  }
  const volumeDriver = text(hostConfig, 'VolumeDriver', 'HostConfig')?.trim();
  if (volumeDriver && volumeDriver !== 'local') {
    throw new PolicyDenial('volume-driver', `HostConfig.VolumeDriver "${volumeDriver}" creates the container's volumes with a plugin that may mount anything.`, 'Leave VolumeDriver unset (local).');
  }
  const runtime = text(hostConfig, 'Runtime', 'HostConfig')?.trim();
  if (runtime && runtime !== defaultRuntime) {
    throw new PolicyDenial('runtime', `HostConfig.Runtime "${runtime}" is not the daemon's default runtime${defaultRuntime ? ` (${defaultRuntime})` : ''}.`, 'Leave Runtime unset.');
  }
  for (const raw of list(hostConfig, 'SecurityOpt', 'HostConfig')) {
    const opt = String(raw).trim().toLowerCase().replace(/\s+/g, '');
    // Allow-list, not deny-list: seccomp profiles, label types (spc_t) and apparmor=unconfined all weaken isolation.
    if (/^no-new-privileges([=:]true)?$/.test(opt)) continue;
    throw new PolicyDenial(
      'security-opt',
      `HostConfig.SecurityOpt "${String(raw)}" weakens the container's confinement.`,
      'Only no-new-privileges is allowed; drop the other security options.',
    );
  }
}

/**
 * Named volumes and host bind sources referenced by Binds or Mounts: the caller inspects the
 * volumes for bind-like options and compares both with protected containers' storage.
 */
export interface CreateFindings {
  namedVolumes: Array<{ name: string; where: string }>;
  binds: Array<{ source: string; where: string }>;
}

function checkBinds(hostConfig: Body, rules: ContainerRules, findings: CreateFindings): void {
  list(hostConfig, 'Binds', 'HostConfig').forEach((raw, i) => {
    const where = `HostConfig.Binds[${i}]`;
    if (typeof raw !== 'string') throw new PolicyDenial('malformed-body', `${where} must be a string.`, 'Send "source:target[:options]".');
    const parts = raw.split(':');
    if (parts.length === 1) return; // anonymous volume at a container path
    if (parts.length > 3) throw new PolicyDenial('bind-path', `${where} "${raw}" is not source:target[:options].`, 'Use source:target[:options].');
    const [source, , mode = ''] = parts as [string, string, string?];
    const readOnly = mode.split(',').some((m) => m.trim().toLowerCase() === 'ro');
    if (source.startsWith('/')) {
      checkBindSource({ source, readOnly, where }, rules.binds);
      findings.binds.push({ source, where });
    } else if (/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source)) {
      findings.namedVolumes.push({ name: source, where });
    } else {
      throw new PolicyDenial('bind-path', `${where} source "${source}" is neither an absolute path nor a volume name.`, 'Use an absolute host path or a volume name.');
    }
  });
}

function checkMounts(hostConfig: Body, rules: ContainerRules, findings: CreateFindings): void {
  list(hostConfig, 'Mounts', 'HostConfig').forEach((mount, i) => {
    const where = `HostConfig.Mounts[${i}]`;
    if (!isPlainObject(mount)) throw new PolicyDenial('malformed-body', `${where} must be an object.`, 'Send a mount object.');
    const type = (text(mount, 'Type', where) ?? '').trim().toLowerCase();
    const source = text(mount, 'Source', where) ?? '';
    const readOnly = isSet(mount, 'ReadOnly');
    if (type === 'bind') {
      checkBindSource({ source, readOnly, where }, rules.binds);
      findings.binds.push({ source, where });
    } else if (type === 'volume') {
      const options = struct(mount, 'VolumeOptions', where);
      const driver = struct(options, 'DriverConfig', `${where}.VolumeOptions`);
      if (driver && (nonEmpty(driver, 'Name') || nonEmpty(driver, 'Options'))) {
        throw new PolicyDenial(
          'volume-driver',
          `${where}.VolumeOptions.DriverConfig creates a volume with driver options (a local volume with o=bind is a host bind mount).`,
          'Create the volume first with the volume tool (its options are checked), then mount it by name.',
        );
      }
      if (source) findings.namedVolumes.push({ name: source, where });
    } else if (type !== 'tmpfs') {
      throw new PolicyDenial('mount-type', `${where} has mount type "${type}".`, 'Use bind (allow-listed paths), volume or tmpfs mounts.');
    }
  });
}

/** Checks a container create body (Config + HostConfig + NetworkingConfig) as sent to Docker. */
export function checkCreateBody(body: Body, rules: ContainerRules): CreateFindings {
  const findings: CreateFindings = { namedVolumes: [], binds: [] };
  const hostConfig = struct(body, 'HostConfig', 'body') ?? {};
  checkHostConfig(hostConfig, rules);
  checkBinds(hostConfig, rules, findings);
  checkMounts(hostConfig, rules, findings);
  return findings;
}

/** The HostConfig checks that do not depend on mounts (also used for update bodies). */
export function checkHostConfig(hostConfig: Body, rules: ContainerRules): void {
  // Namespaces first: Docker itself adds SecurityOpt "label=disable" to a host-pid/ipc container,
  // and the denial should name the cause.
  denyNamespaces(hostConfig);
  denyDevicesAndKernel(hostConfig, rules.defaultRuntime);
  denyCapabilities(hostConfig, rules.allowedCapabilities);
}

/** Throws when a named volume that already exists was created with bind-like local options. */
export function checkExistingVolume(where: string, name: string, driver: string, options: Record<string, unknown> | null): void {
  if (driver !== 'local') {
    throw new PolicyDenial('volume-driver', `${where} mounts volume ${name} of driver ${driver}, a plugin that may mount anything.`, 'Use volumes of the local driver.');
  }
  const problem = options ? localVolumeOptionsProblem(options) : undefined;
  if (problem) {
    throw new PolicyDenial('volume-bind', `${where} mounts volume ${name}, whose ${problem}.`, 'Mount an allow-listed host path with a bind mount instead.');
  }
  // A volume created outside the gateway with a file server on the Docker host (volume-servers.ts).
  if (options) assertVolumeServers(options, `${where} mounts volume ${name}`);
}
