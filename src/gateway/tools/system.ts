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
  inputSchema: z.object({}),
  outputSchema: z.object({
    id: z.string(), name: z.string(), serverVersion: z.string(), operatingSystem: z.string(), osType: z.string(),
    kernelVersion: z.string(), architecture: z.string(), cpus: z.number(), memoryBytes: z.number(),
    containers: z.object({ total: z.number(), running: z.number(), paused: z.number(), stopped: z.number() }),
    images: z.number(), storageDriver: z.string(), dockerRootDir: z.string(), cgroupDriver: z.string(),
    cgroupVersion: z.string(), swarm: z.string(), warnings: z.array(z.string()),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(_args, ctx) {
    const info = (await engineCall<DockerInfo>(ctx.docker, 'info', ctx.signal));
    const structured = {
      id: info.ID ?? '', name: info.Name ?? '', serverVersion: info.ServerVersion ?? '',
      operatingSystem: info.OperatingSystem ?? '', osType: info.OSType ?? '', kernelVersion: info.KernelVersion ?? '',
      architecture: info.Architecture ?? '', cpus: info.NCPU ?? 0, memoryBytes: info.MemTotal ?? 0,
      containers: {
        total: info.Containers ?? 0, running: info.ContainersRunning ?? 0,
        paused: info.ContainersPaused ?? 0, stopped: info.ContainersStopped ?? 0,
      },
      images: info.Images ?? 0, storageDriver: info.Driver ?? '', dockerRootDir: info.DockerRootDir ?? '',
      cgroupDriver: info.CgroupDriver ?? '', cgroupVersion: info.CgroupVersion ?? '',
      swarm: info.Swarm?.LocalNodeState ?? 'inactive', warnings: info.Warnings ?? [],
    };
    const c = structured.containers;
    const text =
      `Docker ${structured.serverVersion} on ${structured.operatingSystem} (${structured.architecture}, kernel ${structured.kernelVersion}), ` +
      `${structured.cpus} CPUs, ${formatBytes(structured.memoryBytes)} memory.\n` +
      `Containers: ${c.total} (${c.running} running, ${c.paused} paused, ${c.stopped} stopped); images: ${structured.images}; ` +
      `storage driver ${structured.storageDriver}.` +
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
  inputSchema: z.object({}),
  outputSchema: z.object({
    version: z.string(), apiVersion: z.string(), minApiVersion: z.string(), gitCommit: z.string(), goVersion: z.string(),
    os: z.string(), arch: z.string(), kernelVersion: z.string(), buildTime: z.string(),
    components: z.array(z.object({ name: z.string(), version: z.string() })),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(_args, ctx) {
    const v = (await engineCall<DockerVersion>(ctx.docker, 'version', ctx.signal));
    const structured = {
      version: v.Version ?? '', apiVersion: v.ApiVersion ?? '', minApiVersion: v.MinAPIVersion ?? '',
      gitCommit: v.GitCommit ?? '', goVersion: v.GoVersion ?? '', os: v.Os ?? '', arch: v.Arch ?? '',
      kernelVersion: v.KernelVersion ?? '', buildTime: v.BuildTime ?? '',
      components: (v.Components ?? []).map((c) => ({ name: c.Name ?? '', version: c.Version ?? '' })),
    };
    const text =
      `Docker Engine ${structured.version} (API ${structured.apiVersion}, minimum ${structured.minApiVersion}), ` +
      `${structured.os}/${structured.arch}, ${structured.goVersion}.` +
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
  sizeBytes: z.number().describe('Total size on disk.'),
  reclaimableBytes: z.number().describe('Size a prune of unused objects would free (estimate).'),
});
const item = z.object({ id: z.string(), name: z.string(), sizeBytes: z.number(), inUse: z.boolean() });

const systemDf = defineTool({
  name: 'system_df',
  title: 'Docker disk usage',
  description: 'Disk used by images, containers, volumes and build cache, with what a prune could reclaim and the largest objects of each kind.',
  family: 'system',
  access: 'read',
  inputSchema: z.object({
    top: z.number().int().min(0).max(100).default(5).describe('How many of the largest objects of each kind to list (0 = totals only).'),
  }),
  outputSchema: z.object({
    images: usage, containers: usage, volumes: usage, buildCache: usage,
    totalBytes: z.number(), reclaimableBytes: z.number(),
    largest: z.object({ images: z.array(item), containers: z.array(item), volumes: z.array(item) }),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const df = (await engineCall<DfResponse>(ctx.docker, 'df', ctx.signal));
    const images = (df.Images ?? []).map((i) => ({
      id: i.Id, name: i.RepoTags?.[0] ?? i.Id.slice(7, 19), sizeBytes: i.Size ?? 0, inUse: (i.Containers ?? 0) > 0,
      unique: (i.Size ?? 0) - Math.max(0, i.SharedSize ?? 0),
    }));
    const containers = (df.Containers ?? []).map((c) => ({
      id: c.Id, name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''), sizeBytes: c.SizeRw ?? 0, inUse: c.State === 'running',
    }));
    const volumes = (df.Volumes ?? []).map((v) => ({
      id: v.Name, name: v.Name, sizeBytes: Math.max(0, v.UsageData?.Size ?? 0), inUse: (v.UsageData?.RefCount ?? 0) > 0,
    }));
    const cache = (df.BuildCache ?? []).map((b) => ({ sizeBytes: b.Size ?? 0, inUse: b.InUse ?? false, shared: b.Shared ?? false }));
    const sum = (list: { sizeBytes: number }[]): number => list.reduce((n, x) => n + x.sizeBytes, 0);
    const summarize = <T extends { sizeBytes: number; inUse: boolean }>(list: T[], reclaim: (x: T) => number) => ({
      count: list.length,
      active: list.filter((x) => x.inUse).length,
      sizeBytes: sum(list),
      reclaimableBytes: list.filter((x) => !x.inUse).reduce((n, x) => n + reclaim(x), 0),
    });
    const structured = {
      // Image sizes include shared layers; LayersSize is the real on-disk total.
      images: { ...summarize(images, (x) => x.unique), sizeBytes: df.LayersSize ?? sum(images) },
      containers: summarize(containers, (x) => x.sizeBytes),
      volumes: summarize(volumes, (x) => x.sizeBytes),
      buildCache: summarize(cache, (x) => (x.shared ? 0 : x.sizeBytes)),
      totalBytes: 0,
      reclaimableBytes: 0,
      largest: {
        images: topN(images, args.top).map(({ id, name, sizeBytes, inUse }) => ({ id, name, sizeBytes, inUse })),
        containers: topN(containers, args.top),
        volumes: topN(volumes, args.top),
      },
    };
    const kinds = [structured.images, structured.containers, structured.volumes, structured.buildCache];
    structured.totalBytes = kinds.reduce((n, k) => n + k.sizeBytes, 0);
    structured.reclaimableBytes = kinds.reduce((n, k) => n + k.reclaimableBytes, 0);
    const line = (label: string, u: z.infer<typeof usage>): string =>
      `${label.padEnd(12)} ${String(u.count).padStart(5)} total, ${String(u.active).padStart(4)} active, ` +
      `${formatBytes(u.sizeBytes).padStart(10)}, reclaimable ${formatBytes(u.reclaimableBytes)}`;
    const text = [
      line('Images', structured.images), line('Containers', structured.containers),
      line('Volumes', structured.volumes), line('Build cache', structured.buildCache),
      `Total ${formatBytes(structured.totalBytes)}, reclaimable ${formatBytes(structured.reclaimableBytes)}.`,
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
  inputSchema: z.object({}),
  outputSchema: z.object({ ok: z.boolean(), latencyMs: z.number() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(_args, ctx) {
    const started = performance.now();
    await engineCall(ctx.docker, 'ping', ctx.signal);
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    return { structured: { ok: true, latencyMs }, text: `Docker daemon answered in ${latencyMs} ms.` };
  },
});

function topN<T extends { sizeBytes: number }>(list: T[], n: number): T[] {
  return [...list].sort((a, b) => b.sizeBytes - a.sizeBytes).slice(0, n);
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
