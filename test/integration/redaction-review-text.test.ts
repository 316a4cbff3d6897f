// Review of issue 14, class 5: secrets in shapes the free-text redaction did not know, read by a
// read-scope caller through a read-only gateway. Each was returned in clear before the fix:
// - an assignment whose name ends a longer word: npm's `//registry.npmjs.org/:_authToken=…`, as a
//   build arg in an image_history line and as an `npm_config_…` env entry in container_inspect;
// - JSON escaped inside a JSON string (`{"body":"{\"password\":\"…\"}"}`), as apps log request bodies;
// - an XML element `<password>…</password>` in a log line;
// - a token written as a URL's user name (`discord://<token>@<id>`, watchtower notifications);
// - a comma-separated list after a secret flag in a command line (`--auth-tokens a:admin:T1,b:operate:T2`):
//   only the first item was withheld.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { connectHttpClient, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { tempDir } from '../helpers/temp-dir.js';

const run = Math.random().toString(36).slice(2, 8);
const S = {
  npmArg: `npmarg${run}x9`, npmEnv: `npmenv${run}x9`, escapedJson: `escjson${run}x9`, xml: `xmlpw${run}x9`,
  notifyUser: `DiscordWebhookToken${run}AbCdEf`, listFirst: `tokA${run}x9`, listSecond: `tokB${run}x9`,
};
const ALL = Object.values(S);
const leaked = (text: string): string[] => ALL.filter((s) => text.includes(s));

describe('secrets in npmrc lines, escaped JSON and XML stay out of read-scope results', () => {
  const docker = testDocker();
  const image = `dmcp-test/redact-review-${run}:v1`;
  const name = uniqueName('redact-review');
  let gateway: TestGateway;
  let client: Client;

  beforeAll(async () => {
    const context = tempDir('dmcp-redact-review-');
    writeFileSync(join(context, 'Dockerfile'), [`FROM ${testEnv.testImage}`, 'ARG NPMRC', 'RUN echo visible-build > /built'].join('\n'));
    const tar = execFileSync('tar', ['-C', context, '-c', '.']);
    const stream = await docker.buildImage(tar as unknown as NodeJS.ReadableStream, {
      t: image, buildargs: { NPMRC: `//registry.npmjs.org/:_authToken=${S.npmArg}` }, labels: { [TEST_LABEL]: run },
    });
    await new Promise((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve(undefined))));
    const container = await docker.createContainer({
      name, Image: image, Labels: { [TEST_LABEL]: run }, HostConfig: { NetworkMode: 'none' },
      Env: [`npm_config_//registry.npmjs.org/:_authToken=${S.npmEnv}`, 'PLAIN=visible-env',
        // watchtower/shoutrrr: the webhook token is the URL's user name, with no password.
        `WATCHTOWER_NOTIFICATION_URL=discord://${S.notifyUser}@123456789012345678`],
      Cmd: ['sh', '-c', `echo '{"msg":"login","body":"{\\"user\\":\\"bob\\",\\"password\\":\\"${S.escapedJson}\\"}"}'; ` +
        `echo '<login><user>bob</user><password>${S.xml}</password></login>'; echo visible-log; sleep 300; :`,
        // A list of secrets after a flag (the gateway's own --auth-tokens name:scope:token,…).
        '--auth-tokens', `a:admin:${S.listFirst},b:operate:${S.listSecond}`],
    });
    await container.start();
    const deadline = Date.now() + 10_000;
    while (!(await container.logs({ stdout: true })).toString().includes('visible-log') && Date.now() < deadline) await sleep(100);
    gateway = await startTestGateway({ policy_preset: 'read-only' });
    ({ client } = await connectHttpClient(gateway.url));
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
    await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
    await docker.getImage(image).remove({ force: true }).catch(() => undefined);
  });

  const read = async (tool: string, args: Record<string, unknown>): Promise<string> => {
    const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
    const text = JSON.stringify(result);
    expect(result.isError, text).toBeFalsy();
    return text;
  };

  it('image_history: an npm auth token in a build arg', async () => {
    const text = await read('image_history', { image });
    expect(leaked(text)).toEqual([]);
    expect(text).toContain('_authToken=[REDACTED]');
    expect(text).toContain('visible-build');
  });

  it('container_inspect: an npm_config_ env entry for a registry token, a token as a URL user name', async () => {
    const text = await read('container_inspect', { container: name });
    expect(leaked(text)).toEqual([]);
    expect(text).toContain('visible-env');
    expect(text).toContain('discord://[REDACTED]@123456789012345678');
  });

  it('container_list (Command) and container_inspect (Args): escaped JSON and XML in a command line', async () => {
    const list = await read('container_list', { all: true, label: [`${TEST_LABEL}=${run}`] });
    expect(leaked(list)).toEqual([]);
    expect(list).toContain('visible-log');
    const inspect = await read('container_inspect', { container: name });
    expect(inspect).toContain('<user>bob</user>');
  });

  it('container_list and container_top: every token of a comma-separated list after a secret flag', async () => {
    const list = await read('container_list', { all: true, label: [`${TEST_LABEL}=${run}`] });
    expect(leaked(list)).toEqual([]);
    expect(list).toContain('--auth-tokens [REDACTED]');
    const top = await read('container_top', { container: name });
    expect(leaked(top)).toEqual([]);
    expect(top).toContain('visible-log');
  });

  it('the container logs resource (operator preset): escaped JSON and XML in log lines', async () => {
    const operator = await startTestGateway({ policy_preset: 'operator' });
    const { client: op } = await connectHttpClient(operator.url);
    try {
      const id = (await docker.getContainer(name).inspect()).Id;
      const text = JSON.stringify(await op.readResource({ uri: `docker://containers/${id}/logs` }));
      expect(leaked(text)).toEqual([]);
      expect(text).toContain('visible-log');
      expect(text).toContain('<user>bob</user>');
    } finally {
      await op.close();
      await operator.stop();
    }
  });
});
