// image_pull and image_push: long-running, talk to a registry, and may carry credentials. The
// credentials only ever travel as dockerode's `authconfig` (the X-Registry-Auth header); every
// text that leaves these handlers (results, errors, progress) passes through `redact` first.
import type Dockerode from 'dockerode';
import { z } from 'zod';
import { defineTool, ToolError, type ToolContext } from './define.js';
import { normalizeReference, parseReference, referenceInput, repositoryOf, tagInput } from './images-reference.js';
import { dockerErrorMessage } from '../docker/errors.js';
import { followProgress, type StreamKind } from '../docker/progress.js';
import { truncationNotice } from './output.js';

export const registryAuthInput = z
  .object({
    username: z.string().min(1).max(256).optional().describe('Registry user name (with password).'),
    password: z.string().min(1).max(4096).optional().describe('Registry password or access token; sent only to the daemon, never logged or returned.'),
    identitytoken: z.string().min(1).max(8192).optional().describe('OAuth identity/refresh token instead of username and password; never logged or returned.'),
    serveraddress: z.string().min(1).max(512).describe('Registry host the credentials are for, e.g. "registry.example.com:5000".'),
  })
  .strict()
  .refine((a) => Boolean(a.identitytoken) !== Boolean(a.username && a.password), {
    message: 'give either username + password, or identitytoken',
  })
  .optional()
  .describe('Registry credentials for this call only. Not stored, logged or echoed.');

export type RegistryAuth = NonNullable<z.infer<typeof registryAuthInput>>;

/** The header payload: only the named fields, never the object the caller sent. */
export function authConfig(auth: RegistryAuth | undefined): Dockerode.AuthConfig | undefined {
  if (!auth) return undefined;
  return namedAuthFields(auth);
}

function namedAuthFields(auth: RegistryAuth): Dockerode.AuthConfig {
  if (auth.identitytoken) {
    return { identitytoken: auth.identitytoken, serveraddress: auth.serveraddress };
  }
  return { username: auth.username ?? '', password: auth.password ?? '', serveraddress: auth.serveraddress };
}

/** Replaces every occurrence of the caller's secrets (and their base64 forms) with "***". */
export function secretRedactor(auth: RegistryAuth | undefined): (text: string) => string {
  const secrets = [auth?.password, auth?.identitytoken].filter((s): s is string => Boolean(s));
  const header = authConfig(auth);
  if (header) secrets.push(Buffer.from(JSON.stringify(header)).toString('base64'));
  if (!secrets.length) return (text) => text;
  return (text) => secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}

/** Streams a pull/push to the end, mapping transport errors to redacted, actionable ToolErrors. */
async function runStream(
  kind: StreamKind,
  reference: string,
  start: () => Promise<NodeJS.ReadableStream>,
  ctx: ToolContext,
  redact: (text: string) => string,
) {
  try {
    const stream = await start();
    return await followProgress(stream, {
      kind, signal: ctx.signal, progress: ctx.progress, maxOutputBytes: ctx.limits.maxOutputBytes, redact,
    });
  } catch (error) {
    if (error instanceof ToolError) throw new ToolError(redact(error.message), error.hint && redact(error.hint));
    if (ctx.signal.aborted) throw new ToolError(`${kind === 'pull' ? 'Pull' : 'Push'} of ${reference} cancelled.`);
    const status = (error as { statusCode?: number }).statusCode;
    const message = redact(dockerErrorMessage(error));
    const hint = status === 404
      ? kind === 'push' ? 'Tag a local image with this name first (image_tag).' : 'Check the repository name and tag.'
      : /unauthorized|denied|authentication/i.test(message) ? 'Pass registry credentials in "auth".' : undefined;
    throw new ToolError(`${kind === 'pull' ? 'Pull' : 'Push'} of ${reference} failed: ${message}`, hint);
  }
}

const transferOutput = z.object({
  reference: z.string().describe('The fully qualified reference that was transferred.'),
  digest: z.string().nullable().describe('Content digest reported by the registry, when known.'),
  status: z.string().describe('Docker\'s final status line.'),
  layers: z.number().int().describe('Layers seen in the progress stream.'),
  output: z.string().describe('Status lines for the whole image (per-layer lines omitted), capped.'),
  output_truncated: z.boolean(),
});

