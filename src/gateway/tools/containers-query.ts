// Read-only views of containers: list, inspect, top.
import type Dockerode from 'dockerode';
import { z } from 'zod';
import { containerRef, containerSummary, summarize, table } from './containers-shared.js';
import { defineTool } from './define.js';
import { anyJsonValue } from './json-schema.js';
import { applyLimit, limitInput, listMeta } from './object-helpers.js';
import { capList, listNotice } from './output.js';

/**
 * Whether ps options ask for the environment: procps' BSD option "e" in a word without "-", or the
 * format "environ" (any case) in a word after an option ending in "o"/"O" (`-o environ`, `-O`, BSD
 * `o`), which is a format list rather than options.
 */
function asksForEnvironment(psArgs: string): boolean {
  const words = psArgs.split(' ');
  return words.some((word, i) => /env/i.test(word) ||
    (!(i > 0 && /[oO]$/.test(words[i - 1]!)) && !word.startsWith('-') && word.includes('e')));
}

export const containerList = defineTool({
  name: 'container_list',
  title: 'List containers',
  description: 'List containers (running only unless all=true), filtered by name, label, status or image, up to limit.',
  family: 'containers',
  access: 'read',
  inputSchema: z.strictObject({
    all: z.boolean().default(false).describe('Include stopped and created containers.'),
    name: z.string().max(256).optional().describe('Only names containing this text (Docker name filter).'),
    label: z.array(z.string().min(1).max(512)).max(16).optional().describe('Only containers with these labels: "key" or "key=value" (all must match).'),
    status: z.enum(['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead']).optional().describe('Only containers in this state (implies all).'),
    ancestor: z.string().max(512).optional().describe('Only containers created from this image (or its descendants).'),
    limit: z.number().int().min(1).max(1000).optional().describe('Most containers to return; the gateway default when omitted.'),
  }),
  outputSchema: z.object({ containers: z.array(containerSummary), total: z.number(), truncated: z.boolean() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const filters: Record<string, string[]> = {};
    if (args.name) filters.name = [args.name];
    if (args.label?.length) filters.label = args.label;
    if (args.status) filters.status = [args.status];
    if (args.ancestor) filters.ancestor = [args.ancestor];
    const all = await ctx.docker.listContainers({ all: args.all || !!args.status, filters, abortSignal: ctx.signal });
    // Fetch everything that matches and cut here, so the notice can say how many were left out.
    const list = capList(all.map(summarize), args.limit ?? ctx.limits.defaultListLimit);
    const rows = list.items.map((c) => [c.id.slice(0, 12), c.name, c.image, c.state, c.status, c.ports.join(', ')]);
    const text = list.items.length
      ? table(['ID', 'NAME', 'IMAGE', 'STATE', 'STATUS', 'PORTS'], rows) + listNotice(list, 'containers')
      : 'No containers match.';
    return { structured: { containers: list.items, total: list.total, truncated: list.truncated }, text };
  },
});

const inspectSummary = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  image_id: z.string(),
  created: z.string(),
  state: z.object({
    status: z.string(),
    running: z.boolean(),
    paused: z.boolean(),
    restarting: z.boolean(),
    oom_killed: z.boolean(),
    exit_code: z.number(),
    error: z.string(),
    started_at: z.string(),
    finished_at: z.string(),
    pid: z.number(),
    health: z.string().nullable(),
  }),
  restart_count: z.number(),
  config: z.object({
    cmd: z.array(z.string()).nullable(),
    entrypoint: z.array(z.string()).nullable(),
    env: z.array(z.string()),
    labels: z.record(z.string(), z.string()),
    working_dir: z.string(),
    user: z.string(),
    tty: z.boolean(),
  }),
  host_config: z.object({
    network_mode: z.string(),
    restart_policy: z.string(),
    privileged: z.boolean(),
    read_only_rootfs: z.boolean(),
    auto_remove: z.boolean(),
    memory: z.number(),
    nano_cpus: z.number(),
  }),
  mounts: z.array(z.object({ type: z.string(), source: z.string(), destination: z.string(), read_write: z.boolean() })),
  networks: z.record(z.string(), z.object({ ip_address: z.string(), gateway: z.string(), mac_address: z.string() })),
  raw: z.record(z.string(), anyJsonValue).optional().describe('The full Engine API inspect document, when raw=true.'),
});

