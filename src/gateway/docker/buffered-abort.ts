// Cancellation of buffered Engine requests (list, inspect, ping, start, stop…) at a fraction of
// what docker-modem's own wiring costs.
//
// docker-modem passes a call's AbortSignal to `http.request` and, once the answer starts, to
// `stream.addAbortSignal` on the response. Node wires each through an EventTarget listener plus an
// end-of-stream watcher (a dozen listeners in all): ~30 µs of CPU per request on the benchmark
// machine, a seventh of a whole `system_ping` (docs/benchmarks.md, fifth pass). Here a buffered
// request's signal is taken out of its options and watched once, for the whole request and answer;
// an abort destroys the request, which fails the call with an AbortError and closes its socket,
// exactly as before. Streams, hijacked and stdin-attached requests keep docker-modem's wiring.
import type { Agent, ClientRequest } from 'node:http';
import type Dockerode from 'dockerode';

interface DialContext {
  isStream?: boolean;
  hijack?: boolean;
  openStdin?: boolean;
}
type BuildRequest = (options: { signal?: AbortSignal }, context: DialContext, data: unknown, callback: (error: unknown) => void) => void;

/** The error Node's own abort handling fails a request with (name AbortError, code ABORT_ERR). */
export function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

function watch(request: ClientRequest, signal: AbortSignal): void {
  const onAbort = (): void => {
    request.destroy(abortError(signal));
  };
  signal.addEventListener('abort', onAbort, { once: true });
  // 'close' comes after the whole answer is read (or the request failed), keep-alive or not.
  request.once('close', () => signal.removeEventListener('abort', onAbort));
}

/**
 * Routes the abort signal of `docker`'s buffered requests through one listener each. `agent` must
 * be the agent `docker` sends with: Node hands it every request synchronously from
 * `http.request`, which is how the request made for a signal is found.
 */
export function abortBufferedRequestsCheaply(docker: Dockerode, agent: Agent): void {
  const modem = docker.modem as unknown as { buildRequest: BuildRequest };
  const build = modem.buildRequest;
  if (typeof build !== 'function') throw new Error('docker-modem has no buildRequest: check abortBufferedRequestsCheaply against its version');
  let claim: ((request: ClientRequest) => void) | undefined;

  // Public in Node's http.Agent since 0.x, missing from @types/node.
  const pool = agent as unknown as { addRequest: (request: ClientRequest, options: unknown) => void };
  const addRequest = pool.addRequest.bind(agent);
  pool.addRequest = (request, options) => {
    const claimed = claim;
    claim = undefined;
    claimed?.(request);
    addRequest(request, options);
  };

  modem.buildRequest = function (this: unknown, options, context, data, callback) {
    const signal = options.signal;
    if (!signal || context.isStream || context.hijack || context.openStdin) {
      build.call(this, options, context, data, callback);
      return;
    }
    delete options.signal;
    if (signal.aborted) {
      callback(abortError(signal));
      return;
    }
    claim = (request) => watch(request, signal);
    try {
      build.call(this, options, context, data, callback);
    } finally {
      claim = undefined;
    }
  };
}