export const imagePull = defineTool({
  name: 'image_pull',
  title: 'Pull an image',
  description: 'Pull an image from a registry, reporting download progress. Credentials for private registries go in "auth" and are used for this call only.',
  family: 'images',
  access: 'admin',
  longRunning: true,
  inputSchema: z.object({
    reference: referenceInput.describe('Image to pull, e.g. "busybox", "registry.example.com:5000/team/app:1.2" or "name@sha256:…".'),
    tag: tagInput.optional().describe('Tag, if not part of the reference (default "latest").'),
    platform: z.string().regex(/^[a-z0-9_]+\/[a-z0-9_]+(\/[a-z0-9_.]+)?$/, 'os/arch[/variant], e.g. linux/arm64')
      .optional().describe('Platform to pull for a multi-platform image, e.g. "linux/arm64".'),
    auth: registryAuthInput,
  }).strict(),
  outputSchema: transferOutput,
  // Destructive: the pulled (or pushed) tag replaces whatever that name pointed to, locally (or in the registry).
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async handler(args, ctx) {
    const reference = normalizeReference(args.reference, args.tag);
    const parsed = parseReference(reference);
    await ctx.authorize({ kind: 'image.use', image: reference, action: 'pull' });
    const redact = secretRedactor(args.auth);
    const query: Record<string, string> = { fromImage: repositoryOf(parsed) };
    // With a digest, Docker takes it in the "tag" parameter and ignores any tag.
    query.tag = parsed.digest ?? parsed.tag ?? 'latest';
    if (args.platform) query.platform = args.platform;
    const outcome = await runStream('pull', reference, () =>
      // Only set keys go in: docker-modem would turn an undefined authconfig into a query parameter.
      ctx.docker.createImage({ ...query, ...(args.auth ? { authconfig: authConfig(args.auth) } : {}), abortSignal: ctx.signal }),
    ctx, redact);
    const text = `${truncationNotice(outcome.output, 'pull output')}Pulled ${reference}` +
      `${outcome.digest ? ` (${outcome.digest})` : ''}: ${outcome.lastStatus || 'done'}`;
    return {
      structured: {
        reference, digest: outcome.digest ?? null, status: outcome.lastStatus, layers: outcome.layers,
        output: outcome.output.text, output_truncated: outcome.output.truncated,
      },
      text,
    };
  },
});

export const imagePush = defineTool({
  name: 'image_push',
  title: 'Push an image',
  description: 'Push a local image (tag it with the registry\'s name first, see image_tag) to its registry, reporting upload progress. Credentials go in "auth" for this call only.',
  family: 'images',
  access: 'admin',
  longRunning: true,
  inputSchema: z.object({
    reference: referenceInput.describe('Local image name to push, including its registry, e.g. "registry.example.com:5000/team/app:1.2".'),
    tag: tagInput.optional().describe('Tag to push, if not part of the reference (default "latest").'),
    auth: registryAuthInput,
  }).strict(),
  outputSchema: transferOutput,
  // Destructive: the pulled (or pushed) tag replaces whatever that name pointed to, locally (or in the registry).
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async handler(args, ctx) {
    const reference = normalizeReference(args.reference, args.tag);
    const parsed = parseReference(reference);
    if (parsed.digest) throw new ToolError('Push a tag, not a digest: give "name:tag".');
    await ctx.authorize({ kind: 'image.use', image: reference, action: 'push' });
    const redact = secretRedactor(args.auth);
    const image = ctx.docker.getImage(repositoryOf(parsed));
    const outcome = await runStream('push', reference, () =>
      // The daemon rejects a push without an X-Registry-Auth header, so send "{}" when anonymous.
      image.push({
        tag: parsed.tag ?? 'latest', authconfig: authConfig(args.auth) ?? {}, abortSignal: ctx.signal,
      } as Dockerode.ImagePushOptions),
    ctx, redact);
    const text = `${truncationNotice(outcome.output, 'push output')}Pushed ${reference}` +
      `${outcome.digest ? ` (${outcome.digest})` : ''}.`;
    return {
      structured: {
        reference, digest: outcome.digest ?? null, status: outcome.lastStatus, layers: outcome.layers,
        output: outcome.output.text, output_truncated: outcome.output.truncated,
      },
      text,
    };
  },
});
