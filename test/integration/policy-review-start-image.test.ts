// Review finding (issue 14, fresh review): allowed_images says which images "may be pulled, built
// or run", and start/restart/unpause judge a container "exactly as its creation would have been" —
// but the image was judged at create only. An operator (no create) could start a stopped container
// someone made outside the gateway from an image outside allowed_images. Now the image reference
// the container was created from is judged at each start, restart and unpause. Real tools, real
// policy, private daemon.
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerStart } from '../../src/gateway/tools/containers-lifecycle.js';
import { imageBuild } from '../../src/gateway/tools/images-build.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { defaultPolicyOptions, policyToolContext } from '../helpers/policy-context.js';
import { callTool } from '../helpers/tool-context.js';

const docker = testDocker();
const made: Dockerode.Container[] = [];
const other = `dmcp-review/${uniqueName('notallowed')}:1`;
const operator = () => policyToolContext(defaultPolicyOptions({ preset: 'operator', allowedImages: [testEnv.testImage.split(':')[0]!] }));

async function external(image: string): Promise<Dockerode.Container> {
  const c = await docker.createContainer({
    name: uniqueName('ext'), Image: image, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: '1' }, HostConfig: { NetworkMode: 'none' },
  });
  made.push(c);
  return c;
}

beforeAll(async () => {
  await callTool(imageBuild, { dockerfile: `FROM ${testEnv.testImage}\nRUN echo other > /other\n`, tags: [other], network: 'none' }, policyToolContext());
});

afterAll(async () => {
  await Promise.allSettled(made.map((c) => c.remove({ force: true })));
  await docker.getImage(other).remove({ force: true }).catch(() => undefined);
});

describe('starting a container made outside the gateway', () => {
  it('is refused when its image is outside allowed_images, and Docker shows it never ran', async () => {
    const c = await external(other);
    await expect(callTool(containerStart, { container: c.id }, operator())).rejects.toThrow(/run-target.*image-allow-list/s);
    const state = (await c.inspect()).State;
    expect(state.Running).toBe(false);
    expect(state.StartedAt).toBe('0001-01-01T00:00:00Z');
  });

  it('is allowed when its image is in allowed_images', async () => {
    const c = await external(testEnv.testImage);
    await callTool(containerStart, { container: c.id }, operator());
    expect((await c.inspect()).State.Running).toBe(true);
  });
});
