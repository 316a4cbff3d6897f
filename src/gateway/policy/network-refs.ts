// Network references as Docker reads them. A reference is a full id, a name or a unique id prefix
// (Docker tries them in that order), so a string check that only knows "host" is fooled by the host
// network's id or an id prefix. Every reference is resolved through the Engine first and the
// network Docker will use is judged: its driver (host, macvlan, ipvlan and plugins reach beyond
// the container) and its id. Names that could flip meaning (a network name that is also another
// network's id prefix) are refused rather than guessed.
import type Dockerode from 'dockerode';
import { isPlainObject, list, PolicyDenial, struct, text } from './body.js';

export interface NetworkFacts {
  id: string;
  name: string;
  driver: string;
}

/** A network a container joins, with what it claims there besides its own name and hostname. */
export interface Joining {
  network: NetworkFacts;
  aliases: string[];
  /** A caller-chosen address (IPAMConfig): it could take the one a stopped protected container is configured with. */
  fixedAddress: boolean;
}

/** Aliases and fixed addresses asked for in one EndpointSettings object (create or connect). */
export function endpointClaims(settings: unknown, where: string): Omit<Joining, 'network'> {
  if (settings !== undefined && settings !== null && !isPlainObject(settings)) throw new PolicyDenial('malformed-body', `${where} must be an object.`, 'Send endpoint settings.');
  const aliases = list(settings, 'Aliases', where);
  if (aliases.some((a) => typeof a !== 'string')) throw new PolicyDenial('malformed-body', `${where}.Aliases must list strings.`, 'Send alias names.');
  const ipam = struct(settings, 'IPAMConfig', where);
  const fixedAddress = !!ipam && Object.values(ipam).some((v) => v !== null && v !== '' && !(Array.isArray(v) && !v.length));
  return { aliases: aliases as string[], fixedAddress };
}

/** Drivers whose containers stay in their own network namespace on a Docker-managed network. */
const CONTAINED_DRIVERS = new Set(['bridge', 'overlay', 'null']);

/** NetworkMode values Docker interprets itself without looking a network up (runconfig IsHost/IsNone/…). */
const BUILTIN_MODES = new Set(['', 'default', 'bridge', 'none']);

export async function resolveNetwork(docker: Dockerode, ref: string, where: string): Promise<NetworkFacts> {
  let info: Dockerode.NetworkInspectInfo;
  try {
    info = await docker.getNetwork(ref).inspect();
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404) {
      throw new PolicyDenial('network-not-found', `${where}: no network "${ref}".`, 'Name an existing network (see network_list).');
    }
    // Docker answers 400 for a prefix that matches several networks.
    throw new PolicyDenial('network-ambiguous', `${where}: network "${ref}" could not be resolved to one network.`, 'Name the network by its full id or exact name.');
  }
  const facts = { id: info.Id, name: info.Name, driver: (info.Driver ?? '').toLowerCase() };
  if (facts.name === ref && /^[0-9a-f]+$/i.test(ref)) {
    // "ab12" is this network's name but also a prefix another network's id may match: if this one
    // goes away between the check and Docker's request, the same string names the other network.
    const others = await docker.listNetworks().catch(() => undefined);
    if (!others) throw new PolicyDenial('inspect-failed', `${where}: could not list networks to check "${ref}".`, 'Retry when the Docker daemon answers.');
    const clash = others.find((n) => n.Id !== facts.id && n.Id.startsWith(ref.toLowerCase()));
    if (clash) {
      throw new PolicyDenial('network-ambiguous', `${where}: "${ref}" is the name of network ${facts.id.slice(0, 12)} and a prefix of network ${clash.Name}'s id.`,
        'Name the network by its full id.');
    }
  }
  return facts;
}

/** Throws unless a container on this network stays in its own network namespace. */
export function judgeDriver(network: NetworkFacts, where: string): void {
  if (network.driver === 'host') {
    throw new PolicyDenial('host-namespace', `${where}: network "${network.name}" (${network.id.slice(0, 12)}) is the host network.`,
      'Use a bridge or user-defined network; host networking cannot be allowed through the gateway.');
  }
  if (!CONTAINED_DRIVERS.has(network.driver)) {
    throw new PolicyDenial('network-driver', `${where}: network "${network.name}" uses driver ${network.driver || '(none)'}, which attaches containers to host interfaces or plugins.`,
      'Use a network of the bridge (or overlay) driver.');
  }
}

