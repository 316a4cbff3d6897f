// Renders the Terraform module (modules/docker-mcp-gateway/) and the root module that calls it.
import type { InstallConfig } from '../../config/schema.js';
import type { VariableSpec } from '../../config/variables.js';
import { envName } from '../../gateway/settings-table.js';
import { envConditions, gatewayEnvTable } from '../gateway-env.js';
import { CONTAINER_SOCKET, GATEWAY_ARGS, RUN_AS_USER, TOKENS_DIR } from '../model.js';
import { hclValue, renderTf } from './hcl.js';
import mainTf from './main.tf.hbs.js';
import { moduleHcl } from './module-values.js';
import { networkPolicyTf } from './network-policy.tf.js';
import { renderModuleReadme } from './readme.js';
import { renderVariablesTf } from './variables.js';

export const MODULE_DIR = 'terraform/modules/docker-mcp-gateway';
/** Kubernetes provider: the *_v1 resources and kubernetes_manifest are all in 2.23+. */
export const KUBERNETES_PROVIDER = '>= 2.23.0';
export const TERRAFORM_VERSION = '>= 1.3.0';

export interface OutputSpec {
  name: string;
  description: string;
  value: string;
}

export const outputs: readonly OutputSpec[] = [
  { name: 'resource_id', description: 'Docker MCP Gateway deployment ID', value: 'kubernetes_deployment_v1.gateway.id' },
  { name: 'service_name', description: 'Docker MCP Gateway service name', value: 'kubernetes_service_v1.gateway.metadata[0].name' },
  { name: 'service_url', description: 'Internal cluster service URL',
    value: '"http://${kubernetes_service_v1.gateway.metadata[0].name}.${var.namespace}.svc.cluster.local:${var.port}"' },
  { name: 'external_url', description: 'External URL via Cloudflare Tunnel',
    value: 'var.enable_cloudflare_tunnel && var.domain_suffix != "" ? "https://${var.tunnel_hostname}.${var.domain_suffix}" : ""' },
  { name: 'namespace', description: 'Kubernetes namespace', value: 'var.namespace' },
  { name: 'cluster_ip', description: 'Service cluster IP', value: 'kubernetes_service_v1.gateway.spec[0].cluster_ip' },
  { name: 'port', description: 'Service port', value: 'var.port' },
];

const preconditions = [
  { condition: 'var.replicas == 1 || var.node_name != "" || length(var.node_selector) > 0',
    message: 'More than one replica needs node_name or node_selector: each node runs its own Docker daemon, so unpinned replicas would see different containers.' },
  { condition: '!local.access || (var.cf_access_team != "" && var.cf_access_aud != "")',
    message: 'The auth_mode cloudflare-access and both need cf_access_team and cf_access_aud.' },
  { condition: 'var.auth_mode != "none"',
    message: 'The auth_mode none is refused: the gateway listens on 0.0.0.0 in its pod and will not start without authentication (every pod in the cluster could reach the Docker socket).' },
  { condition: 'var.port != var.metrics_port', message: 'The metrics_port must differ from port.' },
  { condition: '!var.enable_service_monitor || var.enable_metrics', message: 'The enable_service_monitor needs enable_metrics.' },
];

const VERSIONS = `terraform {
  required_version = {{str terraform}}
  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = {{str kubernetes}}
    }
  }
}
`;

const OUTPUTS = `{{#each outputs}}
output "{{name}}" {
  description = {{str description}}
  value       = {{{value}}}
}

{{/each}}`;

const ROOT_MAIN = `# Rendered by docker-mcp {{version}}: the root module calling the gateway module.
# Answers live in terraform.tfvars; re-run \`docker-mcp init\` to change them.

provider "kubernetes" {
  # Docker Desktop's cluster by default; point this at your kubeconfig and context.
  config_path = "~/.kube/config"
}

module "docker_mcp_gateway" {
  source = "./modules/docker-mcp-gateway"

{{#each names}}
  {{this}} = var.{{this}}
{{/each}}
}
`;

const TFVARS = `# Rendered by docker-mcp {{version}}: the answers given to \`docker-mcp init\`.
{{#each answers}}
{{name}} = {{{value}}}
{{/each}}
`;

export function moduleFiles(c: InstallConfig, table: readonly VariableSpec[], version: string): { path: string; contents: string }[] {
  const env = gatewayEnvTable
    .map((row) => ({
      name: envName(row.setting),
      expr: row.when ? `${envConditions[row.when].hcl} ? ${row.hcl} : null` : row.hcl,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const view = {
    version,
    env,
    bearerDef: envConditions.bearer.hclDef,
    accessDef: envConditions.access.hclDef,
    runAsUser: RUN_AS_USER,
    args: hclValue([...GATEWAY_ARGS]),
    containerSocket: CONTAINER_SOCKET,
    tokensDir: TOKENS_DIR,
    preconditions,
  };
  const versions = renderTf(VERSIONS, { terraform: TERRAFORM_VERSION, kubernetes: KUBERNETES_PROVIDER });
  const names = table.map((s) => s.name);
  const rootOutputs = outputs.map((o) => ({ ...o, value: `module.docker_mcp_gateway.${o.name}` }));
  return [
    { path: `${MODULE_DIR}/versions.tf`, contents: versions },
    { path: `${MODULE_DIR}/variables.tf`, contents: renderVariablesTf(table, version, true) },
    { path: `${MODULE_DIR}/main.tf`, contents: renderTf(mainTf, view) },
    { path: `${MODULE_DIR}/network-policy.tf`, contents: networkPolicyTf(version) },
    { path: `${MODULE_DIR}/outputs.tf`, contents: renderTf(OUTPUTS, { outputs }) },
    { path: `${MODULE_DIR}/README.md`, contents: renderModuleReadme(table, version) },
    { path: 'terraform/versions.tf', contents: versions },
    { path: 'terraform/variables.tf', contents: renderVariablesTf(table, version, false) },
    { path: 'terraform/main.tf', contents: renderTf(ROOT_MAIN, { version, names }) },
    { path: 'terraform/outputs.tf', contents: renderTf(OUTPUTS, { outputs: rootOutputs }) },
    {
      path: 'terraform/terraform.tfvars',
      contents: renderTf(TFVARS, {
        version,
        answers: table.map((s) => ({ name: s.name, value: moduleHcl(s, c[s.name as keyof InstallConfig]) })),
      }),
    },
  ];
}
