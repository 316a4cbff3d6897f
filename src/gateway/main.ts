// Entry for `docker-mcp serve`: resolve settings, start the listeners, log where they are, and on
// SIGTERM/SIGINT drain (shutdown.ts: readiness false, 503 for new requests, running calls get
// shutdown_grace_seconds), close everything and return (src/cli/main.ts then exits 0). A second
// signal exits at once with 128 + the signal number (143 for SIGTERM, 130 for SIGINT). Bad settings
// throw a UsageError before anything starts (exit 2); a port in use is a CliError (exit 1).
import { constants as osConstants } from 'node:os';
import pino, { type Logger } from 'pino';
import { CliError, ExitCode } from '../shared/errors.js';
import { startTokenReload, type TokenReloader } from './auth/token-reload.js';
import { resolveGatewayConfig, type GatewayConfig } from './config.js';
import { envName, flagName } from '../contract/settings.js';
import { createGatewayCore, type GatewayOptions } from './core.js';
import { connectDocker } from './docker/client.js';
import { buildSecurity, type SecurityDeps } from './security-config.js';
import { drain } from './shutdown.js';
import { createLogger } from './observability/log.js';
import { startMetricsServer, type MetricsServer } from './observability/metrics.js';
import { startHttpGateway, type HttpGateway } from './transports/http.js';
import { preloadSessionModules } from './transports/session-modules.js';
import { serveStdio } from './transports/stdio.js';

export interface RunningGateway {
  http?: HttpGateway;
  metrics?: MetricsServer;
  log: Logger;
  /** Resolves once the gateway has stopped serving. */
  done: Promise<void>;
  /** Resolves once start-up has finished loading modules (session modules load after listening). */
  warm: Promise<void>;
  /** Stops now: running calls are cancelled. */
  stop(): Promise<void>;
  /** Graceful stop: no new work, running calls get `graceMs` (default shutdown_grace_seconds), then stop(). */
  drain(graceMs?: number): Promise<void>;
}

