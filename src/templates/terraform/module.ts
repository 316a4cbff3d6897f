// Renders the Terraform module (modules/docker-mcp-gateway/) and the root module that calls it.
import type { InstallConfig } from '../../config/schema.js';
import { scopeOf, type VariableSpec } from '../../config/variables.js';
import { envName } from '../../gateway/settings-table.js';
import { ACCESS_APP_AUD, cloudflareProviders, type ProviderRequirement } from '../cloudflare/tunnel.js';
import { envConditions, gatewayEnvTable } from '../gateway-env.js';
import { CONTAINER_SOCKET, GATEWAY_ARGS, IMAGE_TAG_RE, LABEL_VALUE_RE, RUN_AS_USER, TOKENS_DIR, createsAccessApp, tunnelRendered } from '../model.js';
import { PRE_STOP_COMMAND, TERMINATION_GRACE_SECONDS } from '../kubernetes/pod.js';
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
  { condition: 'var.node_name == "" || lookup(var.node_selector, "kubernetes.io/hostname", var.node_name) == var.node_name',
    message: 'The node_name contradicts node_selector["kubernetes.io/hostname"] (node_name becomes that same node selector); drop one of them.' },
  // With the Access application in the same root, cf_access_aud is unknown at plan: Terraform skips a
  // condition whose result is unknown ("We'll wait until we've learned more", evalCheckRule in
  // hashicorp/terraform internal/terraform/eval_conditions.go) and checks it again at apply.
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
{{#each extraProviders}}
    {{name}} = {
      source  = {{str source}}
      version = {{str version}}
    }
{{/each}}
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

{{#each args}}
  {{name}} = {{{value}}}
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
    .filter((row) => row.configMap !== 'access')
    .map((row) => ({
      name: envName(row.setting),
      expr: row.when ? `${envConditions[row.when].hcl} ? ${row.hcl} : null` : row.hcl,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const accessEnv = gatewayEnvTable.filter((row) => row.configMap === 'access').map((row) => ({ name: envName(row.setting), expr: row.hcl }));
  const view = {
    version,
    env,
    accessEnv,
    bearerDef: envConditions.bearer.hclDef,
    accessDef: envConditions.access.hclDef,
    runAsUser: RUN_AS_USER,
    args: hclValue([...GATEWAY_ARGS]),
    containerSocket: CONTAINER_SOCKET,
    tokensDir: TOKENS_DIR,
    preconditions,
    terminationGrace: TERMINATION_GRACE_SECONDS,
    preStopCommand: hclValue([...PRE_STOP_COMMAND]),
    imageTagRe: IMAGE_TAG_RE,
    labelValueRe: LABEL_VALUE_RE,
  };
  const versions = renderTf(VERSIONS, { terraform: TERRAFORM_VERSION, kubernetes: KUBERNETES_PROVIDER, extraProviders: [] });
  // The root also holds terraform/cloudflare.tf when the tunnel is rendered (index.ts).
  const rootProviders: ProviderRequirement[] = tunnelRendered(c) ? cloudflareProviders(c) : [];
  const rootVersions = renderTf(VERSIONS, { terraform: TERRAFORM_VERSION, kubernetes: KUBERNETES_PROVIDER, extraProviders: rootProviders });
  // A variable's scope says which Terraform files declare it (VariableSpec.scope).
  const moduleInputs = table.filter((s) => scopeOf(s) === 'module');
  const rootInputs = table.filter((s) => scopeOf(s) !== 'installer');
  // An Access application this root creates gives the gateway its AUD by reference, in one apply.
  const args = moduleInputs.map((s) => ({
    name: s.name,
    value: s.name === 'cf_access_aud' && createsAccessApp(c) ? ACCESS_APP_AUD : `var.${s.name}`,
  }));
  const rootOutputs = outputs.map((o) => ({ ...o, value: `module.docker_mcp_gateway.${o.name}` }));
  return [
    { path: `${MODULE_DIR}/versions.tf`, contents: versions },
    { path: `${MODULE_DIR}/variables.tf`, contents: renderVariablesTf(moduleInputs, version, true) },
    { path: `${MODULE_DIR}/main.tf`, contents: renderTf(mainTf, view) },
    { path: `${MODULE_DIR}/network-policy.tf`, contents: networkPolicyTf(version) },
    { path: `${MODULE_DIR}/outputs.tf`, contents: renderTf(OUTPUTS, { outputs }) },
    { path: `${MODULE_DIR}/README.md`, contents: renderModuleReadme(moduleInputs, version) },
    { path: 'terraform/versions.tf', contents: rootVersions },
    { path: 'terraform/variables.tf', contents: renderVariablesTf(rootInputs, version, false) },
    { path: 'terraform/main.tf', contents: renderTf(ROOT_MAIN, { version, args }) },
    { path: 'terraform/outputs.tf', contents: renderTf(OUTPUTS, { outputs: rootOutputs }) },
    {
      path: 'terraform/terraform.tfvars',
      contents: renderTf(TFVARS, {
        version,
        answers: rootInputs.map((s) => ({ name: s.name, value: moduleHcl(s, c[s.name as keyof InstallConfig]) })),
      }),
    },
  ];
}
