// The execute step (src/gateway/tools/pipeline/execute.ts): the handler gets the parsed input and a
// context; the caller is answered at once on timeout, client cancel or shutdown even when the
// handler ignores its signal; a policy refusal on the exact operation ends the call as denied;
// progress text is redacted; no listener is left on the caller's signal.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, type ToolContext, type ToolDefinition } from '../../src/gateway/tools/define.js';
import { executeStep, type ExecuteDeps } from '../../src/gateway/tools/pipeline/execute.js';
import { Aborted } from '../../src/gateway/tools/pipeline/results.js';
import type { ProgressUpdate } from '../../src/gateway/tools/define.js';
import { testDocker } from '../helpers/env.js';
import { memoryLog, origin, presetPolicy, token, toolCall } from './pipeline-helpers.js';

/** A tool whose handler is the test's: it sees the context and decides when (if ever) to answer. */
function toolWith(handler: (ctx: ToolContext, args: unknown) => Promise<{ text: string; structured: Record<string, unknown> }>, readOnly = true): ToolDefinition {
  return defineTool({
    name: 'probe', title: 'Probe', description: 'Test tool.', family: 'containers', access: 'operate',
    inputSchema: z.object({}), outputSchema: z.object({}).passthrough(),
    annotations: { readOnlyHint: readOnly, destructiveHint: !readOnly, idempotentHint: false, openWorldHint: false },
    handler: (args, ctx) => handler(ctx, args),
  });
}

const never = (): Promise<never> => new Promise(() => undefined);

function deps(overrides: Partial<ExecuteDeps> = {}): ExecuteDeps {
  return {
    docker: testDocker(), endpoint: 'unix:///test.sock', policy: presetPolicy('operator'), log: memoryLog('silent').log,
    limits: { maxOutputBytes: 1024, defaultListLimit: 10 }, timeoutMs: 5_000, longTimeoutMs: 60_000, ...overrides,
  };
}

const rejection = (work: Promise<unknown>): Promise<Aborted> => work.then(() => { throw new Error('expected an abort'); }, (error: Aborted) => error);

describe('execute step', () => {
  it('runs the handler with the parsed input and answers ok with the checkCall decision', async () => {
    let seen: { args: unknown; ctx?: ToolContext } = { args: undefined };
    const tool = toolWith((ctx, args) => {
      seen = { args, ctx };
      return Promise.resolve({ text: 'fine', structured: { n: 1 } });
    });
    const call = { ...toolCall(tool, { raw: true }), input: { parsed: true }, decision: { allowed: true } };
    const output = await executeStep(deps({ timeoutMs: 1_234, longTimeoutMs: 9_999 }))(call);
    expect(output).toEqual({ outcome: 'ok', decision: { allowed: true }, result: { content: [{ type: 'text', text: 'fine' }], structuredContent: { n: 1 } } });
    expect(seen.args).toEqual({ parsed: true });
    expect(seen.ctx).toMatchObject({ timeoutMs: 1_234, callTimeoutMs: 1_234, limits: { maxOutputBytes: 1024 } });
  });

  it('answers at the deadline though the handler ignores its signal, and aborts that signal', async () => {
    let signal: AbortSignal | undefined;
    const tool = toolWith((ctx) => ((signal = ctx.signal), never()), false);
    const started = performance.now();
    const error = await rejection(executeStep(deps({ timeoutMs: 50 }))(toolCall(tool)));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(Aborted);
    expect(error.outcome).toBe('timeout');
    expect(error.message).toBe('probe timed out after 0 s (Docker at unix:///test.sock). The request was cancelled, but Docker may still complete the operation; check its state before retrying.');
    expect(error.hint).toBe('Raise docker_timeout or narrow the request.');
    expect(signal?.aborted).toBe(true);
  });

  it('a long-running tool gets long_call_timeout_seconds as its bound', async () => {
    let callTimeoutMs = 0;
    const tool = { ...toolWith((ctx) => ((callTimeoutMs = ctx.callTimeoutMs), never())), longRunning: true };
    const error = await rejection(executeStep(deps({ timeoutMs: 10, longTimeoutMs: 60 }))(toolCall(tool)));
    expect(callTimeoutMs).toBe(60);
    expect(error.hint).toBe('Narrow the request or raise long_call_timeout_seconds.');
  });

  it('the client\'s cancel answers at once; an already-cancelled call never starts its handler', async () => {
    const client = new AbortController();
    const tool = toolWith(() => never());
    const running = rejection(executeStep(deps())(toolCall(tool, {}, origin({ signal: client.signal }))));
    client.abort();
    expect(await running).toMatchObject({ outcome: 'cancelled', message: 'Cancelled by the client.' });

    let started = false;
    const late = toolWith(() => ((started = true), never()));
    expect(await rejection(executeStep(deps())(toolCall(late, {}, origin({ signal: client.signal }))))).toMatchObject({ outcome: 'cancelled' });
    expect(started).toBe(false);
  });

  it('shutdown ends every running call', async () => {
    const shutdown = new AbortController();
    const execute = executeStep(deps({ shutdownSignal: shutdown.signal }));
    const tool = toolWith(() => never());
    const calls = [rejection(execute(toolCall(tool))), rejection(execute(toolCall(tool)))];
    shutdown.abort();
    for (const error of await Promise.all(calls)) expect(error).toMatchObject({ outcome: 'cancelled', message: 'The gateway is shutting down.', hint: 'Retry shortly.' });
  });

  it('ctx.authorize judges the exact operation with the real policy: a refusal ends the call as denied and is kept for the audit line', async () => {
    const tool = toolWith(async (ctx) => {
      await ctx.authorize({ kind: 'container.change', container: 'x', action: 'stop' });
      return { text: 'stopped', structured: {} };
    }, false);
    const call = toolCall(tool, {}, origin({ identity: token('read') }));
    const error = await rejection(executeStep(deps())(call));
    expect(error).toMatchObject({ outcome: 'denied' });
    expect(error.message).toMatch(/^Denied by policy rule /);
    expect(call.denial).toMatchObject({ allowed: false });
  });

  it('sends progress redacted, and a no-op progress when the client asked for none', async () => {
    const sent: ProgressUpdate[] = [];
    const tool = toolWith(async (ctx) => {
      await ctx.progress({ progress: 1, message: 'Step 2/3 : ENV DB_PASSWORD=s1' });
      await ctx.progress({ progress: 2 });
      return { text: 'built', structured: {} };
    });
    await executeStep(deps())(toolCall(tool, {}, origin({ progress: (update) => (sent.push(update), Promise.resolve()) })));
    expect(sent).toEqual([{ progress: 1, message: 'Step 2/3 : ENV DB_PASSWORD=[REDACTED]' }, { progress: 2 }]);
    expect((await executeStep(deps())(toolCall(tool))).outcome).toBe('ok');
  });

  it('leaves no listener on the caller\'s signal and no timer behind, however the call ends', async () => {
    const client = new AbortController();
    const from = origin({ signal: client.signal });
    await executeStep(deps())(toolCall(toolWith(() => Promise.resolve({ text: '', structured: {} })), {}, from));
    await rejection(executeStep(deps())(toolCall(toolWith(() => Promise.reject(new Error('boom'))), {}, from)));
    await rejection(executeStep(deps({ timeoutMs: 20 }))(toolCall(toolWith(() => never()), {}, from)));
    expect(getEventListeners(client.signal, 'abort')).toHaveLength(0);
  });
});
