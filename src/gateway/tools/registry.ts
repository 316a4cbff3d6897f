// One path for every tool call, whatever the transport (MCP over HTTP/WS/stdio, or the seed's
// POST /mcp/call): lookup filtered by policy, zod validation, checkCall, the handler with a
// cancellable context, error mapping, metrics and one log line.
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { isDaemonUnreachable, toToolError } from '../docker/errors.js';
import type { CallOutcome } from '../observability/metrics.js';
import { eitherSignal, fromAuthInfo } from '../request-context.js';
import type { Identity, PolicyDecision } from '../security.js';
import { ToolError, type ProgressUpdate, type ToolContext, type ToolDefinition } from './define.js';
import { installClientLogging } from '../client-log.js';
import { toolJson } from './json-schema.js';
import type { AuditEntry } from '../audit/audit-log.js';
import { redactText, redactToolResult } from '../audit/redact.js';
import { NOT_RECORDED, recordRefusal } from '../audit/refusals.js';
import type { CallOrigin, CallOutput, RegistryDeps, ToolRegistry } from './registry-types.js';
import { HiddenToolError, hiddenToolError, unknownToolError } from './hidden-tools.js';

export type { CallAdmission, CallAuditor, CallOrigin, CallOutput, RegistryDeps, ToolRegistry } from './registry-types.js';

function errorResult(message: string, hint?: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: hint ? `${message}\nHint: ${hint}` : message }] };
}

// zod says only "Invalid input" when a value matches none of a union's forms (tail: number or
// "all"); the forms' own messages say what would have been accepted.
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue.message;
  const forms = issue.errors.map((form) =>
    form.map((inner) => `${inner.path.length ? `${inner.path.join('.')}: ` : ''}${inner.message.replace(/^Invalid input: /, '')}`).join(', '));
  return `matches none of its accepted forms (${forms.join('; or ')})`;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(arguments)'}: ${issueMessage(issue)}`)
    .join('; ');
}

const auditOutcome = {
  ok: 'ok', tool_error: 'error', invalid_args: 'error', internal: 'error', timeout: 'error',
  denied: 'denied', limited: 'limited', cancelled: 'cancelled',
} as const satisfies Record<CallOutcome, string>;

// Which failure an audit line's outcome `error` was (the metric's outcome label).
const errorKinds: Partial<Record<CallOutcome, AuditEntry['errorKind']>> = {
  tool_error: 'tool_error', invalid_args: 'invalid_args', internal: 'internal', timeout: 'timeout',
};

class Aborted extends ToolError {
  constructor(
    message: string,
    readonly outcome: CallOutcome,
    hint?: string,
  ) {
    super(message, hint);
  }
}

