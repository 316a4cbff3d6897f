// Who an exec runs as, when allow_exec_root is off. Docker resolves a user or group *name* — and
// the group of a uid given without one — through the container's own /etc/passwd and /etc/group,
// files a process in the container may rewrite (`toor:x:0:0` in a group-writable passwd makes
// "toor" uid 0). So the exec user must be numeric `uid:gid`, both non-zero, exactly as Docker
// reads them (no sign, no spaces, at most 2^31-1: a longer number fails Go's Atoi and is then
// looked up as a name). With an explicit uid:gid Docker adds no supplementary groups from
// /etc/group, only the container's HostConfig.GroupAdd — and it looks every GroupAdd entry up by
// NAME first, numbers included (`1234:x:0:` in /etc/group turns group_add 1234 into gid 0), so a
// container with any GroupAdd cannot be exec'd into.
import { list, PolicyDenial } from './body.js';
import { isRootUser, type ContainerFacts } from './scope.js';

/** moby/sys/user's upper bound for a uid or gid. */
const MAX_ID = 2 ** 31 - 1;

/** The id Docker reads from `part` as a number, or undefined when Docker would look it up as a name. */
export function numericId(part: string): number | undefined {
  if (!/^\d{1,10}$/.test(part)) return undefined;
  const id = Number(part);
  return id <= MAX_ID ? id : undefined;
}

const HOW = 'Pass a numeric user and group, both non-zero (e.g. "1000:1000"), or set allow_exec_root to true.';

/** Throws unless the exec (body User, or the container's own User when none is given) is neither uid 0 nor gid 0 whatever the container's files say. */
export function checkExecUser(bodyUser: string | undefined, facts: ContainerFacts): void {
  // Docker falls back to Config.User only for an empty string; " " is a name to look up.
  const given = bodyUser ?? '';
  const user = given === '' ? facts.user : given;
  const whose = given === '' ? `${facts.name}'s own user (Config.User, used when the exec gives none)` : 'the exec user';
  if (isRootUser(user)) {
    throw new PolicyDenial('exec-root', `Exec in ${facts.name} would run as root (${whose} "${user || '(image default: root)'}").`, HOW);
  }
  const parts = user.split(':');
  const uid = numericId(parts[0] ?? '');
  const gid = parts.length === 2 ? numericId(parts[1] ?? '') : undefined;
  if (uid === undefined || gid === undefined) {
    throw new PolicyDenial(
      'exec-user',
      `Exec in ${facts.name}: ${whose} "${user}" is not numeric uid:gid. Docker resolves names, and the group of a uid given alone, ` +
        'through the container\'s own /etc/passwd and /etc/group, which the container can rewrite to make it uid or gid 0.',
      HOW,
    );
  }
  if (uid === 0 || gid === 0) {
    throw new PolicyDenial('exec-root', `Exec in ${facts.name} would run as ${uid === 0 ? 'root' : 'group 0 (root)'} (${whose} "${user}").`, HOW);
  }
  const groupAdd = list(facts.hostConfig, 'GroupAdd', 'HostConfig').map(String);
  if (groupAdd.length) {
    throw new PolicyDenial(
      'exec-root',
      `Exec in ${facts.name}: the container adds groups ${groupAdd.map((g) => `"${g}"`).join(', ')} to every process (HostConfig.GroupAdd). ` +
        'Docker looks each one up by name in the container\'s own /etc/group first, numbers included, so the container can make any of them gid 0.',
      'Recreate the container without group_add, or set allow_exec_root to true.',
    );
  }
}
