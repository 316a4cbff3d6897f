// image_build: a Dockerfile plus a few small files, packed into a tar in memory and sent to the
// classic builder. No host paths are ever read, so a remote caller cannot pull host files into
// an image. Every image the build reads from (FROM, COPY --from, also in the ONBUILD triggers of
// its bases) is authorized as a pull, tags as builds, and sources the daemon would fetch itself
// (ADD <url>) as build.remote. The classic builder ignores "# syntax=" (no frontend image is
// pulled) and the request never sets "remote", so the context is always the tar built here.
import type Dockerode from 'dockerode';
import { z } from 'zod';
import { defineTool, ToolError } from './define.js';
import { buildContextTar, contextFileInput, CONTEXT_LIMITS, DOCKERFILE_NAME } from './images-build-context.js';
import { localBase, literalPlatform, pullImage, type LocalBase } from './build-bases.js';
import { readBuild } from './dockerfile-bases.js';
import type { RemoteSource } from './dockerfile-checks.js';
import { dockerfileFindings, judgeTriggers, pinnedDockerfile } from './dockerfile-triggers.js';
import { isImageId } from '../policy/images.js';
import { normalizeReference, referenceInput } from './images-reference.js';
import { dockerErrorMessage } from '../docker/errors.js';
import { followProgress } from '../docker/progress.js';
import { labelsInput, shortId } from './object-helpers.js';
import { truncationNotice } from './output.js';

const buildArgName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'build arg names are identifiers');

