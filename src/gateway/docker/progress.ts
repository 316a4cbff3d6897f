// Docker answers pull, push and build with a stream of JSON lines. This module turns that stream
// into MCP progress updates and one final outcome, so the image tools never parse it themselves.
// An `errorDetail` in the stream means the operation failed even though the HTTP status was 200,
// so it becomes a ToolError here.
import type { ProgressUpdate } from '../../shared/progress.js';
import { ToolError } from '../../shared/tool-error.js';
import { capText, type CappedText } from '../../shared/text.js';

/** One line of Docker's JSON progress stream (the fields pull, push and build use). */
export interface DockerStreamEvent {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  aux?: { ID?: string; Tag?: string; Digest?: string; Size?: number };
  error?: string;
  errorDetail?: { message?: string; code?: number };
}

export type StreamKind = 'pull' | 'push' | 'build';

export interface FollowOptions {
  kind: StreamKind;
  signal: AbortSignal;
  progress: (update: ProgressUpdate) => Promise<void>;
  /** Cap for the collected text output (build steps, status lines). */
  maxOutputBytes: number;
  /** Removes secrets (registry passwords, tokens) from any text that leaves this module. */
  redact?: (text: string) => string;
  /** Minimum gap between byte-level progress updates; phase changes are always sent. */
  throttleMs?: number;
}

export interface StreamOutcome {
  /** The last `status` line (e.g. "Status: Downloaded newer image for …") or build stream line. */
  lastStatus: string;
  /** Status and build lines, capped (the tail is kept: that is where failures are explained). */
  output: CappedText;
  /** Digest reported by Docker (pull "Digest: …" or push aux), when any. */
  digest?: string;
  /** Image id reported by a build (aux.ID). */
  imageId?: string;
  layers: number;
  events: number;
}

// Each layer contributes a fraction in [0, 1]. Summing fractions (total = layer count) gives one
// number that only grows, which MCP requires of progress values, even though Docker reports
// bytes per layer with totals that appear late and restart from zero when extraction begins.
const DOWNLOAD_SHARE = 0.5;
const doneStatuses = /^(Pull complete|Already exists|Pushed|Layer already exists|Mounted from)/;
const halfwayStatuses = /^(Download complete|Verifying Checksum)/;

class LayerProgress {
  private readonly fraction = new Map<string, number>();
  private readonly bytes = new Map<string, { current: number; total: number }>();

  /** Returns true when the event moved a layer to a new phase (worth an immediate update). */
  apply(kind: StreamKind, event: DockerStreamEvent): boolean {
    const id = event.id;
    const status = event.status ?? '';
    // Tags ("latest: Pulling from …") also carry an id; only hex ids are layers.
    if (!id || kind === 'build' || !isLayerId(id)) return false;
    const before = this.fraction.get(id) ?? 0;
    const known = this.fraction.has(id);
    const { current, total } = event.progressDetail ?? {};
    let next = before;
    if (doneStatuses.test(status)) next = 1;
    else if (halfwayStatuses.test(status)) next = kind === 'pull' ? DOWNLOAD_SHARE : before;
    else if (current !== undefined && total && total > 0) {
      const ratio = Math.min(current / total, 0.99);
      if (status.startsWith('Downloading')) {
        next = ratio * DOWNLOAD_SHARE;
        this.bytes.set(id, { current, total });
      } else if (status.startsWith('Extracting')) next = DOWNLOAD_SHARE + ratio * (1 - DOWNLOAD_SHARE);
      else if (status.startsWith('Pushing')) {
        next = ratio;
        this.bytes.set(id, { current: Math.min(current, total), total });
      }
    }
    this.fraction.set(id, Math.max(before, next));
    return !known || (next > before && (doneStatuses.test(status) || halfwayStatuses.test(status)));
  }

  get count(): number {
    return this.fraction.size;
  }

  get done(): number {
    let sum = 0;
    for (const f of this.fraction.values()) sum += f;
    return Math.round(sum * 1000) / 1000;
  }

  get completed(): number {
    return [...this.fraction.values()].filter((f) => f >= 1).length;
  }

  describe(kind: StreamKind): string {
    let current = 0;
    let total = 0;
    for (const b of this.bytes.values()) {
      current += b.current;
      total += b.total;
    }
    const verb = kind === 'push' ? 'Pushing' : 'Pulling';
    const bytes = total > 0 ? `, ${formatBytes(current)} of ${formatBytes(total)} transferred` : '';
    return `${verb}: ${this.completed}/${this.count} layers done${bytes}`;
  }
}

function isLayerId(id: string): boolean {
  return /^[0-9a-f]{12,64}$/.test(id);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Parses complete lines out of a chunked stream; partial lines wait for the next chunk. */
export function* splitJsonLines(buffer: { rest: string }, chunk: string): Generator<DockerStreamEvent> {
  buffer.rest += chunk;
  const lines = buffer.rest.split('\n');
  buffer.rest = lines.pop() ?? '';
  for (const line of lines) {
    const event = parseLine(line);
    if (event) yield event;
  }
}

function parseLine(line: string): DockerStreamEvent | undefined {
  const trimmed = line.trim();
  if (!trimmed) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return typeof parsed === 'object' && parsed !== null ? (parsed) : { stream: `${trimmed}\n` };
  } catch {
    // Not JSON (a proxy or an old daemon): keep it as plain output rather than dropping it.
    return { stream: `${trimmed}\n` };
  }
}

