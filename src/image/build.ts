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

/** Turns the daemon's error into one a person can act on (the common case here: no registry). */
function explain(message: string, baseImage: string): string {
  if (/pull access denied|not found|no such host|dial tcp|i\/o timeout|connection refused/i.test(message) && message.includes(baseImage.split(':')[0]!)) {
    return (
      `${message}\nThe base image ${baseImage} is not on this daemon and could not be pulled. ` +
      'Pull or load it first (docker pull / docker load), or pass --base-image with an image the daemon has.'
    );
  }
  return message;
}

export async function buildGatewayImage(docker: Dockerode, options: BuildImageOptions = {}): Promise<BuiltImage> {
  const context = planBuildContext(options);
  const tag = options.tag ?? defaultImageTag(context.version);
  const baseImage = options.baseImage ?? DEFAULT_BASE_IMAGE;
  const progress = options.onProgress ?? (() => undefined);
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
  if (failure) throw new Error(explain(failure, baseImage));
  // The legacy builder reports the id only in its text output; the tag is authoritative anyway.
  const inspected = await docker.getImage(tag).inspect();
  return { tag, id: id || inspected.Id, baseImage, version: context.version };
}
