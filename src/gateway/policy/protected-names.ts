// Names of protected containers and the name resolution of their networks. Docker's embedded DNS
// answers, on each user-defined network, for every attached container's name, hostname and
// aliases (all of them when several containers claim one name, so a second claimant takes part of
// the traffic) and only forwards what it does not know, so a container named "one.one.one.one"
// shadows the real host for its peers. The rules, judged from Docker's state at each call:
//  - a container may not take a name (container name, hostname, alias) that a protected container
//    answers to anywhere, nor a name that would make it protected itself (it could never be
//    managed or removed through the gateway again);
//  - on a network where a protected container is configured (running or not) no caller-chosen
//    alias is accepted at all, and a joining container's name and hostname must not be a name
//    already answered on that network, nor contain a dot (an external name). Aliases are refused
//    outright because a protected container may resolve names that do not exist yet (a peer
//    being recreated), which no collision check can see.
import type Dockerode from 'dockerode';
import { field, isPlainObject, PolicyDenial, text, type Body } from './body.js';
import { createBodyNetworks, type Joining, type NetworkFacts } from './network-refs.js';
import { canonicalImage, parseImageRef } from './images.js';
import { checkControl, protectedGlobMatches, type ControlScope } from './scope.js';

interface Named {
  id: string;
  name: string;
  /** Lower-case DNS names it answers to on each network (by id, and by `name:<network name>`): name, hostname, aliases. */
  byNetwork: Map<string, Set<string>>;
  all: Set<string>;
}

// DNS compares names case-insensitively, and `web.` is the fully qualified spelling of `web`.
const lower = (s: string): string => s.trim().toLowerCase().replace(/\.+$/, '');

