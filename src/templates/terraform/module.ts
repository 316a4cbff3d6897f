// Renders the Terraform module (modules/docker-mcp-gateway/) and the root module that calls it.
import type { InstallConfig } from '../../config/schema.js';
import { scopeOf, type VariableSpec } from '../../config/variables.js';
import { envName } from '../../contract/settings.js';
import { ACCESS_APP_AUD, cloudflareProviders, type ProviderRequirement } from '../cloudflare/tunnel.js';
import { envConditions, gatewayEnvTable } from '../gateway-env.js';
import { CONTAINER_SOCKET, GATEWAY_ARGS, IMAGE_TAG_RE, LABEL_VALUE_RE, NAMESPACE_ADDRESS, RUN_AS_USER, TOKENS_DIR, TOKENS_KEY, TOKENS_SECRET_MISSING, createsAccessApp, tunnelRendered } from '../model.js';
import { PRE_STOP_COMMAND, TERMINATION_GRACE_SECONDS } from '../kubernetes/pod.js';
import { hclString, hclValue, renderTf } from './hcl.js';
import mainTf from './main.tf.hbs.js';
import { moduleHcl } from './module-values.js';
import { networkPolicyTf } from './network-policy.tf.js';
import { renderModuleReadme } from './readme.js';
import { renderVariablesTf } from './variables.js';

export const MODULE_DIR = 'terraform/modules/docker-mcp-gateway';
/**
 * Kubernetes provider, for the module. Every resource, data source and attribute main.tf uses
 * (kubernetes_namespace_v1, data kubernetes_secret_v1, wait_for_rollout, timeouts,
 * image_pull_secrets, the *_v1 resources, kubernetes_manifest) is in v2.23.0 and v3.2.1 (checked in
 * the provider's source at those tags). The floor is 2.25.0 rather than 2.23.0: before 2.25 the
 * kubernetes_secret_v1 data source read a missing Secret through the resource's Read, which clears
 * the id, so what the tokens check sees there is unspecified; from 2.25 a missing Secret is an
 * error (2.25-2.28) or empty data (2.29+), both caught. The ceiling keeps a future 4.x (blocks
 * becoming objects) from breaking `terraform init` of a module written for 2.x/3.x blocks.
 */
export const KUBERNETES_PROVIDER = '>= 2.25.0, < 4.0.0';
/**
 * The root module this tool renders and owns starts on the current major (3.x: the *_v1 names are
 * the undeprecated ones there); `terraform init` then records the exact version in
 * .terraform.lock.hcl. A repo of your own (`init --terraform-dir`) gets only the module's range.
 */
export const KUBERNETES_PROVIDER_ROOT = '>= 3.0.0, < 4.0.0';
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

/** A quoted HCL template (interpolations kept); the text has no backslashes and quotes only inside them. */
const hclTemplate = (text: string): string => `"${text}"`;

function tokensSecretMissingHcl(): string {
  const create = `kubectl -n \${var.namespace} create secret generic \${local.tokens_secret} --from-file=${TOKENS_KEY}=./tokens.yaml`;
  return hclTemplate(
    `${TOKENS_SECRET_MISSING} (or has no ${TOKENS_KEY} key): \${local.tokens_secret} in namespace \${var.namespace}. ` +
      'The pods mount it and could never start. Create it first (NOTES.md shows how to write tokens.yaml): ' +
      `${create}` +
      `\${var.create_namespace ? ". The namespace is created by this module: create it first with terraform apply -target=${NAMESPACE_ADDRESS}, then the Secret, then apply again" : ""}.`,
  );
}

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
  // The Secret is read by data.kubernetes_secret_v1.tokens (see main.tf for why it is a data source).
  // can(): the data source has no instance when bearer auth or the check is off, and a missing Secret
  // has no data.
  // The condition reads a sensitive value, which Terraform allows (it unmarks condition results);
  // the message names only the Secret and namespace, never its contents.
  { condition: '!local.bearer || !var.verify_tokens_secret || can(data.kubernetes_secret_v1.tokens[0].data["tokens"])',
    message: TOKENS_SECRET_MISSING,
    messageHcl: tokensSecretMissingHcl() },
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
  # The context init recorded (kube_context), so an apply never lands on whatever context happens
  # to be current; empty means the current one at apply time.
  config_path    = var.kubeconfig_path
  config_context = var.kube_context != "" ? var.kube_context : null
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
    // Quoted here: a message may be an HCL template naming the values it is about.
    preconditions: preconditions.map((p) => ({
      condition: p.condition,
      messageHcl: 'messageHcl' in p ? p.messageHcl : hclString(p.message),
    })),
    terminationGrace: TERMINATION_GRACE_SECONDS,
    preStopCommand: hclValue([...PRE_STOP_COMMAND]),
    imageTagRe: IMAGE_TAG_RE,
    labelValueRe: LABEL_VALUE_RE,
  };
  const versions = renderTf(VERSIONS, { terraform: TERRAFORM_VERSION, kubernetes: KUBERNETES_PROVIDER, extraProviders: [] });
  // The root also holds terraform/cloudflare.tf when the tunnel is rendered (index.ts).
  const rootProviders: ProviderRequirement[] = tunnelRendered(c) ? cloudflareProviders(c) : [];
  const rootVersions = renderTf(VERSIONS, { terraform: TERRAFORM_VERSION, kubernetes: KUBERNETES_PROVIDER_ROOT, extraProviders: rootProviders });
  // A variable's scope says which Terraform files declare it (VariableSpec.scope).
  const moduleInputs = table.filter((s) => scopeOf(s) === 'module');
  // An Access application this root creates gives the gateway its AUD by reference, in one apply;
  // a root cf_access_aud would then be read by nothing (an answer in terraform.tfvars with no effect).
  const byReference = (s: VariableSpec): boolean => s.name === 'cf_access_aud' && createsAccessApp(c);
  const rootInputs = table.filter((s) => scopeOf(s) !== 'installer' && !byReference(s));
  const args = moduleInputs.map((s) => ({ name: s.name, value: byReference(s) ? ACCESS_APP_AUD : `var.${s.name}` }));
  const rootOutputs = outputs.map((o) => ({ ...o, value: `module.docker_mcp_gateway.${o.name}` }));
  return [
    { path: `${MODULE_DIR}/versions.tf`, contents: versions },
    { path: `${MODULE_DIR}/variables.tf`, contents: renderVariablesTf(moduleInputs, version, true) },
    { path: `${MODULE_DIR}/main.tf`, contents: renderTf(mainTf, view) },
    { path: `${MODULE_DIR}/network-policy.tf`, contents: networkPolicyTf(version) },
    { path: `${MODULE_DIR}/outputs.tf`, contents: renderTf(OUTPUTS, { outputs }) },
    { path: `${MODULE_DIR}/README.md`, contents: renderModuleReadme(moduleInputs, version) },
    { path: 'terraform/versions.tf', contents: rootVersions },
    // The root validates only its own (provider) variables; the module validates the rest.
    { path: 'terraform/variables.tf', contents: renderVariablesTf(rootInputs, version, (s) => scopeOf(s) === 'root') },
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