const verbs: Record<StreamKind, string> = { pull: 'Pull', push: 'Push', build: 'Build' };

/**
 * Reads a Docker progress stream to its end. Sends throttled progress, aborts (destroying the
 * HTTP response, which makes the daemon cancel the operation) when `signal` fires, and throws a
 * ToolError for an `errorDetail` line.
 */
export async function followProgress(stream: NodeJS.ReadableStream, options: FollowOptions): Promise<StreamOutcome> {
  const { kind, signal } = options;
  const redact = options.redact ?? ((text: string) => text);
  const throttleMs = options.throttleMs ?? 200;
  const layers = new LayerProgress();
  const lines: string[] = [];
  const state = { rest: '' };
  const outcome: Omit<StreamOutcome, 'output'> = { lastStatus: '', layers: 0, events: 0 };
  let lastSent = 0;
  let lastSentAt = 0;
  let steps: { step: number; total: number } | undefined;

  const send = async (update: ProgressUpdate): Promise<void> => {
    if (update.progress <= lastSent) return;
    lastSent = update.progress;
    lastSentAt = Date.now();
    // A failed notification (client gone) must not fail the operation; the signal handles that.
    await options.progress(update).catch(() => undefined);
  };

  const cancelled = (): ToolError =>
    new ToolError(`${verbs[kind]} cancelled; the Docker request was aborted.`);
  if (signal.aborted) throw cancelled();
  const readable = stream as NodeJS.ReadableStream & { destroy?: (error?: Error) => void };
  const onAbort = (): void => readable.destroy?.(cancelled());
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of readable) {
      const text = typeof chunk === 'string' ? chunk : (chunk).toString('utf8');
      for (const event of splitJsonLines(state, text)) {
        outcome.events += 1;
        if (event.errorDetail || event.error) {
          const message = event.errorDetail?.message ?? event.error ?? 'unknown error';
          throw new ToolError(`${verbs[kind]} failed: ${redact(message.trim())}`, hintFor(kind, message));
        }
        if (event.aux?.Digest) outcome.digest = event.aux.Digest;
        if (event.aux?.ID) outcome.imageId = event.aux.ID;
        if (event.status) {
          const line = redact(event.id && !isLayerId(event.id) ? `${event.id}: ${event.status}` : event.status);
          const digest = /^Digest: (sha256:[0-9a-f]{64})/.exec(event.status);
          if (digest?.[1]) outcome.digest = digest[1];
          // Per-layer lines are noise in a summary; keep the ones about the whole image.
          if (!event.id || !isLayerId(event.id)) {
            lines.push(line);
            outcome.lastStatus = line;
          }
        }
        if (event.stream) {
          const line = redact(event.stream);
          lines.push(line.replace(/\n$/, ''));
          if (line.trim()) outcome.lastStatus = line.trim();
          const step = /^Step (\d+)\/(\d+) :/.exec(event.stream);
          if (step) steps = { step: Number(step[1]), total: Number(step[2]) };
        }
        if (kind === 'build') {
          // Step N starting means N-1 finished; report steps as the unit.
          if (steps && event.stream?.startsWith('Step ')) {
            await send({ progress: steps.step - 1, total: steps.total, message: redact(event.stream.trim()) });
          }
          continue;
        }
        const phaseChanged = layers.apply(kind, event);
        const due = Date.now() - lastSentAt >= throttleMs;
        if (layers.count > 0 && (phaseChanged || due)) {
          await send({ progress: layers.done, total: layers.count, message: layers.describe(kind) });
        }
      }
    }
  } catch (error) {
    if (signal.aborted) throw cancelled();
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (signal.aborted) throw cancelled();
  const tail = parseLine(state.rest);
  if (tail?.errorDetail || tail?.error) {
    throw new ToolError(`${verbs[kind]} failed: ${redact(tail.errorDetail?.message ?? tail.error ?? '')}`);
  }
  outcome.layers = layers.count;
  // Always end on a complete update, even when Docker had nothing to transfer (every layer was
  // already present), so a client's progress display reaches 100 %.
  if (kind === 'build' && steps) await send({ progress: steps.total, total: steps.total, message: 'Build finished' });
  else if (layers.count > 0) await send({ progress: layers.count, total: layers.count, message: layers.describe(kind) });
  else await send({ progress: 1, total: 1, message: outcome.lastStatus || `${verbs[kind]} finished` });
  return { ...outcome, output: capText(lines.join('\n'), options.maxOutputBytes) };
}

function hintFor(kind: StreamKind, message: string): string | undefined {
  if (/unauthorized|authentication required|denied/i.test(message)) {
    return 'Pass registry credentials in "auth" (username + password or identitytoken) for this registry.';
  }
  if (/not found|manifest unknown|does not exist/i.test(message)) {
    return 'Check the repository name and tag; list tags with the registry, or pull a tag that exists.';
  }
  if (kind === 'build') return 'Fix the Dockerfile line named in the message and build again.';
  return undefined;
}
