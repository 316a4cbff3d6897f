// Volume tools. Driver options of the local driver can bind-mount host paths (type=none,
// o=bind, device=/etc), so volume_create sends the policy exactly the body it will send Docker.
import type Dockerode from 'dockerode';
import { z } from 'zod';
import { defineTool, type ToolDefinition } from './define.js';
import { engineCall } from '../docker/engine-calls.js';
import { formatBytes } from '../docker/progress.js';
import {
  applyLimit, dockerFilters, formatLabels, isoDate, labelFilterInput, labelsInput, limitInput, listMeta, pruneLimitInput, pruneMeta, textTable,
} from './object-helpers.js';
import { listNotice, prunedNotice } from './output.js';

const volumeName = z.string().min(1).max(255).regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'volume names use letters, digits, "_", "." and "-"');

const volumeSummary = z.object({
  name: z.string(),
  driver: z.string(),
  mountpoint: z.string(),
  scope: z.string(),
  created: z.string(),
  labels: z.record(z.string(), z.string()),
});

const volumeDetail = volumeSummary.extend({
  options: z.record(z.string(), z.string()).describe('Driver options the volume was created with.'),
  usage: z.object({ size: z.number(), ref_count: z.number() }).nullable().describe('Only filled by system disk usage; usually null.'),
});

type VolumeInfo = Dockerode.VolumeInspectInfo & { CreatedAt?: string };

function summarize(v: VolumeInfo): z.infer<typeof volumeSummary> {
  return { name: v.Name, driver: v.Driver, mountpoint: v.Mountpoint, scope: v.Scope, created: isoDate(v.CreatedAt), labels: v.Labels ?? {} };
}

function detail(v: VolumeInfo): z.infer<typeof volumeDetail> {
  const usage = v.UsageData && v.UsageData.Size >= 0 ? { size: v.UsageData.Size, ref_count: v.UsageData.RefCount } : null;
  return { ...summarize(v), options: v.Options ?? {}, usage };
}

export const volumeList = defineTool({
  name: 'volume_list',
  title: 'List volumes',
  description: 'List volumes with optional name, label, driver and dangling (unused) filters.',
  family: 'volumes',
  access: 'read',
  inputSchema: z.object({
    name: z.string().max(255).optional().describe('Only volumes whose name contains this text.'),
    label: labelFilterInput,
    driver: z.string().max(255).optional().describe('Only volumes of this driver, e.g. "local".'),
    dangling: z.boolean().optional().describe('true: only volumes no container uses; false: only used ones.'),
    limit: limitInput,
  }).strict(),
  outputSchema: z.object({ volumes: z.array(volumeSummary), ...listMeta }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const filters = dockerFilters({ name: args.name, label: args.label, driver: args.driver, dangling: args.dangling });
    const raw = await ctx.docker.listVolumes({ filters, abortSignal: ctx.signal } as Dockerode.VolumeListOptions);
    const all = ((raw.Volumes ?? []) as VolumeInfo[]).map(summarize).sort((a, b) => a.name.localeCompare(b.name));
    const list = applyLimit(all, args.limit, ctx);
    const rows = list.items.map((v) => [v.name, v.driver, v.created.slice(0, 19), formatLabels(v.labels)]);
    const text = list.items.length
      ? textTable(['NAME', 'DRIVER', 'CREATED', 'LABELS'], rows) + listNotice(list, 'volumes')
      : 'No volumes match.';
    return { structured: { volumes: list.items, total: list.total, truncated: list.truncated }, text };
  },
});

export const volumeInspect = defineTool({
  name: 'volume_inspect',
  title: 'Inspect a volume',
  description: 'Show a volume\'s driver, mount point, driver options and labels.',
  family: 'volumes',
  access: 'read',
  inputSchema: z.object({ name: volumeName.describe('Volume name.') }).strict(),
  outputSchema: volumeDetail,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const info = (await ctx.docker.getVolume(args.name).inspect({ abortSignal: ctx.signal })) as VolumeInfo;
    const structured = detail(info);
    const text = [
      `Volume ${structured.name} (driver ${structured.driver}, scope ${structured.scope})`,
      `Mountpoint: ${structured.mountpoint}`,
      `Options: ${formatLabels(structured.options) || 'none'}`,
      `Labels: ${formatLabels(structured.labels) || 'none'}`,
      ...(structured.usage ? [`Usage: ${formatBytes(structured.usage.size)}, ${structured.usage.ref_count} container(s)`] : []),
    ].join('\n');
    return { structured, text };
  },
});

