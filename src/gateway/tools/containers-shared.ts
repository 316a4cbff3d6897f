// Pieces shared by the container, exec and compose tools: argument schemas that are checked the
// same way everywhere, list summaries, time bounds, waiting with a timeout and plain-text tables.
import type Dockerode from 'dockerode';
import { z } from 'zod';
import { ToolError, type GuardedOperation, type ToolContext } from './define.js';

/** Docker's own rule for container names (plus ids, which are hex and match it too). */
export const containerNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export const containerRef = z
  .string()
  .min(1)
  .max(256)
  .regex(containerNamePattern, 'a container id, id prefix or name (letters, digits, _ . -)')
  .describe('Container id, unique id prefix or name.');

export const containerRefInput = z.strictObject({ container: containerRef });

/** `since`/`until` as Docker's CLI accepts them, converted here because the API only takes timestamps. */
export const timeBound = z
  .string()
  .max(40)
  .regex(/^(\d+(\.\d+)?|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?|(\d+(ms|s|m|h))+)$/, 'unix seconds, RFC 3339 or a duration like 10m')
  .describe('Unix seconds, an RFC 3339 date ("2026-01-02T15:04:05Z") or a duration back from now ("90s", "10m", "1h30m").');

export function toUnixSeconds(value: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Math.floor(Number(value));
  const duration = /^(\d+(ms|s|m|h))+$/.test(value);
  if (duration) {
    const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
    let ms = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+)(ms|s|m|h)/g)) ms += Number(amount) * units[unit!]!;
    return Math.floor((now - ms) / 1000);
  }
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new ToolError(`Cannot read the time "${value}".`, 'Use unix seconds, RFC 3339 or a duration like 10m.');
  return Math.floor(parsed / 1000);
}

export const containerSummary = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  command: z.string(),
  created: z.string().describe('ISO 8601'),
  state: z.string(),
  status: z.string(),
  ports: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
});
export type ContainerSummary = z.infer<typeof containerSummary>;

export function summarize(info: Dockerode.ContainerInfo): ContainerSummary {
  return {
    id: info.Id,
    name: (info.Names[0] ?? '').replace(/^\//, ''),
    image: info.Image,
    command: info.Command,
    created: new Date(info.Created * 1000).toISOString(),
    state: info.State,
    status: info.Status,
    ports: (info.Ports ?? []).map((p) =>
      p.PublicPort ? `${p.IP ?? ''}:${p.PublicPort}->${p.PrivatePort}/${p.Type}` : `${p.PrivatePort}/${p.Type}`,
    ),
    labels: info.Labels ?? {},
  };
}

/** A fixed-width text table: models read it reliably and people can scan it. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** One signal that fires on the caller's abort or after `ms`; `timedOut()` tells which. */
export function deadline(signal: AbortSignal, ms: number): { signal: AbortSignal; timedOut: () => boolean; clear: () => void } {
  const timer = new AbortController();
  const handle = setTimeout(() => timer.abort(), ms);
  return {
    signal: AbortSignal.any([signal, timer.signal]),
    timedOut: () => timer.signal.aborted && !signal.aborted,
    clear: () => clearTimeout(handle),
  };
}

export interface WaitOutcome {
  exited: boolean;
  timed_out: boolean;
  exit_code: number | null;
  error: string | null;
}

/** Waits for a container to reach `condition`, giving up after `timeoutMs` without touching it. */
export async function waitFor(
  container: Dockerode.Container,
  condition: 'not-running' | 'next-exit' | 'removed',
  timeoutMs: number,
  signal: AbortSignal,
): Promise<WaitOutcome> {
  const bound = deadline(signal, timeoutMs);
  try {
    const result = (await container.wait({ condition, abortSignal: bound.signal })) as {
      StatusCode: number;
      Error?: { Message?: string } | null;
    };
    return { exited: true, timed_out: false, exit_code: result.StatusCode, error: result.Error?.Message || null };
  } catch (error) {
    if (bound.timedOut()) return { exited: false, timed_out: true, exit_code: null, error: null };
    if (signal.aborted) throw new ToolError('Cancelled while waiting for the container.');
    throw error;
  } finally {
    bound.clear();
  }
}

/** Sends a request body exactly as given: dockerode would otherwise copy every option into the query string. */
export function exactBody<T>(body: Record<string, unknown>, query: Record<string, unknown> = {}, abortSignal?: AbortSignal): T {
  return { _query: query, _body: body, ...(abortSignal ? { abortSignal } : {}) } as unknown as T;
}

/**
 * Resolves the caller's container reference once to the container's full id, authorizes the
 * operation built for that id, and returns the id; every Docker request of the call must use it.
 * Docker resolves a name or id prefix anew on each request (full id, then exact name, then id
 * prefix), so checking "web" and then acting on "web" could reach another container renamed in
 * between — a protected one. A full id resolves to that one container only.
 */
export async function authorizeContainer(
  ctx: ToolContext,
  ref: string,
  operation: (container: string) => GuardedOperation,
): Promise<string> {
  // "/name" is Docker's spelling of "name" (network tools accept it); an inspect URL cannot carry the slash.
  ref = ref.replace(/^\//, '');
  let id: string;
  try {
    id = (await ctx.docker.getContainer(ref).inspect({ abortSignal: ctx.signal })).Id;
  } catch (error) {
    // The policy gives its own answer for the reference as given (not found, cannot inspect, no
    // scope); without a policy Docker's error stands. Nothing is sent to the container either way.
    await ctx.authorize(operation(ref));
    throw error;
  }
  await ctx.authorize(operation(id));
  return id;
}
