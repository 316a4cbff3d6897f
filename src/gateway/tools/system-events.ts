// system_events: a bounded window onto the Docker event stream. It always ends by itself (count,
// window or `until`), sends progress per event, and closes the Docker stream on cancel.
import { z } from 'zod';
import { watchEvents, type DockerEvent } from '../docker/engine-calls.js';
import { callBudget } from './call-budget.js';
import { defineTool, ToolError } from './define.js';

const timeSpec = z
  .string()
  .regex(/^(\d+(\.\d+)?[smhd]|\d{9,}|\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2}))$/, 'use 30s, 10m, 2h, 1d, unix seconds or an RFC 3339 time');

/** Converts "10m" (ago), unix seconds or RFC 3339 into unix seconds. */
export function toUnixSeconds(spec: string, now = Date.now()): number {
  const relative = /^(\d+(?:\.\d+)?)([smhd])$/.exec(spec);
  if (relative) {
    const factor = { s: 1, m: 60, h: 3600, d: 86_400 }[relative[2] as 's' | 'm' | 'h' | 'd'];
    return Math.floor(now / 1000 - Number(relative[1]) * factor);
  }
  if (/^\d+$/.test(spec)) return Number(spec);
  const ms = Date.parse(spec);
  if (Number.isNaN(ms)) throw new ToolError(`Cannot read the time "${spec}".`);
  return Math.floor(ms / 1000);
}

const eventSchema = z.object({
  time: z.string().describe('When it happened, RFC 3339.'),
  type: z.string().describe('Object type: container, image, volume, network, daemon, …'),
  action: z.string().describe('What happened: start, die, pull, destroy, …'),
  actor_id: z.string().describe('Id of the object.'),
  name: z.string().describe('Name of the object when Docker reports one.'),
  attributes: z.record(z.string(), z.string()).describe('Event attributes (labels, image, exit code, …).'),
});

const list = (what: string) => z.array(z.string().min(1).max(256)).max(50).optional().describe(what);

export const eventsTool = defineTool({
  name: 'system_events',
  title: 'Docker events',
  description:
    'Collects Docker events (container start/die/oom, image pull, volume and network changes, …) from the past and/or ' +
    'as they happen, until `limit` events arrived, `window_seconds` passed, or `until` is reached. Sends progress per event.',
  family: 'system',
  access: 'read',
  longRunning: true,
  inputSchema: z.strictObject({
    since: timeSpec.optional().describe('Start from this time (e.g. "10m" = ten minutes ago, unix seconds or RFC 3339). Default: now.'),
    until: timeSpec.optional().describe('Stop at this time. With a past `until` only history is returned and the call ends at once.'),
    window_seconds: z.number().positive().max(600).default(10)
      .describe('Longest time to keep listening for new events, in seconds.'),
    limit: z.number().int().min(1).max(1000).default(100).describe('Stop after this many events.'),
    types: z.array(z.enum(['container', 'image', 'volume', 'network', 'daemon', 'plugin', 'service', 'node', 'secret', 'config']))
      .max(10).optional().describe('Only these object types.'),
    actions: list('Only these actions, e.g. ["die", "oom", "start"].'),
    containers: list('Only events of these containers (names or ids).'),
    images: list('Only events of these images.'),
    labels: list('Only objects with these labels: "key" or "key=value".'),
  }),
  outputSchema: z.object({
    events: z.array(eventSchema),
    count: z.number(),
    truncated: z.boolean().describe('True when `limit` was reached: more events may exist.'),
    stopped_by: z.enum(['limit', 'window', 'until']),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const budget = callBudget(ctx, 'window_seconds', args.window_seconds);
    const events: z.infer<typeof eventSchema>[] = [];
    const until = args.until === undefined ? undefined : toUnixSeconds(args.until);
    const since = args.since === undefined ? undefined : toUnixSeconds(args.since);
    if (since !== undefined && until !== undefined && until < since) throw new ToolError('`until` is before `since`.');
    // Set from callbacks, so kept in an object (TS would otherwise narrow it to the initial value).
    const state: { stoppedBy: 'limit' | 'window' | 'until' } = { stoppedBy: 'until' };
    let stop = (): void => undefined;
    // exec_* actions carry the exec's command line and attributes carry the object's labels: they
    // leave, in the result and in progress messages, through the registry's redaction (audit/redact.ts).
    const onEvent = (e: DockerEvent): void => {
      if (events.length >= args.limit) return;
      const attributes = e.Actor?.Attributes ?? {};
      events.push({
        time: new Date(e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000).toISOString(),
        type: e.Type ?? '',
        action: e.Action ?? '',
        actor_id: e.Actor?.ID ?? '',
        name: attributes.name ?? '',
        attributes,
      });
      void ctx.progress({ progress: events.length, total: args.limit, message: `${e.Type ?? '?'} ${e.Action ?? '?'} ${attributes.name ?? ''}`.trim() });
      if (events.length >= args.limit) {
        state.stoppedBy = 'limit';
        stop();
      }
    };
    const watch = await watchEvents(
      ctx.docker,
      {
        since,
        until,
        filters: {
          type: args.types, event: args.actions, container: args.containers, image: args.images, label: args.labels,
        },
        signal: ctx.signal,
      },
      onEvent,
    );
    stop = watch.stop;
    const windowMs = budget.waitMs();
    const window = setTimeout(() => {
      state.stoppedBy = 'window';
      watch.stop();
    }, windowMs);
    try {
      await watch.done;
    } finally {
      clearTimeout(window);
      watch.stop();
    }
    if (ctx.signal.aborted) throw ctx.signal.reason as Error;
    const lines = events.map((e) => `${e.time} ${e.type} ${e.action} ${e.name || e.actor_id.slice(0, 12)}`);
    const reason = { limit: `stopped at the limit of ${args.limit}; more may exist`, window: `listened for ${Number((windowMs / 1000).toFixed(1))} s${budget.shortenedNote()}`, until: 'reached `until`' }[state.stoppedBy];
    return {
      structured: { events, count: events.length, truncated: state.stoppedBy === 'limit', stopped_by: state.stoppedBy },
      text: `${events.length} event(s) (${reason}).${lines.length ? `\n${lines.join('\n')}` : ''}`,
    };
  },
});
