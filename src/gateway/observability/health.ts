// Liveness says the process serves; readiness says the Docker daemon answers /_ping in time.
// Readiness is computed on every probe (no cached state), so it recovers as soon as the daemon does.
import type Dockerode from 'dockerode';
import { engineCall } from '../docker/engine-calls.js';
import { dockerErrorMessage, isDaemonUnreachable, toToolError } from '../docker/errors.js';

export interface ReadinessResult {
  ready: boolean;
  endpoint: string;
  reason?: string;
  latencyMs?: number;
}

export interface HealthChecker {
  readiness(): Promise<ReadinessResult>;
}

export function createHealthChecker(docker: Dockerode, endpoint: string, timeoutMs: number): HealthChecker {
  // Concurrent probes share one ping so a burst of probes cannot pile up sockets on a slow daemon.
  let inflight: Promise<ReadinessResult> | undefined;
  const ping = async (): Promise<ReadinessResult> => {
    const started = performance.now();
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      await engineCall(docker, 'ping', signal);
      return { ready: true, endpoint, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      let reason: string;
      if (signal.aborted) reason = `Docker daemon at ${endpoint} did not answer /_ping within ${timeoutMs} ms`;
      // The same words a tool result uses: which endpoint, what failed (DNS, TLS, socket), no hint.
      else if (isDaemonUnreachable(error)) reason = toToolError(error, endpoint).message.replace(/\.$/, '');
      else reason = `Docker daemon at ${endpoint} failed /_ping: ${dockerErrorMessage(error)}`;
      return { ready: false, endpoint, reason };
    }
  };
  return {
    readiness() {
      inflight ??= ping().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
  };
}