export const imageBuild = defineTool({
  name: 'image_build',
  title: 'Build an image',
  description:
    'Build an image from Dockerfile text and optional small context files (no host paths). ' +
    `Context: at most ${CONTEXT_LIMITS.files} files, ${CONTEXT_LIMITS.totalBytes / 1024} KiB in total, and the whole request ` +
    'within the gateway\'s max_body_bytes (ws_max_payload_bytes over WebSocket), 1 MiB by default. ' +
    'Base images are pulled if missing and inspected first: their ONBUILD triggers are checked like Dockerfile lines ' +
    '(COPY --from images against allowed_images), and the build uses exactly the image ids checked. ' +
    'ADD of a URL (fetched by the Docker daemon from the host network, whatever "network" says) is refused unless ' +
    'allow_remote_build_sources is set; RUN flags (BuildKit) are refused. ' +
    'Reports step progress; build output is returned (tail kept when capped).',
  family: 'images',
  access: 'admin',
  longRunning: true,
  inputSchema: z.object({
    dockerfile: z.string().min(1).max(CONTEXT_LIMITS.dockerfileBytes).describe('The Dockerfile text.'),
    files: z.array(contextFileInput).max(CONTEXT_LIMITS.files).default([])
      .describe('Files for COPY/ADD, placed at their relative paths in the build context.'),
    tags: z.array(referenceInput).max(10).default([]).describe('Names for the built image, e.g. ["team/app:1.2", "team/app:latest"].'),
    build_args: z.record(buildArgName, z.string().max(4096)).default({}).describe('Values for ARG instructions, as {"NAME": "value"}.'),
    labels: labelsInput,
    target: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'a stage name').optional()
      .describe('Build only up to this stage of a multi-stage Dockerfile.'),
    no_cache: z.boolean().default(false).describe('Do not use cached layers.'),
    pull: z.boolean().default(false).describe('Pull newer versions of the named images (FROM and COPY --from) before building.'),
    network: z.enum(['default', 'none']).default('default')
      .describe('Network for RUN steps: the daemon default, or "none" for builds that need no network.'),
  }).strict(),
  outputSchema: z.object({
    image_id: z.string().describe('Id of the built image.'),
    tags: z.array(z.string()).describe('Fully qualified tags applied.'),
    base_images: z.array(z.string()).describe('External images the build reads: FROM, COPY --from, and COPY --from in ONBUILD triggers of its bases.'),
    steps: z.number().int().describe('Dockerfile steps run.'),
    output: z.string().describe('Build output (the tail when capped).'),
    output_truncated: z.boolean(),
  }),
  // Base images may be pulled from a registry and RUN steps reach the network; a tag that already
  // names another image is moved to the new one.
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async handler(args, ctx) {
    const tags = args.tags.map((tag) => normalizeReference(tag));
    const plan = readBuild(args.dockerfile, args.build_args);
    const judged = new Set<string>();
    const usePull = async (image: string, via?: string): Promise<void> => {
      if (judged.has(image)) return;
      judged.add(image);
      await ctx.authorize({ kind: 'image.use', image, action: 'pull', ...(via ? { via } : {}) });
    };
    const useRemote = (source: RemoteSource) => ctx.authorize({ kind: 'build.remote', source: source.source, where: source.where });
    for (const image of plan.images) await usePull(image);
    for (const source of dockerfileFindings(plan)) await useRemote(source);
    // An untagged build has no name a rule could match, so only its base images are checked; the
    // result can then only be used by id, which the policy resolves to (no) names.
    for (const image of tags) await ctx.authorize({ kind: 'image.use', image, action: 'build' });

    // The bases' ONBUILD triggers run in this build: make each base local (pulling it here, once
    // authorized, rather than letting the builder pull something unjudged), judge its triggers,
    // and pin the build to the ids judged.
    const bases = new Map<string, LocalBase>();
    for (const stage of plan.stages) {
      if (stage.base.kind !== 'image' || bases.has(stage.base.image)) continue;
      bases.set(stage.base.image, await localBase(ctx, stage.base.image, literalPlatform(stage.from.flags), args.pull));
    }
    const triggers = judgeTriggers(plan, (image) => bases.get(image)?.onBuild ?? []);
    for (const { image, where } of triggers.images) await usePull(image, where);
    for (const source of triggers.remote) await useRemote(source);
    // "pull" asks for newer versions of every image; the daemon gets pull=false (it could not pull
    // the pinned ids), so the gateway pulls the other named images itself.
    if (args.pull) {
      for (const image of judged) if (!bases.has(image) && !isImageId(image)) await pullImage(ctx, image, undefined);
    }
    const dockerfile = pinnedDockerfile(plan, (image) => bases.get(image)!.id);
    const context = await buildContextTar(dockerfile, args.files);

    const options: Dockerode.ImageBuildOptions = {
      dockerfile: DOCKERFILE_NAME,
      // The typings say string, but docker-modem repeats array values (t=a&t=b), as /build wants.
      t: tags as unknown as string,
      buildargs: args.build_args,
      labels: args.labels ?? {},
      nocache: args.no_cache,
      pull: false,
      rm: true,
      forcerm: true,
      version: '1',
      abortSignal: ctx.signal,
    };
    if (args.target) options.target = args.target;
    if (args.network === 'none') options.networkmode = 'none';

    let outcome;
    try {
      // docker-modem sends a Buffer as-is with a Content-Length; the typings only list streams.
      const stream = await ctx.docker.buildImage(context as unknown as NodeJS.ReadableStream, options);
      outcome = await followProgress(stream, {
        kind: 'build', signal: ctx.signal, progress: ctx.progress, maxOutputBytes: ctx.limits.maxOutputBytes,
      });
    } catch (error) {
      if (error instanceof ToolError) throw error;
      if (ctx.signal.aborted) throw new ToolError('Build cancelled; the Docker request was aborted.');
      throw new ToolError(`Build failed: ${dockerErrorMessage(error)}`, 'Fix the Dockerfile and build again.');
    }
    const imageId = outcome.imageId ?? /Successfully built ([0-9a-f]+)/.exec(outcome.output.text)?.[1];
    if (!imageId) {
      throw new ToolError(`Build finished without an image id: ${outcome.lastStatus || 'no output'}`);
    }
    const steps = [...outcome.output.text.matchAll(/^Step \d+\/(\d+) :/gm)].at(-1)?.[1];
    const text =
      `${truncationNotice(outcome.output, 'build output')}${outcome.output.text}\n\n` +
      `Built ${shortId(imageId)}${tags.length ? ` as ${tags.join(', ')}` : ' (untagged)'}.`;
    return {
      structured: {
        image_id: imageId, tags, base_images: [...judged], steps: steps ? Number(steps) : 0,
        output: outcome.output.text, output_truncated: outcome.output.truncated,
      },
      text,
    };
  },
});
