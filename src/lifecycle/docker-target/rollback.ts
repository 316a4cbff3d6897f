// Undoing a first `apply --target docker` that did not finish. Only what this run created is
// removed, and only when no container of the project existed before it: an apply over a running
// project (an upgrade) never tears that project down, it says what is left instead.
import type Dockerode from 'dockerode';
import { dirname } from 'node:path';
import { CliError, ExitCode } from '../../shared/errors.js';
import { LABELS, MANAGED_BY } from './container-spec.js';
import type { ProjectSpec } from './project.js';

/** What this run created, in order, so a failed or interrupted apply can remove it again. */
export interface Created {
  network?: string;
  volumes: string[];
  containers: { id: string; name: string }[];
}

export const ownedFilter = (project: string): { label: string[] } => ({ label: [`${LABELS.project}=${project}`, `${LABELS.managedBy}=${MANAGED_BY}`] });

const destroyHint = (project: ProjectSpec): string => `\`docker-mcp destroy --target docker --dir ${dirname(project.file)}\` removes it.`;

/** After a failure: the network and volumes this run made, when no container is left to use them. */
export async function rollBack(docker: Dockerode, project: ProjectSpec, created: Created, log: (line: string) => void): Promise<void> {
  const left = await docker.listContainers({ all: true, filters: ownedFilter(project.name) }).catch(() => null);
  if (left === null || left.length) return; // containers stay for `docker logs`; `destroy` removes everything
  for (const volume of created.volumes) {
    await docker.getVolume(volume).remove().then(() => log(`Removed volume ${volume} (apply failed)`), () => undefined);
  }
  if (created.network) {
    const network = created.network;
    await docker.getNetwork(network).remove().then(() => log(`Removed network ${network} (apply failed)`), () => undefined);
  }
}

/**
 * After Ctrl+C: everything this run created (containers too: nobody asked for a half-started
 * project), when the project had no container before. Returns the one-line error (exit 130).
 */
export async function rollBackInterrupted(docker: Dockerode, project: ProjectSpec, existedBefore: boolean, created: Created): Promise<CliError> {
  const made = [
    ...created.containers.map((c) => `container ${c.name}`),
    ...(created.network ? [`network ${created.network}`] : []),
    ...created.volumes.map((v) => `volume ${v}`),
  ];
  if (!made.length) return new CliError('interrupted; nothing was created or changed.', ExitCode.interrupted);
  if (existedBefore) {
    return new CliError(`interrupted; project ${project.name} existed before this apply, so nothing was removed. ` +
      `This run made: ${made.join(', ')}. Re-run apply to finish; ${destroyHint(project)}`, ExitCode.interrupted);
  }
  const removed: string[] = [];
  const left: string[] = [];
  const remove = async (what: string, run: () => Promise<unknown>): Promise<void> => {
    await run().then(() => removed.push(what), () => left.push(what));
  };
  // Containers first: a network or volume in use cannot be removed.
  for (const c of [...created.containers].reverse()) await remove(`container ${c.name}`, () => docker.getContainer(c.id).remove({ force: true }));
  for (const v of created.volumes) await remove(`volume ${v}`, () => docker.getVolume(v).remove());
  const network = created.network;
  if (network) await remove(`network ${network}`, () => docker.getNetwork(network).remove());
  const tail = left.length ? `; could not remove ${left.join(', ')}: ${destroyHint(project)}` : '';
  return new CliError(`interrupted; removed what this apply created (${removed.join(', ') || 'nothing'})${tail}`, ExitCode.interrupted);
}
