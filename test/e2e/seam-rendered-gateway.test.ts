// The seam between the halves (DESIGN.md): the Deployment the installer renders must run the real
// gateway. For the basic and production examples this renders the objects, checks the Terraform
// module's ConfigMap (evaluated from its parse tree) is the YAML one, then starts
// `node bin/docker-mcp.js <container args>` with exactly the ConfigMap env and the Secret's tokens
// file in the rendered format. Only the socket (the private test daemon), the ports (free ones) and
// the Secret's mount directory (a temp dir) are remapped; the bind host stays what the pod uses.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gatewayEnvFor } from '../../src/templates/index.js';
import { scopeForPreset, tokensFileYaml } from '../../src/templates/tokens.js';
import { binPath, ensureBuilt, repoRoot } from '../helpers/build.js';
import { testEnv } from '../helpers/env.js';
import { freePort } from '../helpers/gateway.js';
import { EXAMPLES, exampleConfig, moduleVars, renderExample } from '../unit/installer-helpers.js';
import { moduleObjects } from '../unit/installer-module-eval.js';

interface Probe { httpGet: { path: string; port: string | number } }
interface Container {
  command?: string[];
  args: string[];
  env?: { name: string; value: string }[];
  envFrom: { configMapRef: { name: string } }[];
  ports: { name: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  securityContext: { runAsUser: number; fsGroup?: number };
  volumes: { name: string; secret?: { secretName: string; defaultMode?: number }; hostPath?: { path: string } }[];
}

function objectIn(files: { path: string; contents: string }[], path: string): Record<string, unknown> {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`${path} was not rendered`);
  return parse(file.contents) as Record<string, unknown>;
}

/** The test process's env without anything that would configure the gateway behind our back. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('DOCKER_')) env[key] = value;
  }
  return env;
}

async function waitFor(url: string, child: ChildProcess, output: () => string): Promise<Response> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}:\n${output()}`);
    const response = await fetch(url).catch(() => undefined);
    if (response?.status === 200) return response;
    if (Date.now() > deadline) throw new Error(`${url} never answered 200 (last: ${response?.status ?? 'no answer'}):\n${output()}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** A raw request, because fetch will not let a test set Host (what the tunnel delivers). */
function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end(body);
  });
}