export function createToolRegistry(deps: RegistryDeps): ToolRegistry {
  const byName = new Map(deps.tools.map((tool) => [tool.name, tool]));
  if (byName.size !== deps.tools.length) throw new Error('duplicate tool names in the tool list');

  // The policy is fixed for the life of the process, so an identity's tool list is computed once
  // per identity object (a WebSocket or session keeps its object; per-request identities just miss).
  const visibleCache = new WeakMap<Identity, ToolDefinition[]>();
  const visible = (identity: Identity): ToolDefinition[] => {
    let tools = visibleCache.get(identity);
    if (!tools) visibleCache.set(identity, (tools = deps.policy.visibleTools(identity, deps.tools)));
    return tools;
  };
  const validateOutput = deps.validateOutput ?? true;
  let running = 0;
  const abortOnShutdown = new Set<(reason: Aborted) => void>();
  deps.shutdownSignal?.addEventListener('abort', () => {
    for (const abort of abortOnShutdown) abort(new Aborted('The gateway is shutting down.', 'cancelled', 'Retry shortly.'));
  }, { once: true });

  function lookup(identity: Identity, name: string): ToolDefinition {
    const tool = byName.get(name);
    const seen = visible(identity);
    // A tool that exists but is hidden says so, and what would allow it (hidden-tools.ts); only
    // a name that is no tool at all is "Unknown tool" (byName is a Map: `__proto__` is no tool).
    if (tool && !seen.includes(tool)) throw hiddenToolError(deps.policy, identity, tool);
    if (!tool) throw unknownToolError(name, seen);
    return tool;
  }

  async function run(tool: ToolDefinition, args: unknown, origin: CallOrigin): Promise<CallOutput> {
    // Admitted first: a call refused for its arguments or by the policy still costs a token, so a
    // caller cannot send (and have audited) refused calls faster than rate_limit_per_minute allows.
    const admitted = deps.admission?.admit(origin.identity.id) ?? { ok: true as const, release: () => undefined };
    if (!admitted.ok) {
      return {
        outcome: 'limited',
        retryAfterSeconds: admitted.retryAfterSeconds,
        result: errorResult(admitted.message, `Retry in ${admitted.retryAfterSeconds} s.`),
      };
    }
    const parsed = tool.inputSchema.safeParse(args ?? {});
    if (!parsed.success) {
      admitted.release();
      return {
        outcome: 'invalid_args',
        result: errorResult(`Invalid arguments for ${tool.name}: ${describeIssues(parsed.error)}`,
          'Check the tool\'s inputSchema in tools/list.'),
      };
    }
    const decision = deps.policy.checkCall(origin.identity, tool);
    if (!decision.allowed) {
      admitted.release();
      return {
        outcome: 'denied',
        decision,
        result: errorResult(
          `Denied: ${tool.name} is not allowed for ${origin.identity.name}${decision.rule ? ` (rule ${decision.rule})` : ''}` +
            `${decision.reason ? `: ${decision.reason}` : '.'}`,
          decision.howToAllow,
        ),
      };
    }

    const down = await deps.daemon?.gate();
    if (down) {
      admitted.release();
      deps.metrics.dockerErrors.inc({ kind: 'unreachable' });
      return {
        outcome: 'tool_error',
        daemonUnreachable: true,
        decision,
        result: errorResult(`Docker daemon unavailable, call not attempted: ${down}`,
          'The gateway re-checks every second and recovers by itself; /ready is 503 until then. Retry shortly.'),
      };
    }
    let denial: PolicyDecision | undefined;
    // Every way a call ends early goes through `abort`: it aborts the handler's signal and answers
    // the caller at once. EventTarget listeners cost several µs each on every call, so the signal
    // gets none of ours and shutdown reaches running calls through `abortOnShutdown`.
    const controller = new AbortController();
    let answerAborted: (reason: Aborted) => void = () => undefined;
    // Handlers that ignore the signal must not keep the caller waiting past cancel or timeout.
    const aborted = new Promise<never>((_, reject) => (answerAborted = reject));
    const abort = (reason: Aborted): void => {
      if (controller.signal.aborted) return;
      controller.abort(reason);
      answerAborted(reason);
    };
    const limitMs = tool.longRunning ? deps.longTimeoutMs : deps.timeoutMs;
    // A mutating request already sent cannot be recalled: the daemon may still finish it.
    const mayComplete = tool.annotations.readOnlyHint ? '' : ' The request was cancelled, but Docker may still complete the operation; check its state before retrying.';
    const timer = setTimeout(() => {
      deps.daemon?.suspect();
      abort(new Aborted(`${tool.name} timed out after ${Math.round(limitMs / 1000)} s (Docker at ${deps.endpoint}).${mayComplete}`,
        'timeout', tool.longRunning ? 'Narrow the request or raise long_call_timeout_seconds.' : 'Raise docker_timeout or narrow the request.'));
    }, limitMs);
    const onCancel = (): void => abort(new Aborted('Cancelled by the client.', 'cancelled'));
    if (origin.signal.aborted) onCancel();
    else origin.signal.addEventListener('abort', onCancel, { once: true });
    abortOnShutdown.add(abort);

    let toolLog: Logger | undefined;
    const sendProgress = origin.progress;
    const ctx: ToolContext = {
      docker: deps.docker,
      signal: controller.signal,
      timeoutMs: deps.timeoutMs,
      callTimeoutMs: limitMs,
      // Progress messages carry Docker text too (event actions, build and pull lines).
      progress: sendProgress
        ? (update) => sendProgress(update.message === undefined ? update : { ...update, message: redactText(update.message) })
        : () => Promise.resolve(),
      // Made on first use: most handlers never log, and a pino child costs a few µs per call.
      get log() {
        return (toolLog ??= deps.log.child({ tool: tool.name, requestId: origin.requestId }));
      },
      limits: deps.limits,
      authorize: async (operation) => {
        const verdict = await deps.policy.authorize(origin.identity, operation);
        if (!verdict.allowed) {
          denial = verdict;
          throw new Aborted(
            `Denied by policy${verdict.rule ? ` rule ${verdict.rule}` : ''}: ${verdict.reason ?? operation.kind}`,
            'denied',
            verdict.howToAllow,
          );
        }
      },
    };
    try {
      // Already cancelled (e.g. while waiting for the daemon gate): the handler does not start.
      const output = await Promise.race([controller.signal.aborted ? aborted : tool.handler(parsed.data, ctx), aborted]);
      let structuredContent = output.structured;
      if (validateOutput) {
        const structured = tool.outputSchema.safeParse(output.structured);
        if (!structured.success) {
          deps.log.error({ tool: tool.name, issues: structured.error.issues }, 'tool output does not match its schema');
          return { outcome: 'internal', result: errorResult(`Internal error: ${tool.name} produced output that does not match its schema.`) };
        }
        structuredContent = structured.data;
      }
      return {
        outcome: 'ok',
        decision,
        result: { content: [{ type: 'text', text: output.text }], structuredContent },
      };
    } catch (thrown) {
      // After an abort, whatever the handler threw (AbortError, socket hang up) is a consequence.
      const error: unknown = controller.signal.aborted ? controller.signal.reason : thrown;
      if (error instanceof Aborted) return { outcome: error.outcome, decision: denial ?? decision, result: errorResult(error.message, error.hint) };
      if (error instanceof ToolError) return { outcome: 'tool_error', result: errorResult(error.message, error.hint) };
      const status = (error as { statusCode?: unknown }).statusCode;
      if (isDaemonUnreachable(error) || typeof status === 'number') {
        deps.metrics.dockerErrors.inc({ kind: isDaemonUnreachable(error) ? 'unreachable' : String(status) });
        const mapped = toToolError(error, deps.endpoint);
        if (!isDaemonUnreachable(error)) return { outcome: 'tool_error', result: errorResult(mapped.message, mapped.hint) };
        deps.daemon?.reportUnreachable(mapped.message);
        return { outcome: 'tool_error', daemonUnreachable: true, result: errorResult(mapped.message, mapped.hint) };
      }
      deps.log.error({ err: error, tool: tool.name, requestId: origin.requestId }, 'tool handler failed');
      const mapped = toToolError(error, deps.endpoint);
      return { outcome: 'internal', result: errorResult(`Internal error in ${tool.name}: ${mapped.message}`) };
    } finally {
      admitted.release();
      clearTimeout(timer);
      origin.signal.removeEventListener('abort', onCancel);
      abortOnShutdown.delete(abort);
    }
  }

  const registry: ToolRegistry = {
    tools: deps.tools,
    list: (identity) => visible(identity).map(toolJson),
    get: (identity, name) => visible(identity).find((tool) => tool.name === name),

    inFlight: () => running,

    async call(name, args, origin) {
      let tool: ToolDefinition;
      try {
        tool = lookup(origin.identity, name);
      } catch (error) {
        // A call to a hidden tool is on record and costs a rate-limit token like any refused call
        // (audit/refusals.ts): a token probing tools above its scope leaves a denied line, as the
        // HTTP 403 path does (body-guard.ts). Names that are no tool are not recorded.
        if (error instanceof HiddenToolError) {
          recordRefusal(deps.audit, deps.admission, {
            identity: origin.identity, transport: origin.transport, tool: name, args, requestId: origin.requestId,
            rule: 'hidden_tool', reason: error.reason,
          });
        }
        throw error;
      }
      const started = performance.now();
      let output: CallOutput;
      if (deps.draining?.()) {
        output = {
          outcome: 'cancelled',
          result: errorResult('The gateway is shutting down and takes no new calls.', 'Retry: another replica, or this one once restarted, will answer.'),
        };
      } else {
        running++;
        deps.metrics.callsInFlight.inc({ transport: origin.transport });
        try {
          output = await run(tool, args, origin);
        } finally {
          running--;
          deps.metrics.callsInFlight.dec({ transport: origin.transport });
        }
      }
      // The one place a result leaves for any transport (MCP, /mcp/call) and the audit line's error
      // text: whatever the handler or Docker put in it, secrets are withheld here (audit/redact.ts).
      output = { ...output, result: redactToolResult(output.result) };
      const seconds = (performance.now() - started) / 1000;
      deps.metrics.toolCalls.inc({ tool: name, outcome: output.outcome, transport: origin.transport });
      deps.metrics.toolDuration.observe({ tool: name, outcome: output.outcome }, seconds);
      // With an audit log the audit line is the one line per call (it carries the same request id,
      // transport, tool, duration and outcome); the plain line then drops to debug, so a busy
      // gateway does not write every call twice.
      const level = deps.audit ? 'debug' : 'info';
      if (deps.log.isLevelEnabled(level)) deps.log[level](
        {
          requestId: origin.requestId,
          transport: origin.transport,
          identity: origin.identity.id,
          tool: name,
          durationMs: Math.round(seconds * 1000),
          outcome: output.outcome,
        },
        'tool call',
      );
      if (deps.audit) {
        const first = output.result.content[0];
        const outcome = auditOutcome[output.outcome];
        deps.audit.record({
          identity: origin.identity.id,
          transport: origin.transport,
          tool: name,
          // Past the rate limit a line is kept small: a flood of refused calls cannot fill the log
          // with their arguments (up to 16 KiB each), only with lines of a few hundred bytes.
          arguments: output.outcome === 'limited' ? NOT_RECORDED : args,
          decision: output.decision ?? { allowed: output.outcome !== 'denied' },
          outcome,
          errorKind: outcome === 'error' ? errorKinds[output.outcome] : undefined,
          durationMs: Math.round(seconds * 1000),
          error: output.outcome === 'ok' || first?.type !== 'text' ? undefined : first.text,
          requestId: origin.requestId,
        });
      }
      return output;
    },

    install(server, transport, fallbackIdentity) {
      const identityOf = (authInfo: Parameters<typeof fromAuthInfo>[0]): Identity => {
        const identity = fromAuthInfo(authInfo).identity ?? fallbackIdentity;
        // Fail closed: an HTTP/WS message without an authenticated identity is a wiring bug.
        if (!identity) throw new McpError(ErrorCode.InternalError, 'request reached the registry without an identity');
        return identity;
      };
      const clientLog = installClientLogging(server);
      server.setRequestHandler(ListToolsRequestSchema, (_request, extra) =>
        Promise.resolve({ tools: registry.list(identityOf(extra.authInfo)) }),
      );
      server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
        const meta = fromAuthInfo(extra.authInfo);
        const token = request.params._meta?.progressToken;
        let last = -Infinity;
        const progress =
          token === undefined
            ? undefined
            : async (update: ProgressUpdate): Promise<void> => {
                // The spec requires progress to increase; drop anything that does not.
                if (update.progress <= last || extra.signal.aborted) return;
                last = update.progress;
                await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, ...update } });
              };
        // The HTTP response closing (client gone) cancels like notifications/cancelled does.
        const cancel = eitherSignal(extra.signal, meta.signal);
        const started = performance.now();
        try {
          const { result, outcome } = await registry.call(request.params.name, request.params.arguments, {
            identity: identityOf(extra.authInfo),
            transport: meta.transport ?? transport,
            requestId: meta.requestId ?? `${transport}:${String(extra.requestId)}`,
            signal: cancel.signal,
            progress,
          });
          const first = result.content[0];
          clientLog({
            tool: request.params.name,
            outcome,
            durationMs: Math.round(performance.now() - started),
            ...(outcome !== 'ok' && first?.type === 'text' ? { message: first.text } : {}),
          });
          return result;
        } finally {
          cancel.dispose();
        }
      });
    },
  };
  return registry;
}
