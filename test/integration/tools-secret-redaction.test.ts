// Tool results and resources go to the caller and to its AI model's provider. A container's
// environment and command line often hold credentials (cloudflared runs `tunnel run --token …`), and
// a read-only caller must not be able to lift them with container_inspect, container_top or the
// docker://containers/{id}/inspect resource.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { connectHttpClient, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SECRETS = ['sekret-env-1', 'sekret-url-pw', 'sekret-arg-2', 'sekret-arg-3'];

describe('credentials in a container stay out of results', () => {
  let gateway: TestGateway;
  let client: Client;
  const name = uniqueName('secrets');
  let id = '';

  beforeAll(async () => {
    gateway = await startTestGateway({ policy_preset: 'read-only' });
    ({ client } = await connectHttpClient(gateway.url));
    const container = await testDocker().createContainer({
      name,
      Image: testEnv.testImage,
      Env: ['TUNNEL_TOKEN=sekret-env-1', 'DB_URL=postgres://app:sekret-url-pw@db/app', 'PLAIN=visible'],
      // The shell stays (the script does not end in an exec), so ps shows its whole command line.
      Cmd: ['sh', '-c', 'sleep 300; :', '--token', 'sekret-arg-2', '--password=sekret-arg-3', '--name', 'visible-arg'],
      Labels: { [TEST_LABEL]: '1' },
      HostConfig: { NetworkMode: 'none' },
    });
    id = container.id;
    await container.start();
  });
  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
    if (id) await testDocker().getContainer(id).remove({ force: true });
  });

  const withoutSecrets = (text: string): void => {
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  };

  it('container_inspect (with raw) withholds secret env values and command-line credentials', async () => {
    const result = (await client.callTool({ name: 'container_inspect', arguments: { container: name, raw: true } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const text = JSON.stringify(result);
    withoutSecrets(text);
    const config = (result.structuredContent as { config: { env: string[]; cmd: string[] } }).config;
    expect(config.env).toEqual(expect.arrayContaining(['TUNNEL_TOKEN=[REDACTED]', 'DB_URL=postgres://app:[REDACTED]@db/app', 'PLAIN=visible']));
    expect(config.cmd).toEqual(['sh', '-c', 'sleep 300; :', '--token', '[REDACTED]', '--password=[REDACTED]', '--name', 'visible-arg']);
  });

  it('container_top withholds credentials in process command lines', async () => {
    const result = (await client.callTool({ name: 'container_top', arguments: { container: name } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const text = JSON.stringify(result);
    withoutSecrets(text);
    expect(text).toContain('--token [REDACTED] --password=[REDACTED] --name visible-arg');
  });

  it('the inspect resource withholds them too', async () => {
    const { contents } = await client.readResource({ uri: `docker://containers/${name}/inspect` });
    const text = JSON.stringify(contents);
    withoutSecrets(text);
    expect(text).toContain('PLAIN=visible');
    expect(text).toContain('TUNNEL_TOKEN=[REDACTED]');
  });
});
