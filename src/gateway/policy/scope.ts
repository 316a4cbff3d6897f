// Which existing containers the gateway may touch. The target is inspected (never trusted from the
// caller's words): protected containers — labelled protected, matching protected_containers by
// name/id/image, or the gateway itself — can never be changed or exec'd into; with a
// control_label_selector only matching containers can. What a container may run with (start,
// restart, unpause, exec) is judged in runnable.ts.
import type Dockerode from 'dockerode';
import { PolicyDenial } from './body.js';
import { canonicalImage, globToRegExp, parseImageRef } from './images.js';

export interface ContainerFacts {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  /** Config.User: what an exec without a user runs as. */
  user: string;
  hostConfig: Record<string, unknown>;
  /** Inspect's Mounts: what Docker will mount (bind sources cleaned, `RW` false for read-only). */
  mounts: Array<{ Type?: string; Source?: string; Name?: string; RW?: boolean }>;
  /** NetworkSettings.Networks: the networks Docker will attach it to at start. */
  networks: Record<string, { NetworkID?: string } | undefined>;
}

export interface ControlScope {
  /** `key=value` or `key`; all must match. Empty: every container is in scope. */
  selector: readonly string[];
  /** `key=value` or `key`; any match protects. */
  protectedLabels: readonly string[];
  /** Globs over name, id and image reference; `*` and `?` also cross '/' (see protectedGlobMatches). */
  protectedContainers: readonly string[];
  /** The gateway's own container ids (or id prefixes) and names. */
  self: readonly string[];
}

export async function inspectContainer(docker: Dockerode, ref: string): Promise<ContainerFacts> {
  let info: Dockerode.ContainerInspectInfo;
  try {
    info = await docker.getContainer(ref).inspect();
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    // Fail closed: a container the policy cannot see cannot be cleared.
    throw new PolicyDenial(
      status === 404 ? 'container-not-found' : 'inspect-failed',
      status === 404 ? `No container ${ref}.` : `Could not inspect container ${ref} to check the policy.`,
      status === 404 ? 'Check the name with the container list tool.' : 'Retry when the Docker daemon answers.',
    );
  }
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config?.Image ?? '',
    labels: info.Config?.Labels ?? {},
    user: info.Config?.User ?? '',
    hostConfig: (info.HostConfig ?? {}) as Record<string, unknown>,
    mounts: (info.Mounts ?? []),
    networks: info.NetworkSettings?.Networks ?? {},
  };
}

export function labelMatches(labels: Record<string, string>, term: string): boolean {
  const eq = term.indexOf('=');
  if (eq < 0) return Object.prototype.hasOwnProperty.call(labels, term.trim());
  const key = term.slice(0, eq).trim();
  return Object.prototype.hasOwnProperty.call(labels, key) && labels[key] === term.slice(eq + 1).trim();
}

function isSelf(facts: ContainerFacts, self: readonly string[]): boolean {
  return self.some((s) => {
    const v = s.trim().toLowerCase();
    return v.length >= 12 ? facts.id.startsWith(v) : v !== '' && facts.name.toLowerCase() === v;
  });
}

/**
 * A protected_containers glob against a container: case-insensitive over its name, its id, its
 * image reference as written at create and that reference expanded (`docker.io/library/…:latest`).
 * Unlike allowed_images, `*` and `?` here also cross '/', so `*cloudflared*` covers
 * `cloudflare/cloudflared:latest` and `ghcr.io/x/cloudflared` — a protection must not be dodged
 * by a registry or namespace in front of the name.
 */
export function protectedGlobMatches(facts: Pick<ContainerFacts, 'name' | 'id' | 'image'>, glob: string): boolean {
  const pattern = glob.trim().toLowerCase();
  if (!pattern) return false;
  const re = globToRegExp(pattern, true);
  const ref = parseImageRef(facts.image);
  const values = [facts.name, facts.id, facts.image, ...(ref ? [canonicalImage(ref)] : [])];
  return values.some((value) => value !== '' && re.test(value.toLowerCase()));
}

/** Throws unless the container may be changed (`action`) by the gateway. */
export function checkControl(facts: ContainerFacts, action: string, scope: ControlScope): void {
  const label = scope.protectedLabels.find((term) => labelMatches(facts.labels, term));
  const glob = scope.protectedContainers.find((g) => protectedGlobMatches(facts, g));
  if (isSelf(facts, scope.self) || label || glob) {
    const why = isSelf(facts, scope.self)
      ? 'it is the gateway itself'
      : label
        ? `it carries the protected label ${label}`
        : `it matches protected_containers "${glob}"`;
    throw new PolicyDenial(
      'protected-container',
      `Container ${facts.name} is protected (${why}); ${action} is refused.`,
      'Manage it outside the gateway, or remove the label / protected_containers entry if it should not be protected.',
    );
  }
  const missing = scope.selector.filter((term) => !labelMatches(facts.labels, term));
  if (missing.length) {
    throw new PolicyDenial(
      'control-scope',
      `Container ${facts.name} is outside the gateway's control scope (missing label ${missing.join(', ')}); ${action} is refused.`,
      'Only containers matching control_label_selector can be changed; create them with those labels or widen the selector.',
    );
  }
}

/**
 * True for users that are uid 0: "", "0", "root", "0:0", "root:wheel", "00", and every spelling
 * Docker reads as uid 0. Docker parses the part before ':' with Go's strconv.Atoi (an optional
 * sign, then decimal digits), so "-0", "+0" and "-00" are uid 0 too. Only the uid decides: the
 * group ("1000:0") gives no root privileges by itself.
 */
export function isRootUser(user: string): boolean {
  const name = user.trim().split(':')[0]!.trim();
  return name === '' || name === 'root' || /^[+-]?0+$/.test(name);
}
