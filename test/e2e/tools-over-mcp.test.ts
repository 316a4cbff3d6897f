// Every tool through real SDK clients, part 1: tools/list and a core subset over Streamable HTTP,
// WebSocket and stdio (the real `serve --stdio` CLI as a child process), then the stdio share of
// the tools (exec, system, compose), resources, prompts, logging/setLevel and ping. The container
// tools run over HTTP (tools-over-mcp-containers) and the image/volume/network tools over WS
// (tools-over-mcp-objects); together the three files call every tool at least once.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTools } from '../../src/gateway/tools/index.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import type { TestGateway } from '../helpers/gateway.js';
import { call, callRaw, connectHttp, connectStdio, connectWs, startAdminGateway, textOf, until, type TransportName } from '../helpers/mcp-clients.js';

const run = uniqueName('e2e-mcp');
const docker = testDocker();
const labels = { [TEST_LABEL]: run };
const project = `${run}-proj`.replace(/[^a-z0-9-]/g, '');
const startedAt = Math.floor(Date.now() / 1000) - 1;

describe('every tool over real MCP clients: HTTP, WebSocket and stdio', () => {
  let gateway: TestGateway;
  const clients = {} as Record<TransportName, Client>;
  let name = '';
  let id = '';

  beforeAll(async () => {
    const container = await docker.createContainer({
      name: `${run}-web`, Image: testEnv.testImage, Cmd: ['sh', '-c', 'echo hello-resource; trap "exit 0" TERM; while true; do sleep 1; done'],
      Labels: { ...labels, 'com.docker.compose.project': project, 'com.docker.compose.service': 'web', 'com.docker.compose.project.working_dir': `/srv/${project}` },
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    ({ id } = container);
    name = `${run}-web`;
    gateway = await startAdminGateway({ enable_metrics: false });
    const [http, ws, stdio] = await Promise.all([
      connectHttp(gateway),
      connectWs(gateway),
      // A small output cap so the exec truncation notice shows with little output.
      connectStdio({ DOCKER_MCP_MAX_OUTPUT_BYTES: '1024' }),
    ]);
    Object.assign(clients, { http, ws, stdio: stdio.client });
  });
  afterAll(async () => {
    await Promise.allSettled(Object.values(clients).map((c) => c.close()));
    await gateway?.stop();
    for (const c of await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${run}`] } })) {
      await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    }
  });

  it.each(['http', 'ws', 'stdio'] as const)('tools/list over %s returns every tool', async (transport) => {
    const { tools } = await clients[transport].listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(allTools.map((t) => t.name).sort());
    expect(tools).toHaveLength(47);
  });

  it.each(['http', 'ws', 'stdio'] as const)('the core subset works over %s', async (transport) => {
    const client = clients[transport];
    expect(await call(client, 'system_ping')).toMatchObject({ ok: true });
    const version = await call<{ api_version: string }>(client, 'system_version');
    expect(version.api_version).toMatch(/^\d+\.\d+$/);
    const list = await call<{ containers: { id: string }[] }>(client, 'container_list', { label: [`${TEST_LABEL}=${run}`] });
    expect(list.containers.map((c) => c.id)).toEqual([id]);
    expect(JSON.stringify(await call(client, 'container_inspect', { container: name }))).toContain(id);
    await expect(client.setLoggingLevel('warning')).resolves.toBeDefined();
    await expect(client.ping()).resolves.toBeDefined();
    const bad = await callRaw(client, 'container_inspect', { container: 42 });
    expect(bad.isError).toBe(true);
  });

  it('container_exec over stdio: argv, exit codes, split output, root allowed', async () => {
    const client = clients.stdio;
    const ok = await call<{ exit_code: number; stdout: string }>(client, 'container_exec', { container: name, command: ['echo', '$HOME', 'x'] });
    expect(ok).toMatchObject({ exit_code: 0, stdout: '$HOME x\n' });
    const failed = await call<{ exit_code: number; stdout: string; stderr: string }>(client, 'container_exec', {
      container: name, command: ['echo out; echo err >&2; exit 7'], shell: true,
    });
    expect(failed).toMatchObject({ exit_code: 7, stdout: 'out\n', stderr: 'err\n' });
    const root = await call<{ stdout: string }>(client, 'container_exec', { container: name, command: ['id', '-u'], user: 'root' });
    expect(root.stdout).toBe('0\n');
    const file = await call<{ exit_code: number }>(client, 'container_exec', { container: name, command: ['touch', '/tmp/made-by-exec'], user: 'nobody' });
    expect(file.exit_code).toBe(0);
    const archive = await docker.getContainer(id).getArchive({ path: '/tmp/made-by-exec' });
    archive.resume();
  });

  it('container_exec caps large output with a truncation notice', async () => {
    const result = await callRaw(clients.stdio, 'container_exec', { container: name, command: ['seq', '1', '20000'] });
    const structured = result.structuredContent as { exit_code: number; stdout: string; stdout_truncated: boolean };
    expect(structured).toMatchObject({ exit_code: 0, stdout_truncated: true });
    expect(Buffer.byteLength(structured.stdout)).toBe(1024);
    expect(structured.stdout.endsWith('20000\n')).toBe(true);
    expect(textOf(result)).toMatch(/\[truncated: stdout was 108894 bytes; showing the last 1024 bytes\]/);
  });

  it('system_info, system_df and system_events over stdio', async () => {
    const client = clients.stdio;
    const info = await call(client, 'system_info');
    expect(JSON.stringify(info)).toMatch(/overlay2/);
    const df = await call<Record<string, unknown>>(client, 'system_df', { top: 3 });
    expect(Object.keys(df).length).toBeGreaterThan(0);
    const events = await call<{ events: { action: string; actor_id: string }[] }>(client, 'system_events', {
      since: String(startedAt), until: String(Math.floor(Date.now() / 1000) + 1), labels: [`${TEST_LABEL}=${run}`], types: ['container'],
    });
    expect(events.events.filter((e) => e.actor_id === id).map((e) => e.action)).toEqual(expect.arrayContaining(['create', 'start']));
  });

  it('compose_list_projects and compose_project_containers over stdio see the labelled project', async () => {
    const projects = await call<{ projects: { project: string; services: string[]; states: Record<string, number> }[] }>(
      clients.stdio, 'compose_list_projects', { limit: 1000 });
    expect(projects.projects.find((p) => p.project === project)).toMatchObject({ services: ['web'], states: { running: 1 } });
    const containers = await call<{ containers: { id: string; service: string }[] }>(clients.stdio, 'compose_project_containers', { project });
    expect(containers.containers).toMatchObject([{ id, service: 'web', state: 'running' }]);
  });

  it('reads every resource and resource template over stdio', async () => {
    const client = clients.stdio;
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates).toHaveLength(3);
    for (const template of resourceTemplates) {
      const uri = template.uriTemplate.replace('{id}', name);
      const { contents } = await client.readResource({ uri });
      expect((contents[0] as { text: string }).text.length).toBeGreaterThan(0);
    }
    const logs = await client.readResource({ uri: `docker://containers/${name}/logs` });
    expect((logs.contents[0] as { text: string }).text).toContain('hello-resource');
    const { resources } = await client.listResources();
    for (const resource of resources) {
      const { contents } = await client.readResource({ uri: resource.uri });
      expect(JSON.parse((contents[0] as { text: string }).text)).toBeTypeOf('object');
    }
  });

  it('completes {id} from live container names over stdio and WebSocket', async () => {
    for (const client of [clients.stdio, clients.ws]) {
      const completion = await client.complete({
        ref: { type: 'ref/resource', uri: 'docker://containers/{id}/inspect' },
        argument: { name: 'id', value: run },
      });
      expect(completion.completion.values).toContain(name);
    }
  });

  it('lists and gets prompts over WebSocket', async () => {
    const { prompts } = await clients.ws.listPrompts();
    expect(prompts.map((p) => p.name)).toContain('diagnose_container');
    const diagnose = await clients.ws.getPrompt({ name: 'diagnose_container', arguments: { container: name } });
    expect(JSON.stringify(diagnose.messages)).toContain('hello-resource');
    const reclaim = await clients.ws.getPrompt({ name: 'reclaim_disk_space', arguments: {} });
    expect(reclaim.messages.length).toBeGreaterThan(0);
  });

  it('a subscribed container sends notifications/resources/updated over stdio and HTTP when it stops', async () => {
    const uri = `docker://containers/${name}/inspect`;
    const updates: Record<'stdio' | 'http', string[]> = { stdio: [], http: [] };
    for (const transport of ['stdio', 'http'] as const) {
      clients[transport].setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
        updates[transport].push(n.params.uri);
      });
      await clients[transport].subscribeResource({ uri });
    }
    await new Promise((r) => setTimeout(r, 300));
    await docker.getContainer(id).stop({ t: 2 });
    await until(() => updates.stdio.length > 0 && updates.http.length > 0, 10_000, 'resource updates on both transports');
    expect(new Set([...updates.stdio, ...updates.http])).toEqual(new Set([uri]));
    expect((await docker.getContainer(id).inspect()).State.Running).toBe(false);
    for (const transport of ['stdio', 'http'] as const) await clients[transport].unsubscribeResource({ uri });
  });
});
