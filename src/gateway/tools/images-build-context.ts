// The in-memory build context for image_build. Context paths come from a remote caller, so they
// are normalized and confined to the context root. (The base images a Dockerfile will pull, which
// the operation policy decides on like on a pull, are found in dockerfile-bases.ts.)
import { posix } from 'node:path';
import { pack } from 'tar-stream';
import { z } from 'zod';
import { ToolError } from './define.js';

export const CONTEXT_LIMITS = { files: 100, fileBytes: 512 * 1024, totalBytes: 2 * 1024 * 1024, dockerfileBytes: 64 * 1024 };

export const DOCKERFILE_NAME = 'Dockerfile';

export const contextFileInput = z
  .object({
    path: z.string().min(1).max(255).describe('Relative path inside the build context, e.g. "app/config.json". No "..", no leading "/".'),
    content: z.string().max(Math.ceil((CONTEXT_LIMITS.fileBytes * 4) / 3) + 4).describe('File content: text, or base64 when encoding is "base64".'),
    encoding: z.enum(['utf8', 'base64']).default('utf8').describe('How "content" is encoded.'),
    executable: z.boolean().default(false).describe('Give the file mode 0755 instead of 0644.'),
  })
  .strict();

export type ContextFile = z.infer<typeof contextFileInput>;

/** A safe relative path, or a ToolError saying why not. */
export function normalizeContextPath(raw: string): string {
  if (raw.includes('\0')) throw new ToolError(`Context path ${JSON.stringify(raw)} contains a NUL byte.`);
  const slashed = raw.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) {
    throw new ToolError(`Context path "${raw}" is absolute; use a path relative to the build context.`);
  }
  if (slashed.split('/').includes('..')) {
    throw new ToolError(`Context path "${raw}" contains ".."; files must stay inside the build context.`);
  }
  const normalized = posix.normalize(slashed).replace(/\/+$/, '');
  if (!normalized || normalized === '.') throw new ToolError(`Context path "${raw}" names no file.`);
  return normalized;
}

/** Packs the Dockerfile and the context files into an uncompressed tar, enforcing the size caps. */
export async function buildContextTar(dockerfile: string, files: ContextFile[]): Promise<Buffer> {
  if (Buffer.byteLength(dockerfile) > CONTEXT_LIMITS.dockerfileBytes) {
    throw new ToolError(`The Dockerfile is larger than ${CONTEXT_LIMITS.dockerfileBytes} bytes.`);
  }
  if (files.length > CONTEXT_LIMITS.files) throw new ToolError(`At most ${CONTEXT_LIMITS.files} context files are accepted.`);
  const entries = new Map<string, { data: Buffer; mode: number }>();
  entries.set(DOCKERFILE_NAME, { data: Buffer.from(dockerfile, 'utf8'), mode: 0o644 });
  let total = Buffer.byteLength(dockerfile);
  for (const file of files) {
    const path = normalizeContextPath(file.path);
    if (entries.has(path)) {
      throw new ToolError(`Context path "${path}" appears twice${path === DOCKERFILE_NAME ? ' (the Dockerfile is passed in "dockerfile")' : ''}.`);
    }
    const data = Buffer.from(file.content, file.encoding);
    if (data.length > CONTEXT_LIMITS.fileBytes) {
      throw new ToolError(`Context file "${path}" is ${data.length} bytes; the limit is ${CONTEXT_LIMITS.fileBytes}.`);
    }
    total += data.length;
    if (total > CONTEXT_LIMITS.totalBytes) {
      throw new ToolError(`The build context exceeds ${CONTEXT_LIMITS.totalBytes} bytes; build large contexts on the host instead.`);
    }
    entries.set(path, { data, mode: file.executable ? 0o755 : 0o644 });
  }
  const tar = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    tar.on('data', (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    tar.on('end', () => resolve(Buffer.concat(chunks)));
    tar.on('error', reject);
  });
  // Fixed mtime and owner keep the context (and so the build cache) reproducible.
  const mtime = new Date(0);
  for (const [name, { data, mode }] of entries) tar.entry({ name, mode, mtime, uid: 0, gid: 0 }, data);
  tar.finalize();
  return done;
}
