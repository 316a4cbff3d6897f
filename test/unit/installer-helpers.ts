// Shared by the installer tests: the table, configs built the way the CLI builds them, and the
// checked-in examples (which double as golden files).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validateConfig, type InstallConfig } from '../../src/config/schema.js';
import { resolveInputs } from '../../src/config/sources.js';
import { variablesTable } from '../../src/config/variables.js';
import { renderPlan, type RenderPlan } from '../../src/templates/index.js';
import { moduleValue } from '../../src/templates/terraform/module-values.js';
import type { Value } from './installer-hcl-eval.js';

export const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
export const table = variablesTable(VERSION);
export const EXAMPLES = ['basic', 'production'] as const;

/** Config from docker-mcp.yaml-style data, exactly as `init --yes --config` would resolve it. */
export function configFrom(data: Record<string, unknown>): InstallConfig {
  const resolved = resolveInputs(table, { flags: {}, env: {}, configFile: { path: 'test', data } });
  if (resolved.problems.length) throw new Error(resolved.problems.join('\n'));
  const result = validateConfig(table, resolved.values);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.config;
}

/** The configuration as the module's variables see it (structured lists as objects), for evaluating main.tf. */
export function moduleVars(config: InstallConfig): Record<string, Value> {
  return Object.fromEntries(table.map((s) => [s.name, moduleValue(s, config[s.name as keyof InstallConfig]) as Value]));
}

export function exampleConfig(name: string): InstallConfig {
  return configFrom((parse(readFileSync(join('examples', name, 'docker-mcp.yaml'), 'utf8')) ?? {}) as Record<string, unknown>);
}

export function renderExample(name: string): RenderPlan {
  return renderPlan(exampleConfig(name), table, { format: 'both', singleFile: false, version: VERSION });
}

/** A spread of configurations that switches every toggle at least once. */
export const matrix: Record<string, Record<string, unknown>> = {
  defaults: {},
  // The seed's Production Configuration, exactly (examples/production/docker-mcp.yaml).
  production: { replicas: 2, cpu_limit: '1000m', memory_limit: '1Gi', domain_suffix: 'yourdomain.com', enable_network_policy: true, enable_metrics: true },
  everything: {
    replicas: 3, node_selector: { 'kubernetes.io/hostname': 'node-1' }, domain_suffix: 'example.com', enable_network_policy: true,
    enable_metrics: true, enable_service_monitor: true, auth_mode: 'both', cf_access_team: 'myteam', cf_access_aud: 'ab'.repeat(32),
    allowed_emails: ['me@example.com'], allowed_email_domains: ['example.com'], cloudflare_provider_version: 4, token_secret_name: 'my-tokens',
    node_name: 'node-1', docker_image: 'registry.local:5000/docker-mcp-gateway:v2.1.0-rc.1', memory_request: '256Mi', tmp_size_limit: '16Mi',
    labels: { team: 'platform', 'example.com/cost-center': 'lab' }, pod_annotations: { 'example.com/owner': 'ops team' },
    tolerations: ['dedicated=docker:NoSchedule', 'node-role.kubernetes.io/control-plane:NoSchedule', 'maintenance'],
    node_affinity: ['kubernetes.io/arch=amd64|arm64', 'example.com/has-docker'], priority_class_name: 'homelab-critical',
  },
  minimal: {
    enable_docker_socket: false, enable_health_checks: false, enable_cloudflare_tunnel: false,
    policy_preset: 'admin', port: 3000, metrics_port: 3001, log_level: 'debug', docker_timeout: 12.5,
    replicas: 2, docker_image: `ghcr.io/example/docker-mcp-gateway@sha256:${'0'.repeat(64)}`,
  },
  // A tunnel of its own (config, DNS, connector) and an Access application the render creates (no AUD).
  newTunnel: {
    domain_suffix: 'example.net', create_tunnel: true, auth_mode: 'cloudflare-access', cf_access_team: 'team',
    allowed_emails: ['me@example.net'], enable_network_policy: true, cloudflare_provider_version: 4,
  },
  access: {
    domain_suffix: 'example.org', auth_mode: 'cloudflare-access', cf_access_team: 'team', cf_access_aud: 'cd'.repeat(32),
    allowed_email_domains: ['example.org'], enable_metrics: true, enable_network_policy: true,
  },
};
