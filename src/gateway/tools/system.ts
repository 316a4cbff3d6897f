// System tools: daemon info, version, disk usage, ping and a bounded view of the event stream.
import { z } from 'zod';
import { engineCall } from '../docker/engine-calls.js';
import { defineTool, type ToolDefinition } from './define.js';
import { eventsTool } from './system-events.js';

interface DockerInfo {
  ID?: string; Name?: string; ServerVersion?: string; OperatingSystem?: string; OSType?: string;
  KernelVersion?: string; Architecture?: string; NCPU?: number; MemTotal?: number; Containers?: number;
  ContainersRunning?: number; ContainersPaused?: number; ContainersStopped?: number; Images?: number;
  Driver?: string; DockerRootDir?: string; CgroupDriver?: string; CgroupVersion?: string; Swarm?: { LocalNodeState?: string };
  Warnings?: string[] | null;
}

const systemInfo = defineTool({
  name: 'system_info',
  title: 'Docker system information',
  description: 'Summary of the Docker daemon and its host: versions, OS, CPUs, memory, container and image counts, storage driver and warnings.',
  family: 'system',
  access: 'read',
  inputSchema: z.strictObject({}),
  outputSchema: z.object({
    id: z.string(), name: z.string(), server_version: z.string(), operating_system: z.string(), os_type: z.string(),
    kernel_version: z.string(), architecture: z.string(), cpus: z.number(), memory_bytes: z.number(),
    containers: z.object({ total: z.number(), running: z.number(), paused: z.number(), stopped: z.number() }),
    images: z.number(), storage_driver: z.string(), docker_root_dir: z.string(), cgroup_driver: z.string(),
    cgroup_version: z.string(), swarm: z.string(), warnings: z.array(z.string()),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(_args, ctx) {
    const info = (await engineCall<DockerInfo>(ctx.docker, 'info', ctx.signal));
    const structured = {
      id: info.ID ?? '', name: info.Name ?? '', server_version: info.ServerVersion ?? '',
      operating_system: info.OperatingSystem ?? '', os_type: info.OSType ?? '', kernel_version: info.KernelVersion ?? '',
      architecture: info.Architecture ?? '', cpus: info.NCPU ?? 0, memory_bytes: info.MemTotal ?? 0,
      containers: {
        total: info.Containers ?? 0, running: info.ContainersRunning ?? 0,
        paused: info.ContainersPaused ?? 0, stopped: info.ContainersStopped ?? 0,
      },
      images: info.Images ?? 0, storage_driver: info.Driver ?? '', docker_root_dir: info.DockerRootDir ?? '',
      cgroup_driver: info.CgroupDriver ?? '', cgroup_version: info.CgroupVersion ?? '',
      swarm: info.Swarm?.LocalNodeState ?? 'inactive', warnings: info.Warnings ?? [],
    };
    const c = structured.containers;
    const text =
      `Docker ${structured.server_version} on ${structured.operating_system} (${structured.architecture}, kernel ${structured.kernel_version}), ` +
      `${structured.cpus} CPUs, ${formatBytes(structured.memory_bytes)} memory.\n` +
      `Containers: ${c.total} (${c.running} running, ${c.paused} paused, ${c.stopped} stopped); images: ${structured.images}; ` +
      `storage driver ${structured.storage_driver}.` +
      (structured.warnings.length ? `\nWarnings:\n${structured.warnings.map((w) => `- ${w}`).join('\n')}` : '');
    return { structured, text };
  },
});

interface DockerVersion {
  Version?: string; ApiVersion?: string; MinAPIVersion?: string; GitCommit?: string; GoVersion?: string;
  Os?: string; Arch?: string; KernelVersion?: string; BuildTime?: string;
  Components?: { Name?: string; Version?: string }[] | null;
}

const systemVersion = defineTool({
  name: 'system_version',
  title: 'Docker version',
  description: 'Version of the Docker Engine and its components (containerd, runc), API version range, Go version and build details.',
  family: 'system',
  access: 'read',
  inputSchema: z.strictObject({}),
  outputSchema: z.object({
    version: z.string(), api_version: z.string(), min_api_version: z.string(), git_commit: z.string(), go_version: z.string(),
    os: z.string(), arch: z.string(), kernel_version: z.string(), build_time: z.string(),
    components: z.array(z.object({ name: z.string(), version: z.string() })),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(_args, ctx) {
    const v = (await engineCall<DockerVersion>(ctx.docker, 'version', ctx.signal));
    const structured = {
      version: v.Version ?? '', api_version: v.ApiVersion ?? '', min_api_version: v.MinAPIVersion ?? '',
      git_commit: v.GitCommit ?? '', go_version: v.GoVersion ?? '', os: v.Os ?? '', arch: v.Arch ?? '',
      kernel_version: v.KernelVersion ?? '', build_time: v.BuildTime ?? '',
      components: (v.Components ?? []).map((c) => ({ name: c.Name ?? '', version: c.Version ?? '' })),
    };
    const text =
      `Docker Engine ${structured.version} (API ${structured.api_version}, minimum ${structured.min_api_version}), ` +
      `${structured.os}/${structured.arch}, ${structured.go_version}.` +
      (structured.components.length ? `\nComponents: ${structured.components.map((c) => `${c.name} ${c.version}`).join(', ')}` : '');
    return { structured, text };
  },
});

interface DfResponse {
  LayersSize?: number;
  Images?: { Id: string; RepoTags?: string[] | null; Size?: number; SharedSize?: number; Containers?: number }[] | null;
  Containers?: { Id: string; Names?: string[]; Image?: string; State?: string; SizeRw?: number; SizeRootFs?: number }[] | null;
  Volumes?: { Name: string; UsageData?: { Size?: number; RefCount?: number } | null }[] | null;
  BuildCache?: { ID: string; Size?: number; InUse?: boolean; Shared?: boolean }[] | null;
}

const usage = z.object({
  count: z.number().describe('Objects of this kind.'),
  active: z.number().describe('Objects in use (referenced by a container, or running).'),
  size_bytes: z.number().describe('Total size on disk.'),
  reclaimable_bytes: z.number().describe('Size a prune of unused objects would free (estimate).'),
});
const item = z.object({ id: z.string(), name: z.string(), size_bytes: z.number(), in_use: z.boolean() });

const systemDf = defineTool({
  name: 'system_df',
  title: 'Docker disk usage',
  description: 'Disk used by images, containers, volumes and build cache, with what a prune could reclaim and the largest objects of each kind.',
  family: 'system',
  access: 'read',
  inputSchema: z.strictObject({
    top: z.number().int().min(0).max(100).default(5).describe('How many of the largest objects of each kind to list (0 = totals only).'),
  }),
  outputSchema: z.object({
    images: usage, containers: usage, volumes: usage, build_cache: usage,
    total_bytes: z.number(), reclaimable_bytes: z.number(),
    largest: z.object({ images: z.array(item), containers: z.array(item), volumes: z.array(item) }),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const df = (await engineCall<DfResponse>(ctx.docker, 'df', ctx.signal));
    const images = (df.Images ?? []).map((i) => ({
      id: i.Id, name: i.RepoTags?.[0] ?? i.Id.slice(7, 19), size_bytes: i.Size ?? 0, in_use: (i.Containers ?? 0) > 0,
      unique: (i.Size ?? 0) - Math.max(0, i.SharedSize ?? 0),
    }));
    const containers = (df.Containers ?? []).map((c) => ({
      id: c.Id, name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''), size_bytes: c.SizeRw ?? 0, in_use: c.State === 'running',
    }));
    const volumes = (df.Volumes ?? []).map((v) => ({
      id: v.Name, name: v.Name, size_bytes: Math.max(0, v.UsageData?.Size ?? 0), in_use: (v.UsageData?.RefCount ?? 0) > 0,
    }));
    const cache = (df.BuildCache ?? []).map((b) => ({ size_bytes: b.Size ?? 0, in_use: b.InUse ?? false, shared: b.Shared ?? false }));
    const sum = (list: { size_bytes: number }[]): number => list.reduce((n, x) => n + x.size_bytes, 0);
    const summarize = <T extends { size_bytes: number; in_use: boolean }>(list: T[], reclaim: (x: T) => number) => ({
      count: list.length,
      active: list.filter((x) => x.in_use).length,
      size_bytes: sum(list),
      reclaimable_bytes: list.filter((x) => !x.in_use).reduce((n, x) => n + reclaim(x), 0),
    });
    const structured = {
      // Image sizes include shared layers; LayersSize is the real on-disk total.
      images: { ...summarize(images, (x) => x.unique), size_bytes: df.LayersSize ?? sum(images) },
      containers: summarize(containers, (x) => x.size_bytes),
      volumes: summarize(volumes, (x) => x.size_bytes),
      build_cache: summarize(cache, (x) => (x.shared ? 0 : x.size_bytes)),
      total_bytes: 0,
      reclaimable_bytes: 0,
      largest: {
        images: topN(images, args.top).map(({ id, name, size_bytes, in_use }) => ({ id, name, size_bytes, in_use })),
        containers: topN(containers, args.top),
        volumes: topN(volumes, args.top),
      },
    };
    const kinds = [structured.images, structured.containers, structured.volumes, structured.build_cache];
    structured.total_bytes = kinds.reduce((n, k) => n + k.size_bytes, 0);
    structured.reclaimable_bytes = kinds.reduce((n, k) => n + k.reclaimable_bytes, 0);
    const line = (label: string, u: z.infer<typeof usage>): string =>
      `${label.padEnd(12)} ${String(u.count).padStart(5)} total, ${String(u.active).padStart(4)} active, ` +
      `${formatBytes(u.size_bytes).padStart(10)}, reclaimable ${formatBytes(u.reclaimable_bytes)}`;
    const text = [
      line('Images', structured.images), line('Containers', structured.containers),
      line('Volumes', structured.volumes), line('Build cache', structured.build_cache),
      `Total ${formatBytes(structured.total_bytes)}, reclaimable ${formatBytes(structured.reclaimable_bytes)}.`,
    ].join('\n');
    return { structured, text };
  },
});

const systemPing = defineTool({
  name: 'system_ping',
  title: 'Ping the Docker daemon',
  description: 'Checks that the Docker daemon answers, and how fast.',
  family: 'system',
  access: 'read',
  inputSchema: z.strictObject({}),
  outputSchema: z.object({ ok: z.boolean(), latency_ms: z.number() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(_args, ctx) {
    const started = performance.now();
    await engineCall(ctx.docker, 'ping', ctx.signal);
    const latency = Math.round((performance.now() - started) * 100) / 100;
    return { structured: { ok: true, latency_ms: latency }, text: `Docker daemon answered in ${latency} ms.` };
  },
});

function topN<T extends { size_bytes: number }>(list: T[], n: number): T[] {
  return [...list].sort((a, b) => b.size_bytes - a.size_bytes).slice(0, n);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export const systemTools: ToolDefinition[] = [systemInfo, systemVersion, systemDf, systemPing, eventsTool];
