// A real ToolContext for calling tool handlers directly against the private daemon (no MCP in
// between). Transport-level tests use real SDK clients instead.
import pino from 'pino';
import type { GuardedOperation, ProgressUpdate, ToolContext, ToolDefinition } from '../../src/gateway/tools/define.js';
import { testDocker } from './env.js';

export interface TestToolContext extends ToolContext {
  progressUpdates: ProgressUpdate[];
  authorized: GuardedOperation[];
  controller: AbortController;
}

export function makeToolContext(overrides: Partial<ToolContext> = {}): TestToolContext {
  const controller = new AbortController();
  const progressUpdates: ProgressUpdate[] = [];
  const authorized: GuardedOperation[] = [];
  return {
    docker: testDocker(),
    signal: controller.signal,
    timeoutMs: 30_000,
    // long_call_timeout_seconds' default, as the registry gives long-running tools.
    callTimeoutMs: 900_000,
    progress: (update) => {
      progressUpdates.push(update);
      return Promise.resolve();
    },
    log: pino({ level: 'silent' }),
    limits: { maxOutputBytes: 1024 * 1024, defaultListLimit: 100 },
    authorize: (operation) => {
      authorized.push(operation);
      return Promise.resolve();
    },
    ...overrides,
    progressUpdates,
    authorized,
    controller,
  };
}

/** Validates args with the tool's input schema (as the registry does) and runs the handler. */
export async function callTool<I extends ToolDefinition>(
  tool: I,
  args: unknown,
  ctx: ToolContext = makeToolContext(),
): Promise<Awaited<ReturnType<I['handler']>>> {
  const parsed: unknown = tool.inputSchema.parse(args);
  const result = await tool.handler(parsed as never, ctx);
  tool.outputSchema.parse(result.structured);
  return result as Awaited<ReturnType<I['handler']>>;
}
