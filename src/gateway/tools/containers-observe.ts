// Watching a container over time: logs (with a bounded follow) and resource stats (sampled).
import { setTimeout as sleep } from 'node:timers/promises';
import type Dockerode from 'dockerode';
import { z } from 'zod';
import { demuxBounded, fitPair, openLogStream, TailCollector } from '../docker/streams.js';
import { callBudget } from './call-budget.js';
import { containerRef, table, timeBound, toUnixSeconds } from './containers-shared.js';
import { defineTool, ToolError } from './define.js';
import { truncationNotice } from './output.js';

const logsOutput = z.object({
  stdout: z.string(),
  stderr: z.string(),
  stdout_truncated: z.boolean(),
  stderr_truncated: z.boolean(),
  stdout_bytes: z.number().describe('Bytes Docker sent on stdout before capping.'),
  stderr_bytes: z.number(),
  stopped_by: z.enum(['end', 'time', 'bytes', 'count', 'aborted', 'error']).describe(
    '"end": no more logs (or the container stopped); "time"/"bytes": the follow bound was reached; "aborted": cancelled.',
  ),
  elapsed_ms: z.number(),
});

export const containerLogs = defineTool({
  name: 'container_logs',
  title: 'Read container logs',
  description:
    'Read a container\'s stdout/stderr (the last `tail` lines, optionally between since and until). With follow=true, keep ' +
    'reading new output for at most max_seconds (and max_bytes), sending progress. Output is capped, keeping the end.',
  family: 'containers',
  access: 'operate',
  longRunning: true,
  inputSchema: z.strictObject({
    container: containerRef,
    tail: z.union([z.number().int().min(0).max(1_000_000), z.literal('all')]).default(200).describe('Lines from the end to return, or "all".'),
    since: timeBound.optional().describe('Only logs after this time: unix seconds, RFC 3339 or a duration back from now ("10m").'),
    until: timeBound.optional().describe('Only logs before this time: unix seconds, RFC 3339 or a duration back from now.'),
    timestamps: z.boolean().default(false).describe('Prefix each line with its RFC 3339 timestamp.'),
    stdout: z.boolean().default(true).describe('Include stdout.'),
    stderr: z.boolean().default(true).describe('Include stderr.'),
    follow: z.boolean().default(false).describe('Keep streaming new output until max_seconds (required) or max_bytes.'),
    max_seconds: z.number().int().min(1).max(600).optional().describe('With follow: stop after this many seconds.'),
    max_bytes: z.number().int().min(1).optional().describe('With follow: stop once this many bytes arrived.'),
  }),
  outputSchema: logsOutput,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    if (args.follow && args.max_seconds === undefined) {
      throw new ToolError('follow needs max_seconds.', 'Give max_seconds (1-600) so the stream has a bound.');
    }
    if (!args.stdout && !args.stderr) throw new ToolError('Nothing to read: stdout and stderr are both false.');
    const budget = args.max_seconds === undefined ? undefined : callBudget(ctx, 'max_seconds', args.max_seconds);
    const container = ctx.docker.getContainer(args.container);
    // A TTY container's log is one raw stream; everything else is multiplexed.
    const tty = (await container.inspect({ abortSignal: ctx.signal })).Config.Tty;
    const stream = await openLogStream(
      ctx.docker,
      args.container,
      {
        stdout: args.stdout,
        stderr: args.stderr,
        follow: args.follow,
        timestamps: args.timestamps,
        tail: String(args.tail),
        ...(args.since ? { since: toUnixSeconds(args.since) } : {}),
        ...(args.until ? { until: toUnixSeconds(args.until) } : {}),
      },
      ctx.signal,
    );
    const cap = ctx.limits.maxOutputBytes;
    const out = new TailCollector(cap);
    const err = new TailCollector(cap);
    const maxSeconds = args.max_seconds ?? Math.ceil(ctx.timeoutMs / 1000);
    const read = await demuxBounded(ctx.docker.modem, stream, { stdout: out, stderr: err, tty }, {
      signal: ctx.signal,
      maxMs: budget ? budget.waitMs() : maxSeconds * 1000,
      ...(args.follow && args.max_bytes !== undefined ? { maxBytes: args.max_bytes } : {}),
      tickMs: 1000,
      onTick: args.follow
        ? (elapsed) =>
            void ctx.progress({
              progress: Math.min(maxSeconds, Math.floor(elapsed / 1000)),
              total: maxSeconds,
              message: `following ${args.container}: ${out.totalBytes + err.totalBytes} bytes so far`,
            })
        : undefined,
    });
    if (read.reason === 'error' && read.error) throw read.error;
    const [stdout, stderr] = fitPair(out.result(), err.result(), cap);
    const structured = {
      stdout: stdout.text,
      stderr: stderr.text,
      stdout_truncated: stdout.truncated,
      stderr_truncated: stderr.truncated,
      stdout_bytes: out.totalBytes,
      stderr_bytes: err.totalBytes,
      stopped_by: read.reason,
      elapsed_ms: read.elapsedMs,
    };
    let text = `${truncationNotice(stdout, 'stdout')}${stdout.text}`;
    if (stderr.text) text += `\n--- stderr ---\n${truncationNotice(stderr, 'stderr')}${stderr.text}`;
    if (!stdout.text && !stderr.text) text = '(no log output)';
    if (args.follow) text += `\n[followed for ${Math.round(read.elapsedMs / 1000)}s; stopped by ${read.reason}${budget?.shortenedNote() ?? ''}]`;
    return { structured, text };
  },
});

