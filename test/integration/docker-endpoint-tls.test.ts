// The gateway against a tcp:// endpoint with TLS: a second private dockerd (its own directories,
// never the shared one) that also listens on tcp://127.0.0.1:<port> with --tlsverify, certificates
// made by openssl for this run. Right certificates: calls work. Wrong CA, a client certificate the
// daemon does not trust, plain HTTP to the TLS port: tool results name the endpoint and what to
// fix, /ready is 503 with the reason. A missing or mismatched file: `docker-mcp serve` exits 2.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConfig } from '../../src/gateway/config.js';
import { connectDocker } from '../../src/gateway/docker/client.js';
import { ensureBuilt } from '../helpers/build.js';
import { cleanEnv, runBin, type Finished } from '../helpers/run-bin.js';
import { connectHttpClient, freePort, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { createPrivateDaemon, unmountUnder, type PrivateDaemon } from '../helpers/private-dockerd.js';
import { makeTestPki, type TestPki } from '../helpers/tls-certs.js';

const text = (result: CallToolResult): string => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('Docker endpoint over tcp:// with TLS (a real dockerd with --tlsverify)', () => {
  let root: string;
  let pki: TestPki;
  let daemon: PrivateDaemon;
  let endpoint: string;
  const open: { gateway: TestGateway; client: Client }[] = [];

  const gatewayWith = async (settings: Partial<GatewayConfig>): Promise<{ gateway: TestGateway; client: Client }> => {
    const gateway = await startTestGateway({ docker_host: endpoint, ready_timeout_seconds: 2, docker_timeout: 5, ...settings });
    const { client } = await connectHttpClient(gateway.url, 'tls-test');
    open.push({ gateway, client });
    return { gateway, client };
  };
  const ready = async (gateway: TestGateway): Promise<{ status: number; body: { status?: string; docker?: string; reason?: string } }> => {
    const res = await fetch(`${gateway.url}/ready`);
    return { status: res.status, body: (await res.json()) as { status?: string; docker?: string; reason?: string } };
  };

  beforeAll(async () => {
    // Short path: the daemon's unix socket lives under it too.
    root = mkdtempSync(join(tmpdir(), 'dmcp-tls-'));
    pki = makeTestPki(join(root, 'pki'));
    const port = await freePort();
    daemon = createPrivateDaemon(join(root, 'd'), { tls: { port, ...pki.server } });
    await daemon.start();
    endpoint = daemon.tcpHost ?? '';
    // start() waits for the unix socket; the TLS listener comes up with it, but make sure.
    const probe = connectDocker({ docker_host: endpoint, docker_tls_verify: true, docker_cert_path: pki.client, docker_timeout: 5 }).docker;
    for (let i = 0; ; i++) {
      try {
        await probe.ping();
        break;
      } catch (error) {
        if (i >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });

  afterAll(async () => {
    for (const { gateway, client } of open) {
      await client.close().catch(() => undefined);
      await gateway.stop();
    }
    await daemon?.stop();
    if (root) {
      unmountUnder(root);
      rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    }
  });

  it('with docker_cert_path: system_ping and container_list work, /ready is 200', async () => {
    const { gateway, client } = await gatewayWith({ docker_tls_verify: true, docker_cert_path: pki.client });
    const ping = (await client.callTool({ name: 'system_ping', arguments: {} })) as CallToolResult;
    expect(ping.isError, text(ping)).toBeFalsy();
    expect(ping.structuredContent).toMatchObject({ ok: true });
    const list = (await client.callTool({ name: 'container_list', arguments: { all: true } })) as CallToolResult;
    expect(list.isError, text(list)).toBeFalsy();
    expect(list.structuredContent).toMatchObject({ containers: [] });
    expect(await ready(gateway)).toMatchObject({ status: 200, body: { status: 'ready', docker: endpoint } });
  });

  it('docker_tls_verify alone reads the docker CLI default directory (DOCKER_CONFIG)', async () => {
    const before = process.env.DOCKER_CONFIG;
    process.env.DOCKER_CONFIG = pki.client;
    try {
      const docker = connectDocker({ docker_host: endpoint, docker_tls_verify: true, docker_timeout: 5 }).docker;
      expect(String(await docker.ping())).toBe('OK');
    } finally {
      if (before === undefined) delete process.env.DOCKER_CONFIG;
      else process.env.DOCKER_CONFIG = before;
    }
  });

  it('the wrong CA: the tool result names the endpoint and TLS verification, /ready is 503 with the reason', async () => {
    const { gateway, client } = await gatewayWith({ docker_tls_verify: true, docker_cert_path: pki.wrongCa });
    const ping = (await client.callTool({ name: 'system_ping', arguments: {} })) as CallToolResult;
    expect(ping.isError).toBe(true);
    expect(text(ping)).toContain(`Docker daemon unreachable at ${endpoint}: TLS verification of the daemon's certificate failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE`);
    expect(text(ping)).toContain('docker_cert_path');
    expect(text(ping)).not.toMatch(/Internal error/);
    // The registry marked the daemon down: the next call fails fast with the same endpoint.
    const again = (await client.callTool({ name: 'container_list', arguments: {} })) as CallToolResult;
    expect(again.isError).toBe(true);
    expect(text(again)).toContain(endpoint);
    const probe = await ready(gateway);
    expect(probe.status).toBe(503);
    expect(probe.body).toMatchObject({ status: 'unavailable', docker: endpoint });
    // /ready gives the same explanation as the tool result, not just the error code.
    expect(probe.body.reason).toContain(`Docker daemon unreachable at ${endpoint}: TLS verification of the daemon's certificate failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE`);
  });

  it('a client certificate the daemon does not trust: the tool result says the daemon refused it', async () => {
    const { gateway, client } = await gatewayWith({ docker_tls_verify: true, docker_cert_path: pki.untrustedClient });
    const ping = (await client.callTool({ name: 'system_ping', arguments: {} })) as CallToolResult;
    expect(ping.isError).toBe(true);
    expect(text(ping)).toMatch(new RegExp(`^Docker daemon unreachable at ${endpoint}: the TLS handshake failed: the daemon refused the client certificate \\(ERR_SSL_`));
    expect(text(ping)).toContain('--tlscacert');
    expect((await ready(gateway)).status).toBe(503);
  });

  it('plain HTTP to the TLS port: the tool result says to turn TLS on', async () => {
    const { gateway, client } = await gatewayWith({ docker_tls_verify: false });
    const ping = (await client.callTool({ name: 'system_ping', arguments: {} })) as CallToolResult;
    expect(ping.isError).toBe(true);
    expect(text(ping)).toContain(`Docker endpoint ${endpoint} speaks TLS, but the gateway connected with plain HTTP.`);
    expect(text(ping)).toContain('docker_tls_verify');
    const probe = await ready(gateway);
    expect(probe.status).toBe(503);
    expect(probe.body.reason).toContain(endpoint);
  });

  describe('docker-mcp serve (black box) with unusable certificate files', () => {
    beforeAll(() => ensureBuilt(), 180_000);

    const serve = async (env: Record<string, string>): Promise<Finished> =>
      runBin(['serve', '--port', String(await freePort()), '--metrics-port', String(await freePort())], cleanEnv(env));

    it('a missing key.pem: exit 2 with one message naming the file and the setting', async () => {
      const dir = join(root, 'no-key');
      mkdirSync(dir);
      copyFileSync(join(pki.client, 'ca.pem'), join(dir, 'ca.pem'));
      copyFileSync(join(pki.client, 'cert.pem'), join(dir, 'cert.pem'));
      const result = await serve({ DOCKER_HOST: endpoint, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `docker-mcp: TLS to the Docker daemon at ${endpoint} needs ca.pem, cert.pem and key.pem in ${dir} (docker_cert_path, ` +
          'set by --docker-cert-path, DOCKER_MCP_DOCKER_CERT_PATH or DOCKER_CERT_PATH); point it at the directory that holds them:\n' +
          `  - ${join(dir, 'key.pem')} does not exist\n`,
      );
    });

    it('docker_tls_verify with no docker_cert_path and no ~/.docker certificates: exit 2 saying where it looked', async () => {
      const home = join(root, 'home');
      mkdirSync(home);
      const result = await serve({ HOME: home, DOCKER_MCP_DOCKER_HOST: endpoint, DOCKER_MCP_DOCKER_TLS_VERIFY: 'true' });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`with docker_cert_path unset they are read from ${join(home, '.docker')}, like the docker CLI does`);
      expect(result.stderr).not.toMatch(/unexpected error|\n {4}at /);
    });

    it('a key that does not match the certificate: exit 2', async () => {
      const result = await serve({ DOCKER_MCP_DOCKER_HOST: endpoint, DOCKER_MCP_DOCKER_TLS_VERIFY: 'true', DOCKER_MCP_DOCKER_CERT_PATH: pki.mismatchedKey });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `docker-mcp: The TLS files in ${pki.mismatchedKey} (docker_cert_path) cannot be used for ${endpoint}: key.pem is not the private key of cert.pem.\n`,
      );
    });
  });
});
