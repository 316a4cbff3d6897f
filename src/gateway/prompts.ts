// Prompts people actually reach for: diagnose a failing container, reclaim disk space, review a
// container's security posture. Each embeds live data (as resources) so the model starts from facts.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  McpError,
  type GetPromptResult,
  type Prompt,
} from '@modelcontextprotocol/sdk/types.js';
import { redactPromptResult } from './audit/redact.js';
import type { GatewayCore } from './core.js';
import { engineCall } from './docker/engine-calls.js';
import { asMcpError, assertMayRead, audited, boundedRead, containerInspect, containerLogs } from './docker-reads.js';
import { fromAuthInfo } from './request-context.js';
import type { Identity } from './security.js';
import type { McpServerOptions } from './server.js';
import { containerArgumentProblem, shown } from './tools/identifiers.js';

const prompts: Prompt[] = [
  {
    name: 'diagnose_container',
    title: 'Diagnose a failing container',
    description: 'Find out why a container exits, restarts, is unhealthy or was OOM-killed, from its state and recent logs.',
    arguments: [{ name: 'container', description: 'Container name or id.', required: true }],
  },
  {
    name: 'reclaim_disk_space',
    title: 'Reclaim Docker disk space',
    description: 'Plan a safe cleanup from current disk usage: what can go, what must stay, and the exact tool calls.',
    arguments: [{ name: 'target', description: 'Optional goal, e.g. "free 5 GB" or "only build cache".', required: false }],
  },
  {
    name: 'review_container_security',
    title: 'Review a container\'s security settings',
    description: 'Check privileges, capabilities, host namespaces, mounts (including the Docker socket), user and resource limits.',
    arguments: [{ name: 'container', description: 'Container name or id.', required: true }],
  },
];

function embedded(uri: string, mimeType: string, text: string): GetPromptResult['messages'][number] {
  return { role: 'user', content: { type: 'resource', resource: { uri, mimeType, text } } };
}

function said(text: string): GetPromptResult['messages'][number] {
  return { role: 'user', content: { type: 'text', text } };
}

function requireArg(args: Record<string, string> | undefined, name: string): string {
  const value = args?.[name];
  if (typeof value !== 'string' || !value.trim()) throw new McpError(ErrorCode.InvalidParams, `Prompt argument "${name}" is required.`);
  return value;
}

/** Free text that only goes into the prompt's own words (never to the Engine): bounded, no control characters. */
function optionalText(args: Record<string, string> | undefined, name: string, max: number): string | undefined {
  const value = args?.[name];
  if (value === undefined) return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (typeof value !== 'string' || value.length > max || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)) {
    throw new McpError(ErrorCode.InvalidParams, `Prompt argument "${name}" must be text of at most ${max} characters without control characters.`);
  }
  return value.trim() || undefined;
}

/**
 * A container argument is checked like the container tools' own `container` argument: it becomes
 * an Engine path segment (/containers/<value>/json). Not trimmed: " web" is refused, not guessed at.
 */
function requireContainer(args: Record<string, string> | undefined): string {
  const value = requireArg(args, 'container');
  const problem = containerArgumentProblem(value);
  if (problem) throw new McpError(ErrorCode.InvalidParams, `Prompt argument "container" must be ${problem}; got ${shown(value)}.`);
  return value;
}

async function diagnose(core: GatewayCore, identity: Identity, container: string, signal: AbortSignal): Promise<GetPromptResult> {
  assertMayRead(core, identity, 'container_inspect', 'read');
  const inspect = (await containerInspect(core, container, signal)) as { Id: string; Name?: string; State?: Record<string, unknown>; RestartCount?: number };
  const state = { ...inspect.State, RestartCount: inspect.RestartCount };
  const messages = [
    said(
      `Diagnose the container "${container}". Its state and recent logs are attached.\n` +
        '1. From State (ExitCode, OOMKilled, Error, Health, RestartCount) say what is wrong, citing the evidence.\n' +
        '2. From the logs find the first error, not the last symptom.\n' +
        '3. If more is needed, use read-only tools first (container_inspect, container_logs with since/tail, container_stats, system_events filtered on this container).\n' +
        '4. Propose a fix; ask before any state-changing call (restart, update, remove).',
    ),
    embedded(`docker://containers/${container}/inspect`, 'application/json', JSON.stringify(state, null, 2)),
  ];
  try {
    assertMayRead(core, identity, 'container_logs', 'operate');
    messages.push(embedded(`docker://containers/${container}/logs`, 'text/plain', await containerLogs(core, container, 100, signal)));
  } catch (error) {
    if (!(error instanceof McpError)) throw error;
    messages.push(said('(Logs are not attached: this identity may not read container logs.)'));
  }
  return { description: `Diagnose ${inspect.Name?.replace(/^\//, '') ?? container}`, messages };
}

