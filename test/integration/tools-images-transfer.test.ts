// image_pull and image_push against the local registry: progress, errors, cancellation and the
// guarantee that registry credentials never come back in results, errors or progress messages.
import { randomBytes } from 'node:crypto';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolError } from '../../src/gateway/tools/define.js';
import { imagePull, imagePush, imageTag } from '../../src/gateway/tools/images.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { callTool, makeToolContext } from '../helpers/tool-context.js';


const run = uniqueName('xfer');
const docker = testDocker();
const seeded = () => `${testEnv.registry}/dmcp-test/busybox:latest`;
const bigRepo = () => `${testEnv.registry}/dmcp-test/${run}-big`;
const created: string[] = [];

async function imageExists(name: string): Promise<boolean> {
  return docker.getImage(name).inspect().then(() => true, () => false);
}

/** A ~24 MB image of random bytes, so a pull of it takes long enough to cancel mid-way. */
async function buildBigImage(tag: string): Promise<void> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const ended = new Promise<void>((resolve) => tar.on('end', () => resolve()));
  tar.entry({ name: 'Dockerfile' }, `FROM ${testEnv.testImage}\nCOPY big /big\nLABEL ${TEST_LABEL}=${run}\n`);
  tar.entry({ name: 'big' }, randomBytes(24 * 1024 * 1024));
  tar.finalize();
  await ended;
  const stream = await docker.buildImage(Buffer.concat(chunks) as unknown as NodeJS.ReadableStream, { t: tag });
  await new Promise((resolve, reject) => docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve(undefined))));
}

