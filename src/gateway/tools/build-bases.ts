// The base images of an image_build, made local and inspected before the build, so their ONBUILD
// triggers can be judged and the build pinned to exactly the images judged (dockerfile-triggers.ts).
// A base that is not present is pulled here, through the same authorization as the build's own
// pull would have had (the caller has authorized it), instead of by the builder after the check.
import { ToolError, type ToolContext } from './define.js';
import { isImageId } from '../policy/images.js';
import { dockerErrorMessage } from '../docker/errors.js';
import { followProgress } from '../docker/progress.js';
import { parseReference, repositoryOf } from './images-reference.js';

export interface LocalBase {
  /** The full image id ("sha256:…") the build is pinned to. */
  id: string;
  /** Config.OnBuild: the triggers the build will run. */
  onBuild: string[];
}

async function inspect(ctx: ToolContext, image: string): Promise<LocalBase | undefined> {
  try {
    const info = await ctx.docker.getImage(image).inspect();
    const onBuild: unknown = info.Config?.OnBuild;
    if (onBuild != null && !(Array.isArray(onBuild) && onBuild.every((t) => typeof t === 'string'))) {
      throw new ToolError(`Image ${image} has ONBUILD triggers that are not text; it cannot be checked.`);
    }
    return { id: info.Id, onBuild: (onBuild as string[] | null) ?? [] };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    if (error instanceof ToolError) throw error;
    throw new ToolError(`Could not inspect base image ${image}: ${dockerErrorMessage(error)}`);
  }
}

/** Pulls like the builder does (anonymously, for the stage's platform if one is written). */
export async function pullImage(ctx: ToolContext, image: string, platform: string | undefined): Promise<void> {
  const parsed = parseReference(image);
  try {
    const stream = await ctx.docker.createImage({
      fromImage: repositoryOf(parsed), tag: parsed.digest ?? parsed.tag ?? 'latest',
      ...(platform ? { platform } : {}), abortSignal: ctx.signal,
    });
    await followProgress(stream, { kind: 'pull', signal: ctx.signal, progress: async () => {}, maxOutputBytes: ctx.limits.maxOutputBytes });
  } catch (error) {
    if (error instanceof ToolError) throw error;
    if (ctx.signal.aborted) throw new ToolError(`Pull of base image ${image} cancelled.`);
    throw new ToolError(`Pull of base image ${image} failed: ${dockerErrorMessage(error)}`,
      'Check the name, or pull it first with image_pull (with credentials for a private registry).');
  }
}

/**
 * The local image behind a base reference: pulled first when it is missing, or always when
 * `refresh` (the build's "pull": true) asks for newer versions. An id (prefix) cannot be pulled.
 */
export async function localBase(ctx: ToolContext, image: string, platform: string | undefined, refresh: boolean): Promise<LocalBase> {
  if (isImageId(image)) {
    const found = await inspect(ctx, image);
    if (!found) throw new ToolError(`No local image has the id ${image}.`, 'Name the base image by reference, or pull it first.');
    return found;
  }
  if (!refresh) {
    const found = await inspect(ctx, image);
    if (found) return found;
  }
  await pullImage(ctx, image, platform);
  const pulled = await inspect(ctx, image);
  if (!pulled) throw new ToolError(`Base image ${image} is not present after pulling it.`);
  return pulled;
}

/** The platform a FROM line asks for, when written literally (`--platform=linux/arm64`). */
export function literalPlatform(flags: readonly string[]): string | undefined {
  const flag = flags.find((f) => f.toLowerCase().startsWith('--platform='));
  const value = flag?.slice('--platform='.length);
  return value && /^[a-z0-9_]+\/[a-z0-9_]+(\/[a-z0-9_.]+)?$/.test(value) ? value : undefined;
}