/**
 * The networks a create body joins, resolved and judged: HostConfig.NetworkMode (when Docker looks
 * it up as a network) and every NetworkingConfig.EndpointsConfig key. Returns them with the
 * aliases the body asks for on each.
 */
export async function createBodyNetworks(docker: Dockerode, body: Record<string, unknown>): Promise<Joining[]> {
  const joined: Joining[] = [];
  const hostConfig = struct(body, 'HostConfig', 'body');
  const mode = text(hostConfig, 'NetworkMode', 'HostConfig')?.trim() ?? '';
  // "host" and "container:" are Docker's own modes (refused by the namespace rule); the rest of the
  // string is a reference Docker looks up, exactly as given (case-sensitive), so it is resolved here.
  if (!BUILTIN_MODES.has(mode) && mode !== 'host' && !mode.startsWith('container:')) {
    const network = await resolveNetwork(docker, mode, `HostConfig.NetworkMode "${mode}"`);
    judgeDriver(network, `HostConfig.NetworkMode "${mode}"`);
    joined.push({ network, aliases: [], fixedAddress: false });
  }
  const endpoints = struct(struct(body, 'NetworkingConfig', 'body'), 'EndpointsConfig', 'NetworkingConfig') ?? {};
  for (const [ref, settings] of Object.entries(endpoints)) {
    const where = `NetworkingConfig.EndpointsConfig "${ref}"`;
    const network = await resolveNetwork(docker, ref, where);
    judgeDriver(network, where);
    const claims = endpointClaims(settings, where);
    const existing = joined.find((j) => j.network.id === network.id);
    if (existing) {
      existing.aliases.push(...claims.aliases);
      existing.fixedAddress ||= claims.fixedAddress;
    } else {
      joined.push({ network, ...claims });
    }
  }
  return joined;
}

/** A new network's name may not be (a prefix of) an existing network's id: a reference to it would be ambiguous. */
export async function checkNewNetworkName(docker: Dockerode, name: string): Promise<void> {
  if (!/^[0-9a-f]+$/i.test(name)) return;
  const networks = await docker.listNetworks().catch(() => undefined);
  if (!networks) throw new PolicyDenial('inspect-failed', 'Could not list networks to check the new name.', 'Retry when the Docker daemon answers.');
  const shadowed = networks.find((n) => n.Id.startsWith(name.toLowerCase()));
  if (shadowed || name.length === 64) {
    throw new PolicyDenial('network-name', `Network name "${name}" is ${shadowed ? `a prefix of network ${shadowed.Name}'s id` : 'shaped like a network id'}; references to either would be ambiguous.`,
      'Choose a name that is not a hexadecimal id prefix.');
  }
}

/**
 * The networks an existing container joins when Docker starts it, judged like a create's: Docker
 * finds each configured network by its stored NetworkID, or by name for a container never
 * started. For re-judging start/restart of containers created outside the gateway, whose
 * HostConfig.NetworkMode may spell the host network as an id prefix the string rules cannot see.
 */
export async function judgeContainerNetworks(
  docker: Dockerode,
  networks: Record<string, { NetworkID?: string } | undefined>,
  where: string,
): Promise<void> {
  for (const [name, endpoint] of Object.entries(networks)) {
    const label = `${where}: network ${name}`;
    let network: NetworkFacts;
    try {
      network = await resolveNetwork(docker, endpoint?.NetworkID || name, label);
    } catch (error) {
      if (!(error instanceof PolicyDenial) || error.rule !== 'network-not-found') throw error;
      if (!endpoint?.NetworkID) continue; // nothing by that name: Docker cannot attach it either
      try {
        network = await resolveNetwork(docker, name, label);
      } catch (again) {
        // A daemon run with --bridge none still lists "bridge" on its containers, with no such
        // network: Docker starts them without it, so there is nothing to judge.
        if (again instanceof PolicyDenial && again.rule === 'network-not-found') continue;
        throw again;
      }
    }
    judgeDriver(network, label);
  }
}
