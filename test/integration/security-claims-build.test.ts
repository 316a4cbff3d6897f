// docs/security.md, allowed_images: "image_build checks as a pull every image the build reads
// from: FROM, COPY --from, …". A Dockerfile whose FROM is allowed but whose plain (non-ONBUILD)
// COPY --from names a disallowed image is refused with rule image-allow-list and builds nothing;
// the same Dockerfile copying from an allowed image builds (control). Private daemon, real policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageBuild } from '../../src/gateway/tools/images-build.js';
import { testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { defaultPolicyOptions, policyToolContext } from '../helpers/policy-context.js';
import { callTool } from '../helpers/tool-context.js';
import { imageExists, rawBuild, removeImages, runIn } from './policy-build-helpers.js';

const docker = testDocker();
const run = uniqueName('cfrom');
const MARKER = `copied-content-${run}`;
const evil = `dmcp-evil/cfrom-${run}:1`; // docker.io/dmcp-evil/…: outside the allow-list
const okData = `dmcp-cfrom-ok-${run}:1`; // the same content under an allowed name
const plain = `dmcp-cfrom-plain-${run}:1`; // an allowed name for the test image
const result = `dmcp-cfrom-out-${run}:1`;
const context = () => policyToolContext(defaultPolicyOptions({ allowedImages: ['docker.io/library/*'] }));

beforeAll(async () => {
  await rawBuild(`FROM ${testEnv.testImage}\nCOPY data.txt /data.txt\n`, evil, { 'data.txt': MARKER });
  await docker.getImage(evil).tag({ repo: `dmcp-cfrom-ok-${run}`, tag: '1' });
  await docker.getImage(testEnv.testImage).tag({ repo: `dmcp-cfrom-plain-${run}`, tag: '1' });
});

afterAll(async () => {
  await removeImages([result, plain, okData, evil]);
});

describe('image_build: COPY --from a disallowed image', () => {
  it('is refused (image-allow-list) naming the image, and no image is built', async () => {
    const ctx = context();
    await expect(callTool(imageBuild, { dockerfile: `FROM ${plain}\nCOPY --from=${evil} / /x\n`, tags: [result], network: 'none' }, ctx))
      .rejects.toThrow(new RegExp(`image-allow-list.*docker\\.io/dmcp-evil/cfrom-${run}:1 is not in allowed_images`, 's'));
    expect(ctx.authorized).toContainEqual(expect.objectContaining({ kind: 'image.use', image: `docker.io/${evil}`, action: 'pull' }));
    expect(await imageExists(result)).toBe(false);
  });

  it('lower-case keyword and --from after another flag are read as the daemon reads them', async () => {
    await expect(callTool(imageBuild, { dockerfile: `FROM ${plain}\ncopy --chown=1:1 --from=${evil} /data.txt /x\n`, tags: [result], network: 'none' }, context()))
      .rejects.toThrow(/image-allow-list/);
    expect(await imageExists(result)).toBe(false);
  });

  it('copying from an allowed image builds, and the content is there (control)', async () => {
    await callTool(imageBuild, { dockerfile: `FROM ${plain}\nCOPY --from=${okData} / /x\n`, tags: [result], network: 'none' }, context());
    expect(await imageExists(result)).toBe(true);
    expect((await runIn(result, ['cat', '/x/data.txt'])).output).toContain(MARKER);
  });
});
