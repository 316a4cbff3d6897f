// dockerode accepts `{ abortSignal }` on these calls, but @types/dockerode does not declare it.
// One typed wrapper keeps the cast in one place instead of in every caller.
import type Dockerode from 'dockerode';

type SignalCall = (this: Dockerode, opts: { abortSignal?: AbortSignal }) => Promise<unknown>;

export function engineCall<T>(
  docker: Dockerode,
  method: 'info' | 'version' | 'df' | 'ping',
  signal?: AbortSignal,
): Promise<T> {
  const fn = (docker as unknown as Record<typeof method, SignalCall>)[method];
  return fn.call(docker, signal ? { abortSignal: signal } : {}) as Promise<T>;
}

/** Docker events as the Engine sends them (one JSON object per line on /events). */
export interface DockerEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  scope?: string;
  time?: number;
  timeNano?: number;
}

export interface EventFilters {
  type?: string[];
  event?: string[];
  container?: string[];
  image?: string[];
  label?: string[];
  network?: string[];
  volume?: string[];
}

/**
 * Opens /events and calls `onEvent` per event until the returned `stop()` is called, the stream
 * ends (Docker ends it once `until` has passed), or the signal aborts. `done` settles then.
 */
export async function watchEvents(
  docker: Dockerode,
  options: { since?: number; until?: number; filters?: EventFilters; signal?: AbortSignal },
  onEvent: (event: DockerEvent) => void,
): Promise<{ stop: () => void; done: Promise<void> }> {
  const stream = (await docker.getEvents({
    since: options.since,
    until: options.until,
    filters: options.filters as Dockerode.GetEventsOptions['filters'],
    ...(options.signal ? { abortSignal: options.signal } : {}),
  } as Dockerode.GetEventsOptions)) as NodeJS.ReadableStream & { destroy?: () => void };
  let buffered = '';
  const stop = (): void => {
    stream.removeAllListeners('data');
    stream.destroy?.();
  };
  const done = new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer | string) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (!line) continue;
        try {
          onEvent(JSON.parse(line) as DockerEvent);
        } catch {
          // A malformed line from the daemon is skipped rather than ending the whole watch.
        }
      }
    });
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', (error: Error) => (options.signal?.aborted ? resolve() : reject(error)));
  });
  options.signal?.addEventListener('abort', stop, { once: true });
  return { stop, done };
}

/**
 * A GET that dockerode offers without abort support (image history, network inspect): the same
 * Engine request through its modem, with the call's signal, so cancel and timeout close it.
 */
export function engineGet<T>(docker: Dockerode, path: string, notFound: string, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    docker.modem.dial(
      { path, method: 'GET', statusCodes: { 200: true, 404: notFound, 500: 'server error' }, abortSignal: signal },
      (error: Error | null, data: unknown) => (error ? reject(error) : resolve(data as T)),
    );
  });
}
