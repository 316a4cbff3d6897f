// Read-only Docker lookups shared by resources, prompts and completion (tools have their own
// handlers). Outputs are capped like tool outputs, and every read is bounded like a tool call.
import type Dockerode from 'dockerode';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayCore } from './core.js';
import { isDaemonUnreachable, toToolError } from './docker/errors.js';
import type { AuditEntry } from './audit/audit-log.js';
import type { Identity, Transport } from './security.js';
import type { ToolAccess } from './tools/define.js';
import { capText, truncationNotice } from '../shared/text.js';

/** Splits Docker's multiplexed stdout/stderr frames (8-byte headers) back into text. */
export function demuxLogs(buffer: Buffer): string {
  const parts: string[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const kind = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    if ((kind !== 0 && kind !== 1 && kind !== 2) || offset + 8 + size > buffer.length) {
      // Not multiplexed after all (a TTY container): return the raw text.
      return buffer.toString('utf8');
    }
    parts.push(buffer.subarray(offset + 8, offset + 8 + size).toString('utf8'));
    offset += 8 + size;
  }
  return offset === 0 && buffer.length > 0 ? buffer.toString('utf8') : parts.join('');
}

/** JSON-RPC code of a read refused by the per-identity limits (the server-error range, as for initialize). */
export const LIMITED_CODE = -32000;

/**
 * Runs the reads of one resources/read, prompts/get, completion or subscribe with what a tool call
 * gets: the identity's rate-limit token and concurrency slot (the same buckets as its tool calls, so
 * these requests cannot be used to run unbounded Docker reads at once), a fast failure while the
 * daemon is known to be down, docker_timeout, and the client's cancellation. Failures come back as
 * McpErrors through asMcpError; a limited read is error -32000 with `data.retryAfterSeconds`.
 */
export async function boundedRead<T>(
  core: GatewayCore,
  identity: Identity,
  what: string,
  clientSignal: AbortSignal | undefined,
  read: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const admitted = core.admission?.admit(identity.id) ?? { ok: true as const, release: () => undefined };
  if (!admitted.ok) {
    throw new McpError(LIMITED_CODE, `${what}: ${admitted.message}\nHint: Retry in ${admitted.retryAfterSeconds} s.`, {
      outcome: 'limited',
      retryAfterSeconds: admitted.retryAfterSeconds,
    });
  }
  try {
    const down = await core.daemon.gate();
    if (down) throw new McpError(ErrorCode.InternalError, `${what}: Docker daemon unavailable, not attempted: ${down}`);
    const timeout = AbortSignal.timeout(core.config.docker_timeout * 1000);
    try {
      return await read(clientSignal ? AbortSignal.any([clientSignal, timeout]) : timeout);
    } catch (error) {
      if (timeout.aborted) {
        core.daemon.suspect();
        throw new McpError(ErrorCode.InternalError, `${what}: timed out after ${core.config.docker_timeout} s (Docker at ${core.endpoint}). Raise docker_timeout or retry.`);
      }
      if (isDaemonUnreachable(error)) core.daemon.reportUnreachable(toToolError(error, core.endpoint).message);
      throw asMcpError(core, error, what);
    }
  } finally {
    admitted.release();
  }
}

// Each read below takes the signal of its boundedRead.
export async function containerLogs(core: GatewayCore, id: string, tail: number, signal: AbortSignal): Promise<string> {
  const container = core.docker.getContainer(id);
  const info = (await container.inspect({ abortSignal: signal })) as { Config?: { Tty?: boolean } };
  // dockerode takes `abortSignal` on logs and stats too; @types/dockerode does not declare it there.
  const raw = await container.logs({ stdout: true, stderr: true, tail, timestamps: true, follow: false, abortSignal: signal } as Dockerode.ContainerLogsOptions & { follow: false });
  const text = info.Config?.Tty ? raw.toString('utf8') : demuxLogs(raw);
  const capped = capText(text, core.config.max_output_bytes);
  return truncationNotice(capped, 'the log') + capped.text;
}

