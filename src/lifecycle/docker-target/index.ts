// `apply|status|destroy --target docker`: realise a compose.yaml through the Docker Engine API, no
// compose binary. Everything created carries the compose project label and
// app.kubernetes.io/managed-by=docker-mcp; status and destroy select by both, so containers made by
// anything else (including `docker compose` itself) are never touched.
import type Dockerode from 'dockerode';
import { CliError } from '../../shared/errors.js';
import { connectDocker } from '../../gateway/docker/client.js';
import { LABELS, MANAGED_BY, configHash, containerName, createBody, networkName, volumeName } from './container-spec.js';
import { Interrupted, checkpoint } from './interrupt.js';
import { loadProject, type ProjectSpec } from './project.js';
import { ownedFilter, rollBack, rollBackInterrupted, type Created } from './rollback.js';
import { lastProbe, waitReady } from './wait.js';

export interface DockerTargetOptions {
  /** Docker Engine endpoint; defaults to DOCKER_HOST or the local socket. */
  dockerHost?: string;
  /** A ready client instead of dockerHost (tests, or a caller with TLS settings). */
  docker?: Dockerode;
  /** How long apply waits for each service to be healthy (or running, without a healthcheck). */
  healthTimeoutMs?: number;
  /** Progress lines for the person running the command (stderr). */
  log?: (line: string) => void;
  /** Aborted by Ctrl+C: apply stops at the next step and rolls back what it created (interrupt.ts). */
  signal?: AbortSignal;
}

export type ChangeAction = 'created' | 'recreated' | 'started' | 'unchanged' | 'removed';
export interface ApplyResult {
  project: string;
  changes: { service: string; container: string; action: ChangeAction }[];
  /** False when the second apply of the same file found nothing to do. */
  changed: boolean;
}

export interface ServiceStatus {
  service: string;
  container: string | null;
  state: string;
  health: string | null;
  image: string | null;
  /** The running container matches the file (same config hash). */
  upToDate: boolean;
  /** While not healthy: the last health check's output (the gateway's /ready answer, with the cause). */
  detail: string | null;
}
export interface StatusResult {
  project: string;
  services: ServiceStatus[];
  /** Managed containers of this project whose service is no longer in the file. */
  orphans: string[];
  healthy: boolean;
}

export interface DestroyResult {
  project: string;
  removed: { containers: string[]; networks: string[]; volumes: string[] };
}

function client(options: DockerTargetOptions): Dockerode {
  if (options.docker) return options.docker;
  const host = options.dockerHost ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  return connectDocker({ docker_host: host, docker_tls_verify: process.env.DOCKER_TLS_VERIFY === '1', docker_cert_path: process.env.DOCKER_CERT_PATH, docker_timeout: 120 }).docker;
}

async function imageId(docker: Dockerode, image: string, log: (line: string) => void, signal?: AbortSignal): Promise<string> {
  try {
    return (await docker.getImage(image).inspect()).Id;
  } catch (error) {
    // Only "no such image" means pull: an unreachable daemon must be reported as that, not as a missing image.
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    log(`Pulling ${image}`);
    try {
      // Ctrl+C cuts the pull, also while the daemon is still reaching the registry (no answer yet):
      // nothing is created before the images are there, so there is nothing to undo.
      const stream = await docker.pull(image, signal ? { abortSignal: signal } : {});
      const cut = (): void => (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
      signal?.addEventListener('abort', cut, { once: true });
      await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (e: Error | null) => (e ? reject(e) : resolve())))
        .finally(() => signal?.removeEventListener('abort', cut));
      checkpoint(signal);
      return (await docker.getImage(image).inspect()).Id;
    } catch (error) {
      if (signal?.aborted) throw new Interrupted();
      // One line: the daemon's reason can span lines ("server error - Get ...: no such host \n").
      const reason = ((error as { json?: { message?: string } }).json?.message ?? (error as Error).message).replace(/\s+/g, ' ').trim();
      throw new CliError(`Image ${image} is not on the daemon and could not be pulled (${reason}). ` +
        'Build the gateway image with `docker-mcp image build --tag <image>` (or `docker load` it), then re-run; nothing was created.');
    }
  }
}

/** Refuses (before anything is created) a network of that name that docker-mcp did not make. */
async function checkNetwork(docker: Dockerode, project: ProjectSpec): Promise<boolean> {
  if (project.services.every((s) => s.networkMode)) return true;
  const name = networkName(project.name);
  const existing = await docker.listNetworks({ filters: { name: [name] } });
  const found = existing.find((n) => n.Name === name);
  if (found && (found.Labels?.[LABELS.managedBy] !== MANAGED_BY || found.Labels[LABELS.project] !== project.name)) {
    throw new CliError(`Network ${name} exists but was not created by docker-mcp for project ${project.name}; remove or rename it, then re-run.`);
  }
  return Boolean(found);
}

