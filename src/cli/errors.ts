// Typed errors carry their exit code; src/cli/main.ts is the only place that exits.
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
