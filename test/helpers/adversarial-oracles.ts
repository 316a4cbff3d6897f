// What the adversarial suite asserts after each batch, read from Docker's own state through
// dockerode on the suite's private daemon (never through the gateway), from /proc, from the network
// recorder's file and from the loopback trap. Each check returns violations as sentences.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import type Dockerode from 'dockerode';
import { FIXTURES, MANAGED_LABEL, type Variant, type World } from './adversarial-world.js';

export interface ContainerState {
  id: string;
  name: string;
  status: string;
  labels: Record<string, string>;
  /** network name -> sorted DNS names/aliases */
  networks: Record<string, string[]>;
  inspect: Dockerode.ContainerInspectInfo;
}

export interface Snapshot {
  containers: Map<string, ContainerState>;
  images: Map<string, string[]>;
  volumes: Set<string>;
  networks: Map<string, string>;
}

export async function snapshot(docker: Dockerode): Promise<Snapshot> {
  const [list, images, volumes, networks] = await Promise.all([
    docker.listContainers({ all: true }), docker.listImages({ all: true }), docker.listVolumes(), docker.listNetworks(),
  ]);
  const containers = new Map<string, ContainerState>();
  for (const c of list) {
    const inspect = await docker.getContainer(c.Id).inspect().catch(() => undefined);
    if (!inspect) continue; // removed meanwhile
    const networksOf: Record<string, string[]> = {};
    for (const [net, ep] of Object.entries(inspect.NetworkSettings.Networks ?? {})) {
      const e = ep as { Aliases?: string[] | null; DNSNames?: string[] | null };
      networksOf[net] = [...new Set([...(e.Aliases ?? []), ...(e.DNSNames ?? [])])].sort();
    }
    containers.set(c.Id, {
      id: c.Id, name: inspect.Name.replace(/^\//, ''), labels: inspect.Config.Labels ?? {}, networks: networksOf, inspect,
      status: inspect.State.Paused ? 'paused' : inspect.State.Status,
    });
  }
  return {
    containers,
    images: new Map(images.map((i) => [i.Id, [...(i.RepoTags ?? [])].filter((t) => t !== '<none>:<none>').sort()])),
    volumes: new Set((volumes.Volumes ?? []).map((v) => v.Name)),
    networks: new Map(networks.map((n) => [n.Id, n.Name])),
  };
}

const isHost = (mode: string | undefined, hostNetworkId: string): boolean =>
  !!mode && (mode === 'host' || mode.startsWith('container:') || (mode.length >= 3 && hostNetworkId.startsWith(mode)));

/** A container Docker would run with more than an ordinary one: the create rules' whole promise. */
export function dangerousContainer(c: ContainerState, world: World): string[] {
  const hc = c.inspect.HostConfig as Record<string, unknown> & Dockerode.HostConfig;
  const found: string[] = [];
  if (hc.Privileged) found.push('Privileged');
  for (const key of ['NetworkMode', 'PidMode', 'IpcMode', 'UTSMode', 'UsernsMode', 'CgroupnsMode'] as const) {
    const mode = hc[key] as string | undefined;
    if (isHost(mode, world.hostNetworkId) && mode !== world.defaultModes[key]) found.push(`${key}=${mode}`);
  }
  if (Object.keys(c.networks).includes('host')) found.push('attached to the host network');
  for (const key of ['CapAdd', 'Devices', 'DeviceRequests', 'DeviceCgroupRules', 'VolumesFrom', 'Links'] as const) {
    const v = hc[key] as unknown[] | null | undefined;
    if (v?.length) found.push(`${key}=${JSON.stringify(v).slice(0, 200)}`);
  }
  if (hc.Sysctls && Object.keys(hc.Sysctls).length) found.push(`Sysctls=${JSON.stringify(hc.Sysctls)}`);
  const opts = ((hc.SecurityOpt ?? []) as string[]).filter((o) => !/^no-new-privileges(?:[:=]true)?$/.test(o));
  if (opts.length) found.push(`SecurityOpt=${JSON.stringify(opts)}`);
  if (hc.Runtime && hc.Runtime !== 'runc') found.push(`Runtime=${hc.Runtime}`);
  const allowed = realpathSync(world.allowedDir);
  for (const m of c.inspect.Mounts ?? []) {
    if (m.Type === 'bind') {
      const source = m.Source ?? '';
      // Resolved now, on the host: a symlink swapped in after create shows up here.
      let real = source;
      try {
        real = realpathSync(source);
      } catch {
        /* gone: judge it as written */
      }
      const inside = (p: string) => p === allowed || p.startsWith(`${allowed}/`);
      if (!inside(real) || !inside(source)) found.push(`bind ${source} (resolves to ${real}) outside allowed_bind_paths`);
      if (real === world.daemon.socketPath || real.endsWith('docker.sock')) found.push(`bind of the Docker socket ${source}`);
    }
  }
  return found;
}

/** Volumes created with bind or device options are binds in disguise. */
export async function dangerousVolumes(docker: Dockerode, world: World): Promise<string[]> {
  const out: string[] = [];
  for (const v of (await docker.listVolumes()).Volumes ?? []) {
    const o = v.Options ?? {};
    if (o.device || o.o || o.type) {
      const device = o.device ?? '';
      let real = device;
      try { real = realpathSync(device); } catch { /* not a path */ }
      const allowed = realpathSync(world.allowedDir);
      if (!(real === allowed || real.startsWith(`${allowed}/`))) out.push(`volume ${v.Name} with options ${JSON.stringify(o)}`);
    }
  }
  return out;
}

export interface Baseline {
  protectedState: Map<string, ContainerState>;
  before: Snapshot;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Docker-state oracles for one batch, comparing `after` with the batch's `baseline`. */
export function stateViolations(world: World, variant: Variant, baseline: Baseline, after: Snapshot): string[] {
  const out: string[] = [];
  // Protected containers: still there, same name, running, same networks and aliases.
  for (const [name, state] of baseline.protectedState) {
    const now = after.containers.get(state.id);
    if (!now) { out.push(`protected container ${name} (${state.id.slice(0, 12)}) is gone`); continue; }
    if (now.name !== state.name) out.push(`protected container ${name} was renamed to ${now.name}`);
    if (now.status !== 'running') out.push(`protected container ${name} is ${now.status}`);
    if (!sameJson(now.networks, state.networks)) out.push(`protected container ${name}'s networks changed: ${JSON.stringify(state.networks)} -> ${JSON.stringify(now.networks)}`);
    if (now.inspect.State.StartedAt !== state.inspect.State.StartedAt) out.push(`protected container ${name} was restarted`);
    // Nobody else answers to its name or aliases on its networks (DNS takeover), or holds its name.
    const taken = new Set([state.name, ...Object.values(state.networks).flat()].filter((n) => !/^[0-9a-f]{12}$/.test(n)));
    for (const other of after.containers.values()) {
      if (other.id === state.id) continue;
      if (taken.has(other.name)) out.push(`container ${other.id.slice(0, 12)} took the protected name ${other.name}`);
      for (const [net, names] of Object.entries(other.networks)) {
        if (!(net in state.networks)) continue;
        const stolen = names.filter((n) => taken.has(n));
        if (stolen.length) out.push(`container ${other.name} answers to ${stolen.join(', ')} on ${name}'s network ${net}`);
      }
    }
  }
  // No other container took a name the protected_containers glob (`*cloudflared*`, the default)
  // covers: it would then be protected too, and no gateway call could undo it.
  const protectedIds = new Set([...baseline.protectedState.values()].map((p) => p.id));
  for (const c of after.containers.values()) {
    if (!protectedIds.has(c.id) && c.name.toLowerCase().includes('cloudflared')) out.push(`container ${c.id.slice(0, 12)} took the protected name ${c.name} (protected_containers *cloudflared*)`);
  }
  for (const c of after.containers.values()) {
    const bad = dangerousContainer(c, world);
    if (bad.length) out.push(`container ${c.name} (${c.id.slice(0, 12)}, labels ${JSON.stringify(c.labels)}) runs with ${bad.join('; ')}`);
  }
  // No image outside allowed_images appeared (pulled, tagged or built under another name).
  const repo = world.image.split(':')[0] ?? world.image;
  for (const [id, tags] of after.images) {
    const old = baseline.before.images.get(id) ?? [];
    for (const tag of tags.filter((t) => !old.includes(t))) {
      if (!tag.startsWith(`${repo}:`)) out.push(`image ${tag} (${id.slice(7, 19)}) appeared outside allowed_images`);
    }
  }
  const b = baseline.before;
  if (variant.preset !== 'admin') {
    // read and operate scopes never create or remove anything, nor attach networks.
    const ids = (m: Map<string, unknown> | Set<string>) => [...m.keys()].sort();
    if (!sameJson(ids(after.containers), ids(b.containers))) out.push(`containers created or removed under ${variant.name}: ${diff(ids(b.containers), ids(after.containers))}`);
    if (!sameJson(ids(after.images), ids(b.images))) out.push(`images changed under ${variant.name}: ${diff(ids(b.images), ids(after.images))}`);
    if (!sameJson([...after.volumes].sort(), [...b.volumes].sort())) out.push(`volumes changed under ${variant.name}`);
    if (!sameJson(ids(after.networks), ids(b.networks))) out.push(`networks changed under ${variant.name}`);
    for (const c of after.containers.values()) {
      const was = b.containers.get(c.id);
      if (was && !sameJson(Object.keys(c.networks).sort(), Object.keys(was.networks).sort())) out.push(`container ${c.name}'s networks changed under ${variant.name}`);
    }
  }
  if (variant.preset === 'read-only') {
    for (const c of after.containers.values()) {
      const was = b.containers.get(c.id);
      if (!was) continue;
      if (was.status !== c.status || was.name !== c.name || was.inspect.State.StartedAt !== c.inspect.State.StartedAt) {
        out.push(`read-only: container ${was.name} changed (${was.status} -> ${c.status}, name ${c.name})`);
      }
      if (!sameJson(was.inspect.HostConfig.RestartPolicy, c.inspect.HostConfig.RestartPolicy) || was.inspect.HostConfig.Memory !== c.inspect.HostConfig.Memory) {
        out.push(`read-only: container ${was.name}'s resources changed`);
      }
    }
    for (const [id, tags] of after.images) if (!sameJson(tags, b.images.get(id) ?? tags)) out.push(`read-only: image ${id.slice(7, 19)} tags changed`);
  }
  if (variant.env?.DOCKER_MCP_CONTROL_LABEL_SELECTOR) {
    // Containers outside the selector are not changed at all.
    for (const was of b.containers.values()) {
      if (was.labels[MANAGED_LABEL] === 'true') continue;
      const c = after.containers.get(was.id);
      if (!c) out.push(`unmanaged container ${was.name} was removed despite control_label_selector`);
      else if (c.status !== was.status || c.name !== was.name || c.inspect.State.StartedAt !== was.inspect.State.StartedAt) {
        out.push(`unmanaged container ${was.name} changed despite control_label_selector (${was.status} -> ${c.status}, name ${c.name})`);
      }
    }
  }
  return out;
}

function diff(before: string[], after: string[]): string {
  const added = after.filter((x) => !before.includes(x)).map((x) => x.slice(0, 19));
  const removed = before.filter((x) => !after.includes(x)).map((x) => x.slice(0, 19));
  return `+[${added.join(', ')}] -[${removed.join(', ')}]`;
}

/** The gateway talked to nothing but its Docker socket, and nothing reached the trap listener. */
export function networkViolations(world: World, events: { kind: string; host?: string; port?: number; path?: string; forListen?: boolean }[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.kind === 'start' || e.forListen) continue;
    if (e.kind === 'connect' && e.path === world.daemon.socketPath) continue;
    out.push(`gateway ${e.kind} ${e.path ?? `${e.host ?? '?'}:${e.port ?? ''}`}`);
  }
  for (const hit of world.trap.hits) out.push(`trap listener 127.0.0.1:${world.trap.port} received: ${JSON.stringify(hit).slice(0, 200)}`);
  return [...new Set(out)];
}

/** Fixture names the corpus and plausible values draw from. */
export const fixtureNames = (): string[] => FIXTURES.map((f) => f.name);

/** Real uid/gid of a live process, from /proc. */
export function procIds(pid: number): { uid: number; gid: number } | undefined {
  if (!pid || !existsSync(`/proc/${pid}/status`)) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const uid = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
    const gid = /^Gid:\s+(\d+)\s+(\d+)/m.exec(status);
    if (!uid || !gid) return undefined;
    return { uid: Math.min(Number(uid[1]), Number(uid[2])), gid: Math.min(Number(gid[1]), Number(gid[2])) };
  } catch {
    return undefined;
  }
}
