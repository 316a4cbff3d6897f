// Reading Docker's long-lived streams (logs, attach, exec) safely: every read is bounded by time,
// bytes or an AbortSignal, output is kept to a byte cap (the tail, which explains failures), and
// the Docker stream is always destroyed when we stop early so no connection to the daemon leaks.
import { Writable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { CappedText } from '../../shared/text.js';

/** Keeps the last `maxBytes` bytes written to it and counts everything it was given. */
export class TailCollector {
  private chunks: Buffer[] = [];
  private kept = 0;
  totalBytes = 0;

  constructor(readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.totalBytes += chunk.length;
    this.chunks.push(chunk);
    this.kept += chunk.length;
    // Drop whole chunks from the front while the rest still covers the cap; cut the last one in result().
    while (this.chunks.length > 1 && this.kept - this.chunks[0]!.length >= this.maxBytes) {
      this.kept -= this.chunks.shift()!.length;
    }
  }

  result(): CappedText {
    let buffer = Buffer.concat(this.chunks);
    const truncated = this.totalBytes > this.maxBytes;
    if (buffer.length > this.maxBytes) buffer = buffer.subarray(buffer.length - this.maxBytes);
    let text = buffer.toString('utf8');
    // A cut in the middle of a multi-byte character decodes as U+FFFD; drop it.
    if (truncated && text.startsWith('\uFFFD')) text = text.slice(1);
    return { text, truncated, totalBytes: this.totalBytes };
  }

  /** A Writable feeding this collector, for modem.demuxStream. */
  writable(onChunk?: (chunk: Buffer) => void): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        this.push(chunk);
        onChunk?.(chunk);
        callback();
      },
    });
  }
}

/**
 * Splits a non-streamed, multiplexed log buffer (8-byte headers: stream type, 3 zero bytes,
 * big-endian length) into stdout and stderr. A TTY container's buffer is not multiplexed.
 */
export function demuxBuffer(buffer: Buffer, tty: boolean, stdout: TailCollector, stderr: TailCollector): void {
  if (tty) {
    stdout.push(buffer);
    return;
  }
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer.readUInt8(offset);
    const length = buffer.readUInt32BE(offset + 4);
    if (type > 2 || buffer.readUInt8(offset + 1) !== 0) {
      // Not a frame header: the stream is raw after all; keep the rest as stdout.
      stdout.push(buffer.subarray(offset));
      return;
    }
    const payload = buffer.subarray(offset + 8, offset + 8 + length);
    (type === 2 ? stderr : stdout).push(payload);
    offset += 8 + length;
  }
  if (offset < buffer.length) stdout.push(buffer.subarray(offset));
}

export type StopReason = 'end' | 'time' | 'bytes' | 'count' | 'aborted' | 'error';

export interface BoundedReadOptions {
  signal: AbortSignal;
  /** Stop after this long. */
  maxMs?: number;
  /** Called every `tickMs` while reading (for progress notifications and keep-alives). */
  onTick?: (elapsedMs: number) => void;
  tickMs?: number;
}

export interface BoundedRead {
  reason: StopReason;
  elapsedMs: number;
  error?: Error;
}

// The last streams handed to readBounded, so tests can check they were closed after a cancel.
const recent: NodeJS.ReadableStream[] = [];
export function recentStreams(): readonly NodeJS.ReadableStream[] {
  return recent;
}

export function isDestroyed(stream: NodeJS.ReadableStream): boolean {
  return (stream as { destroyed?: boolean }).destroyed === true;
}

function destroy(stream: NodeJS.ReadableStream): void {
  const s = stream as { destroy?: () => void; destroyed?: boolean };
  if (!s.destroyed) s.destroy?.();
}

/**
 * Waits until the stream ends, `maxMs` passes, the signal aborts or `stop()` is called (by a
 * consumer that counted enough bytes or items). Anything but a natural end destroys the stream.
 */
