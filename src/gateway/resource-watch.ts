// The Docker event stream behind one resource subscription, kept alive across daemon restarts and
// socket loss: when the stream ends or fails while still wanted, it is re-opened with capped
// exponential backoff, and subscribers get one notifications/resources/updated on reconnect
// because the container may have changed while nobody was watching (a daemon restart without
// live-restore stops every container).
import type { GatewayCore } from './core.js';
import { watchEvents } from './docker/engine-calls.js';

export interface ResourceWatch {
  stop(): void;
}

const BACKOFF_MS = [250, 500, 1_000, 2_000, 5_000];

/**
 * Opens the first stream (its failure rejects, so subscribe can answer with an error), then keeps
 * one open until `stop()` or gateway shutdown.
 */
export async function watchContainer(core: GatewayCore, containerId: string, notify: () => void): Promise<ResourceWatch> {
  const controller = new AbortController();
  const { log, metrics } = core;
  let retryTimer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    core.shutdown.signal.removeEventListener('abort', stop);
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = undefined;
    controller.abort();
  };
  core.shutdown.signal.addEventListener('abort', stop, { once: true });

  // Wrapped in an object: an async function returning a bare promise would await it instead.
  const open = async (): Promise<{ done: Promise<void> }> => {
    const watch = await watchEvents(
      core.docker,
      { filters: { type: ['container'], container: [containerId] }, signal: controller.signal },
      notify,
    );
    metrics.eventWatches.inc();
    return { done: watch.done.finally(() => metrics.eventWatches.dec()) };
  };

  const reconnect = (attempt: number): void => {
    if (controller.signal.aborted) return;
    const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] as number;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (controller.signal.aborted) return;
      open().then(
        ({ done }) => {
          log.info({ container: containerId, attempt: attempt + 1 }, 'event stream for subscription re-opened');
          notify();
          follow(done, attempt + 1);
        },
        (error: unknown) => {
          log.debug({ err: error, container: containerId, attempt: attempt + 1 }, 'event stream re-open failed; backing off');
          reconnect(attempt + 1);
        },
      );
    }, delay);
    retryTimer.unref();
  };

  // A stream that dies right after opening keeps the backoff growing instead of retrying at 4/s.
  const follow = (done: Promise<void>, attempt: number): void => {
    const opened = Date.now();
    const next = (): number => (Date.now() - opened > 10_000 ? 0 : attempt);
    done.then(
      () => {
        if (controller.signal.aborted) return;
        log.warn({ container: containerId }, 'event stream for subscription ended (daemon restart?); re-subscribing');
        reconnect(next());
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        log.warn({ err: error, container: containerId }, 'event stream for subscription failed; re-subscribing');
        reconnect(next());
      },
    );
  };

  try {
    follow((await open()).done, 0);
  } catch (error) {
    stop();
    throw error;
  }
  return { stop };
}