async function ensureNetwork(docker: Dockerode, project: ProjectSpec, created: Created): Promise<void> {
  if (project.services.every((s) => s.networkMode)) return;
  const name = networkName(project.name);
  const existing = await docker.listNetworks({ filters: { name: [name] } });
  const found = existing.find((n) => n.Name === name);
  if (found) {
    if (found.Labels?.[LABELS.managedBy] !== MANAGED_BY || found.Labels[LABELS.project] !== project.name) {
      throw new CliError(`Network ${name} exists but was not created by docker-mcp for project ${project.name}; remove or rename it, then re-run.`);
    }
    return;
  }
  await docker.createNetwork({
    Name: name, Driver: 'bridge', CheckDuplicate: true,
    Labels: { [LABELS.project]: project.name, [LABELS.network]: 'default', [LABELS.managedBy]: MANAGED_BY },
  });
  created.network = name;
}

async function ensureVolumes(docker: Dockerode, project: ProjectSpec, created: Created): Promise<void> {
  for (const volume of project.volumes) {
    const name = volumeName(project.name, volume);
    const info = await docker.getVolume(name).inspect().catch(() => undefined);
    if (!info) {
      await docker.createVolume({ Name: name, Labels: { [LABELS.project]: project.name, [LABELS.volume]: volume, [LABELS.managedBy]: MANAGED_BY } });
      created.volumes.push(name);
    }
  }
}

/**
 * Every precondition is checked before anything is created: the file (loadProject), each image
 * (present or pulled), the network name and each container name. A failure while creating removes
 * the network and volumes this run made when no container of the project uses them, so a failed
 * first apply leaves nothing behind.
 */
export async function applyCompose(composeFile: string, options: DockerTargetOptions = {}): Promise<ApplyResult> {
  const project = loadProject(composeFile);
  const docker = client(options);
  const log = options.log ?? (() => undefined);
  // Bad values (durations, sizes, restart) are refused here, not after the network exists.
  for (const service of project.services) createBody(project, service);
  const images = new Map<string, string>();
  try {
    for (const service of project.services) {
      if (!images.has(service.image)) images.set(service.image, await imageId(docker, service.image, log, options.signal));
    }
  } catch (error) {
    // Ctrl+C during a pull: nothing exists yet, so there is nothing to roll back.
    if (error instanceof Interrupted) throw await rollBackInterrupted(docker, project, false, { volumes: [], containers: [] });
    throw error;
  }
  await checkNetwork(docker, project);
  const owned = await docker.listContainers({ all: true, filters: ownedFilter(project.name) });
  for (const service of project.services) {
    const name = containerName(project.name, service);
    if (owned.some((c) => c.Labels[LABELS.service] === service.name)) continue;
    const conflict = await docker.getContainer(name).inspect().catch(() => undefined);
    if (conflict) throw new CliError(`A container named ${name} exists but was not created by docker-mcp for this project; remove or rename it, then re-run.`);
  }
  const created: Created = { volumes: [], containers: [] };
  try {
    checkpoint(options.signal);
    return await realise(docker, project, owned, images, options, log, created);
  } catch (error) {
    // Whatever was thrown once the signal fired (a wait cut short), the cause is the signal.
    if (error instanceof Interrupted || options.signal?.aborted) throw await rollBackInterrupted(docker, project, owned.length > 0, created);
    await rollBack(docker, project, created, log);
    throw error;
  }
}

