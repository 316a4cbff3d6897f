// Image tools: list, inspect, history, tag, remove, prune here; pull/push in images-transfer.ts and
// build in images-build.ts (they stream progress and carry registry credentials).
import type Dockerode from 'dockerode';
import { z } from 'zod';
import { defineTool, type ToolDefinition } from './define.js';
import { imageBuild } from './images-build.js';
import { normalizeReference, parseReference, repositoryInput, repositoryOf, tagInput } from './images-reference.js';
import { imagePull, imagePush } from './images-transfer.js';
import { engineGet } from '../docker/engine-calls.js';
import { formatBytes } from '../docker/progress.js';
import { imageRef } from './identifiers.js';
import {
  applyLimit, dockerFilters, isoDate, labelFilterInput, limitInput, listMeta, pruneLimitInput, pruneMeta, shortId, textTable,
} from './object-helpers.js';
import { listNotice, prunedNotice } from './output.js';

const imageSummary = z.object({
  id: z.string(),
  tags: z.array(z.string()),
  digests: z.array(z.string()),
  created: z.string().describe('ISO 8601 creation time.'),
  size: z.number().describe('Bytes.'),
  labels: z.record(z.string(), z.string()),
});

export const imageList = defineTool({
  name: 'image_list',
  title: 'List images',
  description: 'List local images, newest first, with optional reference, dangling and label filters.',
  family: 'images',
  access: 'read',
  inputSchema: z.object({
    reference: z.string().max(512).optional().describe('Only images whose name matches this reference pattern, e.g. "busybox" or "team/*:1.*".'),
    dangling: z.boolean().optional().describe('true: only untagged images; false: only tagged ones.'),
    label: labelFilterInput,
    all: z.boolean().default(false).describe('Include intermediate images from classic builds.'),
    limit: limitInput,
  }).strict(),
  outputSchema: z.object({ images: z.array(imageSummary), ...listMeta }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const filters = dockerFilters({ reference: args.reference, dangling: args.dangling, label: args.label });
    const raw = await ctx.docker.listImages({ all: args.all, filters, abortSignal: ctx.signal } as Dockerode.ListImagesOptions);
    const list = applyLimit(raw, args.limit, ctx);
    const images = list.items.map((i) => ({
      id: i.Id,
      tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
      digests: (i.RepoDigests ?? []).filter((d) => d !== '<none>@<none>'),
      created: isoDate(i.Created),
      size: i.Size,
      labels: i.Labels ?? {},
    }));
    const rows = images.map((i) => [shortId(i.id), i.created.slice(0, 19), formatBytes(i.size), i.tags.join(', ') || '<none>']);
    const text = images.length
      ? textTable(['ID', 'CREATED', 'SIZE', 'TAGS'], rows) + listNotice(list, 'images')
      : 'No images match.';
    return { structured: { images, total: list.total, truncated: list.truncated }, text };
  },
});

