// Review finding (issue 14, fresh review): the name a protected container was created from could
// be pointed at other content. A running container keeps its image id, so nothing changes at once;
// but the next time its owner recreates it (compose up, an upgrade, `docker run` by name in a
// systemd unit) the tunnel — or the gateway itself, which holds the Docker socket — runs whatever
// an admin tagged or built under that name, with the tunnel's token or the host's socket. Now a tag
// or build target may not name a protected container's image, nor match protected_containers.
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageBuild } from '../../src/gateway/tools/images-build.js';
import { imageTag } from '../../src/gateway/tools/images.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { defaultPolicyOptions, policyToolContext } from '../helpers/policy-context.js';
import { callTool } from '../helpers/tool-context.js';

const docker = testDocker();
const made: Dockerode.Container[] = [];
const images: string[] = [];
const run = uniqueName('pname');
/** The image the protected container runs: a name of the test image, as an operator's own tag. */
const tunnelImage = `dmcp-review/${run}-edge:1`;
/** The gateway's own image, protected through `self`. */
const selfImage = `dmcp-review/${run}-gateway:1`;
let attackerId: string;
let tunnelId: string;

beforeAll(async () => {
  for (const ref of [tunnelImage, selfImage]) {
    const [repo, tag] = ref.split(':') as [string, string];
    await docker.getImage(testEnv.testImage).tag({ repo, tag });
    images.push(ref);
  }
  // Different content under an unprotected name (what an admin would build or pull).
  const exec = await callTool(imageBuild, {
    dockerfile: `FROM ${testEnv.testImage}\nRUN echo evil > /evil\n`, tags: [`dmcp-review/${run}-evil:1`], network: 'none',
  }, policyToolContext());
  attackerId = exec.structured.image_id;
  images.push(`dmcp-review/${run}-evil:1`);
  tunnelId = (await docker.getImage(tunnelImage).inspect()).Id;
  // A protected (by label) tunnel, and the gateway's own container (protected as self).
  for (const [name, image, labels] of [
    [uniqueName('edge'), tunnelImage, { 'dev.docker-mcp.protected': 'true' }],
    [uniqueName('gw'), selfImage, {}],
  ] as const) {
    const c = await docker.createContainer({ name, Image: image, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: '1', ...labels }, HostConfig: { NetworkMode: 'none' } });
    made.push(c);
  }
});

afterAll(async () => {
  await Promise.allSettled(made.map((c) => c.remove({ force: true })));
  await Promise.allSettled(images.map((i) => docker.getImage(i).remove({ force: true })));
});

const admin = () => policyToolContext(defaultPolicyOptions({
  scope: { selector: [], protectedLabels: ['dev.docker-mcp.protected=true'], protectedContainers: ['*cloudflared*'], self: [made[1]!.id] },
}));

describe('the image name a protected container runs', () => {
  it('cannot be re-pointed by image_tag (label-protected tunnel, the gateway itself)', async () => {
    for (const target of [tunnelImage, selfImage]) {
      const [repository, tag] = target.split(':') as [string, string];
      await expect(callTool(imageTag, { image: attackerId, repository, tag }, admin())).rejects.toThrow(/protected-image/);
    }
    // From Docker's state: the names still hold the original content.
    expect((await docker.getImage(tunnelImage).inspect()).Id).toBe(tunnelId);
    expect((await docker.getImage(selfImage).inspect()).Id).toBe(tunnelId);
  });

  it('cannot be re-pointed by an image_build tag, nor can a name under protected_containers', async () => {
    await expect(callTool(imageBuild, { dockerfile: `FROM ${testEnv.testImage}\nRUN echo evil > /evil\n`, tags: [tunnelImage], network: 'none' }, admin()))
      .rejects.toThrow(/protected-image/);
    expect((await docker.getImage(tunnelImage).inspect()).Id).toBe(tunnelId);
    await expect(callTool(imageTag, { image: attackerId, repository: 'cloudflare/cloudflared', tag: 'latest' }, admin()))
      .rejects.toThrow(/protected-image/);
    // policy-protected-image.test.ts may hold that tag in the shared daemon at the same time: what
    // must not happen is that it now names the attacker's image.
    const after = await docker.getImage('cloudflare/cloudflared:latest').inspect().catch(() => undefined);
    expect(after?.Id).not.toBe(attackerId);
  });

  it('other names can still be tagged', async () => {
    const result = await callTool(imageTag, { image: attackerId, repository: `dmcp-review/${run}-other`, tag: '2' }, admin());
    images.push(result.structured.target);
    expect((await docker.getImage(`dmcp-review/${run}-other:2`).inspect()).Id).toBe(attackerId);
  });
});
