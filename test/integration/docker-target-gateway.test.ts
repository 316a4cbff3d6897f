// The compose seam, from both sides: the gateway image built by `image build`, started exactly as the
// rendered compose.yaml says (command, env, env file, hardening; only the socket path swapped for the
// private daemon's), must become healthy, answer MCP with the bearer token from the env file, and
// refuse a request without it. Then destroy leaves nothing behind.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCompose, destroyCompose, statusCompose } from '../../src/lifecycle/docker-target/index.js';
import { renderCompose, renderEnvFile } from '../../src/templates/compose/render.js';
import { ensureBuilt } from '../helpers/build.js';
import { testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { GATEWAY_TEST_IMAGE, ensureGatewayImage } from '../helpers/gateway-image.js';

const TAG = GATEWAY_TEST_IMAGE;
const TOKEN = 'compose-seam-token-1c9e5a7f3b2d';

describe('docker target with the real gateway image', () => {
  const docker = testDocker();
  const project = uniqueName('dmcp-gw');
  const dir = mkdtempSync(join(tmpdir(), 'dmcp-compose-gw-'));
  const file = join(dir, 'compose.yaml');

  beforeAll(async () => {
    ensureBuilt();
    await ensureGatewayImage(docker, testEnv.dockerHost);
    const rendered = renderCompose({
      project,
      image: TAG,
      port: 8080,
      publish: false,
      dockerSocket: testEnv.dockerSocket,
      dockerSocketGid: statSync(testEnv.dockerSocket).gid,
      settings: { log_level: 'info', docker_timeout: 30, policy_preset: 'admin', enable_metrics: true, metrics_port: 9090 },
      secretsEnvFile: 'gateway.env',
      cpuLimit: '500m',
      memoryLimit: '256Mi',
    });
    writeFileSync(file, rendered.contents);
    writeFileSync(join(dir, 'gateway.env'), renderEnvFile({ DOCKER_MCP_AUTH_TOKENS: `seam:admin:${TOKEN}` }));
  }, 300_000);

  afterAll(async () => {
    await destroyCompose(file, { docker }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies to a healthy gateway, serves MCP with the env-file token, and is idempotent', async () => {
    const first = await applyCompose(file, { docker, healthTimeoutMs: 60_000 });
    expect(first.changes).toEqual([{ service: 'gateway', container: `${project}-gateway-1`, action: 'created' }]);
    const info = await docker.getContainer(`${project}-gateway-1`).inspect();
    expect(info.State.Health?.Status).toBe('healthy');

    // The project network is a plain bridge: the host reaches the container's address directly.
    const ip = info.NetworkSettings.Networks[`${project}_default`]?.IPAddress;
    expect(ip).toBeTruthy();
    const base = `http://${ip}:8080`;
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    const anonymous = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(anonymous.status).toBe(401);

    const client = new Client({ name: 'compose-seam', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
    const ping = await client.callTool({ name: 'system_ping', arguments: {} });
    expect(ping.isError, JSON.stringify(ping.content)).toBeFalsy();
    await client.close();

    expect((await applyCompose(file, { docker })).changed).toBe(false);
    expect((await statusCompose(file, { docker })).healthy).toBe(true);
  }, 120_000);

  it('destroys the gateway container and its network', async () => {
    const result = await destroyCompose(file, { docker });
    expect(result.removed).toEqual({ containers: [`${project}-gateway-1`], networks: [`${project}_default`], volumes: [] });
    const left = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
    expect(left).toEqual([]);
  });
});