export const imageInspect = defineTool({
  name: 'image_inspect',
  title: 'Inspect an image',
  description: 'Show an image\'s configuration: tags, digests, platform, size, command, entrypoint, env, labels, exposed ports and layer count.',
  family: 'images',
  access: 'read',
  inputSchema: z.object({ image: imageRef }).strict(),
  outputSchema: z.object({
    id: z.string(),
    tags: z.array(z.string()),
    digests: z.array(z.string()),
    created: z.string(),
    size: z.number(),
    architecture: z.string(),
    os: z.string(),
    author: z.string(),
    cmd: z.array(z.string()).nullable(),
    entrypoint: z.array(z.string()).nullable(),
    env: z.array(z.string()),
    working_dir: z.string(),
    user: z.string(),
    exposed_ports: z.array(z.string()),
    labels: z.record(z.string(), z.string()),
    layers: z.number().int(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    // An image's ENV and labels hold credentials as often as a container's: the registry withholds
    // them from every result (audit/redact.ts), as it does build-arg values in image_history lines.
    const info = await ctx.docker.getImage(args.image).inspect({ abortSignal: ctx.signal } as Dockerode.ImageInspectOptions);
    const config = info.Config ?? ({} as Partial<Dockerode.ImageInspectInfo['Config']>);
    const structured = {
      id: info.Id,
      tags: info.RepoTags ?? [],
      digests: info.RepoDigests ?? [],
      created: isoDate(info.Created),
      size: info.Size,
      architecture: info.Architecture ?? '',
      os: info.Os ?? '',
      author: info.Author ?? '',
      cmd: config.Cmd ?? null,
      entrypoint: (config.Entrypoint as string[] | null | undefined) ?? null,
      env: config.Env ?? [],
      working_dir: config.WorkingDir ?? '',
      user: config.User ?? '',
      exposed_ports: Object.keys(config.ExposedPorts ?? {}),
      labels: config.Labels ?? {},
      layers: info.RootFS?.Layers?.length ?? 0,
    };
    const text = [
      `Image ${shortId(structured.id)} (${structured.tags.join(', ') || 'untagged'})`,
      `Platform: ${structured.os}/${structured.architecture}, size ${formatBytes(structured.size)}, ${structured.layers} layers, created ${structured.created}`,
      `Entrypoint: ${JSON.stringify(structured.entrypoint)}  Cmd: ${JSON.stringify(structured.cmd)}`,
      `Labels: ${Object.keys(structured.labels).length ? JSON.stringify(structured.labels) : 'none'}`,
    ].join('\n');
    return { structured, text };
  },
});

export const imageHistory = defineTool({
  name: 'image_history',
  title: 'Show image history',
  description: 'List the layers of an image, newest first, with the instruction that created each.',
  family: 'images',
  access: 'read',
  inputSchema: z.object({ image: imageRef, limit: limitInput }).strict(),
  outputSchema: z.object({
    layers: z.array(z.object({
      id: z.string(),
      created: z.string(),
      created_by: z.string(),
      size: z.number(),
      tags: z.array(z.string()),
      comment: z.string(),
    })),
    ...listMeta,
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const raw = await engineGet<Array<{
      Id: string; Created: number; CreatedBy: string; Size: number; Tags: string[] | null; Comment: string;
    }>>(ctx.docker, `/images/${args.image}/history`, 'no such image', ctx.signal);
    const list = applyLimit(raw, args.limit, ctx);
    const layers = list.items.map((l) => ({
      id: l.Id,
      created: isoDate(l.Created),
      created_by: l.CreatedBy,
      size: l.Size,
      tags: l.Tags ?? [],
      comment: l.Comment,
    }));
    const rows = layers.map((l) => [l.id === '<missing>' ? '<missing>' : shortId(l.id), l.created.slice(0, 19), formatBytes(l.size), l.created_by]);
    const text = textTable(['LAYER', 'CREATED', 'SIZE', 'CREATED BY'], rows) + listNotice(list, 'layers');
    return { structured: { layers, total: list.total, truncated: list.truncated }, text };
  },
});

export const imageTag = defineTool({
  name: 'image_tag',
  title: 'Tag an image',
  description: 'Give an existing local image another name (repository and tag). Nothing is pushed.',
  family: 'images',
  access: 'admin',
  inputSchema: z.object({
    image: imageRef,
    repository: repositoryInput.describe('New repository name, e.g. "registry.example.com:5000/team/app".'),
    tag: tagInput.default('latest').describe('New tag (default "latest").'),
  }).strict(),
  outputSchema: z.object({ source: z.string(), target: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const target = normalizeReference(args.repository, args.tag);
    const repo = repositoryOf(parseReference(args.repository));
    // The source is checked like an image a container is created from: otherwise an image outside
    // allowed_images could be renamed into it and then run under the allowed name.
    await ctx.authorize({ kind: 'image.use', image: args.image, action: 'tag' });
    await ctx.authorize({ kind: 'image.use', image: target, action: 'tag', target: true });
    await ctx.docker.getImage(args.image).tag({ repo, tag: args.tag, abortSignal: ctx.signal });
    return { structured: { source: args.image, target }, text: `Tagged ${args.image} as ${target}.` };
  },
});

export const imageRemove = defineTool({
  name: 'image_remove',
  title: 'Remove an image',
  description: 'Remove a local image or one of its tags. Fails if a container uses it unless force is set.',
  family: 'images',
  access: 'admin',
  inputSchema: z.object({
    image: imageRef,
    force: z.boolean().default(false).describe('Remove even if stopped containers use it or it has several tags.'),
    noprune: z.boolean().default(false).describe('Keep untagged parent images.'),
  }).strict(),
  outputSchema: z.object({ untagged: z.array(z.string()), deleted: z.array(z.string()) }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const raw = (await ctx.docker.getImage(args.image).remove({ force: args.force, noprune: args.noprune, abortSignal: ctx.signal })) as
      Array<{ Untagged?: string; Deleted?: string }>;
    const untagged = raw.flatMap((r) => (r.Untagged ? [r.Untagged] : []));
    const deleted = raw.flatMap((r) => (r.Deleted ? [r.Deleted] : []));
    const text = `Removed ${args.image}: ${untagged.length} tag(s) untagged, ${deleted.length} layer(s)/image(s) deleted.`;
    return { structured: { untagged, deleted }, text };
  },
});

export const imagePrune = defineTool({
  name: 'image_prune',
  title: 'Prune unused images',
  description: 'Delete dangling (untagged) images, or with all=true every image no container uses. Label and age filters narrow it.',
  family: 'images',
  access: 'admin',
  inputSchema: z.object({
    all: z.boolean().default(false).describe('Also remove tagged images that no container uses (not only dangling ones).'),
    label: labelFilterInput,
    until: z.string().regex(/^(\d+[smh]|\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?|\d+)$/, 'a duration like "24h" or a timestamp')
      .optional().describe('Only images created before this: a duration ("24h") or a timestamp.'),
    limit: pruneLimitInput,
  }).strict(),
  outputSchema: z.object({
    deleted: z.array(z.string()),
    untagged: z.array(z.string()),
    space_reclaimed_bytes: z.number(),
    deleted_total: pruneMeta.deleted_total,
    untagged_total: z.number().int().describe('How many references were untagged; "untagged" lists at most "limit" of them.'),
    truncated: z.boolean().describe('True when "deleted" or "untagged" was shortened by the limit (the removal was not).'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const filters = dockerFilters({ dangling: args.all ? 'false' : 'true', label: args.label, until: args.until });
    const raw = (await ctx.docker.pruneImages({ filters, abortSignal: ctx.signal })) as {
      ImagesDeleted?: Array<{ Untagged?: string; Deleted?: string }> | null; SpaceReclaimed?: number;
    };
    const entries = raw.ImagesDeleted ?? [];
    const deleted = applyLimit(entries.flatMap((r) => (r.Deleted ? [r.Deleted] : [])), args.limit, ctx);
    const untagged = applyLimit(entries.flatMap((r) => (r.Untagged ? [r.Untagged] : [])), args.limit, ctx);
    const reclaimed = raw.SpaceReclaimed ?? 0;
    return {
      structured: {
        deleted: deleted.items, untagged: untagged.items, space_reclaimed_bytes: reclaimed,
        deleted_total: deleted.total, untagged_total: untagged.total, truncated: deleted.truncated || untagged.truncated,
      },
      text: `Pruned ${deleted.total} image layer(s), untagged ${untagged.total}; reclaimed ${formatBytes(reclaimed)}.` +
        (untagged.items.length ? `\nUntagged: ${untagged.items.join(', ')}` : '') + prunedNotice(untagged, 'untagged references') +
        (deleted.items.length ? `\nDeleted: ${deleted.items.map(shortId).join(', ')}` : '') + prunedNotice(deleted, 'deleted layers'),
    };
  },
});

// Re-exported so tests and docs get the concrete input/output types of every image tool.
export { imageBuild, imagePull, imagePush };

export const imageTools: ToolDefinition[] = [
  imageList, imageInspect, imageHistory, imagePull, imagePush, imageTag, imageBuild, imageRemove, imagePrune,
];
