// Host paths a container may bind-mount. Paths are normalised (`..`, `//`, `.`, trailing slashes)
// before comparison, as Docker cleans them; allow-list matching is by whole path components
// (`/home` does not cover `/home2`), and some paths are refused whatever the allow-list says: `/`,
// the runtime directories holding the Docker and containerd sockets, any *.sock, Docker's data
// root, /proc, /sys and /dev, and every ancestor of those (binding /var exposes /var/run/docker.sock).
//
// Docker resolves a bind source again, symlinks included, at every start of the container — its
// own restarts (restart policy, daemon restart) too, which the gateway never sees. A directory a
// container can write is therefore never part of a bind source's path: from a writable root only
// the root itself may be bound (a container binding it can replace `root/sub` with a symlink to
// `/`); subpaths may be bound only from read-only roots, and roots may not nest when one of them
// is writable (parseBindRules). docs/security.md, "Bind mounts and symlinks", gives the reasoning.
import { lstatSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { posix } from 'node:path';
import { PolicyDenial } from './body.js';

export interface BindRule {
  path: string;
  readOnlyOnly: boolean;
}

const ALWAYS_DENIED = ['/run', '/var/run', '/var/lib/docker', '/var/lib/containerd', '/proc', '/sys', '/dev'];

/** Normalised absolute path, or undefined for relative paths (never guessed relative to anything). */
export function normalizeHostPath(raw: string): string | undefined {
  if (!raw.startsWith('/')) return undefined;
  const normalized = posix.normalize(raw);
  // posix.normalize keeps a leading "//" (POSIX leaves it implementation-defined); Linux does not.
  const collapsed = normalized.replace(/^\/+/, '/').replace(/\/+$/, '');
  return collapsed === '' ? '/' : collapsed;
}

export function isWithin(path: string, base: string): boolean {
  return base === '/' || path === base || path.startsWith(`${base}/`);
}

/**
 * `path[:ro]` entries from allowed_bind_paths. Throws when an entry is not absolute, or when two
 * roots nest and one of them is writable: a container binding the outer one writable could swap a
 * directory on the inner one's path for a symlink, and a container binding the writable inner one
 * would look like it holds only that.
 */
export function parseBindRules(entries: readonly string[]): BindRule[] {
  const rules = entries.map((entry) => {
    const ro = /:ro$/i.test(entry.trim());
    const raw = ro ? entry.trim().slice(0, -3) : entry.trim();
    const path = normalizeHostPath(raw);
    if (!path) throw new Error(`allowed_bind_paths entry "${entry}" must be an absolute path`);
    return { path, readOnlyOnly: ro };
  });
  for (const outer of rules) {
    for (const inner of rules) {
      if (outer === inner || !isWithin(inner.path, outer.path)) continue;
      if (outer.readOnlyOnly && inner.readOnlyOnly) continue;
      throw new Error(
        `allowed_bind_paths entries ${outer.path}${outer.readOnlyOnly ? ':ro' : ''} and ${inner.path}${inner.readOnlyOnly ? ':ro' : ''} nest and ` +
          'one is writable: a container that writes the outer directory could replace the inner path with a symlink. ' +
          'Keep only one of them, make both read-only, or list sibling directories instead.',
      );
    }
  }
  return rules;
}

function forbiddenReason(path: string, socketPaths: readonly string[]): string | undefined {
  if (path === '/') return 'the host root filesystem';
  if (/\.sock$/i.test(path)) return 'a Unix socket (the Docker socket is root on the host)';
  for (const denied of [...ALWAYS_DENIED, ...socketPaths]) {
    if (isWithin(path, denied)) return `${denied}, which holds the container runtime's sockets or state`;
    if (isWithin(denied, path)) return `${path}, which contains ${denied}`;
  }
  return undefined;
}

export interface BindCheckInput {
  source: string;
  readOnly: boolean;
  /** Where it came from, for the message: `HostConfig.Binds[0]`. */
  where: string;
}

export interface BindPolicy {
  rules: readonly BindRule[];
  socketPaths: readonly string[];
  /** Resolve symlinks when the path exists where the gateway runs (on by default). */
  resolveLocal?: boolean;
  /**
   * Refuse a writable bind of a root whose filesystem, where the gateway sees it, is mounted
   * without nosuid and nodev (the gateway's configuration turns this on; see writableMountProblem).
   */
  requireNosuidNodev?: boolean;
}

const HOW_TO_ALLOW =
  'Add the host directory to allowed_bind_paths (append :ro to force read-only mounts), or use a named volume.';

function checkOne(path: string, input: BindCheckInput, policy: BindPolicy): void {
  const forbidden = forbiddenReason(path, policy.socketPaths);
  if (forbidden) {
    throw new PolicyDenial(
      'bind-forbidden',
      `${input.where} mounts ${input.source}: it exposes ${forbidden}.`,
      'This path can never be mounted through the gateway; mount a specific data directory instead.',
    );
  }
  // Every matching root must agree (parseBindRules refuses nesting with a writable root, but a
  // policy built otherwise still gets the strictest reading).
  const matching = policy.rules.filter((r) => isWithin(path, r.path));
  if (!matching.length) {
    throw new PolicyDenial('bind-path', `${input.where} mounts host path ${path}, which is not in allowed_bind_paths.`, HOW_TO_ALLOW);
  }
  const readOnlyRule = matching.find((r) => r.readOnlyOnly);
  if (readOnlyRule && !input.readOnly) {
    throw new PolicyDenial(
      'bind-read-only',
      `${input.where} mounts ${path} writable, but allowed_bind_paths only allows ${readOnlyRule.path} read-only.`,
      'Mount it read-only (":ro" or ReadOnly: true), or drop ":ro" from the allowed_bind_paths entry.',
    );
  }
  const writableRoot = matching.find((r) => !r.readOnlyOnly && path !== r.path);
  if (writableRoot) {
    // Read-only or not: the mount may be read-only, the path to it is not. Any container binding
    // the root can turn a directory on this path into a symlink to `/` before Docker resolves it.
    const root = writableRoot.path;
    throw new PolicyDenial(
      'bind-subpath',
      `${input.where} mounts ${path}, a subdirectory of the writable allowed root ${root}: a container that binds ${root} ` +
        'could replace a directory on that path with a symlink, and Docker follows it at every start.',
      `Bind ${root} itself, give ${path} its own allowed_bind_paths entry instead of ${root}, or make ${root} read-only (${root}:ro).`,
    );
  }
  // Last: the rules above name the more basic problem (a swapped-in link resolves to `/`, say).
  if (input.readOnly && policy.requireNosuidNodev) {
    const below = writableMountBelow(path);
    if (below) {
      throw new PolicyDenial(
        'bind-writable-mount',
        `${input.where} mounts ${path} read-only, but a writable filesystem is mounted below it at ${below}: Docker makes only ` +
          'the top of a bind read-only, so a container could write there (plant setuid programs, device nodes, or symlinks that later binds follow).',
        `Bind ${below} on its own (it is then judged itself), mount it read-only on the host, or bind a directory that has no mounts below it.`,
      );
    }
  }
  if (!input.readOnly && policy.requireNosuidNodev) {
    const problem = writableMountProblem(path);
    if (problem) {
      throw new PolicyDenial(
        'bind-writable-mount',
        `${input.where} mounts ${path} writable, but ${problem}: a container (root inside it, with Docker's default MKNOD) ` +
          'could leave a setuid-root program or a world-writable device node there, which any process on the host could then use to become root.',
        `Mount ${path} on the host with nosuid,nodev (e.g. an fstab bind mount of it with those options), or bind it read-only (":ro").`,
      );
    }
  }
}

/** Throws a PolicyDenial unless the bind source is allowed. */
export function checkBindSource(input: BindCheckInput, policy: BindPolicy): void {
  const path = normalizeHostPath(input.source);
  if (!path) {
    throw new PolicyDenial('bind-path', `${input.where} uses a relative host path (${input.source}).`, 'Use an absolute path under allowed_bind_paths.');
  }
  checkOne(path, input, policy);
  // Docker follows symlinks in the source. When the path is visible here (gateway on the host),
  // the resolved target must pass too: a link the host placed under a read-only root, or an
  // allowed root that is itself a link. No container can place one (see the file comment); when
  // the path is not visible, docs/security.md states what remains.
  if (policy.resolveLocal !== false) {
    const real = resolveLocally(path);
    if (real !== undefined && real !== path) checkOne(real, { ...input, where: `${input.where} (resolves to ${real})` }, policy);
  }
}

/**
 * Resolves symlinks as far as the local filesystem shows them, including dangling links and
 * components that do not exist yet (Docker may create them), so a link to a socket that only
 * exists on the host is still followed. Undefined when nothing on the path exists here.
 */
export function resolveLocally(path: string, hops = 0): string | undefined {
  if (hops > 40) return path; // a loop: compare what we have
  try {
    return realpathSync(path);
  } catch {
    // fall through: dangling link or missing component
  }
  if (path === '/') return '/';
  let isLink = false;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch {
    isLink = false;
  }
  if (isLink) {
    const target = readlinkSync(path);
    const next = normalizeHostPath(target.startsWith('/') ? target : posix.join(posix.dirname(path), target));
    return next ? resolveLocally(next, hops + 1) : undefined;
  }
  const parent = resolveLocally(posix.dirname(path), hops + 1);
  return parent === undefined ? undefined : normalizeHostPath(posix.join(parent, posix.basename(path)));
}

/**
 * The local volume driver mounts whatever `type`/`o`/`device` say: `o=bind,device=/` is a bind
 * mount of the host root, `type=ext4,device=/dev/sda1` mounts a host disk. Only tmpfs and network
 * filesystems without a host device are allowed.
 */
export function localVolumeOptionsProblem(options: Record<string, unknown>): string | undefined {
  const lower = new Map(Object.entries(options).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const type = (lower.get('type') ?? '').toLowerCase();
  const o = (lower.get('o') ?? '').toLowerCase();
  const device = lower.get('device') ?? '';
  if (/(^|,)\s*r?bind\s*(,|$)/.test(o)) return 'mount option "bind" makes it a bind mount of a host path';
  if (type === 'none' || type === 'bind') return `type "${type}" makes it a bind mount of a host path`;
  if (device.trim().startsWith('/')) return `device ${device} is a host path or block device`;
  const known = new Set(['type', 'o', 'device', 'size']);
  for (const key of lower.keys()) if (!known.has(key)) return `option "${key}" is not understood by this policy`;
  if (type && !['tmpfs', 'nfs', 'nfs4', 'cifs'].includes(type)) return `filesystem type "${type}" is not allowed`;
  return undefined;
}

interface MountEntry { id: string; parent: string; point: string; options: string[] }

/**
 * The mount holding `path` (resolved locally) and the mounts a recursive bind of it includes —
 * those hanging off that mount below the path, not ones a bind onto itself shadows — as the
 * gateway's mount table shows them; undefined when the path or the table is not visible here.
 */
function mountsAt(path: string): { top: MountEntry; below: MountEntry[] } | undefined {
  const real = resolveLocally(path);
  if (real === undefined) return undefined;
  let table: string;
  try {
    table = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return undefined; // no mount table (not Linux): nothing to compare
  }
  const mounts: MountEntry[] = [];
  for (const line of table.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 6) continue;
    // Mount points escape space, tab, newline and backslash as octal (\040).
    const point = fields[4]!.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
    mounts.push({ id: fields[0]!, parent: fields[1]!, point, options: fields[5]!.split(',') });
  }
  // The mount the path is on: walk down from the root mount. Of the mounts hanging off one mount
  // on the way to the path, the one at the shortest point was mounted last (a later mount at a
  // deeper point would hang off it) and hides the others, so a deeper mount point is not
  // enough: one mounted over its parent directory afterwards takes the path.
  const ids = new Set(mounts.map((m) => m.id));
  let top = mounts.filter((m) => m.point === '/' && !ids.has(m.parent)).at(-1) ?? mounts.find((m) => m.point === '/');
  for (let next = top, steps = 0; next && steps <= mounts.length; steps++) {
    const current: MountEntry = next;
    next = mounts
      .filter((m) => m.parent === current.id && m !== current && isWithin(real, m.point))
      .sort((a, b) => a.point.length - b.point.length)[0];
    if (next) top = next;
  }
  if (!top) return undefined;
  const inside = new Set([top.id]);
  const below: MountEntry[] = [];
  for (const m of [...mounts].sort((a, b) => a.point.length - b.point.length)) {
    if (m === top || !isWithin(m.point, real) || !inside.has(m.parent)) continue;
    inside.add(m.id);
    below.push(m);
  }
  return { top, below };
}

const writable = (m: MountEntry): boolean => !m.options.includes('ro');

/**
 * Why a filesystem a writable bind of `path` reaches (as the gateway's mount table shows it) lets a
 * container plant setuid programs or device nodes for the host, or undefined when each is mounted
 * nosuid and nodev — or when the path is not visible here (gateway in a container or pod:
 * docs/security.md says what remains). The deepest mount point containing the resolved path
 * decides for the path itself; Docker binds recursively, so every writable mount below it counts too.
 */
export function writableMountProblem(path: string): string | undefined {
  const mounts = mountsAt(path);
  if (!mounts) return undefined;
  for (const mount of [mounts.top, ...mounts.below.filter(writable)]) {
    const missing = ['nosuid', 'nodev'].filter((flag) => !mount.options.includes(flag));
    if (missing.length) return `its filesystem${mount === mounts.top ? '' : ' below it'} (mounted at ${mount.point}) is mounted without ${missing.join(' and ')}`;
  }
  return undefined;
}

/**
 * The first writable mount point below `path`, or undefined. Docker binds recursively but makes
 * only the top mount of a read-only bind read-only (measured on Docker 28, both Binds ":ro" and
 * Mounts ReadOnly), so through such a bind a container writes every writable mount below it.
 */
function writableMountBelow(path: string): string | undefined {
  return mountsAt(path)?.below.find(writable)?.point;
}
