// Shared pieces for the call pipeline's step tests (src/gateway/tools/pipeline/): a small tool, a
// call as lookup makes it, and a stub `next` that records what reached it. Everything else a step
// depends on is the real thing (policy, limits, metrics, audit log, daemon monitor).
import type Dockerode from 'dockerode';
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import { expandScope } from '../../src/gateway/auth/scopes.js';
import { createAuditLog, type AuditLog } from '../../src/gateway/audit/audit-log.js';
import { createMetrics, type Metrics } from '../../src/gateway/observability/metrics.js';
import { createOperationPolicy, type Preset } from '../../src/gateway/policy/policy.js';
import type { Identity, OperationPolicy, Scope } from '../../src/gateway/security.js';
import { defineTool, type ToolDefinition } from '../../src/gateway/tools/define.js';
import type { Next, ToolCall } from '../../src/gateway/tools/pipeline/index.js';
import type { CallOrigin, CallOutput } from '../../src/gateway/tools/registry-types.js';
import { textSink } from '../helpers/text-sink.js';

export const echoTool = defineTool({
  name: 'echo_value',
  title: 'Echo',
  description: 'Echoes a value.',
  family: 'system',
  access: 'read',
  inputSchema: z.strictObject({ value: z.string(), times: z.number().int().default(1) }),
  outputSchema: z.object({ value: z.string() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: (args) => Promise.resolve({ structured: { value: args.value.repeat(args.times) }, text: args.value }),
}) as unknown as ToolDefinition;

export function token(scope: Scope, name: string = scope): Identity {
  return { id: `token:${name}`, kind: 'token', name, scopes: expandScope(scope) };
}

/** The real operation policy; checkCall and visibleTools need no Docker. */
export function presetPolicy(preset: Preset, toolDeny: string[] = []): OperationPolicy {
  return createOperationPolicy({
    preset, toolAllow: [], toolDeny, rules: { binds: { rules: [], socketPaths: [] }, allowedCapabilities: new Set() },
    allowExecRoot: false, scope: { selector: [], protectedLabels: [], protectedContainers: [], self: [] }, socketPaths: [],
  }, {} as Dockerode);
}

export function origin(overrides: Partial<CallOrigin> = {}): CallOrigin {
  return { identity: token('admin'), transport: 'http', requestId: 'http:1', signal: new AbortController().signal, ...overrides };
}

/** A call as lookup hands it on. */
export function toolCall(tool: ToolDefinition = echoTool, args: unknown = { value: 'hi' }, from: CallOrigin = origin()): ToolCall {
  return { name: tool.name, args, origin: from, tool, input: undefined, decision: undefined, signal: undefined, denial: undefined };
}

export function okOutput(text = 'done'): CallOutput {
  return { outcome: 'ok', result: { content: [{ type: 'text', text }], structuredContent: { value: text } } };
}

/** A `next` that answers `answer` (or throws it when it is an Error) and keeps the calls it saw. */
export function stubNext(answer: CallOutput | Error = okOutput()): Next & { calls: ToolCall[] } {
  const calls: ToolCall[] = [];
  const next = (call: ToolCall): Promise<CallOutput> => {
    calls.push(call);
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  return Object.assign(next, { calls });
}

export function quietMetrics(): Metrics {
  return createMetrics({ processMetrics: false });
}

/** The value of one labelled series (0 when absent); a histogram's `<name>_count` reads its sample count. */
export async function metricValue(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const histogramCount = name.endsWith('_count') ? name : undefined;
  const metric = await metrics.registry.getSingleMetric(histogramCount ? name.slice(0, -'_count'.length) : name)?.get();
  const series = metric?.values.find((v) => (!histogramCount || (v as { metricName?: string }).metricName === histogramCount)
    && Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return series?.value ?? 0;
}

/** A real audit log writing into memory; `lines()` parses what it wrote. */
export function memoryAudit(): AuditLog & { lines: () => Record<string, unknown>[] } {
  const sink = textSink();
  const audit = createAuditLog({ stream: sink });
  const lines = (): Record<string, unknown>[] => sink.text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return Object.assign(audit, { lines });
}

/** A pino logger writing JSON lines into memory at `level`. */
export function memoryLog(level = 'debug'): { log: Logger; lines: () => Record<string, unknown>[] } {
  const sink = textSink();
  const log = pino({ level }, sink);
  return { log, lines: () => sink.text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}