export function readBounded(
  stream: NodeJS.ReadableStream,
  options: BoundedReadOptions,
): { done: Promise<BoundedRead>; stop: (reason: StopReason) => void } {
  recent.push(stream);
  if (recent.length > 16) recent.shift();
  const started = Date.now();
  let finish: (reason: StopReason, error?: Error) => void = () => undefined;
  const done = new Promise<BoundedRead>((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    finish = (reason, error) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      if (reason !== 'end') destroy(stream);
      resolve({ reason, elapsedMs: Date.now() - started, ...(error ? { error } : {}) });
    };
    const onAbort = (): void => finish('aborted');
    if (options.signal.aborted) return finish('aborted');
    options.signal.addEventListener('abort', onAbort, { once: true });
    stream.once('end', () => finish('end'));
    stream.once('close', () => finish('end'));
    // `on`, not `once`: a destroyed socket can emit a second error, which must not go unhandled.
    stream.on('error', (error: Error) => finish('error', error));
    if (options.maxMs !== undefined) timers.push(setTimeout(() => finish('time'), options.maxMs));
    if (options.onTick) {
      const tick = options.tickMs ?? 1000;
      const interval = setInterval(() => options.onTick?.(Date.now() - started), tick);
      timers.push(interval);
    }
  });
  return { done, stop: (reason) => finish(reason) };
}

/**
 * Demultiplexes a live Docker stream into two collectors (with dockerode's own demuxer, which
 * also falls back to raw output for TTY streams) and reads it within the bounds.
 * `maxBytes` stops the read once that many payload bytes arrived.
 */
export function demuxBounded(
  modem: Dockerode['modem'],
  stream: NodeJS.ReadableStream,
  collectors: { stdout: TailCollector; stderr: TailCollector; tty?: boolean },
  options: BoundedReadOptions & { maxBytes?: number },
): Promise<BoundedRead> {
  const read = readBounded(stream, options);
  const onChunk = (): void => {
    const received = collectors.stdout.totalBytes + collectors.stderr.totalBytes;
    if (options.maxBytes !== undefined && received >= options.maxBytes) read.stop('bytes');
  };
  const stdout = collectors.stdout.writable(onChunk);
  const stderr = collectors.stderr.writable(onChunk);
  if (collectors.tty) {
    stream.on('data', (chunk: Buffer) => stdout.write(chunk));
  } else {
    modem.demuxStream(stream, stdout, stderr);
  }
  return read.done;
}

/**
 * Collects newline-delimited JSON objects (Docker's events and stats streams) until `maxCount`
 * items, the time bound, the signal or the end. Lines that are not JSON are skipped, not fatal.
 */
export async function collectJsonLines<T>(
  stream: NodeJS.ReadableStream,
  options: BoundedReadOptions & { maxCount: number; onItem?: (item: T, index: number) => void },
): Promise<{ items: T[]; read: BoundedRead }> {
  const items: T[] = [];
  const bounded = readBounded(stream, options);
  let pending = '';
  stream.on('data', (chunk: Buffer | string) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim() || items.length >= options.maxCount) continue;
      try {
        const item = JSON.parse(line) as T;
        items.push(item);
        options.onItem?.(item, items.length - 1);
      } catch {
        continue;
      }
      if (items.length >= options.maxCount) bounded.stop('count');
    }
  });
  return { items, read: await bounded.done };
}

/** Shares `total` bytes between two captured outputs, giving each at least half when both are large. */
export function fitPair(a: CappedText, b: CappedText, total: number): [CappedText, CappedText] {
  const aLen = Buffer.byteLength(a.text);
  const bLen = Buffer.byteLength(b.text);
  if (aLen + bLen <= total) return [a, b];
  const half = Math.floor(total / 2);
  const aCap = bLen < half ? total - bLen : aLen < half ? aLen : half;
  const bCap = total - Math.min(aLen, aCap);
  return [recap(a, aCap), recap(b, bCap)];
}

function recap(capped: CappedText, maxBytes: number): CappedText {
  const buffer = Buffer.from(capped.text, 'utf8');
  if (buffer.length <= maxBytes) return capped;
  let text = buffer.subarray(buffer.length - maxBytes).toString('utf8');
  if (text.startsWith('\uFFFD')) text = text.slice(1);
  return { text, truncated: true, totalBytes: capped.totalBytes };
}

export interface LogQuery {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  timestamps: boolean;
  tail?: string;
  since?: number;
  until?: number;
}

/**
 * Opens a container's log stream. Dialled directly because dockerode buffers the whole response
 * when not following, and a container's log can be gigabytes; as a stream only the tail is kept.
 */
export function openLogStream(docker: Dockerode, id: string, query: LogQuery, signal: AbortSignal): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: 'GET',
        options: { _query: query },
        isStream: true,
        abortSignal: signal,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
      },
      (error, stream) => (error ? reject(error) : resolve(stream as NodeJS.ReadableStream)),
    );
  });
}
