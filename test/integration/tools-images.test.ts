// Image tools against the private daemon: build (context, failures, path checks), list, inspect,
// history, tag, remove and prune. Everything made here carries TEST_LABEL=<run id>.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolError } from '../../src/gateway/tools/define.js';
import { allTools } from '../../src/gateway/tools/index.js';
import { imageBuild, imageHistory, imageInspect, imageList, imagePrune, imageRemove, imageTag, imagePull, imageTools } from '../../src/gateway/tools/images.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { callTool, makeToolContext } from '../helpers/tool-context.js';


const run = uniqueName('img');
const repo = `dmcp-test/${run}`;
const docker = testDocker();

async function imageExists(name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch {
    return false;
  }
}

async function build(dockerfile: string, tags: string[], labels: Record<string, string>, files: unknown[] = []) {
  const ctx = makeToolContext();
  const result = await callTool(imageBuild, { dockerfile, tags, labels, files, network: 'none' }, ctx);
  return { result, ctx };
}

describe('image tools', () => {
  let built: Awaited<ReturnType<typeof build>>;

  beforeAll(async () => {
    built = await build(
      `FROM ${testEnv.testImage}\nARG GREETING=hi\nCOPY app/hello.txt /srv/hello.txt\nCOPY run.sh /srv/run.sh\nRUN cat /srv/hello.txt && test -x /srv/run.sh\n`,
      [`${repo}:v1`],
      { [TEST_LABEL]: run, 'org.example.role': 'built' },
      [
        { path: 'app/./hello.txt', content: 'hello from the context\n' },
        { path: 'run.sh', content: Buffer.from('#!/bin/sh\necho run\n').toString('base64'), encoding: 'base64', executable: true },
      ],
    );
  });

  afterAll(async () => {
    const images = await docker.listImages({ all: true, filters: { label: [`${TEST_LABEL}=${run}`] } });
    for (const image of images) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
    for (const name of [`${repo}:v1`, `${repo}:retag`]) await docker.getImage(name).remove({ force: true }).catch(() => undefined);
  });

  it('image_build builds from Dockerfile text and context files, with step progress', async () => {
    const { result, ctx } = built;
    expect(result.structured.image_id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.structured.tags).toEqual([`docker.io/${repo}:v1`]);
    // Five Dockerfile steps plus one LABEL step per API label (the classic builder appends them).
    expect(result.structured.steps).toBe(7);
    expect(result.structured.output).toContain('hello from the context');
    expect(result.text).toContain('Built ');
    const info = await docker.getImage(`${repo}:v1`).inspect();
    expect(info.Id).toBe(result.structured.image_id);
    expect(info.Config.Labels).toMatchObject({ [TEST_LABEL]: run, 'org.example.role': 'built' });
    // Step progress, strictly increasing, ending at the step count.
    const values = ctx.progressUpdates.map((u) => u.progress);
    expect(values.length).toBeGreaterThan(1);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]!);
    const steps = result.structured.steps;
    expect(ctx.progressUpdates.at(-1)).toMatchObject({ progress: steps, total: steps });
    // The base image was authorized as a pull, the tag as a build, both fully qualified.
    expect(ctx.authorized).toEqual([
      { kind: 'image.use', image: 'docker.io/dmcp-test/busybox:latest', action: 'pull' },
      { kind: 'image.use', image: `docker.io/${repo}:v1`, action: 'build' },
    ]);
  });

  it('image_history shows the context files were copied in', async () => {
    const result = await callTool(imageHistory, { image: `${repo}:v1` });
    const createdBy = result.structured.layers.map((l) => l.created_by).join('\n');
    expect(createdBy).toMatch(/COPY file:[0-9a-f]+ in \/srv\/hello\.txt/);
    expect(createdBy).toMatch(/cat \/srv\/hello\.txt/);
    expect(result.structured.layers.find((l) => l.tags.includes(`${repo}:v1`))).toBeDefined();
    expect(result.text).toContain('CREATED BY');
  });

  it('image_inspect reports labels, platform and layers', async () => {
    const result = await callTool(imageInspect, { image: `${repo}:v1` });
    expect(result.structured.tags).toContain(`${repo}:v1`);
    expect(result.structured.labels[TEST_LABEL]).toBe(run);
    expect(result.structured.layers).toBeGreaterThanOrEqual(3);
    expect(result.structured.os).toBe('linux');
  });

  it('image_inspect of a missing image fails', async () => {
    await expect(callTool(imageInspect, { image: 'dmcp-test/does-not-exist:nope' })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('rejects context paths that leave the context, and oversized context', async () => {
    const attempt = (path: string) =>
      callTool(imageBuild, { dockerfile: `FROM ${testEnv.testImage}\n`, files: [{ path, content: 'x' }] });
    await expect(attempt('../escape.txt')).rejects.toThrow(/contains "\.\."/);
    await expect(attempt('app/../../escape.txt')).rejects.toThrow(/contains "\.\."/);
    await expect(attempt('/etc/passwd')).rejects.toThrow(/absolute/);
    await expect(attempt('Dockerfile')).rejects.toThrow(/appears twice/);
    const big = 'x'.repeat(600 * 1024);
    await expect(callTool(imageBuild, { dockerfile: `FROM ${testEnv.testImage}\n`, files: [{ path: 'big', content: big }] }))
      .rejects.toThrow(/limit is/);
  });

  it('turns build failures into clear errors', async () => {
    const badInstruction = callTool(imageBuild, { dockerfile: `FROM ${testEnv.testImage}\nFOO bar\n`, network: 'none' });
    await expect(badInstruction).rejects.toBeInstanceOf(ToolError);
    await expect(badInstruction).rejects.toThrow(/Build failed: .*unknown instruction: FOO/i);
    const failingRun = callTool(imageBuild, {
      dockerfile: `FROM ${testEnv.testImage}\nRUN exit 3\n`, labels: { [TEST_LABEL]: run }, network: 'none',
    });
    await expect(failingRun).rejects.toThrow(/Build failed: .*returned a non-zero code: 3/);
    await expect(callTool(imageBuild, { dockerfile: 'FROM ${BASE}\n' })).rejects.toThrow(/Cannot work out the image/);
  });

  it('image_list filters by label and reference, and caps with an explicit notice', async () => {
    await callTool(imageTag, { image: `${repo}:v1`, repository: repo, tag: 'retag' });
    const byLabel = await callTool(imageList, { label: [`${TEST_LABEL}=${run}`, 'org.example.role=built'] });
    expect(byLabel.structured.images.map((i) => i.id)).toEqual([built.result.structured.image_id]);
    expect(byLabel.text).toContain(`${repo}:v1`);
    const byRef = await callTool(imageList, { reference: `${repo}:*` });
    expect(byRef.structured.images[0]?.tags.sort()).toEqual([`${repo}:retag`, `${repo}:v1`]);
    const capped = await callTool(imageList, { limit: 1 });
    expect(capped.structured.truncated).toBe(true);
    expect(capped.structured.images).toHaveLength(1);
    expect(capped.structured.total).toBeGreaterThan(1);
    expect(capped.text).toMatch(/\[truncated: showing 1 of \d+ images/);
  });

  it('image_tag adds a name and image_remove takes it away again', async () => {
    const ctx = makeToolContext();
    const tagged = await callTool(imageTag, { image: `${repo}:v1`, repository: `localhost:5999/${repo}`, tag: 'x1' }, ctx);
    expect(tagged.structured.target).toBe(`localhost:5999/${repo}:x1`);
    // The source is authorized too, so a non-allowed image cannot be renamed into an allowed name.
    expect(ctx.authorized).toEqual([
      { kind: 'image.use', image: `${repo}:v1`, action: 'tag' },
      { kind: 'image.use', image: `localhost:5999/${repo}:x1`, action: 'tag', target: true },
    ]);
    expect(await imageExists(`localhost:5999/${repo}:x1`)).toBe(true);
    const removed = await callTool(imageRemove, { image: `localhost:5999/${repo}:x1` });
    expect(removed.structured.untagged).toEqual([`localhost:5999/${repo}:x1`]);
    expect(removed.structured.deleted).toEqual([]);
    expect(await imageExists(`localhost:5999/${repo}:x1`)).toBe(false);
    expect(await imageExists(`${repo}:v1`)).toBe(true);
  });

  it('image_prune removes only dangling images matching the label filter', async () => {
    const pruneLabel = { [TEST_LABEL]: run, 'org.example.prune': run };
    const keepLabel = { [TEST_LABEL]: run, 'org.example.keep': run };
    const first = await build(`FROM ${testEnv.testImage}\nLABEL v=1\n`, [`${repo}:prune`], pruneLabel);
    await build(`FROM ${testEnv.testImage}\nLABEL v=2\n`, [`${repo}:prune`], pruneLabel);
    const keep = await build(`FROM ${testEnv.testImage}\nLABEL v=3\n`, [`${repo}:keep`], keepLabel);
    await build(`FROM ${testEnv.testImage}\nLABEL v=4\n`, [`${repo}:keep`], keepLabel);
    // Both first builds are now dangling; only the one with the prune label may go.
    const result = await callTool(imagePrune, { label: [`org.example.prune=${run}`] });
    expect(result.structured.deleted).toContain(first.result.structured.image_id);
    expect(await imageExists(first.result.structured.image_id)).toBe(false);
    expect(await imageExists(keep.result.structured.image_id)).toBe(true);
    expect(await imageExists(`${repo}:prune`)).toBe(true);
    expect(result.text).toMatch(/Pruned \d+ image/);
  });

  it('image_prune lists at most limit ids, says how many were removed, and removes them all', async () => {
    const pruneLabel = { [TEST_LABEL]: run, 'org.example.prune-limit': run };
    const a = await build(`FROM ${testEnv.testImage}\nLABEL v=plim-a\n`, [`${repo}:plim`], pruneLabel);
    const b = await build(`FROM ${testEnv.testImage}\nLABEL v=plim-b\n`, [`${repo}:plim`], pruneLabel);
    await build(`FROM ${testEnv.testImage}\nLABEL v=plim-c\n`, [`${repo}:plim`], pruneLabel);
    // a and b are dangling now: at least two ids are deleted, only one is listed.
    const result = await callTool(imagePrune, { label: [`org.example.prune-limit=${run}`], limit: 1 });
    const total = result.structured.deleted_total;
    expect(total).toBeGreaterThanOrEqual(2);
    expect(result.structured).toMatchObject({ truncated: true, untagged_total: result.structured.untagged.length });
    expect(result.structured.deleted).toHaveLength(1);
    expect(result.text).toContain(`Pruned ${total} image layer(s)`);
    expect(result.text).toContain(`[truncated: showing 1 of ${total} deleted layers; all ${total} were removed, only this list is shortened]`);
    expect(await imageExists(a.result.structured.image_id)).toBe(false);
    expect(await imageExists(b.result.structured.image_id)).toBe(false);
    expect(await imageExists(`${repo}:plim`)).toBe(true);
    await docker.getImage(`${repo}:plim`).remove({ force: true });
  });

  it('image_remove deletes an image by id', async () => {
    const { result, ctx } = await build(`FROM ${testEnv.testImage}\nLABEL v=remove\n`, [], { [TEST_LABEL]: run });
    expect(result.structured.tags).toEqual([]);
    expect(ctx.authorized).toEqual([{ kind: 'image.use', image: 'docker.io/dmcp-test/busybox:latest', action: 'pull' }]);
    const removed = await callTool(imageRemove, { image: result.structured.image_id });
    expect(removed.structured.deleted).toContain(result.structured.image_id);
    expect(await imageExists(result.structured.image_id)).toBe(false);
  });
});

describe('image tool list', () => {
  it('has every image tool with snake_case names, described inputs and annotations', () => {
    expect(imageTools.map((t) => t.name).sort()).toEqual([
      'image_build', 'image_history', 'image_inspect', 'image_list', 'image_prune', 'image_pull', 'image_push', 'image_remove', 'image_tag',
    ]);
    for (const t of imageTools) {
      expect(t.name).toMatch(/^[a-z]+_[a-z]+$/);
      expect(t.family).toBe('images');
      for (const [field, schema] of Object.entries(t.inputSchema.shape)) {
        expect((schema as { description?: string }).description, `${t.name}.${field}`).toBeTruthy();
      }
    }
    expect(imagePull.annotations.openWorldHint).toBe(true);
    expect(imageList.annotations.readOnlyHint).toBe(true);
  });

  it('annotates every tool explicitly; only the tools that reach a registry are open-world', () => {
    // MCP clients read a missing openWorldHint as true, so every tool states it.
    for (const t of allTools) expect(typeof t.annotations.openWorldHint, t.name).toBe('boolean');
    expect(allTools.filter((t) => t.annotations.openWorldHint).map((t) => t.name).sort()).toEqual(['image_build', 'image_pull', 'image_push']);
    // A build pulls base images and moves tags that already name another image, like pull and tag do.
    expect(imageBuild.annotations).toEqual({ readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true });
    expect(imageTag.annotations.destructiveHint).toBe(true);
    // Removing twice has no further effect (the second call fails): idempotent, like container_remove.
    for (const t of allTools.filter((tool) => tool.name.endsWith('_remove'))) expect(t.annotations.idempotentHint, t.name).toBe(true);
    for (const t of allTools.filter((tool) => tool.annotations.readOnlyHint)) expect(t.annotations.destructiveHint, t.name).toBe(false);
  });
});
