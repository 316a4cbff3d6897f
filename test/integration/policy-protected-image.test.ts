// The default protected_containers glob `*cloudflared*` protects a tunnel by its image, even when
// neither its name nor a label says so and the image has a namespace: a container named "tunnel…"
// running cloudflare/cloudflared:latest cannot be stopped or exec'd into through a gateway with
// default settings (only an admin token configured).
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type Dockerode from 'dockerode';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, connectWith, resultText } from '../helpers/attacks.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ADMIN = 'admin-token-protected-image-0123456789';
const IMAGE = 'cloudflare/cloudflared';
const docker = testDocker();
const quiet = { auditStream: new Writable({ write: (_c, _e, cb) => cb() }), self: [] as string[] };

let gateway: TestGateway;
let client: Client;
let tunnel: Dockerode.Container;
let ordinary: Dockerode.Container;
let hadTag = false;

async function start(name: string, image: string): Promise<Dockerode.Container> {
  const c = await docker.createContainer({ name, Image: image, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: '1' } });
  await c.start();
  return c;
}

beforeAll(async () => {
  hadTag = await docker.getImage(`${IMAGE}:latest`).inspect().then(() => true, () => false);
  if (!hadTag) await docker.getImage(testEnv.testImage).tag({ repo: IMAGE, tag: 'latest' });
  tunnel = await start(uniqueName('tunnel'), `${IMAGE}:latest`);
  ordinary = await start(uniqueName('tunnel-plain'), testEnv.testImage);
  gateway = await startTestGateway(
    { enable_metrics: false, auth_tokens: [`root:admin:${ADMIN}`], policy_preset: 'admin', rate_limit_per_minute: 0 },
    { securityDeps: quiet },
  );
  ({ client } = await connectWith(gateway.url, bearer(ADMIN)));
});

afterAll(async () => {
  await client?.close();
  await gateway?.stop();
  await Promise.allSettled([tunnel, ordinary].filter(Boolean).map((c) => c.remove({ force: true })));
  if (!hadTag) await docker.getImage(`${IMAGE}:latest`).remove({ noprune: true }).catch(() => undefined);
});

describe('protected_containers default *cloudflared* over image references with a namespace', () => {
  it('container_stop of a container running cloudflare/cloudflared:latest is refused; it keeps running', async () => {
    const info = await tunnel.inspect();
    expect(info.Config.Image).toBe(`${IMAGE}:latest`);
    expect(info.Name).not.toMatch(/cloudflared/);
    const result = await client.callTool({ name: 'container_stop', arguments: { container: info.Name.slice(1), timeout_seconds: 0 } });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/protected-container.*protected_containers "\*cloudflared\*"/s);
    expect((await tunnel.inspect()).State.Running).toBe(true);
  });

  it('exec into it is refused too', async () => {
    const result = await client.callTool({ name: 'container_exec', arguments: { container: tunnel.id, command: ['id'], user: '1000' } });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/protected-container/);
  });

  it('an ordinary container from the untagged image can still be stopped', async () => {
    const result = await client.callTool({ name: 'container_stop', arguments: { container: ordinary.id, timeout_seconds: 0 } });
    expect(result.isError, resultText(result)).toBeFalsy();
    expect((await ordinary.inspect()).State.Running).toBe(false);
  });
});
