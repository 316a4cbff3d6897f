// Compose projects are read from container labels; these containers carry the labels `docker
// compose` would set, so no compose binary is needed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeListProjects, composeProjectContainers, composeTools } from '../../src/gateway/tools/compose.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { callTool, makeToolContext } from '../helpers/tool-context.js';

const docker = testDocker();
const project = uniqueName('proj');
const ids: string[] = [];

async function service(name: string, number: number, run: boolean): Promise<void> {
  const c = await docker.createContainer({
    name: `${project}-${name}-${number}`,
    Image: testEnv.testImage,
    Cmd: ['sleep', '3600'],
    Labels: {
      [TEST_LABEL]: '1',
      'com.docker.compose.project': project,
      'com.docker.compose.project.working_dir': `/srv/${project}`,
      'com.docker.compose.project.config_files': `/srv/${project}/compose.yaml,/srv/${project}/compose.override.yaml`,
      'com.docker.compose.service': name,
      'com.docker.compose.container-number': String(number),
    },
    HostConfig: { NetworkMode: 'none' },
  });
  ids.push(c.id);
  if (run) await c.start();
}

beforeAll(async () => {
  await service('web', 1, true);
  await service('web', 2, true);
  await service('db', 1, false);
});

afterAll(async () => {
  await Promise.all(ids.map((id) => docker.getContainer(id).remove({ force: true }).catch(() => undefined)));
});

describe('compose tools', () => {
  it('are read-only', () => {
    expect(composeTools.map((t) => t.name)).toEqual(['compose_list_projects', 'compose_project_containers']);
    for (const tool of composeTools) expect(tool.annotations.readOnlyHint).toBe(true);
  });

  it('compose_list_projects groups containers into projects', async () => {
    const ctx = makeToolContext();
    const result = await callTool(composeListProjects, {}, ctx);
    const mine = result.structured.projects.find((p) => p.project === project);
    expect(mine).toEqual({
      project,
      working_dir: `/srv/${project}`,
      config_files: [`/srv/${project}/compose.yaml`, `/srv/${project}/compose.override.yaml`],
      services: ['db', 'web'],
      containers: 3,
      states: { running: 2, created: 1 },
    });
    expect(result.text).toContain(project);
    expect(ctx.authorized).toEqual([]);
  });

  it('compose_list_projects caps with a notice', async () => {
    const other = await docker.createContainer({
      Image: testEnv.testImage, Labels: { [TEST_LABEL]: '1', 'com.docker.compose.project': `${project}-b` }, HostConfig: { NetworkMode: 'none' },
    });
    ids.push(other.id);
    const result = await callTool(composeListProjects, { limit: 1 });
    expect(result.structured).toMatchObject({ truncated: true });
    expect(result.structured.total).toBeGreaterThanOrEqual(2);
    expect(result.text).toMatch(/truncated: showing 1 of \d+ projects/);
  });

  it('compose_list_projects filters by name', async () => {
    // `${project}-b` was made by the test above.
    const result = await callTool(composeListProjects, { name: project });
    expect(result.structured.projects.map((p) => p.project).sort()).toEqual([project, `${project}-b`].sort());
    const exact = await callTool(composeListProjects, { name: `${project}-b` });
    expect(exact.structured).toMatchObject({ total: 1, truncated: false });
    expect(exact.structured.projects.map((p) => p.project)).toEqual([`${project}-b`]);
    const none = await callTool(composeListProjects, { name: `${project}-none` });
    expect(none.structured).toEqual({ projects: [], total: 0, truncated: false });
    expect(none.text).toBe(`No compose project name contains "${project}-none".`);
  });

  it('compose_project_containers caps with a notice', async () => {
    const capped = await callTool(composeProjectContainers, { project, limit: 2 });
    expect(capped.structured).toMatchObject({ total: 3, truncated: true });
    expect(capped.structured.containers.map((c) => [c.service, c.number])).toEqual([['db', 1], ['web', 1]]);
    expect(capped.text).toContain('[truncated: showing 2 of 3 containers; raise "limit" or add filters]');
    const full = await callTool(composeProjectContainers, { project }, makeToolContext({ limits: { maxOutputBytes: 1 << 20, defaultListLimit: 1 } }));
    expect(full.structured).toMatchObject({ total: 3, truncated: true });
    expect(full.structured.containers).toHaveLength(1);
  });

  it('compose_project_containers lists one project by service with state', async () => {
    const result = await callTool(composeProjectContainers, { project });
    expect(result.structured.containers.map((c) => [c.service, c.number, c.state])).toEqual([
      ['db', 1, 'created'],
      ['web', 1, 'running'],
      ['web', 2, 'running'],
    ]);
    // The state is Docker's: stop one and it shows.
    await docker.getContainer(`${project}-web-2`).kill();
    const web = await callTool(composeProjectContainers, { project, service: 'web' });
    expect(web.structured.containers.map((c) => c.state)).toEqual(['running', 'exited']);
    await expect(callTool(composeProjectContainers, { project: `${project}-none` })).rejects.toThrow(/No containers found/);
    expect(() => composeProjectContainers.inputSchema.parse({ project, extra: 1 })).toThrow();
  });
});
