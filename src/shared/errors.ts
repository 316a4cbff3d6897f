// Typed errors carry their exit code; src/cli/main.ts is the only place that exits. Shared: the
// gateway's settings, auth and policy loaders refuse bad input with UsageError too, and
// src/gateway/main.ts maps its start-up failures to these exit codes.
export const ExitCode = {
  ok: 0,
  /** Something failed at run time (daemon unreachable, tool failed, file not writable). */
  failure: 1,
  /** Invalid flags, env, config file or answers. Nothing was changed. */
  usage: 2,
  /** `--dry-run`/`plan` found changes (like terraform's -detailed-exitcode 2 is taken, so 3). */
  changesPending: 3,
  /** Refused to overwrite a file the user edited; re-run with --force after reading the diff. */
  conflict: 4,
  /** `init --terraform-dir`: the repo's tunnel config was not recognised; nothing changed, snippets printed. */
  patchRefused: 5,
  /** Interrupted by Ctrl+C / SIGINT. */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.failure,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad input: every problem listed at once, exit code 2, nothing changed. */
export class UsageError extends CliError {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message, ExitCode.usage);
    this.name = 'UsageError';
  }
}

const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, not a file',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent is a file, not a folder',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};
const READS = new Set(['open', 'read', 'scandir', 'stat', 'lstat', 'readlink', 'access', 'opendir']);

/**
 * A Node file-system error no command explained (a rendered file plan/apply reads, …) as the one
 * true line "cannot read <path>: permission denied", instead of "not a failure docker-mcp knows how
 * to explain": the cause is a file the user can fix, not a bug to report. Undefined for anything
 * else, which main.ts still reports as unexplained.
 */
export function fsErrorLine(error: unknown): string | undefined {
  const e = error as Partial<NodeJS.ErrnoException> | null;
  if (!e || typeof e !== 'object' || typeof e.code !== 'string' || typeof e.syscall !== 'string') return undefined;
  const reason = FS_REASONS[e.code];
  if (!reason) return undefined;
  // readFileSync of a folder fails in read(2), after open: Node's error then has no path to name.
  if (typeof e.path !== 'string') return e.code === 'EISDIR' ? 'cannot read a file: a folder stands where a file was expected' : undefined;
  // `open` is also how a file is written, but the installer's writes go through write.ts, which
  // names its own refusals (cannotWrite): an `open` failing here is a read.
  const verb = READS.has(e.syscall) ? 'cannot read' : 'cannot write';
  return `${verb} ${e.path}: ${reason}`;
}
