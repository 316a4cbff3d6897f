// Graceful shutdown (SIGTERM): stop taking work, let running calls finish within a grace period,
// then cancel the rest and close every stream and socket. Kubernetes sends SIGTERM and, after
// terminationGracePeriodSeconds (30 s by default), SIGKILL; the grace period default (20 s) leaves
// room for closing after it. Readiness turns false first so the Service stops routing here.
import type { Logger } from 'pino';
import type { GatewayCore } from './core.js';

export interface DrainResult {
  /** Calls still running when the grace period ended (they were cancelled). */
  cancelled: number;
  waitedMs: number;
}

async function waitIdle(core: GatewayCore, deadline: number): Promise<void> {
  while (core.registry.inFlight() > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Drains, then runs `close` (transports: WebSockets get 1001, SSE streams end, listeners close).
 * New HTTP requests and WebSocket upgrades get 503 from the transports while `draining` is set;
 * new tool calls on connections already open are refused by the registry.
 */
export async function drain(core: GatewayCore, graceMs: number, close: () => Promise<void>, log: Logger): Promise<DrainResult> {
  const started = Date.now();
  core.lifecycle.draining = true;
  const running = core.registry.inFlight();
  log.info({ inFlight: running, graceSeconds: graceMs / 1000 }, 'draining: readiness false, new requests get 503');
  await waitIdle(core, started + graceMs);
  const cancelled = core.registry.inFlight();
  if (cancelled > 0) log.warn({ cancelled }, 'grace period over; cancelling the calls still running');
  core.shutdown.abort();
  // Cancelled calls answer at once ("The gateway is shutting down"); give those answers a moment
  // to reach their clients before the sockets close.
  await waitIdle(core, Date.now() + 1_000);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await close();
  return { cancelled, waitedMs: Date.now() - started };
}
