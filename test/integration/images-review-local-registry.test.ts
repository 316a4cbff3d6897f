// Review of issue 14: pulls and pushes make dockerd itself connect to the image's registry from the
// host's network namespace. With `allowed_images` unset (any image), `image_pull 127.0.0.1:PORT/x`
// reached any service on the host's loopback: the blind SSRF that class 4 closed for `ADD <url>`.
// A loopback listener shows what reaches it; registries on the host need a literal allow.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { imagePull, imagePush, imageTag } from '../../src/gateway/tools/images.js';
import { imageBuild } from '../../src/gateway/tools/images-build.js';
import { containerCreate } from '../../src/gateway/tools/containers-create.js';
import { literalLocalReason, localRegistryReason } from '../../src/gateway/policy/registry-hosts.js';
import { testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { defaultPolicyOptions, policyToolContext } from '../helpers/policy-context.js';
import { callTool } from '../helpers/tool-context.js';
import { loopbackListener, removeImages, type Listener } from './policy-build-helpers.js';

const docker = testDocker();
const run = uniqueName('localreg');
let listener: Listener;
let port: string;
const pushName = () => `127.0.0.1:${port}/dmcp-${run}/pushed`;

beforeAll(async () => {
  listener = await loopbackListener('not a registry');
  port = listener.url.split(':').at(-1)!;
  await docker.getImage(testEnv.testImage).tag({ repo: pushName(), tag: '1' });
});
afterEach(() => { listener.requests.length = 0; });
afterAll(async () => {
  await removeImages([`${pushName()}:1`]);
  await listener.close();
});

const LOCAL_RULE = /policy rule image-local-registry: .*is on the Docker host/;
const context = (allowedImages?: string[]) => policyToolContext(defaultPolicyOptions(allowedImages ? { allowedImages } : {}));

describe('registries on the Docker host are refused unless allowed_images names them literally', () => {
  it('image_pull of 127.0.0.1:PORT/x (allowed_images unset): refused, the listener receives nothing', async () => {
    const attempt = callTool(imagePull, { reference: `127.0.0.1:${port}/probe/x:1` }, context());
    await expect(attempt).rejects.toThrow(LOCAL_RULE);
    await expect(attempt).rejects.toMatchObject({ hint: expect.stringContaining(`"127.0.0.1:${port}/**" to allowed_images`) as unknown });
    expect(listener.requests).toEqual([]);
  });

  it('refuses every spelling of the loopback and localhost, and link-local and unspecified hosts', async () => {
    for (const host of [`localhost:${port}`, `LOCALHOST:${port}`, `127.1:${port}`, `0x7f000001:${port}`, `2130706433:${port}`,
      `0177.0.0.1:${port}`, `127.000.000.001:${port}`, `0.0.0.0:${port}`, `0:${port}`, `[::1]:${port}`, `[0:0:0:0:0:0:0:1]:${port}`,
      `[::ffff:7f00:1]:${port}`, `[::]:${port}`, `[fe80::1]:${port}`, '169.254.169.254', `a.localhost:${port}`, `ip6-localhost:${port}`]) {
      await expect(callTool(imagePull, { reference: `${host}/probe/x:1` }, context()), host).rejects.toThrow(LOCAL_RULE);
    }
    expect(listener.requests).toEqual([]);
  });

  it('wildcards do not allow a local registry; a literal pattern does (and the pull then reaches it)', async () => {
    for (const patterns of [['**'], ['*:*/**'], [`127.0.0.1:*/**`], [`127.0.0.?:${port}/**`], [`**`, `localhost:${port}/**`]]) {
      await expect(callTool(imagePull, { reference: `127.0.0.1:${port}/probe/x:1` }, context(patterns)), patterns.join()).rejects.toThrow(LOCAL_RULE);
    }
    expect(listener.requests).toEqual([]);
    // The same registry named literally: allowed, so dockerd contacts the (fake) registry.
    await expect(callTool(imagePull, { reference: `127.0.0.1:${port}/probe/x:1` }, context(['**', `127.0.0.1:${port}/**`])))
      .rejects.toThrow(/Pull of .* failed/);
    expect(listener.requests.length).toBeGreaterThan(0);
  });

  it('image_push, build bases and container create of a local registry name are refused too', async () => {
    await expect(callTool(imagePush, { reference: `${pushName()}:1` }, context())).rejects.toThrow(LOCAL_RULE);
    const build = callTool(imageBuild, { dockerfile: `FROM 127.0.0.1:${port}/probe/base:1\n`, tags: [`dmcp-${run}-built:1`], network: 'none' }, context());
    await expect(build).rejects.toThrow(LOCAL_RULE);
    const copy = callTool(imageBuild, { dockerfile: `FROM ${testEnv.testImage}\nCOPY --from=localhost:${port}/probe/x /a /a\n`, network: 'none' }, context());
    await expect(copy).rejects.toThrow(LOCAL_RULE);
    await expect(callTool(containerCreate, { image: `${pushName()}:1` }, context())).rejects.toThrow(LOCAL_RULE);
    await expect(callTool(imageTag, { image: testEnv.testImage, repository: `127.0.0.1:${port}/dmcp-${run}/t` }, context())).rejects.toThrow(LOCAL_RULE);
    expect(listener.requests).toEqual([]);
  });

  it('a DNS name the gateway cannot resolve is refused for pulls unless named literally', async () => {
    const name = `dmcp-${run}.invalid:${port}`;
    await expect(callTool(imagePull, { reference: `${name}/probe/x:1` }, context())).rejects.toThrow(/image-local-registry: .*could not be resolved by the gateway/);
    await expect(callTool(imagePull, { reference: `${name}/probe/x:1` }, context(['**', `${name}/**`]))).rejects.toThrow(/Pull of .* failed/);
  });

  it('a name /etc/hosts maps to the loopback (not one of the known local names) is refused for pulls', async (t) => {
    // The machine's own name usually sits there (Debian: 127.0.1.1 <hostname>); skip where none does.
    const entry = readFileSync('/etc/hosts', 'utf8').split('\n').map((line) => line.replace(/#.*/, '').trim().split(/\s+/))
      .find(([address, ...names]) => address?.startsWith('127.') && names.some((n) => !/localhost|loopback/.test(n)));
    const host = entry?.slice(1).find((n) => !/localhost|loopback/.test(n));
    if (!host) return t.skip();
    expect(literalLocalReason(host)).toBeUndefined();
    await expect(callTool(imagePull, { reference: `${host}:${port}/probe/x:1` }, context())).rejects.toThrow(/image-local-registry: .*resolves to 127\./);
    expect(listener.requests).toEqual([]);
  });

  it('judges addresses, not just names (unit)', async () => {
    for (const ok of ['registry.example.com:5000', '192.168.1.10:5000', '10.0.0.1', '[2001:db8::1]:5000', 'ghcr.io', '1.2.3.4']) {
      expect(literalLocalReason(ok), ok).toBeUndefined();
    }
    expect(await localRegistryReason('localhost')).toMatch(/loopback/);
    expect(await localRegistryReason('192.168.1.10:5000')).toBeUndefined();
  });
});