export const volumeCreate = defineTool({
  name: 'volume_create',
  title: 'Create a volume',
  description: 'Create a named volume (driver "local" by default) with optional labels and driver options.',
  family: 'volumes',
  access: 'admin',
  inputSchema: z.object({
    name: volumeName.optional().describe('Volume name; Docker generates one when omitted.'),
    driver: z.string().min(1).max(255).regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, 'a volume driver name').default('local')
      .describe('Volume driver (default "local").'),
    labels: labelsInput,
    driver_opts: z.record(z.string().min(1).max(255).regex(/^[A-Za-z0-9_.-]+$/, 'option names use letters, digits, "_", "." and "-"'), z.string().max(4096))
      .optional().describe('Driver options, e.g. for "local": {"type": "tmpfs", "device": "tmpfs", "o": "size=64m"}.'),
  }).strict(),
  outputSchema: volumeDetail,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(args, ctx) {
    const body: Record<string, unknown> = {
      ...(args.name ? { Name: args.name } : {}),
      Driver: args.driver,
      DriverOpts: args.driver_opts ?? {},
      Labels: args.labels ?? {},
    };
    await ctx.authorize({ kind: 'volume.create', body });
    const volume = await ctx.docker.createVolume({ ...body, abortSignal: ctx.signal } as Dockerode.VolumeCreateOptions);
    const info = (await volume.inspect({ abortSignal: ctx.signal })) as VolumeInfo;
    const structured = detail(info);
    return { structured, text: `Created volume ${structured.name} (driver ${structured.driver}).` };
  },
});

export const volumeRemove = defineTool({
  name: 'volume_remove',
  title: 'Remove a volume',
  description: 'Delete a volume and its data. Fails while a container uses it.',
  family: 'volumes',
  access: 'admin',
  inputSchema: z.object({
    name: volumeName.describe('Volume name.'),
    force: z.boolean().default(false).describe('Remove even if the driver reports an error for it (not while in use).'),
  }).strict(),
  outputSchema: z.object({ removed: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    await ctx.docker.getVolume(args.name).remove({ force: args.force, abortSignal: ctx.signal });
    return { structured: { removed: args.name }, text: `Removed volume ${args.name}.` };
  },
});

export const volumePrune = defineTool({
  name: 'volume_prune',
  title: 'Prune unused volumes',
  description:
    'Delete volumes no container uses, narrowed by labels. On Engine API 1.42+ only anonymous volumes are pruned unless all=true; ' +
    'older daemons always prune every unused volume.',
  family: 'volumes',
  access: 'admin',
  inputSchema: z.object({
    label: labelFilterInput,
    all: z.boolean().default(false).describe('Also prune named volumes (Engine API 1.42+; older daemons do this anyway).'),
    limit: pruneLimitInput,
  }).strict(),
  outputSchema: z.object({ deleted: z.array(z.string()), space_reclaimed_bytes: z.number(), ...pruneMeta }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    // Older daemons reject the "all" filter, so only send it where it exists.
    let sendAll = false;
    if (args.all) {
      const version = await engineCall<Dockerode.DockerVersion>(ctx.docker, 'version', ctx.signal);
      const [major = 0, minor = 0] = version.ApiVersion.split('.').map(Number);
      sendAll = major > 1 || (major === 1 && minor >= 42);
    }
    const filters = dockerFilters({ label: args.label, ...(sendAll ? { all: 'true' } : {}) });
    const raw = await ctx.docker.pruneVolumes({ filters, abortSignal: ctx.signal } as Dockerode.VolumePruneOptions);
    const deleted = applyLimit(raw.VolumesDeleted ?? [], args.limit, ctx);
    const reclaimed = raw.SpaceReclaimed ?? 0;
    return {
      structured: { deleted: deleted.items, space_reclaimed_bytes: reclaimed, deleted_total: deleted.total, truncated: deleted.truncated },
      text: deleted.total
        ? `Pruned ${deleted.total} volume(s): ${deleted.items.join(', ')}; reclaimed ${formatBytes(reclaimed)}.${prunedNotice(deleted, 'pruned volumes')}`
        : 'No unused volumes matched; nothing pruned.',
    };
  },
});

export const volumeTools: ToolDefinition[] = [volumeList, volumeInspect, volumeCreate, volumeRemove, volumePrune];