function inspectView(info: Dockerode.ContainerInspectInfo): z.infer<typeof inspectSummary> {
  const asArray = (v: unknown): string[] | null => (Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : null);
  const health = (info.State as { Health?: { Status?: string } }).Health?.Status ?? null;
  const host = info.HostConfig;
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    image_id: info.Image,
    created: info.Created,
    state: {
      status: info.State.Status,
      running: info.State.Running,
      paused: info.State.Paused,
      restarting: info.State.Restarting,
      oom_killed: info.State.OOMKilled,
      exit_code: info.State.ExitCode,
      error: info.State.Error,
      started_at: info.State.StartedAt,
      finished_at: info.State.FinishedAt,
      pid: info.State.Pid,
      health,
    },
    restart_count: info.RestartCount,
    config: {
      cmd: asArray(info.Config.Cmd),
      entrypoint: asArray(info.Config.Entrypoint),
      env: info.Config.Env ?? [],
      labels: info.Config.Labels ?? {},
      working_dir: info.Config.WorkingDir,
      user: info.Config.User,
      tty: info.Config.Tty,
    },
    host_config: {
      network_mode: host.NetworkMode ?? '',
      restart_policy: host.RestartPolicy?.Name || 'no',
      privileged: host.Privileged ?? false,
      read_only_rootfs: host.ReadonlyRootfs ?? false,
      auto_remove: host.AutoRemove ?? false,
      memory: host.Memory ?? 0,
      nano_cpus: host.NanoCpus ?? 0,
    },
    mounts: (info.Mounts ?? []).map((m) => ({ type: m.Type ?? '', source: m.Source, destination: m.Destination, read_write: m.RW })),
    networks: Object.fromEntries(
      Object.entries(info.NetworkSettings.Networks ?? {}).map(([name, n]) => [
        name,
        { ip_address: n.IPAddress ?? '', gateway: n.Gateway ?? '', mac_address: n.MacAddress ?? '' },
      ]),
    ),
  };
}

export const containerInspect = defineTool({
  name: 'container_inspect',
  title: 'Inspect a container',
  description: 'Show a container\'s state, configuration, mounts and networks (raw=true adds the full Engine API document). ' +
    'Env values and command-line arguments that look like credentials are shown as [REDACTED].',
  family: 'containers',
  access: 'read',
  inputSchema: z.strictObject({
    container: containerRef,
    raw: z.boolean().default(false).describe('Also return the full, unabridged inspect document.'),
  }),
  outputSchema: inspectSummary,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    // Env, command lines, labels, log options and healthchecks hold credentials: the registry
    // withholds them from every result (audit/redact.ts), raw included.
    const info = await ctx.docker.getContainer(args.container).inspect({ abortSignal: ctx.signal });
    const view = inspectView(info);
    const structured = args.raw ? { ...view, raw: info as unknown as Record<string, unknown> } : view;
    const s = view.state;
    const text = [
      `${view.name} (${view.id.slice(0, 12)}) image ${view.image}`,
      `state: ${s.status}${s.running ? ` since ${s.started_at}, pid ${s.pid}` : `, exit code ${s.exit_code}`}${s.health ? `, health ${s.health}` : ''}${s.oom_killed ? ', OOM-killed' : ''}`,
      `command: ${JSON.stringify([...(view.config.entrypoint ?? []), ...(view.config.cmd ?? [])])}`,
      `restart policy: ${view.host_config.restart_policy} (restarted ${view.restart_count}x), network: ${view.host_config.network_mode}`,
      ...view.mounts.map((m) => `mount: ${m.type} ${m.source} -> ${m.destination}${m.read_write ? '' : ' (ro)'}`),
    ].join('\n');
    return { structured, text };
  },
});

export const containerTop = defineTool({
  name: 'container_top',
  title: 'List processes in a container',
  description: 'List the processes running in a container (ps on the Docker host, scoped to the container), up to limit. ' +
    'Command-line arguments that look like credentials are shown as [REDACTED].',
  family: 'containers',
  access: 'read',
  inputSchema: z.strictObject({
    container: containerRef,
    // Docker hands these to the host's ps; allow only plain option letters so nothing else gets there.
    ps_args: z.string().max(32).regex(/^-?[a-zA-Z]+( -?[a-zA-Z]+)*$/)
      // procps' BSD option "e" and the format "environ" print each process's environment as free
      // text, where env values with spaces slip past the redaction. Inspect shows the environment
      // with whole entries withheld.
      .refine((value) => !asksForEnvironment(value),
        'the BSD option "e" and the format "environ" (process environment) are not allowed; use container_inspect to see the environment')
      .optional().describe('ps options, e.g. "aux" or "-ef" (the default). The environment (BSD option "e", format "environ") is refused.'),
    limit: limitInput,
  }),
  outputSchema: z.object({ titles: z.array(z.string()), processes: z.array(z.array(z.string())), ...listMeta }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const top = (await ctx.docker.getContainer(args.container).top({
      ...(args.ps_args ? { ps_args: args.ps_args } : {}),
      abortSignal: ctx.signal,
    })) as { Titles?: string[]; Processes?: string[][] | null };
    const titles = top.Titles ?? [];
    // ps prints command lines, credentials passed as arguments included, in as many columns as
    // ps_args asks for: the registry scans every cell (audit/redact.ts), not a chosen column.
    const processes = top.Processes ?? [];
    const list = applyLimit(processes, args.limit, ctx);
    return {
      structured: { titles, processes: list.items, total: list.total, truncated: list.truncated },
      text: table(titles, list.items) + listNotice(list, 'processes'),
    };
  },
});