const sample = z.object({
  read_at: z.string(),
  cpu_percent: z.number().describe('Share of one CPU x 100, as `docker stats` shows it (can exceed 100 on several CPUs).'),
  memory_usage_bytes: z.number().describe('Usage minus page cache, as `docker stats` shows it.'),
  memory_limit_bytes: z.number(),
  memory_percent: z.number(),
  network_rx_bytes: z.number(),
  network_tx_bytes: z.number(),
  block_read_bytes: z.number(),
  block_write_bytes: z.number(),
  pids: z.number(),
});
type Sample = z.infer<typeof sample>;

interface RawStats {
  read: string;
  cpu_stats: { cpu_usage: { total_usage: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
  blkio_stats?: { io_service_bytes_recursive?: { op: string; value: number }[] | null };
  pids_stats?: { current?: number };
}

/** The same arithmetic as the docker CLI, so numbers match what people know. */
export function computeSample(raw: RawStats): Sample {
  const cpuDelta = raw.cpu_stats.cpu_usage.total_usage - (raw.precpu_stats.cpu_usage?.total_usage ?? 0);
  const systemDelta = (raw.cpu_stats.system_cpu_usage ?? 0) - (raw.precpu_stats.system_cpu_usage ?? 0);
  const cpus = raw.cpu_stats.online_cpus || raw.cpu_stats.cpu_usage.percpu_usage?.length || 1;
  const hasPrevious = (raw.precpu_stats.system_cpu_usage ?? 0) > 0;
  const cpuPercent = hasPrevious && cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  const memStats = raw.memory_stats.stats ?? {};
  // cgroup v2 reports inactive_file, v1 total_inactive_file; the CLI subtracts it as reclaimable cache.
  const cache = memStats.inactive_file ?? memStats.total_inactive_file ?? 0;
  const usage = Math.max(0, (raw.memory_stats.usage ?? 0) - cache);
  const limit = raw.memory_stats.limit ?? 0;
  const io = raw.blkio_stats?.io_service_bytes_recursive ?? [];
  const sumOp = (op: string): number => io.filter((e) => e.op.toLowerCase() === op).reduce((total, e) => total + e.value, 0);
  const nets = Object.values(raw.networks ?? {});
  return {
    read_at: raw.read,
    cpu_percent: Math.round(cpuPercent * 100) / 100,
    memory_usage_bytes: usage,
    memory_limit_bytes: limit,
    memory_percent: limit ? Math.round((usage / limit) * 10000) / 100 : 0,
    network_rx_bytes: nets.reduce((total, n) => total + n.rx_bytes, 0),
    network_tx_bytes: nets.reduce((total, n) => total + n.tx_bytes, 0),
    block_read_bytes: sumOp('read'),
    block_write_bytes: sumOp('write'),
    pids: raw.pids_stats?.current ?? 0,
  };
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)}MiB`;

export const containerStats = defineTool({
  name: 'container_stats',
  title: 'Container resource usage',
  description:
    'CPU %, memory usage/limit, network and block IO of a container: one snapshot, or `samples` snapshots `interval_seconds` apart (with progress).',
  family: 'containers',
  access: 'read',
  longRunning: true,
  inputSchema: z.strictObject({
    container: containerRef,
    samples: z.number().int().min(1).max(60).default(1).describe('How many snapshots to take.'),
    interval_seconds: z.number().int().min(1).max(60).default(1).describe('Seconds between snapshots.'),
  }),
  outputSchema: z.object({ container: z.string(), samples: z.array(sample) }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    if (args.samples * args.interval_seconds > 600) {
      throw new ToolError('Sampling would take over 10 minutes.', 'Lower samples or interval_seconds.');
    }
    const container: Dockerode.Container = ctx.docker.getContainer(args.container);
    const samples: Sample[] = [];
    for (let i = 0; i < args.samples; i++) {
      if (i > 0) await sleep(args.interval_seconds * 1000, undefined, { signal: ctx.signal });
      // Not one-shot: Docker then waits for a second reading, so precpu_stats is filled and CPU % is real.
      const raw = (await container.stats({ stream: false, abortSignal: ctx.signal } as { stream: false })) as unknown as RawStats;
      samples.push(computeSample(raw));
      if (args.samples > 1) await ctx.progress({ progress: i + 1, total: args.samples, message: `sample ${i + 1} of ${args.samples}` });
    }
    const rows = samples.map((s) => [
      s.read_at, `${s.cpu_percent.toFixed(2)}%`, `${mib(s.memory_usage_bytes)} / ${mib(s.memory_limit_bytes)}`,
      `${s.network_rx_bytes}B / ${s.network_tx_bytes}B`, `${s.block_read_bytes}B / ${s.block_write_bytes}B`, String(s.pids),
    ]);
    return {
      structured: { container: args.container, samples },
      text: table(['READ AT', 'CPU', 'MEM USAGE / LIMIT', 'NET RX / TX', 'BLOCK R / W', 'PIDS'], rows),
    };
  },
});
