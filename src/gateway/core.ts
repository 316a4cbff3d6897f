// Everything one gateway process shares across transports and sessions: the Docker client, the tool
// registry, security hooks (allow-all unless given), logging, metrics and health. Built once in
// main.ts (or by tests/bench); createMcpServer() and the transports only read from it.
import type Dockerode from 'dockerode';
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { RevocationHub } from './auth/revocation.js';
import { packageVersion } from '../shared/version.js';
import type { GatewayConfig } from './config.js';
import { connectDocker, type DockerConnection } from './docker/client.js';
import { createDaemonMonitor, type DaemonMonitor } from './docker/daemon-monitor.js';
import { createHealthChecker, type HealthChecker } from './observability/health.js';
import { silentLogger } from './observability/log.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { allowAllAuthenticator, allowAllPolicy, type Authenticator, type OperationPolicy } from './security.js';
import type { ToolDefinition } from './tools/define.js';
import { allTools } from './tools/index.js';
import { createToolRegistry, type CallAdmission, type CallAuditor, type ToolRegistry } from './tools/registry.js';
import { defaultRequestGuard, type RequestGuard } from './transports/request-guard.js';

export interface GatewayOptions {
  config: GatewayConfig;
  log?: Logger;
  metrics?: Metrics;
  /** Per-request authentication for HTTP and WebSocket. Default: everyone is `local` (loopback use only). */
  authenticator?: Authenticator;
  /** Tool visibility, per-call checks and per-operation authorization. Default: allow all. */
  policy?: OperationPolicy;
  /** Origin/Host checks for browsers and DNS rebinding. Default: see request-guard.ts. */
  guard?: RequestGuard;
  tools?: readonly ToolDefinition[];
  /** An existing Docker connection (otherwise built from the config). */
  docker?: DockerConnection;
  /** Per-identity rate/concurrency limits and the audit trail (security-config.ts builds both). */
  admission?: CallAdmission;
  audit?: CallAuditor;
  http?: HttpLimits;
}

export interface HttpLimits {
  /** Largest /mcp/call body. */
  maxBodyBytes: number;
  /** Largest WebSocket frame. */
  wsMaxPayloadBytes: number;
  /** RFC 9728 protected resource metadata, served unauthenticated at `path`. */
  resourceMetadata?: { path: string; body: unknown };
  /** Slow-client bounds (slowloris): all headers within, default 20 s. */
  headersTimeoutMs?: number;
  /** The whole request (headers + body; not the response stream) within, default 60 s. */
  requestTimeoutMs?: number;
}

export interface GatewayCore {
  config: GatewayConfig;
  version: string;
  docker: Dockerode;
  endpoint: string;
  log: Logger;
  metrics: Metrics;
  authenticator: Authenticator;
  policy: OperationPolicy;
  guard: RequestGuard;
  registry: ToolRegistry;
  health: HealthChecker;
  /** Aborted once at shutdown: running calls and event watches end. */
  shutdown: AbortController;
  http: HttpLimits;
  /** Last known daemon state: calls fail fast while it is down (docker/daemon-monitor.ts). */
  daemon: DaemonMonitor;
  /** Set when SIGTERM starts the drain (shutdown.ts): /ready and new requests answer 503. */
  lifecycle: { draining: boolean };
  /** The same per-identity rate and concurrency limits tool calls pass, for resource/prompt/completion reads. */
  admission?: CallAdmission;
  /** The audit trail tool calls write to; resource reads and prompts write their own lines (docker-reads.ts). */
  audit?: CallAuditor;
  /** WebSockets, sessions and requests in flight by credential, ended when it is revoked (auth/revocation.ts). */
  revocations: RevocationHub;
}

export function createGatewayCore(options: GatewayOptions): GatewayCore {
  const { config } = options;
  const { docker, endpoint, openConnections } = options.docker ?? connectDocker(config);
  const log = options.log ?? silentLogger();
  const metrics = options.metrics ?? createMetrics();
  if (openConnections) metrics.sampleDockerConnections = openConnections;
  const policy = options.policy ?? allowAllPolicy;
  const shutdown = new AbortController();
  // Every running call listens for shutdown; past 10 concurrent calls Node would warn of a leak.
  setMaxListeners(0, shutdown.signal);
  const lifecycle = { draining: false };
  const daemon = createDaemonMonitor(createHealthChecker(docker, endpoint, config.ready_timeout_seconds * 1000), { endpoint, log, metrics });
  shutdown.signal.addEventListener('abort', () => daemon.close(), { once: true });
  const registry = createToolRegistry({
    tools: options.tools ?? allTools,
    docker,
    endpoint,
    policy,
    log,
    metrics,
    limits: { maxOutputBytes: config.max_output_bytes, defaultListLimit: config.default_list_limit },
    timeoutMs: config.docker_timeout * 1000,
    longTimeoutMs: config.long_call_timeout_seconds * 1000,
    shutdownSignal: shutdown.signal,
    admission: options.admission,
    audit: options.audit,
    daemon,
    draining: () => lifecycle.draining,
    validateOutput: config.validate_tool_output,
  });
  return {
    config,
    version: packageVersion(),
    docker,
    endpoint,
    log,
    metrics,
    authenticator: options.authenticator ?? allowAllAuthenticator,
    policy,
    guard: options.guard ?? defaultRequestGuard(config),
    registry,
    health: {
      readiness: async () =>
        lifecycle.draining ? { ready: false, endpoint, reason: 'The gateway is shutting down.' } : daemon.check(),
    },
    shutdown,
    daemon,
    lifecycle,
    admission: options.admission,
    audit: options.audit,
    revocations: new RevocationHub(),
    http: options.http ?? { maxBodyBytes: 1024 * 1024, wsMaxPayloadBytes: 4 * 1024 * 1024 },
  };
}