async function inspectNamed(docker: Dockerode, id: string): Promise<Named | undefined> {
  let info: Dockerode.ContainerInspectInfo;
  try {
    info = await docker.getContainer(id).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined; // removed meanwhile
    throw new PolicyDenial('inspect-failed', `Could not inspect container ${id} to check names.`, 'Retry when the Docker daemon answers.');
  }
  const name = info.Name.replace(/^\//, '');
  const own = [name, info.Config?.Hostname ?? ''].filter(Boolean).map(lower);
  const byNetwork = new Map<string, Set<string>>();
  const all = new Set(own);
  for (const [network, endpoint] of Object.entries(info.NetworkSettings?.Networks ?? {})) {
    const raw: unknown = endpoint?.Aliases;
    const aliases = Array.isArray(raw) ? raw.filter((a): a is string => typeof a === 'string') : [];
    const names = new Set<string>([...own, ...aliases.map(lower)]);
    // A container never started has no NetworkID yet: Docker finds its network by name at start.
    byNetwork.set(`name:${network}`, names);
    if (endpoint?.NetworkID) byNetwork.set(endpoint.NetworkID, names);
    names.forEach((n) => all.add(n));
  }
  return { id: info.Id, name, byNetwork, all };
}

function isOn(named: Named, network: NetworkFacts): boolean {
  return (!!network.id && named.byNetwork.has(network.id)) || named.byNetwork.has(`name:${network.name}`);
}

function isProtected(facts: { id: string; name: string; image: string; labels: Record<string, string> }, scope: ControlScope): string | undefined {
  try {
    checkControl({ ...facts, user: '', hostConfig: {}, mounts: [], networks: {} }, 'check', { ...scope, selector: [] });
    return undefined;
  } catch (error) {
    if (error instanceof PolicyDenial) return error.reason.replace(/^.*\((.*)\).*$/s, '$1');
    throw error;
  }
}

/** Every protected container with the names it answers to. One list call; inspects only the protected. */
async function protectedContainers(docker: Dockerode, scope: ControlScope): Promise<Named[]> {
  let listed: Dockerode.ContainerInfo[];
  try {
    listed = await docker.listContainers({ all: true });
  } catch {
    throw new PolicyDenial('inspect-failed', 'Could not list containers to check protected names.', 'Retry when the Docker daemon answers.');
  }
  const found: Named[] = [];
  for (const c of listed) {
    if (!(await protectionOf(docker, c, scope))) continue;
    const named = await inspectNamed(docker, c.Id);
    if (named) found.push(named);
  }
  return found;
}

/** The image reference a listed container was created from. */
async function listedImage(docker: Dockerode, c: Dockerode.ContainerInfo): Promise<string> {
  // The list shows the image id when the tag has moved; the protected glob reads the reference as created.
  if (!/^(sha256:)?[0-9a-f]{12,64}$/.test(c.Image)) return c.Image;
  return (await docker.getContainer(c.Id).inspect().catch(() => undefined))?.Config?.Image ?? c.Image;
}

/** Why a listed container is protected (the gateway itself included), or undefined. */
export async function protectionOf(docker: Dockerode, c: Dockerode.ContainerInfo, scope: ControlScope): Promise<string | undefined> {
  const name = (c.Names ?? []).map((n) => n.replace(/^\//, '')).find((n) => !n.includes('/')) ?? '';
  return isProtected({ id: c.Id, name, image: await listedImage(docker, c), labels: c.Labels ?? {} }, scope);
}

/**
 * Throws when `reference`, about to name other content (a tag or build target), is the image a
 * protected container was created from, or matches protected_containers: a running container
 * keeps its image id, but its owner's next recreate (compose up, an upgrade, a unit running the
 * name) would run that content with the tunnel's secrets or the gateway's Docker socket.
 */
export async function judgeProtectedImageName(docker: Dockerode, scope: ControlScope, reference: string, where: string): Promise<void> {
  const how = 'Use another name; the images of protected containers are managed outside the gateway.';
  const glob = scope.protectedContainers.find((g) => protectedGlobMatches({ name: '', id: '', image: reference }, g));
  if (glob) throw new PolicyDenial('protected-image', `${where}: ${reference} matches protected_containers "${glob}".`, how);
  const wanted = canonical(reference);
  let listed: Dockerode.ContainerInfo[];
  try {
    listed = await docker.listContainers({ all: true });
  } catch {
    throw new PolicyDenial('inspect-failed', 'Could not list containers to check protected images.', 'Retry when the Docker daemon answers.');
  }
  for (const c of listed) {
    if (canonical(await listedImage(docker, c)) !== wanted) continue;
    const why = await protectionOf(docker, c, scope);
    if (why) {
      const name = (c.Names ?? [])[0]?.replace(/^\//, '') ?? c.Id;
      throw new PolicyDenial('protected-image', `${where}: ${reference} is the image the protected container ${name} (${why}) is created from; its next recreate would run the new content.`, how);
    }
  }
}

function canonical(reference: string): string {
  const ref = parseImageRef(reference);
  return (ref ? canonicalImage(ref) : reference).toLowerCase();
}

export interface Joiner {
  /** Absent for a container not created yet. */
  id?: string;
  name?: string;
  hostname?: string;
  /** The networks it joins (or, for a rename, is configured on) and what it claims on each. */
  networks: Joining[];
}

/** Throws when the joiner's names would answer for a protected container or on a protected network. */
async function judgeNames(docker: Dockerode, scope: ControlScope, joiner: Joiner, where: string): Promise<void> {
  const guarded = (await protectedContainers(docker, scope)).filter((p) => p.id !== joiner.id);
  const own = [joiner.name, joiner.hostname].filter((n): n is string => !!n).map(lower);
  const claimed = [...own, ...joiner.networks.flatMap((j) => j.aliases.map(lower))];
  for (const n of claimed) {
    const owner = guarded.find((p) => p.all.has(n));
    if (owner) {
      throw new PolicyDenial('protected-name', `${where}: "${n}" is a name the protected container ${owner.name} answers to; taking it would redirect its traffic.`,
        'Choose another name or alias.');
    }
  }
  for (const { network, aliases, fixedAddress } of joiner.networks) {
    const holders = guarded.filter((p) => isOn(p, network));
    if (!holders.length) continue;
    const holder = holders[0]!.name;
    if (aliases.length) {
      throw new PolicyDenial('protected-network', `${where}: network ${network.name} holds the protected container ${holder}; aliases there are refused (${aliases.join(', ')}).`,
        'Reach the container by its name, or use a network without protected containers.');
    }
    if (fixedAddress) {
      throw new PolicyDenial('protected-network', `${where}: network ${network.name} holds the protected container ${holder}; fixed addresses there are refused (one could take the address it is configured with).`,
        'Let Docker assign the address on this network.');
    }
    const dotted = own.find((n) => n.includes('.'));
    if (dotted) {
      throw new PolicyDenial('protected-network', `${where}: "${dotted}" on network ${network.name} (which holds the protected container ${holder}) would shadow that host name for it.`,
        'Use a name and hostname without dots on this network.');
    }
    const taken = await namesOnNetwork(docker, network, joiner.id);
    const clash = own.find((n) => taken.has(n));
    if (clash) {
      throw new PolicyDenial('protected-network', `${where}: "${clash}" already answers on network ${network.name} (${taken.get(clash)}), which holds the protected container ${holder}.`,
        'Choose a name and hostname not used on that network.');
    }
  }
}

/** Names answered on a network by the containers configured on it (running or not), but `except`. */
async function namesOnNetwork(docker: Dockerode, network: NetworkFacts, except?: string): Promise<Map<string, string>> {
  let listed: Dockerode.ContainerInfo[];
  try {
    listed = await docker.listContainers({ all: true, filters: { network: [network.id || network.name] } });
  } catch {
    throw new PolicyDenial('inspect-failed', `Could not list the containers of network ${network.name}.`, 'Retry when the Docker daemon answers.');
  }
  const taken = new Map<string, string>();
  for (const c of listed) {
    if (c.Id === except) continue;
    const named = await inspectNamed(docker, c.Id);
    for (const n of named?.byNetwork.get(network.id) ?? named?.byNetwork.get(`name:${network.name}`) ?? named?.all ?? []) taken.set(n, `container ${named?.name ?? c.Id}`);
  }
  return taken;
}

/** Throws when a container created with these facts would itself be protected (and unmanageable). */
function judgeWouldBeProtected(facts: { name: string; image: string; labels: Record<string, string> }, scope: ControlScope, where: string): void {
  const why = isProtected({ id: '', ...facts }, scope);
  if (why) {
    throw new PolicyDenial('protected-name', `${where}: the container would be protected (${why}), so the gateway could never stop, change or remove it.`,
      'Choose a name, image and labels outside protected_containers and the protected labels, or manage protected containers outside the gateway.');
  }
}

/** The name of a protected container configured on the network (running or not), if any. */
export async function protectedUserOf(docker: Dockerode, scope: ControlScope, network: NetworkFacts): Promise<string | undefined> {
  return (await protectedContainers(docker, scope)).find((p) => isOn(p, network))?.name;
}

/** container_create/run: the networks the body joins (resolved, judged), the would-be protection, the names. */
export async function judgeCreate(docker: Dockerode, scope: ControlScope, body: Body, name: string | undefined): Promise<void> {
  const networks = await createBodyNetworks(docker, body);
  const image = text(body, 'Image', 'body') ?? '';
  // Docker gives the container the image's labels under its own: a labelled image protects it too.
  const imageLabels = (await docker.getImage(image).inspect().catch(() => undefined))?.Config?.Labels ?? {};
  const own = field(body, 'Labels');
  const labels = { ...imageLabels, ...(isPlainObject(own) ? (own as Record<string, string>) : {}) };
  judgeWouldBeProtected({ name: name ?? '', image, labels }, scope, 'container create');
  await judgeNames(docker, scope, { ...(name ? { name } : {}), ...hostnameOf(body), networks }, 'container create');
}

function hostnameOf(body: Body): { hostname?: string } {
  const hostname = text(body, 'Hostname', 'body')?.trim();
  const domain = text(body, 'Domainname', 'body')?.trim();
  // With a Domainname the container's own name is the FQDN, judged like any dotted name.
  if (hostname && domain) return { hostname: `${hostname}.${domain}` };
  return hostname ? { hostname } : domain ? { hostname: `(short id).${domain}` } : {};
}

/** container_rename: the new name against protection and the networks the container is configured on. */
export async function judgeRename(docker: Dockerode, scope: ControlScope, container: string, newName: string | undefined): Promise<void> {
  // A rename the policy cannot see the new name of is refused: the name is what is judged.
  if (!newName) throw new PolicyDenial('malformed-body', `Rename of ${container} does not say the new name.`, 'Pass the new name with the rename.');
  const info = await docker.getContainer(container).inspect().catch(() => undefined);
  if (!info) throw new PolicyDenial('inspect-failed', `Could not inspect container ${container} to check its new name.`, 'Retry when the Docker daemon answers.');
  judgeWouldBeProtected({ name: newName, image: info.Config?.Image ?? '', labels: info.Config?.Labels ?? {} }, scope, `rename to ${newName}`);
  const networks = Object.entries(info.NetworkSettings?.Networks ?? {})
    .map(([key, e]) => ({ network: { id: e?.NetworkID ?? '', name: key, driver: '' }, aliases: [], fixedAddress: false }));
  await judgeNames(docker, scope, { id: info.Id, name: newName, networks }, `rename to ${newName}`);
}

/** network_connect: the container's name and hostname and what it claims on the network it joins. */
export async function judgeConnect(docker: Dockerode, scope: ControlScope, container: string, joining: Joining): Promise<void> {
  const info = await docker.getContainer(container).inspect().catch(() => undefined);
  if (!info) throw new PolicyDenial('inspect-failed', `Could not inspect container ${container} to check its names.`, 'Retry when the Docker daemon answers.');
  const hostname = info.Config?.Hostname ?? '';
  await judgeNames(docker, scope, {
    id: info.Id, name: info.Name.replace(/^\//, ''), ...(hostname ? { hostname } : {}), networks: [joining],
  }, `connect to ${joining.network.name}`);
}
