// The real CLI (bin/docker-mcp.js, i.e. the bundle in dist/bundle/) under DEBUG=*: a push with
// registry credentials to the local registry must not print them. docker-modem's debug output
// prints every request's headers, X-Registry-Auth included; lazy-requires.ts silences it by the
// requiring file's path, which only works while scripts/bundle.js leaves docker-modem in
// node_modules. test/unit/docker-debug-output.test.ts checks the unbundled client the same way.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, connectStdio } from '../helpers/mcp-clients.js';
import { testDocker, testEnv, uniqueName } from '../helpers/env.js';

const docker = testDocker();
const target = `${testEnv.registry}/dmcp-test/${uniqueName('debug')}`;
const password = 'sekret-password-123';

beforeAll(async () => {
  await docker.getImage(testEnv.testImage).tag({ repo: target, tag: 'v1' });
});

afterAll(async () => {
  await docker.getImage(`${target}:v1`).remove({ force: true }).catch(() => undefined);
});

it('prints no registry credentials under DEBUG=* (the real CLI, serve --stdio)', async () => {
  const { client, stderr } = await connectStdio({
    DEBUG: '*', DOCKER_MCP_LOG_LEVEL: 'debug',
    // The local registry is on the host's loopback: allowed only when named literally.
    DOCKER_MCP_ALLOWED_IMAGES: `**,${testEnv.registry}/**`,
  });
  try {
    const auth = { username: 'ci', password, serveraddress: testEnv.registry };
    const pushed = await call<{ reference: string }>(client, 'image_push', { reference: `${target}:v1`, auth });
    expect(pushed.reference).toBe(`${target}:v1`);
  } finally {
    await client.close();
  }
  const printed = stderr();
  // The gateway's own debug log did run (so stderr was being written), yet holds no credentials.
  expect(printed).toContain('image_push');
  expect(printed).not.toContain(password);
  expect(printed).not.toMatch(/x-registry-auth/i);
});
