// `init --target docker`: the golden example (examples/docker, defaults), the compose settings coming
// from the same installer -> gateway table as the ConfigMap, public_url behind the tunnel on both
// targets, reported (not silent) Kubernetes-only variables, and the client configs' credential env
// names being exactly the ones `docker-mcp connect` reads. UPDATE_GOLDEN=1 rewrites examples/docker.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONNECT_ENV } from '../../src/contract/connect-env.js';
import { gatewayConfigData, renderPlan, type RenderPlan } from '../../src/templates/index.js';
import { VERSION, configFrom, exampleConfig, matrix, table } from './installer-helpers.js';

type Compose = { name: string; services: Record<string, { environment?: Record<string, string>; ports?: string[]; env_file?: string[]; image?: string }> };

const dockerPlan = (data: Record<string, unknown>): RenderPlan =>
  renderPlan(configFrom(data), table, { target: 'docker', format: 'both', singleFile: false, version: VERSION });
const file = (plan: RenderPlan, path: string): string => plan.files.find((f) => f.path === path)?.contents ?? '';

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

it('examples/docker matches its rendering', () => {
  const dir = join('examples', 'docker');
  const plan = renderPlan(exampleConfig('docker'), table, { target: 'docker', format: 'both', singleFile: false, version: VERSION });
  if (process.env.UPDATE_GOLDEN) {
    for (const f of listFiles(dir)) if (!f.endsWith('docker-mcp.yaml')) rmSync(f);
    for (const f of plan.files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.contents);
    }
  }
  expect(listFiles(dir).map((f) => relative(dir, f)).sort()).toEqual(plan.files.map((f) => f.path));
  for (const f of plan.files) expect(readFileSync(join(dir, f.path), 'utf8'), f.path).toBe(f.contents);
});

describe.each(Object.entries(matrix))('docker target (%s)', (_label, data) => {
  const config = configFrom(data);
  const plan = dockerPlan(data);
  const compose = parse(file(plan, 'compose.yaml')) as Compose;
  const gateway = compose.services.gateway!;

  it('configures the gateway through the shared table (minus what compose fixes, and file-based tokens)', () => {
    const expected = { ...gatewayConfigData({ ...config, replicas: 1 }) };
    delete expected.DOCKER_MCP_AUTH_TOKENS_FILE;
    expected.DOCKER_MCP_HOST = '0.0.0.0';
    expected.DOCKER_MCP_DOCKER_HOST = 'unix:///var/run/docker.sock';
    expect(gateway.environment).toEqual(expected);
    expect(compose.name).toBe(`${config.project_name}-docker-mcp`);
    expect(gateway.image).toBe(config.docker_image);
    expect(gateway.ports).toEqual([`127.0.0.1:${config.port}:${config.port}`]);
    expect(gateway.env_file).toEqual(['gateway.env']);
  });

  it('renders public_url, cloudflared and its env example exactly when the tunnel is rendered, on both targets', () => {
    const tunnel = config.enable_cloudflare_tunnel && config.domain_suffix !== '';
    const publicUrl = tunnel ? `https://${config.tunnel_hostname}.${config.domain_suffix}` : undefined;
    expect(gateway.environment!.DOCKER_MCP_PUBLIC_URL).toBe(publicUrl);
    expect(gatewayConfigData(config).DOCKER_MCP_PUBLIC_URL).toBe(publicUrl);
    expect(Boolean(compose.services.cloudflared)).toBe(tunnel);
    expect(file(plan, 'cloudflared.env.example') !== '').toBe(tunnel);
    if (tunnel) expect(file(plan, 'compose.yaml')).toContain(`http://gateway:${config.port}`);
  });

  it('never renders a token, and keeps secrets out of compose.yaml', () => {
    // The Access AUD tag and an image digest are public configuration, not credentials.
    const publicHex = (text: string): string => text.replaceAll(config.cf_access_aud || '\0', '').replace(/@sha256:[0-9a-f]{64}/g, '');
    for (const f of plan.files) expect(publicHex(f.contents), f.path).not.toMatch(/[0-9a-f]{32}/);
    expect(file(plan, 'compose.yaml')).not.toMatch(/AUTH_TOKENS=|TUNNEL_TOKEN/);
  });

  it('reports every Kubernetes-only variable set to a non-default, in the warnings and NOTES.md', () => {
    const kubeOnly = ['namespace', 'replicas', 'enable_network_policy', 'node_name', 'node_selector', 'enable_service_monitor', 'token_secret_name',
      'enable_docker_socket', 'enable_health_checks', 'cloudflare_provider_version', 'allowed_emails', 'allowed_email_domains'];
    const set = kubeOnly.filter((k) => k in data);
    for (const name of set) {
      expect(plan.warnings.join('\n')).toContain(`${name} does not apply to --target docker`);
      expect(file(plan, 'NOTES.md')).toContain(`${name} does not apply`);
    }
    if (!set.length) expect(plan.warnings.filter((w) => w.includes('does not apply'))).toEqual([]);
    expect(file(plan, 'NOTES.md')).toContain('docker-mcp apply --target docker --dir .');
  });
});

describe('client configs and docker-mcp connect agree on the credential env names', () => {
  const names = new Set<string>(Object.values(CONNECT_ENV));
  for (const [target, label] of [['kubernetes', 'everything'], ['docker', 'everything'], ['docker', 'defaults']] as const) {
    it(`${target} / ${label}`, () => {
      const plan = renderPlan(configFrom(matrix[label]!), table, { target, format: 'both', singleFile: false, version: VERSION });
      const desktop = JSON.parse(file(plan, 'clients/claude-desktop.json')) as { mcpServers: Record<string, { args: string[]; env: Record<string, string> }> };
      const used = Object.values(desktop.mcpServers).flatMap((s) => Object.keys(s.env));
      expect(used.length).toBeGreaterThan(0);
      for (const key of used) expect(names, key).toContain(key);
      // The HTTP clients reference the same names from the user's environment.
      const refs = [...plan.files.filter((f) => f.path.startsWith('clients/')).map((f) => f.contents).join('\n')
        .matchAll(/(?:\$\{env:|\$)((?:DOCKER_MCP|CF)_[A-Z_]+)/g)].map((m) => m[1]!);
      for (const ref of refs) expect(names, ref).toContain(ref);
      // connect refuses credentials over plain http to a non-loopback host without --allow-insecure.
      for (const server of Object.values(desktop.mcpServers)) {
        const url = new URL(server.args.at(-1)!);
        const remotePlain = url.protocol === 'http:' && url.hostname !== '127.0.0.1' && Object.keys(server.env).length > 0;
        expect(server.args.includes('--allow-insecure')).toBe(remotePlain);
      }
    });
  }
});
