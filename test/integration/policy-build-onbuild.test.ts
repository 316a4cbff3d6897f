// Issue 14, class 4: image allow-list laundering through ONBUILD triggers, against the private
// daemon with the real operation policy. An allowed base image can carry `ONBUILD COPY --from=<a
// disallowed image>`; the trigger runs in the child build, so without a check the disallowed
// content ends up in an image with an allowed name, which can then be run.
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageBuild } from '../../src/gateway/tools/images-build.js';
import { testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { defaultPolicyOptions, policyToolContext } from '../helpers/policy-context.js';
import { callTool } from '../helpers/tool-context.js';
import { imageExists, rawBuild, removeImages, runIn } from './policy-build-helpers.js';

const docker = testDocker();
const run = uniqueName('onb');
const LIBRARY = ['docker.io/library/*'];
const MARKER = `secret-content-${run}`;

// The disallowed image (docker.io/dmcp-evil/…) holds /secret.txt; everything under docker.io/library is allowed.
const evil = `dmcp-evil/secret-${run}:1`;
const okData = `dmcp-okdata-${run}:1`; // the same content under an allowed name
const plain = `dmcp-plain-${run}:1`; // an allowed name for the test image
const trojan = `dmcp-onbuild-${run}:1`; // allowed name, ONBUILD COPY --from=<evil>
const friendly = `dmcp-onbuild-ok-${run}:1`; // allowed name, ONBUILD COPY --from=<okData>
const laundered = `dmcp-laundered-${run}:1`;
let remoteTrojan = '';
let remotePlain = '';

const context = (allowedImages = LIBRARY) => policyToolContext(defaultPolicyOptions({ allowedImages }));

beforeAll(async () => {
  await rawBuild(`FROM ${testEnv.testImage}\nCOPY secret.txt /secret.txt\n`, evil, { 'secret.txt': MARKER });
  await docker.getImage(evil).tag({ repo: `dmcp-okdata-${run}`, tag: '1' });
  await docker.getImage(testEnv.testImage).tag({ repo: `dmcp-plain-${run}`, tag: '1' });
  await rawBuild(`FROM ${testEnv.testImage}\nONBUILD COPY --from=${evil} /secret.txt /stolen.txt\n`, trojan);
  await rawBuild(`FROM ${testEnv.testImage}\nONBUILD COPY --from=${okData} /secret.txt /ok.txt\n`, friendly);
  // The same trojan in the local registry only: the gateway must pull it before judging it.
  remoteTrojan = `${testEnv.registry}/dmcp-onbuild-remote-${run}:1`;
  const [repo, tag] = [remoteTrojan.slice(0, remoteTrojan.lastIndexOf(':')), '1'];
  await docker.getImage(trojan).tag({ repo, tag });
  // The daemon refuses a push without an X-Registry-Auth header, so send "{}" (anonymous).
  const push = await docker.getImage(repo).push({ tag, authconfig: {} } as Dockerode.ImagePushOptions);
  await new Promise((resolve, reject) => docker.modem.followProgress(push, (e: Error | null) => (e ? reject(e) : resolve(undefined))));
  await docker.getImage(remoteTrojan).remove();
  // A plain image in the registry, present locally too, for pull: true.
  remotePlain = `${testEnv.registry}/dmcp-plain-remote-${run}:1`;
  await docker.getImage(plain).tag({ repo: remotePlain.slice(0, remotePlain.lastIndexOf(':')), tag: '1' });
  const pushPlain = await docker.getImage(remotePlain.slice(0, remotePlain.lastIndexOf(':'))).push({ tag: '1', authconfig: {} } as Dockerode.ImagePushOptions);
  await new Promise((resolve, reject) => docker.modem.followProgress(pushPlain, (e: Error | null) => (e ? reject(e) : resolve(undefined))));
  // The local copy is now stale: the name points at another image than the registry has.
  await docker.getImage(okData).tag({ repo: remotePlain.slice(0, remotePlain.lastIndexOf(':')), tag: '1' });
});

afterAll(async () => {
  await removeImages([laundered, remoteTrojan, remotePlain, trojan, friendly, plain, okData, evil]);
});

describe('image_build judges the ONBUILD triggers of its base images', () => {
  it('refuses an allowed base whose trigger copies from a disallowed image, and builds nothing', async () => {
    const ctx = context();
    const build = callTool(imageBuild, { dockerfile: `FROM ${trojan}\nRUN cat /stolen.txt\n`, tags: [laundered], network: 'none' }, ctx);
    await expect(build).rejects.toThrow(
      new RegExp(`image-allow-list: image pull \\(named by an ONBUILD trigger of docker.io/library/${trojan}\\): image docker.io/${evil} is not in allowed_images`));
    expect(ctx.authorized).toContainEqual({ kind: 'image.use', image: `docker.io/${evil}`, action: 'pull', via: `an ONBUILD trigger of docker.io/library/${trojan}` });
    expect(await imageExists(laundered)).toBe(false);
  });

  it('refuses a trigger the Dockerfile itself defines and a later stage runs', async () => {
    const dockerfile = `FROM ${plain} AS a\nONBUILD COPY --from=${evil} /secret.txt /stolen.txt\nFROM a\nRUN cat /stolen.txt\n`;
    await expect(callTool(imageBuild, { dockerfile, tags: [laundered], network: 'none' }, context()))
      .rejects.toThrow(/image-allow-list.*dmcp-evil\/secret/);
    expect(await imageExists(laundered)).toBe(false);
  });

  it('pulls a base that is not present through the checked path, then judges its triggers', async () => {
    expect(await imageExists(remoteTrojan)).toBe(false);
    const ctx = context([...LIBRARY, `${testEnv.registry}/**`]);
    await expect(callTool(imageBuild, { dockerfile: `FROM ${remoteTrojan}\n`, tags: [laundered], network: 'none' }, ctx))
      .rejects.toThrow(/image-allow-list.*dmcp-evil\/secret/);
    expect(ctx.authorized[0]).toEqual({ kind: 'image.use', image: remoteTrojan, action: 'pull' });
    expect(await imageExists(remoteTrojan)).toBe(true);
    expect(await imageExists(laundered)).toBe(false);
  });

  it('with pull: true pulls the bases itself, then builds from the pinned id with the daemon\'s pull off', async () => {
    const ctx = context([...LIBRARY, `${testEnv.registry}/**`]);
    const result = await callTool(imageBuild, { dockerfile: `FROM ${remotePlain}\nRUN true\n`, tags: [laundered], pull: true, network: 'none' }, ctx);
    const id = (await docker.getImage(plain).inspect()).Id.replace('sha256:', '');
    expect((await docker.getImage(remotePlain).inspect()).Id).toBe(`sha256:${id}`);
    expect(result.structured.output).toContain(`Step 1/2 : FROM ${id}`);
    expect(ctx.authorized).toEqual([
      { kind: 'image.use', image: remotePlain, action: 'pull' },
      { kind: 'image.use', image: `docker.io/library/${laundered}`, action: 'build' },
    ]);
    await docker.getImage(laundered).remove({ force: true });
  });

  it('still runs triggers that only name allowed images', async () => {
    const ctx = context();
    const result = await callTool(imageBuild, { dockerfile: `FROM ${friendly}\nRUN cat /ok.txt\n`, tags: [laundered], network: 'none' }, ctx);
    expect(result.structured.output).toContain('Executing 1 build trigger');
    expect(result.structured.output).toContain(MARKER);
    expect(result.structured.base_images).toEqual([`docker.io/library/${friendly}`, `docker.io/library/${okData}`]);
    await docker.getImage(laundered).remove({ force: true });
  });

  it('builds from the image it judged, even when the tag is moved before the build starts', async () => {
    const ctx = context();
    const moving = `dmcp-moving-${run}`;
    await docker.getImage(plain).tag({ repo: moving, tag: '1' });
    // Just before the build request, point the judged (trigger-free) name at the trojan.
    const real = ctx.docker;
    ctx.docker = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'buildImage') {
          return async (...args: Parameters<typeof real.buildImage>) => {
            await docker.getImage(trojan).tag({ repo: moving, tag: '1' });
            return target.buildImage(...args);
          };
        }
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    try {
      const result = await callTool(imageBuild, { dockerfile: `FROM ${moving}:1\n`, tags: [laundered], network: 'none' }, ctx);
      expect(result.structured.output).not.toContain('build trigger');
      expect((await runIn(laundered, ['cat', '/stolen.txt'])).code).not.toBe(0);
    } finally {
      await removeImages([laundered, `${moving}:1`]);
    }
  });
});
