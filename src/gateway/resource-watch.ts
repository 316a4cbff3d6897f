// The Docker event stream behind resource subscriptions: ONE stream per gateway (filtered to
// container events), shared by every subscription of every session and dispatched by container id.
// Before, each session opened one stream per subscribed container, so one identity could hold
// (sessions × containers) Docker connections; now the count is 0 or 1 whatever clients do.
// The stream is opened with the first subscription, closed with the last, and kept alive across
// daemon restarts and socket loss: when it ends or fails while still wanted it is re-opened with
// capped exponential backoff, and every subscriber gets one notifications/resources/updated on
// reconnect because containers may have changed while nobody was watching (a daemon restart
// without live-restore stops every container).
import type { GatewayCore } from './core.js';
import { watchEvents, type DockerEvent } from './docker/engine-calls.js';

export interface ResourceWatch {
  stop(): void;
}

const BACKOFF_MS = [250, 500, 1_000, 2_000, 5_000];

interface Hub {
  watch(containerId: string, notify: () => void): Promise<ResourceWatch>;
}

const hubs = new WeakMap<GatewayCore, Hub>();

/** One session's failure to notify (closed, say) must not keep the others from hearing of the event. */
function notifySafely(notify: () => void): void {
  try {
    notify();
  } catch {
    // The session is going away; its unsubscribe or close removes the listener.
  }
}

/**
 * Registers `notify` for events of one container (by full id). The first watcher opens the shared
 * stream; if that open fails the promise rejects, so subscribe can answer with an error.
 */
export function watchContainer(core: GatewayCore, containerId: string, notify: () => void): Promise<ResourceWatch> {
  let hub = hubs.get(core);
  if (!hub) {
    hub = createHub(core);
    hubs.set(core, hub);
  }
  return hub.watch(containerId, notify);
}

function createHub(core: GatewayCore): Hub {
  const { log, metrics } = core;
  const listeners = new Map<string, Set<() => void>>();
  // One generation per open..close of the shared stream: its abort ends the stream and its retries.
  let current: { controller: AbortController; opened: Promise<void> } | undefined;

  let watchers = 0;
  const notifyAll = (): void => {
    for (const set of listeners.values()) for (const notify of set) notifySafely(notify);
  };
  const dispatch = (event: DockerEvent & { id?: string }): void => {
    const id = event.Actor?.ID ?? event.id;
    if (!id) return;
    for (const notify of listeners.get(id) ?? []) notifySafely(notify);
  };

  const start = (): { controller: AbortController; opened: Promise<void> } => {
    const controller = new AbortController();
    const { signal } = controller;
    let retryTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      core.shutdown.signal.removeEventListener('abort', stop);
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      controller.abort();
    };
    core.shutdown.signal.addEventListener('abort', stop, { once: true });
    signal.addEventListener('abort', stop, { once: true });

    // Wrapped in an object: an async function returning a bare promise would await it instead.
    const open = async (): Promise<{ done: Promise<void> }> => {
      const watch = await watchEvents(core.docker, { filters: { type: ['container'] }, signal }, dispatch);
      metrics.eventWatches.inc();
      return { done: watch.done.finally(() => metrics.eventWatches.dec()) };
    };
    const reconnect = (attempt: number): void => {
      if (signal.aborted) return;
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] as number;
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        if (signal.aborted) return;
        open().then(
          ({ done }) => {
            log.info({ attempt: attempt + 1 }, 'event stream for subscriptions re-opened');
            notifyAll();
            follow(done, attempt + 1);
          },
          (error: unknown) => {
            log.debug({ err: error, attempt: attempt + 1 }, 'event stream re-open failed; backing off');
            reconnect(attempt + 1);
          },
        );
      }, delay);
      retryTimer.unref();
    };
    // A stream that dies right after opening keeps the backoff growing instead of retrying at 4/s.
    const follow = (done: Promise<void>, attempt: number): void => {
      const openedAt = Date.now();
      const next = (): number => (Date.now() - openedAt > 10_000 ? 0 : attempt);
      done.then(
        () => {
          if (signal.aborted) return;
          log.warn('event stream for subscriptions ended (daemon restart?); re-subscribing');
          reconnect(next());
        },
        (error: unknown) => {
          if (signal.aborted) return;
          log.warn({ err: error }, 'event stream for subscriptions failed; re-subscribing');
          reconnect(next());
        },
      );
    };
    const opened = open().then(({ done }) => follow(done, 0));
    return { controller, opened };
  };

  return {
    async watch(containerId, notify) {
      if (core.shutdown.signal.aborted) throw new Error('the gateway is shutting down');
      // Each registration is its own entry, so two sessions watching one container stay apart.
      const entry = (): void => notify();
      let set = listeners.get(containerId);
      if (!set) listeners.set(containerId, (set = new Set()));
      set.add(entry);
      watchers++;
      let removed = false;
      const remove = (): void => {
        if (removed) return;
        removed = true;
        watchers--;
        set.delete(entry);
        if (set.size === 0 && listeners.get(containerId) === set) listeners.delete(containerId);
        if (watchers === 0 && current) {
          current.controller.abort();
          current = undefined;
        }
      };
      const generation = (current ??= start());
      try {
        await generation.opened;
      } catch (error) {
        // The first open failed: this generation is dead; the next watcher starts a new one.
        if (current === generation) current = undefined;
        generation.controller.abort();
        remove();
        throw error;
      }
      return { stop: remove };
    },
  };
}
