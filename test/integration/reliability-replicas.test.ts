// Two gateway processes behind a round-robin proxy (a Service without session affinity). With
// --stateless one SDK client is served correctly whichever replica answers; stateful mode fails
// with the documented 404 that points at --stateless or sticky sessions. The installer renders
// stateless whenever replicas > 1.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { InstallConfig } from '../../src/config/schema.js';
import { gatewayEnvTable } from '../../src/templates/gateway-env.js';
import { testEnv } from '../helpers/env.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { startRoundRobinProxy, type RoundRobinProxy } from '../helpers/rr-proxy.js';

describe('replicas behind a round-robin proxy', () => {
  let replicas: GatewayProcess[] = [];
  let proxy: RoundRobinProxy | undefined;
  const up = async (stateless: boolean): Promise<RoundRobinProxy> => {
    const env = { DOCKER_MCP_STATELESS: String(stateless) };
    replicas = await Promise.all([spawnGateway(testEnv.dockerHost, env), spawnGateway(testEnv.dockerHost, env)]);
    proxy = await startRoundRobinProxy(replicas.map((r) => r.url));
    return proxy;
  };
  afterEach(async () => {
    await proxy?.close();
    for (const replica of replicas) replica.kill();
    await Promise.all(replicas.map((r) => r.exited));
    replicas = [];
  });

  it('stateless: one SDK client, every request may land on either replica', async () => {
    const { url, hits } = await up(true);
    const client = new Client({ name: 'replicas', version: '0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('container_list');
    for (let i = 0; i < 6; i++) {
      const result = (await client.callTool({ name: 'system_version', arguments: {} })) as CallToolResult;
      expect(result.isError).toBeFalsy();
    }
    const info = await client.readResource({ uri: 'docker://system/info' });
    expect(info.contents[0]?.mimeType).toBe('application/json');
    await client.close();
    expect(hits[0]).toBeGreaterThanOrEqual(4);
    expect(hits[1]).toBeGreaterThanOrEqual(4);
  });

  it('stateful: the second request hits the other replica and gets the documented 404', async () => {
    const { url } = await up(false);
    const client = new Client({ name: 'replicas', version: '0' });
    const error = await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`))).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/another replica/);
    expect(error?.message).toMatch(/--stateless .*sticky sessions/);
    await client.close().catch(() => undefined);
  });

  it('the installer renders stateless exactly when replicas > 1', () => {
    const row = gatewayEnvTable.find((r) => r.setting === 'stateless');
    expect(row?.value({ replicas: 1 } as InstallConfig)).toBe('false');
    expect(row?.value({ replicas: 2 } as InstallConfig)).toBe('true');
    expect(row?.hcl).toBe('tostring(var.replicas > 1)');
  });
});