export async function containerInspect(core: GatewayCore, id: string, signal: AbortSignal): Promise<Record<string, unknown>> {
  // Raw: resources and prompts redact what they hand out, in one place each (audit/redact.ts).
  return (await core.docker.getContainer(id).inspect({ abortSignal: signal })) as unknown as Record<string, unknown>;
}

export async function containerStats(core: GatewayCore, id: string, signal: AbortSignal): Promise<Record<string, unknown>> {
  return (await core.docker.getContainer(id).stats({ stream: false, abortSignal: signal } as { stream: false })) as unknown as Record<string, unknown>;
}

/** Container names (without the leading "/") and short ids starting with `prefix`. */
export async function completeContainer(docker: Dockerode, prefix: string, signal: AbortSignal): Promise<string[]> {
  const list = await docker.listContainers({ all: true, abortSignal: signal });
  const values = new Set<string>();
  for (const c of list) {
    for (const name of c.Names ?? []) values.add(name.replace(/^\//, ''));
    values.add(c.Id.slice(0, 12));
  }
  return [...values].filter((v) => v.startsWith(prefix)).sort();
}

/** Docker failures while serving resources/prompts become JSON-RPC errors a client can show. */
export function asMcpError(core: GatewayCore, error: unknown, what: string): McpError {
  if (error instanceof McpError) return error;
  const status = (error as { statusCode?: number }).statusCode;
  const mapped = toToolError(error, core.endpoint);
  if (status === 404) return new McpError(-32002, `${what} not found: ${mapped.message}`);
  return new McpError(ErrorCode.InternalError, `${what}: ${mapped.message}`);
}

/**
 * Resources and prompts expose the same data as certain tools, so they obey the same policy: the
 * identity must be allowed to call the equivalent tool (or, if that tool is not installed, hold
 * the scope it would need).
 */
export function assertMayRead(core: GatewayCore, identity: Identity, toolName: string, access: ToolAccess): void {
  const installed = core.registry.tools.some((t) => t.name === toolName);
  const tool = core.registry.get(identity, toolName);
  const allowed = installed ? !!tool && core.policy.checkCall(identity, tool).allowed : identity.scopes.has(access);
  if (!allowed) throw new McpError(ErrorCode.InvalidParams, `Not allowed: reading this needs access to ${toolName}.`, { outcome: 'denied' });
}

/**
 * Runs one resources/read, resources/subscribe or prompts/get and writes its audit line, as the
 * registry does for a tool call: a log resource or a diagnose prompt hands out what container_logs
 * does, so it must leave the same trail (before, only tool calls were audited). The outcome comes
 * from the McpError's data (denied by assertMayRead, limited by boundedRead).
 */
export async function audited<T>(
  core: GatewayCore,
  origin: { identity: Identity; transport: Transport; requestId: string },
  what: string,
  args: Record<string, unknown>,
  run: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const record = (outcome: AuditEntry['outcome'], error?: string): void =>
    core.audit?.record({
      identity: origin.identity.id,
      transport: origin.transport,
      tool: what,
      arguments: args,
      decision: outcome === 'denied' ? { allowed: false, rule: 'insufficient_scope', reason: error } : { allowed: true },
      outcome,
      ...(outcome === 'error' ? { errorKind: 'tool_error' as const } : {}),
      durationMs: performance.now() - started,
      ...(error === undefined ? {} : { error }),
      requestId: origin.requestId,
    });
  try {
    const result = await run();
    record('ok');
    return result;
  } catch (error) {
    const data = (error as { data?: { outcome?: unknown } }).data;
    const outcome = data?.outcome === 'denied' || data?.outcome === 'limited' ? data.outcome : 'error';
    record(outcome, error instanceof Error ? error.message : String(error));
    throw error;
  }
}