async function reclaim(core: GatewayCore, identity: Identity, target: string | undefined, signal: AbortSignal): Promise<GetPromptResult> {
  assertMayRead(core, identity, 'system_df', 'read');
  const df = await engineCall<unknown>(core.docker, 'df', signal);
  return {
    description: 'Reclaim Docker disk space',
    messages: [
      said(
        `Plan a Docker cleanup${target ? ` with this goal: ${target}` : ''}. Current disk usage is attached (Engine /system/df).\n` +
          '1. Summarize where the space goes: images, stopped containers, volumes, build cache.\n' +
          '2. Order the options from safest to riskiest: build cache, dangling images, stopped containers, unused images, unused volumes.\n' +
          '3. Volumes hold data: never prune or remove them without listing each one and getting explicit confirmation.\n' +
          '4. Show the exact tool calls (e.g. image_prune, container_prune, volume_prune with filters) and the space each frees; run nothing until confirmed.',
      ),
      embedded('docker://system/df', 'application/json', JSON.stringify(df, null, 2)),
    ],
  };
}

async function review(core: GatewayCore, identity: Identity, container: string, signal: AbortSignal): Promise<GetPromptResult> {
  assertMayRead(core, identity, 'container_inspect', 'read');
  const inspect = (await containerInspect(core, container, signal)) as { Config?: Record<string, unknown>; HostConfig?: Record<string, unknown>; Mounts?: unknown };
  const relevant = { Config: { User: inspect.Config?.User, Image: inspect.Config?.Image }, HostConfig: inspect.HostConfig, Mounts: inspect.Mounts };
  return {
    description: `Security review of ${container}`,
    messages: [
      said(
        `Review the security settings of container "${container}" (attached). Report, most severe first:\n` +
          '- Privileged mode, added capabilities, devices, seccomp/AppArmor disabled (SecurityOpt)\n' +
          '- Host namespaces: NetworkMode/PidMode/IpcMode/UsernsMode "host"\n' +
          '- Bind mounts of sensitive host paths, above all the Docker socket (root-equivalent) and /, /etc, /proc\n' +
          '- Running as root (empty User), writable root filesystem (ReadonlyRootfs), no memory/CPU/pids limits\n' +
          'For each finding give the risk and the concrete change; do not change anything yourself.',
      ),
      embedded(`docker://containers/${container}/inspect`, 'application/json', JSON.stringify(relevant, null, 2)),
    ],
  };
}

export function installPrompts(server: Server, core: GatewayCore, options: McpServerOptions): void {
  server.setRequestHandler(ListPromptsRequestSchema, () => Promise.resolve({ prompts }));
  server.setRequestHandler(GetPromptRequestSchema, async (request, extra) => {
    const identity = fromAuthInfo(extra.authInfo).identity ?? options.fallbackIdentity;
    if (!identity) throw new McpError(ErrorCode.InternalError, 'request reached the server without an identity');
    const { name, arguments: args } = request.params;
    const auth = fromAuthInfo(extra.authInfo);
    const origin = {
      identity,
      transport: auth.transport ?? options.transport,
      requestId: auth.requestId ?? `${options.transport}:${String(extra.requestId).slice(0, 128)}`,
    };
    // Audited like a tool call: diagnose_container hands out what container_inspect and container_logs do.
    return audited(core, origin, 'prompts/get', { name, arguments: args ?? {} }, async () => {
      try {
        // Arguments are checked before the daemon gate, so a missing one is reported as such even
        // while the daemon is down.
        const builders: Record<string, () => (signal: AbortSignal) => Promise<GetPromptResult>> = {
          diagnose_container: () => {
            const container = requireContainer(args);
            return (signal) => diagnose(core, identity, container, signal);
          },
          reclaim_disk_space: () => {
            const target = optionalText(args, 'target', 512);
            return (signal) => reclaim(core, identity, target, signal);
          },
          review_container_security: () => {
            const container = requireContainer(args);
            return (signal) => review(core, identity, container, signal);
          },
        };
        // Own keys only: a name like "constructor" must not reach Object.prototype.
        const prepare = Object.hasOwn(builders, name) ? builders[name] : undefined;
        if (!prepare) throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${name}`);
        // Strict like a tool's arguments: a misspelt or extra argument is an error, not ignored.
        const declared = prompts.find((p) => p.name === name)?.arguments?.map((a) => a.name) ?? [];
        const unknown = Object.keys(args ?? {}).filter((key) => !declared.includes(key));
        if (unknown.length) {
          throw new McpError(
            ErrorCode.InvalidParams,
            `Prompt ${name} has no argument ${unknown.map((key) => shown(key)).join(', ')}; its arguments: ${declared.join(', ') || 'none'}.`,
          );
        }
        return redactPromptResult(await boundedRead(core, identity, `prompt ${name}`, extra.signal, prepare()));
      } catch (error) {
        throw asMcpError(core, error, `prompt ${name}`);
      }
    });
  });
}
