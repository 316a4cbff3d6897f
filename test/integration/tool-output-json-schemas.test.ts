// Real results of the tools whose output schemas were rewritten for portability (json-schema.ts:
// `type` arrays split into anyOf, declared schemas instead of `{}`) still satisfy the JSON outputSchema
// that tools/list serves — what a client checks once it has listed the tools (the SDK client compiles
// each outputSchema with ajv and rejects a non-conforming structuredContent). The gateway runs with
// validate_tool_output on, so the zod side is checked on every call too. Nulls and non-nulls both
// occur: a container without a healthcheck (health null), compose labels without a service (null).
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import type { TestGateway } from '../helpers/gateway.js';
import { call, connectHttp, startAdminGateway } from '../helpers/mcp-clients.js';

const run = uniqueName('schema-out');
const docker = testDocker();
const labels = { [TEST_LABEL]: run };
const base = { image: testEnv.testImage, labels, network_mode: 'none' };
const LOOP = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'];

describe('real results against the served JSON output schemas', () => {
  let gateway: TestGateway;
  let client: Client;
  const schemas = new Map<string, Tool['outputSchema']>();
  const ajv = new AjvJsonSchemaValidator();

  /** Calls the tool and checks its structuredContent against the listed outputSchema, as a client does. */
  async function checked<T>(name: string, args: Record<string, unknown>): Promise<T> {
    const structured = await call<T>(client, name, args);
    const schema = schemas.get(name);
    expect(schema, `${name} lists an outputSchema`).toBeDefined();
    const verdict = ajv.getValidator(schema as Parameters<typeof ajv.getValidator>[0])(structured);
    expect(verdict.errorMessage ?? '', `${name}: ${JSON.stringify(structured).slice(0, 400)}`).toBe('');
    expect(verdict.valid).toBe(true);
    return structured;
  }

  beforeAll(async () => {
    gateway = await startAdminGateway();
    client = await connectHttp(gateway, 'schema-out');
    // Listing also arms the SDK client's own output validation for every later call.
    for (const tool of (await client.listTools()).tools) schemas.set(tool.name, tool.outputSchema);
  });
  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
    for (const c of await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${run}`] } })) {
      await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    }
  });

  it('container_run with wait, container_wait: exit codes and errors (numbers, strings or null)', async () => {
    const ran = await checked<{ wait: { exit_code: number | null } | null }>('container_run', {
      ...base, name: `${run}-exit`, cmd: ['sh', '-c', 'exit 3'], wait: true,
    });
    expect(ran.wait?.exit_code).toBe(3);
    const waited = await checked<{ exit_code: number | null }>('container_wait', { container: `${run}-exit` });
    expect(waited.exit_code).toBe(3);
  });

  it('container_inspect raw: the whole Engine document (strings, numbers, nulls, arrays, objects)', async () => {
    await call(client, 'container_run', { ...base, name: `${run}-loop`, cmd: LOOP });
    const inspected = await checked<{ state: { health: string | null }; raw: Record<string, unknown> }>('container_inspect', {
      container: `${run}-loop`, raw: true,
    });
    expect(inspected.state.health).toBeNull();
    const kinds = new Set(Object.values(inspected.raw).map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['array', 'null', 'number', 'object', 'string']));
  });

  it('container_update: the applied body carries numbers and the RestartPolicy object', async () => {
    const updated = await checked<{ applied: Record<string, unknown> }>('container_update', {
      container: `${run}-loop`, memory: 64 * 1024 * 1024, memory_swap: -1, cpus: 0.5, restart_policy: { name: 'on-failure', maximum_retry_count: 2 },
    });
    expect(updated.applied).toEqual({
      Memory: 64 * 1024 * 1024, MemorySwap: -1, NanoCpus: 5e8, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 },
    });
  });

  it('container_exec: an exit code', async () => {
    const executed = await checked<{ exit_code: number | null }>('container_exec', { container: `${run}-loop`, command: ['sh', '-c', 'exit 4'] });
    expect(executed.exit_code).toBe(4);
  });

  it('compose_list_projects and compose_project_containers: labels present and absent (null)', async () => {
    const project = `${run}-proj`;
    await call(client, 'container_run', {
      ...base, name: `${run}-web`, cmd: LOOP,
      labels: { ...labels, 'com.docker.compose.project': project, 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '1' },
    });
    await call(client, 'container_run', { ...base, name: `${run}-bare`, cmd: LOOP, labels: { ...labels, 'com.docker.compose.project': project } });
    const listed = await checked<{ projects: { project: string; working_dir: string | null }[] }>('compose_list_projects', { name: project });
    expect(listed.projects).toMatchObject([{ project, working_dir: null }]);
    const members = await checked<{ containers: { service: string | null; number: number | null }[] }>('compose_project_containers', { project });
    expect(members.containers.map((c) => [c.service, c.number]).sort()).toEqual([['web', 1], [null, null]].sort());
  });
});
