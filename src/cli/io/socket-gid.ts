// `init --target docker`: the Docker socket's group id, read from the socket on this machine when
// the user did not give docker_socket_gid. The gateway runs as 10001 and reaches the socket only
// through that group (compose group_add); the default 999 is right on few hosts (Debian's docker.io
// makes e.g. 106), and a wrong one leaves the gateway unable to reach Docker. A side effect, so it
// lives here, beside kube-context.ts, and never in the pure renderers. Like the kube context, a
// value found this way keeps the 'default' origin and differs from the default: the interactive
// summary shows it as "detected". When the socket is not on this machine (init runs elsewhere) the
// default stays and NOTES.md says how to check it (`stat -c %g <path>`).
import { statSync } from 'node:fs';
import type { Origin } from '../../config/sources.js';
import type { VarValue } from '../../config/variables.js';

/** The group id owning `path`, or undefined when it does not exist here (or cannot be read). */
export function socketGroupId(path: string): number | undefined {
  try {
    return statSync(path).gid;
  } catch {
    return undefined;
  }
}

/** Fills docker_socket_gid from the socket at docker_socket_path when the user gave neither flag, env nor key. */
export function detectSocketGid(
  values: Record<string, VarValue>,
  origins: Record<string, Origin>,
  stat: (path: string) => number | undefined = socketGroupId,
): void {
  if (origins.docker_socket_gid !== 'default' || typeof values.docker_socket_path !== 'string') return;
  const gid = stat(values.docker_socket_path);
  if (gid !== undefined) values.docker_socket_gid = gid;
}
