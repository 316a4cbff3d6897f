// container_exec: run a command in a running container and return its output and exit code.
// The command is an argv array run without a shell unless `shell: true` asks for one, so nothing
// the model writes is reinterpreted by /bin/sh by accident.
import type Dockerode from 'dockerode';
import { z } from 'zod';
import { demuxBounded, fitPair, TailCollector } from '../docker/streams.js';
import { callBudget } from './call-budget.js';
import { authorizeContainer, containerRef } from './containers-shared.js';
import { defineTool, ToolError, type ToolDefinition } from './define.js';
import { truncationNotice } from './output.js';

export const containerExec = defineTool({
  name: 'container_exec',
  title: 'Run a command in a container',
  description:
    'Run a command (argv array, no shell unless shell=true) in a running container and return stdout, stderr and the exit ' +
    'code. Output is capped (keeping the end); after timeout_seconds the gateway stops waiting and says so.',
  family: 'exec',
  access: 'operate',
  longRunning: true,
  inputSchema: z.strictObject({
    container: containerRef,
    command: z.array(z.string().max(65536)).min(1).max(1024).describe('The command as an argv array, e.g. ["ls", "-l", "/etc"].'),
    shell: z.boolean().default(false).describe('Run the command through /bin/sh -c (the argv is joined with spaces).'),
    env: z.record(z.string().min(1).max(256).regex(/^[^=\0]+$/), z.string().max(32768)).optional().describe('Extra environment variables, name -> value.'),
    workdir: z.string().max(4096).regex(/^\//).optional().describe('Absolute working directory in the container.'),
    user: z.string().max(256)
      .regex(/^[a-zA-Z0-9_.][a-zA-Z0-9_.-]*(:[a-zA-Z0-9_.][a-zA-Z0-9_.-]*)?$/, 'a user name or uid, optionally ":group"; no leading "-" or "+" (Docker reads "-0" as uid 0)')
      .optional().describe('User and group to run as, numeric "uid:gid" (e.g. "1000:1000"); names, a uid alone and uid or gid 0 need allow_exec_root.'),
    privileged: z.boolean().default(false).describe('Run with extended privileges (usually denied by policy).'),
    timeout_seconds: z.number().int().min(1).max(3600).default(30)
      .describe('Stop waiting after this long; the result then says timed_out. At most the gateway\'s long_call_timeout_seconds (default 900).'),
  }),
  outputSchema: z.object({
    exit_code: z.number().nullable().describe('Null when the command had not finished (timeout or cancel).'),
    stdout: z.string(),
    stderr: z.string(),
    stdout_truncated: z.boolean(),
    stderr_truncated: z.boolean(),
    timed_out: z.boolean(),
    cancelled: z.boolean(),
    duration_ms: z.number(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  async handler(args, ctx) {
    const budget = callBudget(ctx, 'timeout_seconds', args.timeout_seconds);
    const cmd = args.shell ? ['/bin/sh', '-c', args.command.join(' ')] : args.command;
    const body: Record<string, unknown> = {
      Cmd: cmd,
      User: args.user ?? '',
      Privileged: args.privileged,
      Env: Object.entries(args.env ?? {}).map(([key, value]) => `${key}=${value}`),
      WorkingDir: args.workdir ?? '',
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    };
    // The exec is created in the container the policy inspected: its full id, resolved once.
    const id = await authorizeContainer(ctx, args.container, (container) => ({ kind: 'container.exec', container, body }));
    const container = ctx.docker.getContainer(id);
    const exec = await container.exec({ _query: {}, _body: body, abortSignal: ctx.signal } as unknown as Dockerode.ExecCreateOptions);
    const stream = await exec.start({
      _body: { Detach: false, Tty: false },
      hijack: true,
      stdin: false,
      abortSignal: ctx.signal,
    } as Dockerode.ExecStartOptions);
    const cap = ctx.limits.maxOutputBytes;
    const out = new TailCollector(cap);
    const err = new TailCollector(cap);
    // The hijacked socket carries no end-of-output marker other than closing; bound it by time.
    const waitMs = budget.waitMs();
    const read = await demuxBounded(ctx.docker.modem, stream, { stdout: out, stderr: err }, {
      signal: ctx.signal,
      maxMs: waitMs,
      // Progress doubles as keep-alive for long commands behind proxies that drop idle responses.
      tickMs: 5000,
      onTick: (elapsed) =>
        void ctx.progress({ progress: Math.floor(elapsed / 1000), total: args.timeout_seconds, message: `running ${cmd[0]}` }),
    });
    if (read.reason === 'error' && read.error) throw read.error;
    const timedOut = read.reason === 'time';
    const cancelled = read.reason === 'aborted';
    const exitCode = timedOut || cancelled ? null : await exitCodeOf(exec, ctx.signal);
    const [stdout, stderr] = fitPair(out.result(), err.result(), cap);
    const structured = {
      exit_code: exitCode,
      stdout: stdout.text,
      stderr: stderr.text,
      stdout_truncated: stdout.truncated,
      stderr_truncated: stderr.truncated,
      timed_out: timedOut,
      cancelled,
      duration_ms: read.elapsedMs,
    };
    const status = timedOut
      ? `Timed out after ${Number((waitMs / 1000).toFixed(1))}s${budget.shortenedNote()} ` +
        '(Docker cannot kill an exec; the process may still run in the container).'
      : cancelled
        ? 'Cancelled; the process may still run in the container.'
        : `Exit code ${exitCode}.`;
    let text = `${status}\n--- stdout ---\n${truncationNotice(stdout, 'stdout')}${stdout.text}`;
    if (stderr.text) text += `\n--- stderr ---\n${truncationNotice(stderr, 'stderr')}${stderr.text}`;
    return { structured, text };
  },
});

/** The stream can close a moment before Docker records the exit; poll briefly for it. */
async function exitCodeOf(exec: Dockerode.Exec, signal: AbortSignal): Promise<number | null> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const info = await exec.inspect({ abortSignal: signal } as Dockerode.ExecInspectOptions);
    if (!info.Running) return info.ExitCode ?? null;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new ToolError('The command\'s output ended but Docker still reports it running.');
}

export const execTools: ToolDefinition[] = [containerExec];
