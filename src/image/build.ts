// Builds the gateway image through the Docker Engine API (no docker CLI, no registry needed once the
// base image is present locally), streaming the daemon's build output to a progress sink.
import type Dockerode from 'dockerode';
import { planBuildContext, packBuildContext, type BuildContextOptions } from './context.js';
import { followDaemonProgress } from './daemon-progress.js';
import { DEFAULT_BASE_IMAGE, defaultImageTag } from './names.js';

export interface BuildImageOptions extends BuildContextOptions {
  /** Image name; defaults to docker-mcp-gateway:<package version>. */
  tag?: string;
  baseImage?: string;
  /** Receives the daemon's build output as it arrives (the CLI writes it to stderr). */
  onProgress?: (text: string) => void;
  /** Recorded as org.opencontainers.image.revision when known (e.g. a git commit). */
  revision?: string;
  signal?: AbortSignal;
}

export interface BuiltImage {
  tag: string;
  id: string;
  baseImage: string;
  version: string;
}

/** The daemon's error on one line, without dockerode's "(HTTP code 500) server error - " prefix. */
function oneLine(message: string): string {
  const text = message.replace(/^\(HTTP code \d+\)[^-]*- /, '').replace(/\s+/g, ' ').trim();
  return text.length > 240 ? `${text.slice(0, 237)}...` : text;
}

/** What to do when the base image is neither on the daemon nor pullable (no registry reachable). */
export function baseImageMissing(baseImage: string, cause: string): string {
  return (
    `the base image ${baseImage} is not on the Docker daemon and could not be pulled (${oneLine(cause)}): ` +
    'pass --base-image <an image `docker images` lists> (Node 20 or later), or `docker load -i <file>` one first, then re-run.'
  );
}

/**
 * The base image must be on the daemon before the build starts: the build's own pull of it fails
 * deep in the Dockerfile with a registry error that names neither the image nor a way forward
 * (on a machine without a registry, the usual case for a first build).
 */
async function ensureBaseImage(docker: Dockerode, baseImage: string, progress: (text: string) => void): Promise<void> {
  try {
    await docker.getImage(baseImage).inspect();
    return;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  progress(`Pulling ${baseImage} (not on the daemon yet)\n`);
  let failure: string | undefined;
  try {
    failure = await followDaemonProgress(docker, await docker.pull(baseImage), progress, () => undefined);
  } catch (error) {
    failure = (error as Error).message;
  }
  if (failure) throw new Error(baseImageMissing(baseImage, failure));
}

export async function buildGatewayImage(docker: Dockerode, options: BuildImageOptions = {}): Promise<BuiltImage> {
  const context = planBuildContext(options);
  const tag = options.tag ?? defaultImageTag(context.version);
  const baseImage = options.baseImage ?? DEFAULT_BASE_IMAGE;
  const progress = options.onProgress ?? (() => undefined);
  await ensureBaseImage(docker, baseImage, progress);
  progress(`Build context: ${context.entries.length} entries, ${context.packages.length} packages\n`);

  // tar-stream's pack is a streamx Readable: pipe-compatible, but typed apart from Node's streams.
  const tarStream = packBuildContext(context) as unknown as NodeJS.ReadableStream;
  const stream = await docker.buildImage(tarStream, {
    t: tag,
    dockerfile: 'Dockerfile',
    // Remove intermediate containers even when a step fails: nothing left behind on the daemon.
    rm: true,
    forcerm: true,
    buildargs: {
      BASE_IMAGE: baseImage,
      VERSION: context.version,
      REVISION: options.revision ?? 'unknown',
      CREATED: new Date().toISOString(),
    },
    ...(options.signal ? { abortSignal: options.signal } : {}),
  });

  let id = '';
  const failure = await followDaemonProgress(docker, stream, progress, (aux) => {
    if (typeof aux.ID === 'string' && aux.ID) id = aux.ID;
  });
  if (failure) throw new Error(oneLine(failure));
  // The legacy builder reports the id only in its text output; the tag is authoritative anyway.
  const inspected = await docker.getImage(tag).inspect();
  return { tag, id: id || inspected.Id, baseImage, version: context.version };
}
