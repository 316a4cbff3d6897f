// Compose projects as Docker itself sees them: through the labels `docker compose` puts on every
// container. No compose binary or file is needed, and nothing here changes state.
import type Dockerode from 'dockerode';
import { z } from 'zod';
import { containerNamePattern, summarize, table } from './containers-shared.js';
import { defineTool, ToolError, type ToolDefinition } from './define.js';
import { applyLimit, limitInput, listMeta } from './object-helpers.js';
import { listNotice } from './output.js';

const LABEL = {
  project: 'com.docker.compose.project',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
} as const;

const project = z.object({
  project: z.string(),
  working_dir: z.string().nullable(),
  config_files: z.array(z.string()),
  services: z.array(z.string()),
  containers: z.number(),
  states: z.record(z.string(), z.number()).describe('Container count by state, e.g. {"running": 2, "exited": 1}.'),
});
type Project = z.infer<typeof project>;

function groupProjects(containers: Dockerode.ContainerInfo[]): Project[] {
  const byName = new Map<string, Project>();
  for (const c of containers) {
    const labels = c.Labels ?? {};
    const name = labels[LABEL.project];
    if (!name) continue;
    let p = byName.get(name);
    if (!p) {
      p = { project: name, working_dir: null, config_files: [], services: [], containers: 0, states: {} };
      byName.set(name, p);
    }
    p.working_dir ??= labels[LABEL.workingDir] ?? null;
    for (const file of (labels[LABEL.configFiles] ?? '').split(',').filter(Boolean)) {
      if (!p.config_files.includes(file)) p.config_files.push(file);
    }
    const service = labels[LABEL.service];
    if (service && !p.services.includes(service)) p.services.push(service);
    p.containers++;
    p.states[c.State] = (p.states[c.State] ?? 0) + 1;
  }
  return [...byName.values()].map((p) => ({ ...p, services: p.services.sort() })).sort((a, b) => a.project.localeCompare(b.project));
}

const statesText = (states: Record<string, number>): string =>
  Object.entries(states).map(([state, n]) => `${state}(${n})`).join(', ');

export const composeListProjects = defineTool({
  name: 'compose_list_projects',
  title: 'List compose projects',
  description:
    'List Docker Compose projects found on the host through their container labels: services, working directory, config files ' +
    'and container states. Optionally only projects whose name contains some text, up to limit.',
  family: 'compose',
  access: 'read',
  inputSchema: z.strictObject({
    name: z.string().min(1).max(256).optional().describe('Only projects whose name contains this text.'),
    limit: limitInput,
  }),
  outputSchema: z.object({ projects: z.array(project), ...listMeta }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const containers = await ctx.docker.listContainers({ all: true, filters: { label: [LABEL.project] }, abortSignal: ctx.signal });
    // Docker's label filter only matches whole values, so the name is matched here, like container_list's name.
    const projects = groupProjects(containers).filter((p) => args.name === undefined || p.project.includes(args.name));
    const list = applyLimit(projects, args.limit, ctx);
    const text = list.items.length
      ? table(
          ['PROJECT', 'SERVICES', 'STATES', 'WORKING DIR'],
          list.items.map((p) => [p.project, p.services.join(','), statesText(p.states), p.working_dir ?? '']),
        ) + listNotice(list, 'projects')
      : args.name === undefined
        ? 'No compose projects found (no container has a com.docker.compose.project label).'
        : `No compose project name contains "${args.name}".`;
    return { structured: { projects: list.items, total: list.total, truncated: list.truncated }, text };
  },
});

const projectContainer = z.object({
  id: z.string(),
  name: z.string(),
  service: z.string().nullable(),
  number: z.number().nullable().describe('Replica number within the service.'),
  image: z.string(),
  state: z.string(),
  status: z.string(),
  ports: z.array(z.string()),
});

export const composeProjectContainers = defineTool({
  name: 'compose_project_containers',
  title: 'Containers of a compose project',
  description: 'List the containers of one compose project with their service names and state, up to limit.',
  family: 'compose',
  access: 'read',
  inputSchema: z.strictObject({
    project: z.string().min(1).max(256).regex(containerNamePattern).describe('The compose project name (see compose_list_projects).'),
    service: z.string().max(256).optional().describe('Only containers of this service.'),
    limit: limitInput,
  }),
  outputSchema: z.object({ project: z.string(), containers: z.array(projectContainer), ...listMeta }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const label = [`${LABEL.project}=${args.project}`];
    if (args.service) label.push(`${LABEL.service}=${args.service}`);
    const found = await ctx.docker.listContainers({ all: true, filters: { label }, abortSignal: ctx.signal });
    if (!found.length) {
      throw new ToolError(`No containers found for compose project "${args.project}"${args.service ? ` service "${args.service}"` : ''}.`, 'Use compose_list_projects to see the projects on this host.');
    }
    const sorted = found
      .map((c) => {
        const s = summarize(c);
        const number = Number(s.labels[LABEL.number] || Number.NaN);
        return {
          id: s.id, name: s.name, service: s.labels[LABEL.service] ?? null, number: Number.isFinite(number) ? number : null,
          image: s.image, state: s.state, status: s.status, ports: s.ports,
        };
      })
      .sort((a, b) => (a.service ?? '').localeCompare(b.service ?? '') || (a.number ?? 0) - (b.number ?? 0));
    const list = applyLimit(sorted, args.limit, ctx);
    const text = table(
      ['SERVICE', 'NAME', 'STATE', 'STATUS', 'IMAGE'],
      list.items.map((c) => [c.service ?? '', c.name, c.state, c.status, c.image]),
    ) + listNotice(list, 'containers');
    return {
      structured: { project: args.project, containers: list.items, total: list.total, truncated: list.truncated },
      text: `Project ${args.project}:\n${text}`,
    };
  },
});

export const composeTools: ToolDefinition[] = [composeListProjects, composeProjectContainers];
