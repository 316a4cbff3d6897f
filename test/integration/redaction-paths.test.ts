// Issue 14, class 5: one redaction on every way Docker data leaves the gateway. Secrets are
// planted in real Docker objects on the private daemon — container env, command line, labels,
// healthcheck, log-driver options, log output, an image's ENV and build args, an exec command line —
// and every output path is read as a client sees it (serialized result, progress, resource, prompt,
// /mcp/call body, audit file). None may contain any planted secret; each also shows something that
// must stay visible, so a path that returns nothing or fails cannot pass.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { connectHttpClient, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { connectWs, startAdminGateway } from '../helpers/mcp-clients.js';
import { tempDir } from '../helpers/temp-dir.js';

const run = Math.random().toString(36).slice(2, 8);
const secret = (what: string): string => `sekret-${what}-${run}`;
const S = {
  env: secret('env'), urlPassword: secret('urlpw'), argToken: secret('argtoken'), argPassword: secret('argpw'),
  label: secret('label'), basicAuthLabel: secret('basicauth'), health: secret('health'), splunk: secret('splunk'),
  log1: secret('log1'), log2: secret('log2'), imageEnv: secret('imageenv'), buildArg: secret('buildarg'), exec: secret('exec'),
  volumeOption: secret('volopt'), volumeLabel: secret('vollabel'), networkLabel: secret('netlabel'),
  auditToken: secret('audittoken'), auditPassword: secret('auditpw'), auditCmd: secret('auditcmd'), auditEntry: secret('auditentry'),
};
const ALL = Object.values(S);

/** Planted secrets found in `text` (expected: none). */
const leaked = (text: string): string[] => ALL.filter((s) => text.includes(s));