export function listenError(error: unknown, what: string, host: string, port: number): CliError {
  const code = (error as { code?: string }).code;
  // Name the setting to change: --port for the HTTP listener, --metrics-port for /metrics.
  if (code === 'EADDRINUSE') {
    const key = what === 'metrics' ? 'metrics_port' : 'port';
    return new CliError(`${what} port ${port} on ${host} is already in use; pick another with ${flagName(key)} (or ${envName(key)}, or ${key} in the config file).`);
  }
  if (code === 'EACCES') return new CliError(`Not allowed to listen on ${host}:${port} (${what}); use a port above 1023 or grant the capability.`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new CliError(`Cannot bind ${what} to ${host}: no such local address.`);
  return new CliError(`Cannot listen on ${host}:${port} (${what}): ${(error as Error).message}`);
}

export interface StartOptions extends Omit<GatewayOptions, 'config'> {
  /** Overrides for the security layer's dependencies (tests pass a quiet audit stream). */
  securityDeps?: Partial<SecurityDeps>;
}

/**
 * Starts a gateway in this process (also used by tests and the benchmark). Authentication,
 * policy, Origin/Host guard, limits and audit come from the settings via buildSecurity unless an
 * authenticator or policy is passed explicitly.
 */
export async function startGateway(config: GatewayConfig, extra: StartOptions = {}): Promise<RunningGateway> {
  const log = extra.log ?? createLogger({ level: config.log_level, fd: config.stdio ? 2 : 1 });
  const docker = extra.docker ?? connectDocker(config);
  const { securityDeps, ...options } = extra;
  const security =
    options.authenticator || options.policy
      ? undefined
      : buildSecurity(config, {
          docker: docker.docker,
          // Under --stdio, stdout carries MCP: the audit trail goes to stderr like the logs.
          auditStream: config.stdio ? pino.destination({ dest: 2, sync: true }) : undefined,
          ...securityDeps,
        });
  for (const warning of security?.warnings ?? []) log.warn(warning);
  const core = createGatewayCore({
    ...options,
    config,
    log,
    docker,
    authenticator: options.authenticator ?? security?.authenticator,
    policy: options.policy ?? security?.policy,
    guard: options.guard ?? security?.guard,
    admission: options.admission ?? security?.limits,
    audit: options.audit ?? security?.audit,
    http: options.http ?? (security && {
      maxBodyBytes: security.maxBodyBytes,
      wsMaxPayloadBytes: security.wsMaxPayloadBytes,
      resourceMetadata: security.resourceMetadata && { path: security.resourceMetadataPath, body: security.resourceMetadata },
    }),
  });
  // Over HTTP a rotated tokens file is picked up without a restart (stdio has no bearer auth).
  const tokensFile = security?.tokensFile;
  const reloader: TokenReloader | undefined = tokensFile && !config.stdio
    ? startTokenReload({ ...tokensFile, log, counter: core.metrics.tokenReloads, onReplaced: () => core.revocations.sweep() })
    : undefined;
  const closeSecurity = async (): Promise<void> => {
    reloader?.stop();
    await security?.close();
  };

  if (config.stdio) {
    const stdio = await serveStdio(core);
    log.info({ docker: core.endpoint, version: core.version }, 'docker-mcp serving MCP on stdio');
    const stop = async (): Promise<void> => {
      core.shutdown.abort();
      await stdio.stop();
      await closeSecurity();
    };
    const graceful = async (graceMs = config.shutdown_grace_seconds * 1000): Promise<void> => {
      await drain(core, graceMs, stop, log);
    };
    return { log, done: stdio.closed.then(closeSecurity), warm: Promise.resolve(), stop, drain: graceful };
  }

  let http: HttpGateway;
  try {
    http = await startHttpGateway(core);
  } catch (error) {
    await closeSecurity();
    throw listenError(error, 'HTTP', config.host, config.port);
  }
  // Listening (and /ready) does not wait for the session modules; the first client rarely does either.
  const warm = preloadSessionModules();
  let metrics: MetricsServer | undefined;
  if (config.enable_metrics) {
    const metricsHost = config.metrics_host ?? config.host;
    try {
      metrics = await startMetricsServer(core.metrics, metricsHost, config.metrics_port);
    } catch (error) {
      await http.close();
      await closeSecurity();
      throw listenError(error, 'metrics', metricsHost, config.metrics_port);
    }
  }
  log.info(
    {
      mcp: `${http.url}/mcp`,
      ws: `${http.url.replace(/^http/, 'ws')}/ws`,
      legacy: `${http.url}/mcp/call`,
      health: `${http.url}/health`,
      ready: `${http.url}/ready`,
      metrics: metrics ? `http://${config.metrics_host ?? config.host}:${metrics.port}/metrics` : 'disabled',
      docker: core.endpoint,
      stateless: config.stateless,
      version: core.version,
    },
    `docker-mcp listening on ${http.url} (MCP at /mcp, WebSocket at /ws)`,
  );
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      core.shutdown.abort();
      await Promise.allSettled([http.close(), metrics?.close()]);
      await closeSecurity();
      resolveDone();
    })();
    return stopping;
  };
  let draining: Promise<void> | undefined;
  const graceful = (graceMs = config.shutdown_grace_seconds * 1000): Promise<void> => {
    draining ??= drain(core, graceMs, stop, log).then(() => undefined);
    return draining;
  };
  return { http, metrics, log, done, warm, stop, drain: graceful };
}

export interface ServeHooks {
  /** Called once start-up's module loading is over (see RunningGateway.warm). */
  onWarm?: () => void;
}

export async function runServe(flags: Record<string, unknown>, hooks: ServeHooks = {}): Promise<void> {
  const { config } = resolveGatewayConfig({ flags });
  const gateway = await startGateway(config);
  if (hooks.onWarm) void gateway.warm.then(hooks.onWarm);
  const { log } = gateway;
  const graceMs = config.shutdown_grace_seconds * 1000;
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      // The operator insists (a second Ctrl+C, or kubectl delete --force): no more waiting.
      log.warn({ signal }, 'second signal: exiting now without waiting for running calls');
      process.exit(128 + (osConstants.signals[signal] ?? 15));
    }
    signalled = true;
    log.info({ signal, graceSeconds: config.shutdown_grace_seconds }, 'shutting down');
    // A stuck close must not keep the pod in Terminating forever.
    setTimeout(() => {
      log.error(`shutdown took longer than the grace period plus 10 s; exiting anyway`);
      process.exit(ExitCode.failure);
    }, graceMs + 10_000).unref();
    void gateway.drain(graceMs);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  await gateway.done;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  log.info('stopped');
}
