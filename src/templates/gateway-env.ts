// THE seam between installer and gateway: one table maps installer variables onto gateway settings
// (src/contract/settings.ts). The YAML ConfigMap, the Terraform module's ConfigMap (via the
// `hcl` column) and gatewayEnvFor() all read it, and a test starts the real gateway with its output.
import type { InstallConfig } from '../config/schema.js';
import { envName } from '../contract/settings.js';
import { CONTAINER_SOCKET, GATEWAY_ARGS, IMAGE_ENTRYPOINT, TOKENS_FILE, TOKENS_KEY, names, tunnelRendered, usesAccess, usesBearer } from './model.js';

/** Conditions an env entry can depend on, in both languages. */
export const envConditions = {
  bearer: { js: usesBearer, hcl: 'local.bearer', hclDef: 'contains(["bearer", "both"], var.auth_mode)' },
  access: { js: usesAccess, hcl: 'local.access', hclDef: 'contains(["cloudflare-access", "both"], var.auth_mode)' },
  // Inline rather than a local, so main.tf's locals (and its precompiled template) stay as they are.
  tunnel: { js: tunnelRendered, hcl: '(var.enable_cloudflare_tunnel && var.domain_suffix != "")' },
} as const;

export interface EnvRow {
  /** Gateway setting key; auth/policy keys are added to the gateway by the security work. */
  setting: string;
  value: (c: InstallConfig) => string;
  /** The same value as an HCL expression over the module's variables. */
  hcl: string;
  when?: keyof typeof envConditions;
  /**
   * 'access': the entry lives in its own ConfigMap (names().accessConfigMap), which the Deployment also
   * loads. Its value can be an output of the Access application the same render creates, so the YAML
   * path fills it from a file the user writes after `terraform apply` instead of a dummy value.
   */
  configMap?: 'access';
}

export const gatewayEnvTable: readonly EnvRow[] = [
  // A pod must listen on all interfaces; the Service and NetworkPolicy limit who reaches it.
  { setting: 'host', value: () => '0.0.0.0', hcl: '"0.0.0.0"' },
  { setting: 'port', value: (c) => String(c.port), hcl: 'tostring(var.port)' },
  // Sessions live in one process; with several replicas behind a Service, run stateless.
  { setting: 'stateless', value: (c) => String(c.replicas > 1), hcl: 'tostring(var.replicas > 1)' },
  { setting: 'docker_host', value: () => `unix://${CONTAINER_SOCKET}`, hcl: `"unix://${CONTAINER_SOCKET}"` },
  { setting: 'docker_timeout', value: (c) => String(c.docker_timeout), hcl: 'tostring(var.docker_timeout)' },
  { setting: 'log_level', value: (c) => c.log_level, hcl: 'var.log_level' },
  { setting: 'enable_metrics', value: (c) => String(c.enable_metrics), hcl: 'tostring(var.enable_metrics)' },
  { setting: 'metrics_port', value: (c) => String(c.metrics_port), hcl: 'tostring(var.metrics_port)' },
  { setting: 'auth_mode', value: (c) => c.auth_mode, hcl: 'var.auth_mode' },
  { setting: 'policy_preset', value: (c) => c.policy_preset, hcl: 'var.policy_preset' },
  { setting: 'auth_tokens_file', value: () => TOKENS_FILE, hcl: `"${TOKENS_FILE}"`, when: 'bearer' },
  { setting: 'cf_access_team', value: (c) => c.cf_access_team, hcl: 'var.cf_access_team', when: 'access' },
  { setting: 'cf_access_aud', value: (c) => c.cf_access_aud, hcl: 'var.cf_access_aud', when: 'access', configMap: 'access' },
  // Behind the tunnel, requests arrive with Host (and browsers' Origin) = the public name; the gateway
  // allows that Origin and advertises this URL as its OAuth resource only if it knows the name.
  { setting: 'public_url', value: (c) => names(c).externalUrl, hcl: '"https://${var.tunnel_hostname}.${var.domain_suffix}"', when: 'tunnel' },
];

/** Every env entry the gateway gets: DOCKER_MCP_* -> value, keys sorted (stable output, stable checksum). */
export function gatewayConfigData(c: InstallConfig, which: 'all' | 'main' | 'access' = 'all'): Record<string, string> {
  const entries = gatewayEnvTable
    .filter((row) => !row.when || envConditions[row.when].js(c))
    .filter((row) => which === 'all' || (row.configMap === 'access') === (which === 'access'))
    .map((row) => [envName(row.setting), row.value(c)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

export interface GatewayLaunch {
  /** The image's ENTRYPOINT (the pod keeps it). */
  entrypoint: string[];
  /** The container's args, verbatim. */
  args: string[];
  /** Every env var the container gets (all from the ConfigMap). */
  env: Record<string, string>;
  /** The Docker socket path the env points at; a test swaps it for its own daemon. */
  dockerSocket: string;
  /** Files mounted from the tokens Secret, if bearer auth is on. */
  secretFiles: { path: string; secret: string; key: string }[];
}

/** Exactly how the rendered Deployment starts the gateway; used by the seam test. */
export function gatewayEnvFor(c: InstallConfig): GatewayLaunch {
  return {
    entrypoint: [...IMAGE_ENTRYPOINT],
    args: [...GATEWAY_ARGS],
    env: gatewayConfigData(c),
    dockerSocket: CONTAINER_SOCKET,
    secretFiles: usesBearer(c) ? [{ path: TOKENS_FILE, secret: names(c).tokensSecret, key: TOKENS_KEY }] : [],
  };
}
