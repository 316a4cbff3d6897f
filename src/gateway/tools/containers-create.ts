// container_create and container_run. Both build the body in containers-spec.ts and authorize the
// image and that exact body before anything reaches Docker.
import type Dockerode from 'dockerode';
import { z } from 'zod';
import { demuxBounded, fitPair, openLogStream, TailCollector } from '../docker/streams.js';
import { callBudget } from './call-budget.js';
import { waitFor, type WaitOutcome } from './containers-shared.js';
import { buildCreateBody, createFields, type CreateArgs } from './containers-spec.js';
import { defineTool, ToolError, type ToolContext } from './define.js';
import { truncationNotice } from './output.js';

const created = {
  id: z.string(),
  name: z.string(),
  warnings: z.array(z.string()),
};

async function createContainer(args: CreateArgs, ctx: ToolContext): Promise<{ container: Dockerode.Container; name: string; warnings: string[] }> {
  const body = buildCreateBody(args);
  await ctx.authorize({ kind: 'image.use', image: args.image, action: 'create' });
  // The name goes in the query, not the body; the policy judges it with the body (protected names, network DNS).
  await ctx.authorize({ kind: 'container.create', body, ...(args.name ? { name: args.name } : {}) });
  // dial directly: dockerode's createContainer drops the Warnings and copies the body into the query.
  const response = await new Promise<{ Id: string; Warnings?: string[] | null }>((resolve, reject) => {
    ctx.docker.modem.dial(
      {
        path: '/containers/create?',
        method: 'POST',
        options: { _query: args.name ? { name: args.name } : {}, _body: body },
        abortSignal: ctx.signal,
        statusCodes: { 200: true, 201: true, 400: 'bad parameter', 404: 'no such image', 409: 'conflict', 500: 'server error' },
      },
      (error, data) => (error ? reject(error) : resolve(data as { Id: string; Warnings?: string[] | null })),
    );
  });
  const container = ctx.docker.getContainer(response.Id);
  // The response carries only the id; inspect gives the (possibly generated) name.
  const info = await container.inspect({ abortSignal: ctx.signal });
  return { container, name: info.Name.replace(/^\//, ''), warnings: response.Warnings ?? [] };
}

export const containerCreate = defineTool({
  name: 'container_create',
  title: 'Create a container',
  description:
    'Create (but do not start) a container from an image that is already present. Every setting is a named field; ' +
    'host-level options (privileged, devices, host namespaces, capabilities) are checked by the gateway policy.',
  family: 'containers',
  access: 'admin',
  inputSchema: z.strictObject(createFields),
  outputSchema: z.object(created),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(args, ctx) {
    const { container, name, warnings } = await createContainer(args, ctx);
    return { structured: { id: container.id, name, warnings }, text: `Created container ${name} (${container.id.slice(0, 12)}).` };
  },
});

const runOutput = z.object({
  ...created,
  started: z.boolean(),
  wait: z
    .object({ exited: z.boolean(), timed_out: z.boolean(), exit_code: z.number().nullable(), error: z.string().nullable() })
    .nullable()
    .describe('Null unless wait was requested.'),
  stdout: z.string(),
  stderr: z.string(),
  stdout_truncated: z.boolean(),
  stderr_truncated: z.boolean(),
  removed: z.boolean(),
});

export const containerRun = defineTool({
  name: 'container_run',
  title: 'Run a container',
  description:
    'Create and start a container. With wait=true, wait (up to wait_timeout_seconds) for it to exit and return the exit code and ' +
    'its logs (tail, capped); with remove=true also remove it once it exited.',
  family: 'containers',
  access: 'admin',
  longRunning: true,
  inputSchema: z.strictObject({
    ...createFields,
    wait: z.boolean().default(false).describe('Wait for the container to exit and return its exit code and logs.'),
    wait_timeout_seconds: z.number().int().min(1).max(3600).default(60)
      .describe('How long to wait for the exit; the container keeps running after that. At most the gateway\'s long_call_timeout_seconds (default 900).'),
    remove: z.boolean().default(false).describe('Remove the container after it exited (needs wait).'),
  }),
  outputSchema: runOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(args, ctx) {
    const { wait, wait_timeout_seconds: waitSeconds, remove, ...spec } = args;
    if (remove && !wait) throw new ToolError('remove needs wait: true.', 'Or create with auto_remove: true.');
    if (wait && spec.auto_remove) {
      throw new ToolError('auto_remove with wait would lose the logs before they are read.', 'Use remove: true instead.');
    }
    // Checked before the container exists: a wait the gateway would cut off must not leave one behind.
    const budget = wait ? callBudget(ctx, 'wait_timeout_seconds', waitSeconds) : undefined;
    const { container, name, warnings } = await createContainer(spec, ctx);
    const removeIt = async (): Promise<boolean> => {
      await ctx.authorize({ kind: 'container.change', container: container.id, action: 'remove' });
      await container.remove({ force: true, abortSignal: ctx.signal });
      return true;
    };
    try {
      await ctx.authorize({ kind: 'container.change', container: container.id, action: 'start' });
      await container.start({ abortSignal: ctx.signal });
    } catch (error) {
      // Do not leave a half-made container behind when the caller asked for a clean run.
      if (remove) await removeIt().catch(() => false);
      throw error;
    }
    const result = {
      id: container.id, name, warnings, started: true, wait: null as WaitOutcome | null,
      stdout: '', stderr: '', stdout_truncated: false, stderr_truncated: false, removed: false,
    };
    let text = `Started container ${name} (${container.id.slice(0, 12)}).`;
    if (!budget) return { structured: result, text };

    const ticker = setInterval(() => void ctx.progress({ progress: 0, message: `waiting for ${name} to exit` }), 5000);
    const waitMs = budget.waitMs();
    try {
      result.wait = await waitFor(container, 'not-running', waitMs, ctx.signal);
    } finally {
      clearInterval(ticker);
    }
    const cap = ctx.limits.maxOutputBytes;
    const out = new TailCollector(cap);
    const err = new TailCollector(cap);
    // Streamed, not buffered: a chatty container's whole log never sits in memory, only the tail.
    const logs = await openLogStream(ctx.docker, container.id, { stdout: true, stderr: true, follow: false, timestamps: false }, ctx.signal);
    const read = await demuxBounded(ctx.docker.modem, logs, { stdout: out, stderr: err, tty: !!spec.tty }, {
      signal: ctx.signal, maxMs: Math.min(ctx.timeoutMs, budget.leftMs()),
    });
    const [stdout, stderr] = fitPair(out.result(), err.result(), cap);
    Object.assign(result, { stdout: stdout.text, stderr: stderr.text, stdout_truncated: stdout.truncated, stderr_truncated: stderr.truncated });
    if (result.wait.timed_out) {
      text += ` Still running after ${Number((waitMs / 1000).toFixed(1))}s${budget.shortenedNote()}${remove ? '; not removed' : ''}.`;
    } else {
      text += ` Exited with code ${result.wait.exit_code}.`;
      if (remove) result.removed = await removeIt();
      if (result.removed) text += ' Removed.';
    }
    if (read.reason === 'time') text += ' Reading the logs ran out of time; they may be incomplete.';
    text += `\n--- stdout ---\n${truncationNotice(stdout, 'stdout')}${stdout.text}`;
    if (stderr.text) text += `\n--- stderr ---\n${truncationNotice(stderr, 'stderr')}${stderr.text}`;
    return { structured: result, text };
  },
});
