// Prometheus metrics with a private registry, so several gateways in one process (tests, bench)
// never collide on the global default registry.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type CallOutcome = 'ok' | 'tool_error' | 'invalid_args' | 'denied' | 'limited' | 'cancelled' | 'timeout' | 'internal';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  toolCalls: Counter<'tool' | 'outcome' | 'transport'>;
  toolDuration: Histogram<'tool' | 'outcome'>;
  dockerErrors: Counter<'kind'>;
  openSessions: Gauge<'transport'>;
  wsConnections: Gauge;
  /** Tool calls running now; returns to 0 once every caller got its answer or went away. */
  callsInFlight: Gauge<'transport'>;
  /** 1 while the last check of the Docker daemon succeeded, else 0. */
  dockerUp: Gauge;
  /** Event watches behind resource subscriptions. */
  eventWatches: Gauge;
  /** Sockets open to the Docker daemon (requests and streams); read from `sampleDockerConnections`. */
  dockerConnections: Gauge;
  sampleDockerConnections?: () => number;
  /** Reloads of auth_tokens_file by result: ok, invalid, missing, unreadable (auth/token-reload.ts). */
  tokenReloads: Counter<'result'>;
}

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'docker_mcp_' });
  const metrics: Metrics = {
    registry,
    httpRequests: new Counter({
      name: 'docker_mcp_http_requests_total',
      help: 'HTTP requests by method, route and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    toolCalls: new Counter({
      name: 'docker_mcp_tool_calls_total',
      help: 'Tool calls by tool, outcome and transport.',
      labelNames: ['tool', 'outcome', 'transport'],
      registers: [registry],
    }),
    toolDuration: new Histogram({
      name: 'docker_mcp_tool_call_duration_seconds',
      help: 'Tool call duration in seconds, from validation to result.',
      labelNames: ['tool', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    dockerErrors: new Counter({
      name: 'docker_mcp_docker_errors_total',
      help: 'Errors returned by the Docker Engine or its socket, by kind (unreachable or HTTP status).',
      labelNames: ['kind'],
      registers: [registry],
    }),
    openSessions: new Gauge({
      name: 'docker_mcp_open_sessions',
      help: 'Open MCP sessions by transport.',
      labelNames: ['transport'],
      registers: [registry],
    }),
    wsConnections: new Gauge({
      name: 'docker_mcp_websocket_connections',
      help: 'Open WebSocket connections.',
      registers: [registry],
    }),
    callsInFlight: new Gauge({
      name: 'docker_mcp_tool_calls_in_flight',
      help: 'Tool calls running now, by transport.',
      labelNames: ['transport'],
      registers: [registry],
    }),
    dockerUp: new Gauge({
      name: 'docker_mcp_docker_up',
      help: '1 when the last check of the Docker daemon succeeded, 0 when it failed.',
      registers: [registry],
    }),
    eventWatches: new Gauge({
      name: 'docker_mcp_event_watches',
      help: 'Docker event streams held open for resource subscriptions.',
      registers: [registry],
    }),
    dockerConnections: new Gauge({
      name: 'docker_mcp_docker_connections',
      help: 'Sockets open to the Docker daemon (ordinary requests and long streams: logs, exec, events, pulls).',
      registers: [registry],
      collect() {
        // Read at scrape time so the number is exact, not whatever the last request left behind.
        const sample = metrics.sampleDockerConnections;
        if (sample) this.set(sample());
      },
    }),
    tokenReloads: new Counter({
      name: 'docker_mcp_auth_tokens_reload_total',
      help: 'Reloads of auth_tokens_file after it changed, by result: ok (new tokens in use), invalid, missing or unreadable (previous tokens kept).',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
  return metrics;
}

export interface MetricsServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** `/metrics` on its own listener: scrapers reach it inside the cluster, the tunnel never does. */
export async function startMetricsServer(metrics: Metrics, host: string, port: number): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(
        JSON.stringify({ error: { code: 'not_found', message: 'Only /metrics is served on this port.' } }),
      );
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'application/json' }).end(
        JSON.stringify({ error: { code: 'method_not_allowed', message: 'Use GET /metrics.' } }),
      );
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (error: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
