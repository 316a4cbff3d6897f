// A protected container's storage is part of it. The tunnel keeps its credentials in a named
// volume or a host directory; any other container that mounts the same volume, or binds the same
// directory (or one containing it, or one inside it), reads and rewrites them — read-only binds
// under an allowed root included, since reading the credentials is the point. So every volume and
// bind a container would mount (at create, and at each start and exec, runnable.ts) is compared
// with the mounts of every protected container (the gateway itself included), running or not.
import type Dockerode from 'dockerode';
import { PolicyDenial } from './body.js';
import { isWithin, normalizeHostPath, resolveLocally } from './paths.js';
import { protectionOf } from './protected-names.js';
import type { ControlScope } from './scope.js';

export interface StorageUse {
  volumes: ReadonlyArray<{ name: string; where: string }>;
  binds: ReadonlyArray<{ source: string; where: string }>;
}

/** The path as written and as the local filesystem resolves it (when it exists here). */
function spellings(raw: string): string[] {
  const path = normalizeHostPath(raw);
  if (!path) return [];
  const real = resolveLocally(path);
  return real && real !== path ? [path, real] : [path];
}

const overlaps = (a: string[], b: string[]): boolean => a.some((x) => b.some((y) => isWithin(x, y) || isWithin(y, x)));

/**
 * Throws when a volume or bind in `use` is storage of a protected container. `self` is the
 * container being judged (its own mounts are not another's). One list call; only containers that
 * share something are checked for protection.
 */
export async function judgeProtectedStorage(docker: Dockerode, scope: ControlScope, use: StorageUse, self?: string): Promise<void> {
  if (!use.volumes.length && !use.binds.length) return;
  let listed: Dockerode.ContainerInfo[];
  try {
    listed = await docker.listContainers({ all: true });
  } catch {
    throw new PolicyDenial('inspect-failed', 'Could not list containers to check whose storage this is.', 'Retry when the Docker daemon answers.');
  }
  const binds = use.binds.map((b) => ({ ...b, paths: spellings(b.source) }));
  for (const c of listed) {
    if (self && c.Id === self) continue;
    for (const mount of c.Mounts ?? []) {
      const type = (mount.Type ?? '').toLowerCase();
      const hit =
        type === 'volume' && mount.Name
          ? use.volumes.find((v) => v.name === mount.Name)
          : type === 'bind' && mount.Source
            ? binds.find((b) => overlaps(b.paths, spellings(mount.Source)))
            : undefined;
      if (!hit) continue;
      const why = await protectionOf(docker, c, scope);
      if (!why) break; // an unprotected container: nothing of it to protect
      const name = (c.Names ?? [])[0]?.replace(/^\//, '') ?? c.Id;
      const what = type === 'volume' ? `volume ${mount.Name}` : `host path ${mount.Source}`;
      throw new PolicyDenial(
        'protected-storage',
        `${hit.where} mounts ${'name' in hit ? `volume ${hit.name}` : hit.source}, which shares the ${what} of the protected container ${name} (${why}): ` +
          'it could read or rewrite that container\'s files (its credentials, its configuration).',
        'Use another volume or host directory; the storage of protected containers is managed outside the gateway.',
      );
    }
  }
}