describe('secrets planted in Docker objects stay out of every output path', () => {
  const docker = testDocker();
  const image = `dmcp-test/redact-${run}:v1`;
  const main = uniqueName('redact-main');
  const logged = uniqueName('redact-splunk');
  const volume = uniqueName('redact-vol');
  const network = uniqueName('redact-net');
  const made: string[] = [];
  let readOnly: TestGateway;
  let admin: TestGateway;
  let ro: Client;
  let rw: Client;
  let auditFile = '';
  let since = 0;

  beforeAll(async () => {
    since = Math.floor(Date.now() / 1000) - 1;
    // An image whose ENV holds a password and whose RUN saw a build arg (history keeps both).
    const context = tempDir('dmcp-redact-');
    writeFileSync(join(context, 'Dockerfile'), [
      `FROM ${testEnv.testImage}`, 'ARG BUILD_TOKEN', `ENV DB_PASSWORD=${S.imageEnv}`, 'RUN echo built-with-arg > /built',
    ].join('\n'));
    const tar = execFileSync('tar', ['-C', context, '-c', '.']);
    const stream = await docker.buildImage(tar as unknown as NodeJS.ReadableStream, { t: image, buildargs: { BUILD_TOKEN: S.buildArg }, labels: { [TEST_LABEL]: run } });
    await new Promise((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve(undefined))));

    const container = await docker.createContainer({
      name: main,
      Image: image,
      Env: [`TUNNEL_TOKEN=${S.env}`, `DB_URL=postgres://app:${S.urlPassword}@db/app`, 'PLAIN=visible'],
      // The shell stays (the script does not end in an exec), so ps shows its whole command line.
      Cmd: ['sh', '-c', `echo "DB_PASSWORD=${S.log1}"; echo "Authorization: Bearer ${S.log2}"; echo visible-log; sleep 300; :`,
        '--token', S.argToken, `--password=${S.argPassword}`, '--name', 'visible-arg'],
      Labels: { [TEST_LABEL]: run, 'com.example.db-password': S.label, 'traefik.http.middlewares.x.basicauth.users': `admin:${S.basicAuthLabel}`, 'com.example.role': 'visible-label' },
      Healthcheck: { Test: ['CMD-SHELL', `wget -q --header "Authorization: Bearer ${S.health}" http://127.0.0.1:1/ || true`], Interval: 3600e9 },
      HostConfig: { NetworkMode: 'none' },
    });
    made.push(container.id);
    await container.start();
    // Created only: the splunk logging driver would try to reach its URL once started.
    const withLogDriver = await docker.createContainer({
      name: logged,
      Image: testEnv.testImage,
      Cmd: ['true'],
      Labels: { [TEST_LABEL]: run },
      HostConfig: { NetworkMode: 'none', LogConfig: { Type: 'splunk', Config: { 'splunk-token': S.splunk, 'splunk-url': 'https://splunk.invalid:8088' } } },
    });
    made.push(withLogDriver.id);
    // A CIFS volume keeps its mount options (password included) until a container mounts it.
    await docker.createVolume({
      Name: volume, Labels: { [TEST_LABEL]: run, 'com.example.api-key': S.volumeLabel },
      DriverOpts: { type: 'cifs', device: '//fileserver.invalid/share', o: `username=backup,password=${S.volumeOption},vers=3.0` },
    });
    await docker.createNetwork({ Name: network, Labels: { [TEST_LABEL]: run, 'com.example.token': S.networkLabel, 'com.example.role': 'visible-net' } });
    // An exec whose command line carries a password: Docker reports it in its exec_* events.
    const exec = await container.exec({ Cmd: ['sh', '-c', 'true', `--password=${S.exec}`], AttachStdout: true, AttachStderr: true });
    const output = await exec.start({});
    await new Promise((resolve) => {
      output.on('end', resolve);
      output.resume();
    });

    auditFile = join(tempDir('dmcp-redact-audit-'), 'audit.log');
    readOnly = await startTestGateway({ policy_preset: 'read-only' });
    admin = await startAdminGateway({ audit_file: auditFile });
    ({ client: ro } = await connectHttpClient(readOnly.url));
    ({ client: rw } = await connectHttpClient(admin.url));
    // The log lines must exist before the log paths are read.
    const deadline = Date.now() + 10_000;
    while (!(await container.logs({ stdout: true })).toString().includes('visible-log') && Date.now() < deadline) await sleep(100);
  }, 120_000);

  afterAll(async () => {
    await ro?.close();
    await rw?.close();
    await readOnly?.stop();
    await admin?.stop().catch(() => undefined);
    for (const id of made) await docker.getContainer(id).remove({ force: true }).catch(() => undefined);
    const extra = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${run}`] } });
    for (const c of extra) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    await docker.getImage(image).remove({ force: true }).catch(() => undefined);
    await docker.getVolume(volume).remove().catch(() => undefined);
    await docker.getNetwork(network).remove().catch(() => undefined);
  });

  const callTool = async (client: Client, name: string, args: Record<string, unknown>): Promise<string> => {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    const text = JSON.stringify(result);
    expect(result.isError, text).toBeFalsy();
    return text;
  };

  it('container_inspect (raw): env, command line, labels, healthcheck and the image ENV', async () => {
    const text = await callTool(ro, 'container_inspect', { container: main, raw: true });
    expect(leaked(text)).toEqual([]);
    for (const visible of ['PLAIN=visible', 'visible-arg', 'visible-label', 'DB_PASSWORD=[REDACTED]', 'com.example.db-password', 'postgres://app:[REDACTED]@db/app']) {
      expect(text).toContain(visible);
    }
  });

  it('container_inspect (raw): log-driver options', async () => {
    const text = await callTool(ro, 'container_inspect', { container: logged, raw: true });
    expect(leaked(text)).toEqual([]);
    expect(text).toContain('splunk.invalid');
  });

  it('container_top: every command column, however ps_args lays them out', async () => {
    const result = (await ro.callTool({ name: 'container_top', arguments: { container: main, ps_args: '-o pid -o comm -o args' } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { titles: string[] }).titles.filter((t) => t === 'COMMAND')).toHaveLength(2);
    const text = JSON.stringify(result);
    expect(leaked(text)).toEqual([]);
    expect(text).toContain('--token [REDACTED] --password=[REDACTED] --name visible-arg');
  });

  it('container_list: command line and labels', async () => {
    const text = await callTool(ro, 'container_list', { all: true, label: [`${TEST_LABEL}=${run}`] });
    expect(leaked(text)).toEqual([]);
    expect(text).toContain('visible-arg');
    expect(text).toContain('visible-label');
  });

  it('image_inspect: the image ENV', async () => {
    const text = await callTool(ro, 'image_inspect', { image });
    expect(leaked(text)).toEqual([]);
    expect(text).toContain('DB_PASSWORD=[REDACTED]');
    expect(text).toContain('PATH=/bin');
  });

  it('image_history: build-arg values and ENV lines', async () => {
    const text = await callTool(ro, 'image_history', { image });
    expect(leaked(text)).toEqual([]);
    expect(text).toContain('BUILD_TOKEN=[REDACTED]');
    expect(text).toContain('built-with-arg');
  });

  it('volumes and networks: driver options and labels', async () => {
    for (const [tool, args] of [
      ['volume_inspect', { name: volume }], ['volume_list', { label: [`${TEST_LABEL}=${run}`] }],
      ['network_inspect', { network }], ['network_list', { label: [`${TEST_LABEL}=${run}`] }],
    ] as const) {
      const text = await callTool(ro, tool, args);
      expect(leaked(text), tool).toEqual([]);
      expect(text, tool).toContain(tool.startsWith('volume') ? volume : network);
    }
    const inspect = await callTool(ro, 'volume_inspect', { name: volume });
    expect(inspect).toContain('username=backup,password=[REDACTED],vers=3.0');
  });

  it('system_events: exec command lines and labels, in the result and in progress messages', async () => {
    const progress: string[] = [];
    const result = (await ro.callTool(
      { name: 'system_events', arguments: { since: String(since), until: String(Math.floor(Date.now() / 1000) + 1), types: ['container'], containers: [main], limit: 100 } },
      undefined,
      { onprogress: (p) => progress.push(p.message ?? '') },
    )) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const events = (result.structuredContent as { events: { action: string }[] }).events;
    expect(events.some((e) => e.action.startsWith('exec_create'))).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    expect(leaked(JSON.stringify(result))).toEqual([]);
    expect(leaked(progress.join('\n'))).toEqual([]);
    expect(JSON.stringify(result)).toContain('visible-label');
  });

  it('resources: container inspect, system df and container logs', async () => {
    const inspect = JSON.stringify(await ro.readResource({ uri: `docker://containers/${main}/inspect` }));
    expect(leaked(inspect)).toEqual([]);
    expect(inspect).toContain('PLAIN=visible');
    const df = JSON.stringify(await ro.readResource({ uri: 'docker://system/df' }));
    expect(leaked(df)).toEqual([]);
    expect(df).toContain('visible-arg');
    const logs = JSON.stringify(await rw.readResource({ uri: `docker://containers/${main}/logs` }));
    expect(leaked(logs)).toEqual([]);
    expect(logs).toContain('visible-log');
  });

  it('prompts: the container data they embed', async () => {
    const review = JSON.stringify(await ro.getPrompt({ name: 'review_container_security', arguments: { container: logged } }));
    expect(leaked(review)).toEqual([]);
    expect(review).toContain('splunk.invalid');
    const diagnose = JSON.stringify(await rw.getPrompt({ name: 'diagnose_container', arguments: { container: main } }));
    expect(leaked(diagnose)).toEqual([]);
    expect(diagnose).toContain('visible-log');
  });

  it('container_logs and container_exec output', async () => {
    const logs = await callTool(rw, 'container_logs', { container: main });
    expect(leaked(logs)).toEqual([]);
    expect(logs).toContain('visible-log');
    const exec = await callTool(rw, 'container_exec', { container: main, command: ['sh', '-c', `echo "TUNNEL_TOKEN=$TUNNEL_TOKEN"; echo visible-exec`] });
    expect(leaked(exec)).toEqual([]);
    expect(exec).toContain('visible-exec');
  });

  it('WebSocket answers through the same redaction', async () => {
    const ws = await connectWs(readOnly);
    try {
      const text = await callTool(ws, 'container_inspect', { container: main, raw: true });
      expect(leaked(text)).toEqual([]);
      expect(text).toContain('visible-arg');
    } finally {
      await ws.close();
    }
  });

  it('POST /mcp/call answers through the same redaction', async () => {
    const response = await fetch(`${readOnly.url}/mcp/call`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: 'docker.container.inspect', params: { container: main, raw: true } }),
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(leaked(text)).toEqual([]);
    expect(text).toContain('visible-arg');
  });

  it('the audit file keeps argv credentials out of tool arguments', async () => {
    await callTool(rw, 'container_exec', { container: main, command: ['sh', '-c', 'echo audited', '--token', S.auditToken, `--password=${S.auditPassword}`] });
    const created = await callTool(rw, 'container_create', {
      image: testEnv.testImage, name: uniqueName('redact-audit'), labels: { [TEST_LABEL]: run },
      entrypoint: ['sh', '-c', 'sleep 1', '--password', S.auditCmd], cmd: [`API_TOKEN=${S.auditEntry}`, 'visible-cmd'], network_mode: 'none',
    });
    expect(leaked(created)).toEqual([]);
    await admin.stop();
    const lines = readFileSync(auditFile, 'utf8').trim().split('\n');
    const exec = lines.find((l) => l.includes('"tool":"container_exec"') && l.includes('audited'));
    const create = lines.find((l) => l.includes('"tool":"container_create"'));
    expect(exec).toContain('--token');
    expect(create).toContain('visible-cmd');
    expect(leaked(lines.join('\n'))).toEqual([]);
  });
});