describe.each(EXAMPLES)('the rendered %s Deployment runs the real gateway', (example) => {
  const config = exampleConfig(example);
  const plan = renderExample(example);
  const deployment = objectIn(plan.files, 'kubernetes/deployment.yaml') as { spec: { template: { spec: PodSpec } } };
  const configMap = objectIn(plan.files, 'kubernetes/configmap.yaml') as { metadata: { name: string }; data: Record<string, string> };
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0]!;
  const token = randomBytes(32).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), `dmcp-seam-${example}-`));
  const ports: Record<string, number> = {};
  let child: ChildProcess;
  let output = '';
  const url = (port: string | number, path: string): string =>
    `http://127.0.0.1:${typeof port === 'number' ? port : ports[port]!}${path}`;

  beforeAll(async () => {
    ensureBuilt();
    const env: Record<string, string> = { ...configMap.data };
    for (const item of container.env ?? []) env[item.name] = item.value;
    // The Secret volume's files, at the same paths under the temp dir, in the rendered format.
    const launch = gatewayEnvFor(config);
    const remap = new Map<string, string>();
    for (const file of launch.secretFiles) {
      const volume = pod.volumes.find((v) => v.secret?.secretName === file.secret);
      const mount = container.volumeMounts.find((m) => m.name === volume?.name);
      expect(mount, `Secret ${file.secret} is mounted`).toBeDefined();
      expect(file.path).toBe(`${mount!.mountPath}/${file.key}`);
      remap.set(mount!.mountPath, join(dir, mount!.mountPath));
      mkdirSync(dirname(join(dir, file.path)), { recursive: true });
      writeFileSync(join(dir, file.path), tokensFileYaml([{ name: 'seam', scope: scopeForPreset(config.policy_preset), token }]));
    }
    for (const [key, value] of Object.entries(env)) {
      for (const [from, to] of remap) if (value.startsWith(`${from}/`)) env[key] = to + value.slice(from.length);
    }
    // The socket: the env must point at the hostPath mount; only then is it swapped.
    const socketMount = container.volumeMounts.find((m) => pod.volumes.find((v) => v.name === m.name)?.hostPath);
    expect(env.DOCKER_MCP_DOCKER_HOST).toBe(`unix://${socketMount!.mountPath}`);
    env.DOCKER_MCP_DOCKER_HOST = testEnv.dockerHost;
    for (const port of container.ports) {
      const setting = port.name === 'http' ? 'DOCKER_MCP_PORT' : port.name === 'metrics' ? 'DOCKER_MCP_METRICS_PORT' : '';
      expect(env[setting], `container port ${port.name}`).toBe(String(port.containerPort));
      ports[port.name] = await freePort();
      env[setting] = String(ports[port.name]);
    }
    // Metrics off: no port is declared, and the gateway must not open one either.
    if (!ports.metrics) env.DOCKER_MCP_METRICS_PORT = String((ports.unrendered = await freePort()));
    child = spawn(process.execPath, [binPath, ...container.args], { cwd: repoRoot, env: { ...baseEnv(), ...env } });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  }, 180_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the image entrypoint and loads its settings only from the ConfigMap', async () => {
    expect(container.command).toBeUndefined();
    expect(container.args).toEqual(gatewayEnvFor(config).args);
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    // The Terraform module's ConfigMap, evaluated from its parse tree, is the same env.
    const tf = await moduleObjects(plan.files, moduleVars(config));
    const tfConfigMap = tf.find((o) => o.kind === 'ConfigMap') as { data: Record<string, string> };
    expect(tfConfigMap.data).toEqual(configMap.data);
    expect(configMap.data.DOCKER_MCP_HOST).toBe('0.0.0.0');
    expect(configMap.data.DOCKER_MCP_STATELESS).toBe(String(config.replicas > 1));
    expect(configMap.data.DOCKER_MCP_ENABLE_METRICS).toBe(String(config.enable_metrics));
    // Secret files are root-owned in the pod: the non-root gateway reads them only as other, or
    // through fsGroup (which the kubelet adds to the process's groups and puts on the files).
    for (const volume of pod.volumes.filter((v) => v.secret)) {
      const mode = volume.secret!.defaultMode ?? 0o644;
      const readable = (mode & 0o004) !== 0 || ((mode & 0o040) !== 0 && pod.securityContext.fsGroup !== undefined);
      expect(readable, `Secret volume ${volume.name} (mode ${mode.toString(8)}) is readable by uid ${pod.securityContext.runAsUser}`).toBe(true);
    }
  });

  it('reaches the readiness probe, and the liveness probe answers', async () => {
    const ready = container.readinessProbe!.httpGet;
    const live = container.livenessProbe!.httpGet;
    expect([ready.path, live.path]).toEqual(['/ready', '/health']);
    await waitFor(url(ready.port, ready.path), child, () => output);
    expect((await fetch(url(live.port, live.path))).status).toBe(200);
  }, 60_000);

  it('answers an MCP call authenticated with a token from the rendered tokens file, and refuses one without', async () => {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
    const anonymous = await fetch(url('http', '/mcp'), { method: 'POST', headers, body: '{}' });
    expect(anonymous.status).toBe(401);
    const transport = new StreamableHTTPClientTransport(new URL(url('http', '/mcp')), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: 'seam', version: '0' });
    await client.connect(transport);
    // Several replicas sit behind one Service: the gateway must not hand out sessions then.
    expect(transport.sessionId === undefined).toBe(config.replicas > 1);
    const ping = await client.callTool({ name: 'system_ping', arguments: {} });
    expect(ping.isError ?? false, JSON.stringify(ping.content)).toBe(false);
    expect(ping.structuredContent).toMatchObject({ ok: true });
    await client.close();
  }, 60_000);

  it('accepts a request through the tunnel (Host and Origin = the public name) when the tunnel is rendered', async () => {
    const publicUrl = config.enable_cloudflare_tunnel && config.domain_suffix ? `https://${config.tunnel_hostname}.${config.domain_suffix}` : undefined;
    expect(configMap.data.DOCKER_MCP_PUBLIC_URL).toBe(publicUrl);
    if (!publicUrl) return;
    const initialize = JSON.stringify({
      jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'tunnel', version: '0' } },
    });
    const headers = {
      'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${token}`,
      Host: new URL(publicUrl).host,
    };
    expect(await post(url('http', '/mcp'), { ...headers, Origin: publicUrl }, initialize)).toBe(200);
    // The allowance is the public origin, not any origin.
    expect(await post(url('http', '/mcp'), { ...headers, Origin: 'https://evil.example' }, initialize)).toBe(403);
  });

  it('serves /metrics on the metrics port exactly when metrics are rendered', async () => {
    if (config.enable_metrics) {
      expect((await fetch(url('metrics', '/metrics'))).status).toBe(200);
    } else {
      expect(container.ports.map((p) => p.name)).toEqual(['http']);
      await expect(fetch(url('unrendered', '/metrics'))).rejects.toThrow();
    }
  });
});
