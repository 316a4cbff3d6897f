// Review of issue 14: a tag pattern in allowed_images (`redis:7*`, as the docs recommend) admitted
// `name:7@sha256:<digest>` for ANY manifest of that repository, because the pattern matched the
// whole reference, digest included. Docker ignores the tag when a digest is given: a pull fetches
// the digest and a local lookup drops the tag. So a disallowed tag of an allowed repository could be
// pulled and run. Two images in the local registry show it: `:good` (allowed) and `:bad`.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imagePull } from '../../src/gateway/tools/images.js';
import { containerCreate } from '../../src/gateway/tools/containers-create.js';
import { testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { defaultPolicyOptions, policyToolContext } from '../helpers/policy-context.js';
import { callTool } from '../helpers/tool-context.js';
import { rawBuild, removeImages } from './policy-build-helpers.js';

const docker = testDocker();
const run = uniqueName('tagpin');
const repo = () => `${testEnv.registry}/dmcp-tagpin/${run}`;
const cli = (...args: string[]) => execFileSync('docker', ['-H', testEnv.dockerHost, ...args], { encoding: 'utf8' }).trim();
let badDigest = '';
let badId = '';

beforeAll(async () => {
  await rawBuild(`FROM ${testEnv.testImage}\nLABEL role=good-${run}\n`, `${repo()}:good`);
  badId = await rawBuild(`FROM ${testEnv.testImage}\nLABEL role=bad-${run}\n`, `${repo()}:bad`);
  cli('push', `${repo()}:good`);
  cli('push', `${repo()}:bad`);
  badDigest = (await docker.getImage(`${repo()}:bad`).inspect()).RepoDigests.find((d) => d.startsWith(repo()))!.split('@')[1]!;
  // Only the digest reference stays locally: no name of the bad image is allowed.
  await docker.getImage(`${repo()}:bad`).remove();
}, 120_000);

afterAll(async () => {
  for (const c of await docker.listContainers({ all: true, filters: { ancestor: [badId] } }).catch(() => [])) {
    await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  }
  await removeImages([`${repo()}:good`, `${repo()}@${badDigest}`]);
});

// The registry is named literally, so the local-registry rule allows it; only the tag rule decides.
const context = () => policyToolContext(defaultPolicyOptions({ allowedImages: [`${repo()}:good*`] }));

describe('a tag pattern does not admit a digest of another tag', () => {
  it('image_pull name:good@sha256:<bad> is refused and the bad image is not pulled', async () => {
    await docker.getImage(`${repo()}@${badDigest}`).remove({ force: true }).catch(() => undefined);
    const attempt = callTool(imagePull, { reference: `${repo()}:good@${badDigest}` }, context());
    await expect(attempt).rejects.toThrow(/image-allow-list/);
    expect(await docker.getImage(`${repo()}@${badDigest}`).inspect().then(() => true, () => false)).toBe(false);
  });

  it('container_create from name:good@sha256:<bad> is refused', async () => {
    cli('pull', `${repo()}@${badDigest}`);
    // Docker itself resolves the reference to the bad image (the tag is ignored).
    expect((await docker.getImage(`${repo()}:good@${badDigest}`).inspect()).Id).toBe(badId);
    const name = uniqueName('tagpin-c');
    await expect(callTool(containerCreate, { image: `${repo()}:good@${badDigest}`, name, network_mode: 'none' }, context()))
      .rejects.toThrow(/image-allow-list/);
    expect(await docker.getContainer(name).inspect().then(() => true, () => false)).toBe(false);
  });

  it('the allowed tag itself, and a pattern that pins the digest, still work', async () => {
    await expect(callTool(imagePull, { reference: `${repo()}:good` }, context())).resolves.toBeDefined();
    const pinned = policyToolContext(defaultPolicyOptions({ allowedImages: [`${repo()}@${badDigest}`] }));
    await expect(callTool(imagePull, { reference: `${repo()}@${badDigest}` }, pinned)).resolves.toBeDefined();
  });
});
