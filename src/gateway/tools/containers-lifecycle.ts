// State changes of existing containers. Each authorizes `container.change` with its action name
// (or `container.update` with the exact body) right before the one Docker request it makes, on the
// container's full id resolved once (authorizeContainer), and sends that request to the same id.
// For start, restart and unpause the policy re-judges the container as Docker will run it (its
// binds resolved again), whoever created it: see src/gateway/policy/runnable.ts.
import type Dockerode from 'dockerode';
import { z } from 'zod';
import { callBudget } from './call-budget.js';
import { authorizeContainer, containerNamePattern, containerRef, exactBody, waitFor } from './containers-shared.js';
import { defineTool, ToolError, type ToolAnnotations, type ToolContext } from './define.js';
import { applyLimit, pruneLimitInput, pruneMeta } from './object-helpers.js';
import { prunedNotice } from './output.js';

const changed = z.object({ id: z.string(), name: z.string(), state: z.string().describe('State after the change.') });

async function stateOf(container: Dockerode.Container, ctx: ToolContext): Promise<z.infer<typeof changed>> {
  const info = await container.inspect({ abortSignal: ctx.signal });
  return { id: info.Id, name: info.Name.replace(/^\//, ''), state: info.State.Status };
}

/** One tool per simple action: authorize, ask Docker, report the state that resulted. */
function changeTool<S extends z.ZodRawShape>(spec: {
  action: string;
  title: string;
  description: string;
  annotations: ToolAnnotations;
  extra: S;
  /** The container is gone afterwards: read its id and name before, not after. */
  removes?: boolean;
  run: (container: Dockerode.Container, args: z.infer<z.ZodObject<S>>, signal: AbortSignal) => Promise<unknown>;
}) {
  return defineTool({
    name: `container_${spec.action}`,
    title: spec.title,
    description: spec.description,
    family: 'containers',
    access: 'operate',
    inputSchema: z.strictObject({ container: containerRef, ...spec.extra }),
    outputSchema: changed,
    annotations: spec.annotations,
    async handler(args, ctx) {
      // The generic shape hides `container` from TypeScript; the schema above guarantees it.
      const ref = (args as { container: string }).container;
      // Authorized and acted on by the full id, so a rename in between cannot redirect the call.
      const id = await authorizeContainer(ctx, ref, (container) => ({ kind: 'container.change', container, action: spec.action }));
      const container = ctx.docker.getContainer(id);
      const before = spec.removes ? await stateOf(container, ctx) : undefined;
      await spec.run(container, args as z.infer<z.ZodObject<S>>, ctx.signal);
      const state = before ? { ...before, state: 'removed' } : await stateOf(container, ctx);
      return { structured: state, text: `${spec.title}: ${state.name} (${state.id.slice(0, 12)}) is now ${state.state}.` };
    },
  });
}

const changes = { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const disruptive = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false };
const stopTimeout = z.number().int().min(0).max(600).optional().describe('Seconds to wait for a graceful stop before SIGKILL; the container\'s default when omitted.');

export const containerStart = changeTool({
  action: 'start', title: 'Start a container', description: 'Start a created or stopped container.',
  annotations: changes, extra: {},
  run: (c, _args, abortSignal) => c.start({ abortSignal }),
});

export const containerStop = changeTool({
  action: 'stop', title: 'Stop a container', description: 'Stop a running container: its stop signal, then SIGKILL after the timeout.',
  annotations: { ...disruptive, idempotentHint: true }, extra: { timeout_seconds: stopTimeout },
  run: (c, args, abortSignal) => c.stop({ ...(args.timeout_seconds !== undefined ? { t: args.timeout_seconds } : {}), abortSignal }),
});

export const containerRestart = changeTool({
  action: 'restart', title: 'Restart a container', description: 'Stop (with the timeout) and start a container again.',
  annotations: disruptive, extra: { timeout_seconds: stopTimeout },
  run: (c, args, abortSignal) => c.restart({ ...(args.timeout_seconds !== undefined ? { t: args.timeout_seconds } : {}), abortSignal }),
});

export const containerKill = changeTool({
  action: 'kill', title: 'Send a signal to a container', description: 'Send a signal (SIGKILL by default) to the container\'s main process.',
  annotations: disruptive,
  extra: { signal: z.string().regex(/^(SIG[A-Z0-9+-]+|[A-Z0-9]+|\d{1,2})$/).default('SIGKILL').describe('Signal name or number, e.g. "SIGTERM", "HUP", "9".') },
  run: (c, args, abortSignal) => c.kill({ signal: args.signal, abortSignal }),
});

export const containerPause = changeTool({
  action: 'pause', title: 'Pause a container', description: 'Freeze all processes of a running container (cgroup freezer).',
  annotations: changes, extra: {},
  run: (c, _args, abortSignal) => c.pause({ abortSignal }),
});

export const containerUnpause = changeTool({
  action: 'unpause', title: 'Unpause a container', description: 'Resume the processes of a paused container.',
  annotations: changes, extra: {},
  run: (c, _args, abortSignal) => c.unpause({ abortSignal }),
});

export const containerRename = defineTool({
  name: 'container_rename',
  title: 'Rename a container',
  description: 'Give a container a new name.',
  family: 'containers',
  access: 'operate',
  inputSchema: z.strictObject({ container: containerRef, new_name: z.string().min(2).max(128).regex(containerNamePattern).describe('The new name.') }),
  outputSchema: changed,
  annotations: changes,
  async handler(args, ctx) {
    // The new name is judged too: a name that would make the container protected, or that a
    // protected container or its network's peers answer to, would hand over that name.
    const id = await authorizeContainer(ctx, args.container, (container) => ({ kind: 'container.change', container, action: 'rename', newName: args.new_name }));
    const container = ctx.docker.getContainer(id);
    await container.rename({ name: args.new_name, abortSignal: ctx.signal });
    const state = await stateOf(container, ctx);
    return { structured: state, text: `Rename a container: ${state.name} (${state.id.slice(0, 12)}) is now ${state.state}.` };
  },
});

export const containerRemove = changeTool({
  action: 'remove', title: 'Remove a container', description: 'Remove a container; force kills it first if it runs, volumes also removes its anonymous volumes.',
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  removes: true,
  extra: {
    force: z.boolean().default(false).describe('Kill the container first if it is running.'),
    volumes: z.boolean().default(false).describe('Also remove the anonymous volumes of the container.'),
  },
  run: (c, args, abortSignal) => c.remove({ force: args.force, v: args.volumes, abortSignal }),
});

export const containerUpdate = defineTool({
  name: 'container_update',
  title: 'Update container resources',
  description: 'Change a container\'s CPU and memory limits or its restart policy (nothing else), live.',
  family: 'containers',
  access: 'operate',
  inputSchema: z.strictObject({
    container: containerRef,
    memory: z.number().int().min(6 * 1024 * 1024).optional().describe('Memory limit in bytes.'),
    memory_swap: z.number().int().min(-1).optional().describe('Memory plus swap limit in bytes; -1 for unlimited swap.'),
    cpus: z.number().positive().max(1024).optional().describe('CPU limit in CPUs, e.g. 1.5.'),
    cpu_shares: z.number().int().min(2).max(262144).optional().describe('Relative CPU weight (default 1024).'),
    restart_policy: z
      .strictObject({
        name: z.enum(['no', 'always', 'unless-stopped', 'on-failure']).describe('When Docker restarts the container.'),
        maximum_retry_count: z.number().int().min(0).max(1000).optional().describe('Retries for on-failure.'),
      })
      .optional()
      .describe('New restart policy.'),
  }),
  outputSchema: z.object({
    id: z.string(),
    warnings: z.array(z.string()),
    // Declared, not `z.unknown()`: clients reject or ignore a schema with no keyword (see json-schema.ts).
    applied: z
      .record(z.string(), z.union([z.number(), z.record(z.string(), z.union([z.string(), z.number()]))]))
      .describe('The Engine API update body sent: limits as numbers (Memory, NanoCpus, …), RestartPolicy as an object.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const body: Record<string, number | { Name: string; MaximumRetryCount: number }> = {};
    if (args.memory !== undefined) body.Memory = args.memory;
    if (args.memory_swap !== undefined) body.MemorySwap = args.memory_swap;
    if (args.cpus !== undefined) body.NanoCpus = Math.round(args.cpus * 1e9);
    if (args.cpu_shares !== undefined) body.CpuShares = args.cpu_shares;
    if (args.restart_policy) {
      body.RestartPolicy = { Name: args.restart_policy.name, MaximumRetryCount: args.restart_policy.maximum_retry_count ?? 0 };
    }
    if (!Object.keys(body).length) throw new ToolError('Nothing to update.', 'Give memory, memory_swap, cpus, cpu_shares or restart_policy.');
    const id = await authorizeContainer(ctx, args.container, (container) => ({ kind: 'container.update', container, body }));
    const result = (await ctx.docker.getContainer(id).update(exactBody(body, {}, ctx.signal))) as { Warnings?: string[] | null };
    const warnings = result?.Warnings ?? [];
    return {
      structured: { id: args.container, warnings, applied: body },
      text: `Updated ${args.container}: ${JSON.stringify(body)}${warnings.length ? `\nWarnings: ${warnings.join('; ')}` : ''}`,
    };
  },
});

export const containerWait = defineTool({
  name: 'container_wait',
  title: 'Wait for a container',
  description: 'Wait until a container stops (or exits next, or is removed), up to timeout_seconds; returns its exit code.',
  family: 'containers',
  access: 'read',
  longRunning: true,
  inputSchema: z.strictObject({
    container: containerRef,
    condition: z.enum(['not-running', 'next-exit', 'removed']).default('not-running').describe('What to wait for.'),
    timeout_seconds: z.number().int().min(1).max(3600).default(60)
      .describe('Give up after this long (the container is not touched); at most the gateway\'s long_call_timeout_seconds (default 900).'),
  }),
  outputSchema: z.object({ exited: z.boolean(), timed_out: z.boolean(), exit_code: z.number().nullable(), error: z.string().nullable() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const budget = callBudget(ctx, 'timeout_seconds', args.timeout_seconds);
    const started = Date.now();
    const ticker = setInterval(() => {
      const elapsed = Math.floor((Date.now() - started) / 1000);
      void ctx.progress({ progress: elapsed, total: args.timeout_seconds, message: `waiting for ${args.container}` });
    }, 5000);
    const waitMs = budget.waitMs();
    const outcome = await waitFor(ctx.docker.getContainer(args.container), args.condition, waitMs, ctx.signal).finally(
      () => clearInterval(ticker),
    );
    const text = outcome.timed_out
      ? `${args.container} did not reach "${args.condition}" within ${Number((waitMs / 1000).toFixed(1))}s${budget.shortenedNote()}.`
      : `${args.container} reached "${args.condition}" with exit code ${outcome.exit_code}${outcome.error ? ` (${outcome.error})` : ''}.`;
    return { structured: outcome, text };
  },
});

function hasLabel(labels: Record<string, string>, term: string): boolean {
  const eq = term.indexOf('=');
  return eq < 0 ? Object.hasOwn(labels, term) : labels[term.slice(0, eq)] === term.slice(eq + 1);
}

const GO_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Docker's `until`: a Go duration before now ("24h", "1h30m"), unix seconds, or a date/RFC 3339 time. */
export function untilSeconds(spec: string, now = Date.now()): number {
  if (/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(spec)) {
    let seconds = 0;
    for (const m of spec.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) seconds += Number(m[1]) * GO_UNITS[m[2]!]!;
    return now / 1000 - seconds;
  }
  if (/^\d+(\.\d+)?$/.test(spec)) return Number(spec);
  const ms = Date.parse(spec);
  if (Number.isNaN(ms)) throw new ToolError(`Cannot read the time "${spec}".`, 'Use a duration like "24h", unix seconds or an RFC 3339 time.');
  return ms / 1000;
}

export const containerPrune = defineTool({
  name: 'container_prune',
  title: 'Remove stopped containers',
  description: 'Remove all stopped containers, optionally only those matching labels or older than a time.',
  family: 'containers',
  access: 'admin',
  inputSchema: z.strictObject({
    label: z.array(z.string().min(1).max(512)).max(16).optional().describe('Only containers with these labels: "key" or "key=value" (all must match).'),
    label_not: z.array(z.string().min(1).max(512)).max(16).optional().describe('Skip containers with these labels.'),
    until: z.string().max(40).regex(/^[0-9a-zA-Z:.+-]+$/).optional().describe('Only containers created before this: unix seconds, RFC 3339 or a duration like "24h".'),
    limit: pruneLimitInput,
  }),
  outputSchema: z.object({ deleted: z.array(z.string()), space_reclaimed_bytes: z.number(), ...pruneMeta }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    // Not Docker's prune endpoint: it would also delete stopped containers the policy protects, and
    // the policy can only judge named containers. So: list what a prune would take, authorize each
    // one (one protected container denies the whole call, nothing removed; narrow with label_not),
    // then remove exactly those ids, so a container that stops meanwhile is never taken unchecked.
    const before = args.until === undefined ? undefined : untilSeconds(args.until);
    const found = await ctx.docker.listContainers({
      all: true, size: true, abortSignal: ctx.signal,
      filters: { status: ['created', 'exited', 'dead'], ...(args.label?.length ? { label: args.label } : {}) },
    } as Dockerode.ContainerListOptions);
    const targets = found.filter((c) =>
      !(args.label_not ?? []).some((term) => hasLabel(c.Labels ?? {}, term)) && (before === undefined || c.Created < before));
    for (const c of targets) await ctx.authorize({ kind: 'container.change', container: c.Id, action: 'prune' });
    const removed: string[] = [];
    let reclaimed = 0;
    for (const c of targets) {
      try {
        await ctx.docker.getContainer(c.Id).remove({ abortSignal: ctx.signal });
      } catch (error) {
        // Gone already, or started again since the listing (409): a prune leaves those alone.
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 404 || status === 409) continue;
        throw error;
      }
      removed.push(c.Id);
      reclaimed += (c as { SizeRw?: number }).SizeRw ?? 0;
    }
    const deleted = applyLimit(removed, args.limit, ctx);
    return {
      structured: { deleted: deleted.items, deleted_total: deleted.total, space_reclaimed_bytes: reclaimed, truncated: deleted.truncated },
      text: `Removed ${deleted.total} stopped container(s), reclaimed ${reclaimed} bytes.` +
        (deleted.items.length ? `\n${deleted.items.map((id) => id.slice(0, 12)).join('\n')}` : '') + prunedNotice(deleted, 'removed ids'),
    };
  },
});
