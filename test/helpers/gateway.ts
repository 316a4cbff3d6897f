// Starts a real gateway in this process on 127.0.0.1 with OS-assigned ports, pointed at the
// private test daemon. Transport tests then talk to it with real SDK clients over real sockets.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { resolveGatewayConfig, type GatewayConfig } from '../../src/gateway/config.js';
import { startGateway, type RunningGateway, type StartOptions } from '../../src/gateway/main.js';
import { silentLogger } from '../../src/gateway/observability/log.js';
import { testEnv } from './env.js';
import { freePort } from './free-port.js';

export { freePort };

export interface TestGateway extends RunningGateway {
  url: string;
  metricsUrl: string | undefined;
}

export function testConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  const { config } = resolveGatewayConfig({ flags: { dockerHost: testEnv.dockerHost }, env: {} });
  // Tool results are checked against their output schemas in every test (off by default in production).
  return { ...config, port: 0, metrics_port: 0, validate_tool_output: true, ...overrides };
}

export async function startTestGateway(
  overrides: Partial<GatewayConfig> = {},
  extra: StartOptions = {},
): Promise<TestGateway> {
  const gateway = await startGateway(testConfig(overrides), {
    log: silentLogger(),
    // The real security layer runs (loopback: no auth, default policy); its audit lines are dropped.
    securityDeps: { auditStream: { write: () => undefined }, self: [] },
    ...extra,
  });
  if (!gateway.http) throw new Error('expected an HTTP gateway');
  return {
    ...gateway,
    url: gateway.http.url,
    metricsUrl: gateway.metrics ? `http://127.0.0.1:${gateway.metrics.port}/metrics` : undefined,
  };
}

export async function connectHttpClient(url: string, name = 'gateway-test'): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name, version: '0.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`));
  await client.connect(transport);
  return { client, transport };
}


/** Reads one sample of a counter/gauge from Prometheus text, 0 when absent. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(\{([^}]*)\})? ([0-9.e+-]+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present: Record<string, string> = {};
    for (const pair of (match[3] ?? '').split(',').filter(Boolean)) {
      const [k = '', v = ''] = pair.split('=');
      present[k] = v.replace(/^"|"$/g, '');
    }
    if (Object.entries(labels).every(([k, v]) => present[k] === v)) return Number(match[4]);
  }
  return 0;
}
