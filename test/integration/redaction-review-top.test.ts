// Review of issue 14, class 5: container_top (read scope) hands ps_args to the host's ps, and
// procps' BSD option `e` and the format `environ` print every process's environment. Env entries
// reach the caller as free text there, where a value with spaces loses only its first word to the
// redaction (`DB_PASSWORD=[REDACTED] horse battery staple`), while container_inspect withholds the
// whole entry. ps_args may not ask for the environment.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { connectHttpClient, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const run = Math.random().toString(36).slice(2, 8);
const PASSPHRASE = `correct horse battery staple ${run}`;

describe('container_top cannot print the process environment', () => {
  const docker = testDocker();
  const name = uniqueName('redact-top');
  let gateway: TestGateway;
  let client: Client;

  beforeAll(async () => {
    const container = await docker.createContainer({
      name, Image: testEnv.testImage, Labels: { [TEST_LABEL]: run }, HostConfig: { NetworkMode: 'none' },
      Env: [`DB_PASSWORD=${PASSPHRASE}`, 'PLAIN=visible-env'], Cmd: ['sleep', '300'],
    });
    await container.start();
    gateway = await startTestGateway({ policy_preset: 'read-only' });
    ({ client } = await connectHttpClient(gateway.url));
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
    await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
  });

  for (const psArgs of ['auxe', 'aux e', 'e', 'axeww', '-o pid -o environ', '-o pid -o ENVIRON', '-O environ']) {
    it(`ps_args "${psArgs}" is refused and shows nothing of the environment`, async () => {
      const result = (await client.callTool({ name: 'container_top', arguments: { container: name, ps_args: psArgs } })) as CallToolResult;
      const text = JSON.stringify(result);
      expect(text).not.toContain('horse battery staple');
      expect(result.isError, text).toBe(true);
      expect(text).toMatch(/environment/);
    });
  }

  it('ordinary ps_args still work, formats after -o included ("-o user")', async () => {
    for (const psArgs of ['aux', '-ef', '-e', '-o pid -o user -o args']) {
      const result = (await client.callTool({ name: 'container_top', arguments: { container: name, ps_args: psArgs } })) as CallToolResult;
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      expect(JSON.stringify(result)).toContain('sleep');
    }
  });
});
