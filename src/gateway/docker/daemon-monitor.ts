// Remembers whether the Docker daemon answered last time, so calls fail fast while it is down
// instead of each waiting out docker_timeout against a dead or hung socket (a stopped or hung
// dockerd still accepts unix connections: only a ping with a short bound tells). While down, a
// background ping (bounded by the readiness timeout) runs every `recheckMs`, so the state turns
// back to up by itself when the daemon returns: no gateway restart, no caller needed.
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import type { HealthChecker, ReadinessResult } from '../observability/health.js';

export interface DaemonMonitor {
  /** Shared, bounded ping; records the result. Used by /ready and by the gate. */
  check(): Promise<ReadinessResult>;
  /**
   * Before a call: undefined when the daemon is believed up (no ping on the fast path), else the
   * reason it is down, after at most one fresh bounded ping.
   */
  gate(): Promise<string | undefined>;
  /** A call saw the socket fail (ECONNREFUSED, ECONNRESET, …): down until a ping succeeds. */
  reportUnreachable(reason: string): void;
  /** A call timed out: the daemon may be hung; check in the background. */
  suspect(): void;
  readonly up: boolean;
  close(): void;
}

export interface DaemonMonitorOptions {
  endpoint: string;
  log: Logger;
  metrics: Metrics;
  /** Background re-check interval while down. */
  recheckMs?: number;
  /** A failed result younger than this is reused by the gate instead of pinging again. */
  reuseFailureMs?: number;
}

export function createDaemonMonitor(health: HealthChecker, options: DaemonMonitorOptions): DaemonMonitor {
  const { log, metrics, endpoint } = options;
  const recheckMs = options.recheckMs ?? 1_000;
  const reuseFailureMs = options.reuseFailureMs ?? 500;
  let up = true;
  let lastFailure: { at: number; reason: string } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  metrics.dockerUp.set(1);

  const markDown = (reason: string): void => {
    lastFailure = { at: Date.now(), reason };
    if (up) log.warn({ docker: endpoint, reason }, 'Docker daemon unavailable; calls fail fast until it answers again');
    up = false;
    metrics.dockerUp.set(0);
    schedule();
  };
  const markUp = (): void => {
    if (!up) log.info({ docker: endpoint }, 'Docker daemon is back');
    up = true;
    lastFailure = undefined;
    metrics.dockerUp.set(1);
  };

  function schedule(): void {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (!up) void check();
    }, recheckMs);
    // A background re-check must never keep a stopping process alive.
    timer.unref();
  }

  async function check(): Promise<ReadinessResult> {
    const result = await health.readiness();
    if (result.ready) markUp();
    else markDown(result.reason ?? `Docker daemon at ${endpoint} did not answer`);
    return result;
  }

  return {
    check,
    get up() {
      return up;
    },
    async gate() {
      if (up) return undefined;
      if (lastFailure && Date.now() - lastFailure.at < reuseFailureMs) return lastFailure.reason;
      const result = await check();
      return result.ready ? undefined : result.reason;
    },
    reportUnreachable(reason) {
      markDown(reason);
    },
    suspect() {
      if (up) void check();
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
