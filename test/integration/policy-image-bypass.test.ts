// allowed_images bypasses from review, through the real tools and the real operation policy
// against the private daemon: a base image hidden from the Dockerfile check, short image-id
// prefixes, and image_tag renaming a non-allowed image into an allowed name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandScope } from '../../src/gateway/auth/scopes.js';
import { createOperationPolicy, type PolicyOptions } from '../../src/gateway/policy/policy.js';
import type { Identity } from '../../src/gateway/security.js';
import { imageBuild } from '../../src/gateway/tools/images-build.js';
import { imageTag } from '../../src/gateway/tools/images.js';
import { testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { callTool, makeToolContext, type TestToolContext } from '../helpers/tool-context.js';

const docker = testDocker();
const run = uniqueName('bypass');
const admin: Identity = { id: 'token:root', kind: 'token', name: 'root', scopes: expandScope('admin') };

function options(allowedImages: string[]): PolicyOptions {
  return {
    preset: 'admin', toolAllow: [], toolDeny: [],
    rules: { binds: { rules: [], socketPaths: ['/var/run/docker.sock', '/run/docker.sock'] }, allowedCapabilities: new Set() },
    allowedImages, allowExecRoot: false,
    scope: { selector: [], protectedLabels: ['dev.docker-mcp.protected=true'], protectedContainers: [], self: [] },
    socketPaths: ['/var/run/docker.sock', '/run/docker.sock'],
  };
}

/** A tool context whose authorize() is the real policy with this allow-list. */
function policyContext(allowedImages: string[]): TestToolContext {
  const policy = createOperationPolicy(options(allowedImages), docker);
  const ctx = makeToolContext();
  ctx.authorize = async (operation) => {
    ctx.authorized.push(operation);
    const decision = await policy.authorize(admin, operation);
    if (!decision.allowed) throw new Error(`denied by ${decision.rule}: ${decision.reason}`);
  };
  return ctx;
}

async function exists(name: string): Promise<boolean> {
  return docker.getImage(name).inspect().then(() => true, () => false);
}

// The test image (docker.io/dmcp-test/busybox) is outside both allow-lists used here.
const LIBRARY = ['docker.io/library/*'];
const allowedAlias = `dmcp-allowed-${run}`; // docker.io/library/…, so inside LIBRARY
let testImageId = '';

beforeAll(async () => {
  testImageId = (await docker.getImage(testEnv.testImage).inspect()).Id.replace('sha256:', '');
});

afterAll(async () => {
  for (const name of [`${allowedAlias}:latest`, `dmcp-tagged-${run}:v1`, `busybox-${run}:built`]) {
    await docker.getImage(name).remove({ force: false }).catch(() => undefined);
  }
});

describe('image_build refuses base images hidden from the check', () => {
  it('sees a FROM after a backslash line under "# escape=`", and refuses before building', async () => {
    const ctx = policyContext(LIBRARY);
    const dockerfile = `# escape=\`\nFROM scratch\nENV A \\\nFROM ${testEnv.testImage}\nRUN id\n`;
    const tag = `busybox-${run}:built`;
    await expect(callTool(imageBuild, { dockerfile, tags: [tag], network: 'none' }, ctx)).rejects.toThrow(/image-allow-list/);
    expect(ctx.authorized).toEqual([{ kind: 'image.use', image: `docker.io/${testEnv.testImage}`, action: 'pull' }]);
    expect(await exists(tag)).toBe(false);
  });

  it('resolves an id-prefix FROM to the image it names', async () => {
    const ctx = policyContext(LIBRARY);
    const tag = `busybox-${run}:built`;
    const prefix = testImageId.slice(0, 6);
    await expect(callTool(imageBuild, { dockerfile: `FROM ${prefix}\nRUN id\n`, tags: [tag], network: 'none' }, ctx))
      .rejects.toThrow(/image-allow-list/);
    expect(ctx.authorized[0]).toEqual({ kind: 'image.use', image: prefix, action: 'pull' });
    expect(await exists(tag)).toBe(false);
  });
});

describe('short image ids are judged by the image they resolve to', () => {
  it('refuses a 6-digit id prefix of a non-allowed image, allows it once the image has an allowed name', async () => {
    const prefix = testImageId.slice(0, 6);
    const policy = createOperationPolicy(options(LIBRARY), docker);
    const create = { kind: 'container.create' as const, body: { Image: prefix, Cmd: ['true'] } };
    const before = await policy.authorize(admin, create);
    expect(before.allowed).toBe(false);
    expect(before.rule).toBe('image-allow-list');
    expect((await policy.authorize(admin, { kind: 'image.use', image: `sha256:${prefix}`, action: 'create' })).allowed).toBe(false);

    await docker.getImage(testEnv.testImage).tag({ repo: allowedAlias, tag: 'latest' });
    expect(await policy.authorize(admin, create)).toEqual({ allowed: true });
  });
});

describe('image_tag authorizes the source image', () => {
  it('refuses to rename a non-allowed image into an allowed name', async () => {
    const ctx = policyContext(LIBRARY);
    await expect(callTool(imageTag, { image: testEnv.testImage, repository: `dmcp-tagged-${run}`, tag: 'v1' }, ctx))
      .rejects.toThrow(/image-allow-list/);
    expect(await exists(`dmcp-tagged-${run}:v1`)).toBe(false);
  });

  it('still tags an allowed image under an allowed name', async () => {
    await docker.getImage(testEnv.testImage).tag({ repo: allowedAlias, tag: 'latest' });
    const ctx = policyContext(LIBRARY);
    const result = await callTool(imageTag, { image: `${allowedAlias}:latest`, repository: `dmcp-tagged-${run}`, tag: 'v1' }, ctx);
    expect(result.structured.target).toBe(`docker.io/library/dmcp-tagged-${run}:v1`);
    expect(await exists(`dmcp-tagged-${run}:v1`)).toBe(true);
  });
});