async function realise(
  docker: Dockerode, project: ProjectSpec, owned: Dockerode.ContainerInfo[], images: Map<string, string>,
  options: DockerTargetOptions, log: (line: string) => void, created: Created,
): Promise<ApplyResult> {
  const { signal } = options;
  await ensureNetwork(docker, project, created);
  checkpoint(signal);
  await ensureVolumes(docker, project, created);
  checkpoint(signal);
  const changes: ApplyResult['changes'] = [];
  for (const service of project.services) {
    const body = createBody(project, service);
    const hash = configHash(body, images.get(service.image)!);
    const name = containerName(project.name, service);
    const current = owned.find((c) => c.Labels[LABELS.service] === service.name);
    let action: ChangeAction = 'unchanged';
    let id = current?.Id;
    if (current && current.Labels[LABELS.configHash] !== hash) {
      log(`Recreating ${name} (configuration or image changed)`);
      await docker.getContainer(current.Id).remove({ force: true });
      id = undefined;
      action = 'recreated';
      checkpoint(signal);
    }
    if (!id) {
      id = (await docker.createContainer({ ...body, Labels: { ...body.Labels, [LABELS.configHash]: hash } })).id;
      created.containers.push({ id, name });
      action = action === 'recreated' ? 'recreated' : 'created';
      log(`Created ${name}`);
      checkpoint(signal);
    }
    const state = current && action === 'unchanged' ? current.State : 'created';
    if (state !== 'running' && state !== 'restarting') {
      await docker.getContainer(id).start();
      if (action === 'unchanged') action = 'started';
      checkpoint(signal);
    }
    log(`Waiting for ${name} to be ${service.healthcheck && !('disable' in service.healthcheck) ? 'healthy' : 'running'}`);
    await waitReady(docker, id, service, options.healthTimeoutMs ?? 120_000, signal);
    changes.push({ service: service.name, container: name, action });
  }
  for (const orphan of owned.filter((c) => !project.services.some((s) => s.name === c.Labels[LABELS.service]))) {
    await docker.getContainer(orphan.Id).remove({ force: true });
    changes.push({ service: orphan.Labels[LABELS.service] ?? '?', container: orphan.Names[0]?.slice(1) ?? orphan.Id, action: 'removed' });
  }
  return { project: project.name, changes, changed: changes.some((c) => c.action !== 'unchanged') };
}

export async function statusCompose(composeFile: string, options: DockerTargetOptions = {}): Promise<StatusResult> {
  const project = loadProject(composeFile);
  const docker = client(options);
  const owned = await docker.listContainers({ all: true, filters: ownedFilter(project.name) });
  const services: ServiceStatus[] = [];
  for (const service of project.services) {
    const current = owned.find((c) => c.Labels[LABELS.service] === service.name);
    if (!current) {
      services.push({ service: service.name, container: null, state: 'missing', health: null, image: null, upToDate: false, detail: null });
      continue;
    }
    const info = await docker.getContainer(current.Id).inspect();
    const id = await docker.getImage(service.image).inspect().then((i) => i.Id, () => '');
    services.push({
      service: service.name,
      container: info.Name.slice(1),
      state: info.State.Status,
      health: info.State.Health?.Status ?? null,
      image: current.Image,
      upToDate: current.Labels[LABELS.configHash] === configHash(createBody(project, service), id),
      detail: info.State.Health && info.State.Health.Status !== 'healthy' ? lastProbe(info) ?? null : null,
    });
  }
  const orphans = owned.filter((c) => !project.services.some((s) => s.name === c.Labels[LABELS.service])).map((c) => c.Names[0]?.slice(1) ?? c.Id);
  const healthy = services.every((s) => s.state === 'running' && (s.health === null || s.health === 'healthy') && s.upToDate);
  return { project: project.name, services, orphans, healthy };
}

export async function destroyCompose(
  composeFile: string,
  options: DockerTargetOptions & { keepVolumes?: boolean } = {},
): Promise<DestroyResult> {
  // gateway.env may be gone already: destroy needs only the project name and labels.
  const project = loadProject(composeFile, { requireEnvFiles: false });
  const docker = client(options);
  const log = options.log ?? (() => undefined);
  const removed: DestroyResult['removed'] = { containers: [], networks: [], volumes: [] };
  // Dependents first (reverse apply order), so a sidecar never outlives what it depends on.
  const order = project.services.map((s) => s.name).reverse();
  const owned = await docker.listContainers({ all: true, filters: ownedFilter(project.name) });
  owned.sort((a, b) => order.indexOf(a.Labels[LABELS.service] ?? '') - order.indexOf(b.Labels[LABELS.service] ?? ''));
  for (const container of owned) {
    await docker.getContainer(container.Id).remove({ force: true });
    const name = container.Names[0]?.slice(1) ?? container.Id;
    removed.containers.push(name);
    log(`Removed container ${name}`);
  }
  for (const network of await docker.listNetworks({ filters: ownedFilter(project.name) })) {
    await docker.getNetwork(network.Id).remove();
    removed.networks.push(network.Name);
    log(`Removed network ${network.Name}`);
  }
  if (!options.keepVolumes) {
    const { Volumes } = await docker.listVolumes({ filters: ownedFilter(project.name) });
    for (const volume of Volumes ?? []) {
      await docker.getVolume(volume.Name).remove();
      removed.volumes.push(volume.Name);
      log(`Removed volume ${volume.Name}`);
    }
  }
  return { project: project.name, removed };
}

export { loadProject } from './project.js';
export type { ProjectSpec, ServiceSpec } from './project.js';