describe('image_pull and image_push', () => {
  beforeAll(async () => {
    await buildBigImage(`${bigRepo()}:v1`);
    await callTool(imagePush, { reference: `${bigRepo()}:v1` });
    await docker.getImage(`${bigRepo()}:v1`).remove({ force: true });
  });

  afterAll(async () => {
    for (const name of [seeded(), `${bigRepo()}:v1`, ...created]) {
      await docker.getImage(name).remove({ force: true }).catch(() => undefined);
    }
  });

  it('pulls from the local registry with monotonic progress and authorizes the full reference', async () => {
    await docker.getImage(seeded()).remove({ force: true }).catch(() => undefined);
    const ctx = makeToolContext();
    const result = await callTool(imagePull, { reference: `${testEnv.registry}/dmcp-test/busybox` }, ctx);
    expect(result.structured.reference).toBe(seeded());
    expect(result.structured.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.structured.status).toMatch(/Downloaded newer image|Image is up to date/);
    expect(result.text).toContain(`Pulled ${seeded()}`);
    expect(await imageExists(seeded())).toBe(true);
    expect(ctx.authorized).toEqual([{ kind: 'image.use', image: seeded(), action: 'pull' }]);
    // Its only layer is shared with the local test image, so Docker transfers nothing; the
    // client still sees the operation reach completion.
    expect(ctx.progressUpdates.at(-1)).toMatchObject({ progress: 1, total: 1 });
  });

  it('reports monotonic per-layer and byte progress for a pull that transfers layers', async () => {
    const ctx = makeToolContext();
    const result = await callTool(imagePull, { reference: bigRepo(), tag: 'v1' }, ctx);
    expect(await imageExists(`${bigRepo()}:v1`)).toBe(true);
    expect(result.structured.layers).toBe(2);
    const values = ctx.progressUpdates.map((u) => u.progress);
    expect(values.length).toBeGreaterThan(2);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]!);
    expect(ctx.progressUpdates.at(-1)).toMatchObject({ progress: 2, total: 2 });
    expect(ctx.progressUpdates.at(-1)?.message).toMatch(/2\/2 layers done/);
    expect(ctx.progressUpdates.some((u) => /MB transferred/.test(u.message ?? ''))).toBe(true);
    await docker.getImage(`${bigRepo()}:v1`).remove({ force: true });
  });

  it('fails clearly for a tag that does not exist', async () => {
    const attempt = callTool(imagePull, { reference: `${testEnv.registry}/dmcp-test/busybox:no-such-tag` });
    await expect(attempt).rejects.toBeInstanceOf(ToolError);
    await expect(attempt).rejects.toThrow(/Pull of .*no-such-tag failed: .*(not found|manifest unknown)/i);
  });

  it('rejects a tag given twice', async () => {
    await expect(callTool(imagePull, { reference: 'busybox:1', tag: '2' })).rejects.toThrow(/already names a tag/);
  });

  it('cancels a pull mid-way when the signal aborts, promptly', async () => {
    let abortedAt = 0;
    const ctx = makeToolContext({
      progress: () => {
        if (!abortedAt) {
          abortedAt = Date.now();
          ctx.controller.abort();
        }
        return Promise.resolve();
      },
    });
    const attempt = callTool(imagePull, { reference: `${bigRepo()}:v1` }, ctx);
    await expect(attempt).rejects.toThrow(/cancelled/);
    expect(abortedAt).toBeGreaterThan(0);
    expect(Date.now() - abortedAt).toBeLessThan(2000);
    // Closing the response cancels the daemon's pull: the image never lands, the daemon stays healthy.
    await expect(docker.ping()).resolves.toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await imageExists(`${bigRepo()}:v1`)).toBe(false);
  });

  it('pushes a tagged image to the local registry', async () => {
    const name = `${testEnv.registry}/dmcp-test/${run}-pushed`;
    await callTool(imageTag, { image: testEnv.testImage, repository: name, tag: 'v2' });
    created.push(`${name}:v2`);
    const ctx = makeToolContext();
    const result = await callTool(imagePush, { reference: `${name}:v2` }, ctx);
    expect(result.structured.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(ctx.authorized).toEqual([{ kind: 'image.use', image: `${name}:v2`, action: 'push' }]);
    expect(ctx.progressUpdates.length).toBeGreaterThan(0);
    const res = await fetch(`http://${testEnv.registry}/v2/dmcp-test/${run}-pushed/tags/list`);
    expect(await res.json()).toEqual({ name: `dmcp-test/${run}-pushed`, tags: ['v2'] });
  });

  it('never echoes registry credentials in results, progress or errors', async () => {
    const password = `S3cret-${randomBytes(8).toString('hex')}`;
    const token = `tok-${randomBytes(8).toString('hex')}`;
    const auth = { username: 'someone', password, serveraddress: testEnv.registry };
    const leaks = (text: string) => text.includes(password) || text.includes(token);

    const name = `${testEnv.registry}/dmcp-test/${run}-auth`;
    await callTool(imageTag, { image: testEnv.testImage, repository: name, tag: 'v1' });
    created.push(`${name}:v1`);
    const ctx = makeToolContext();
    const pushed = await callTool(imagePush, { reference: `${name}:v1`, auth }, ctx);
    expect(leaks(JSON.stringify(pushed)) || leaks(JSON.stringify(ctx.progressUpdates))).toBe(false);
    const pulled = await callTool(imagePull, { reference: `${name}:v1`, auth: { identitytoken: token, serveraddress: testEnv.registry } });
    expect(leaks(JSON.stringify(pulled))).toBe(false);

    const failures = [
      () => callTool(imagePull, { reference: `${name}:missing`, auth }),
      () => callTool(imagePush, { reference: `${testEnv.registry}/dmcp-test/${run}-nothing:v1`, auth }),
      () => callTool(imagePull, { reference: 'no..valid', auth }),
    ];
    for (const failure of failures) {
      const error = (await failure().then(() => undefined, (e: unknown) => e)) as Error & { hint?: string };
      expect(error).toBeInstanceOf(Error);
      expect(leaks(`${error.message} ${error.hint ?? ''} ${JSON.stringify(error)} ${String(error.stack)}`)).toBe(false);
    }
  });

  it('validates credentials shape', async () => {
    await expect(callTool(imagePull, { reference: 'busybox', auth: { username: 'a', serveraddress: 'x' } }))
      .rejects.toThrow(/username \+ password, or identitytoken/);
    await expect(callTool(imagePull, { reference: 'busybox', auth: { username: 'a', password: 'b', serveraddress: 'x', extra: 1 } }))
      .rejects.toThrow();
  });
});
