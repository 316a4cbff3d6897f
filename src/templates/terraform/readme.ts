// The module's README.md: the seed's usage examples and terraform-docs style tables.
import { inputsTable } from '../../config/docs.js';
import type { VariableSpec } from '../../config/variables.js';
import { CO_LOCATED_REPLICAS, SPREAD_REPLICAS } from '../notes-replicas.js';
import { KUBERNETES_PROVIDER, TERRAFORM_VERSION, outputs } from './module.js';

export function renderModuleReadme(table: readonly VariableSpec[], version: string): string {
  const outputRows = outputs.map((o) => `| \`${o.name}\` | ${o.description} |`).join('\n');
  return `# Docker MCP Gateway Module

Rendered by \`docker-mcp init\` ${version}. Deploys the Docker MCP gateway (\`docker-mcp serve\`) to
Kubernetes: the Namespace (unless create_namespace is off), ServiceAccount, ConfigMap (the gateway's \`DOCKER_MCP_*\` settings), Deployment, Service,
and optionally a NetworkPolicy, a PodDisruptionBudget (replicas > 1 without the socket, not pinned to one node) and a ServiceMonitor.

The pod mounts the node's Docker socket as a \`hostPath\` volume, which the Pod Security
\`baseline\` and \`restricted\` levels forbid: the namespace needs
\`pod-security.kubernetes.io/enforce: privileged\`. With \`create_namespace\` (the default) the module
creates the namespace with that label (\`restricted\` when the socket is off) and every other resource
refers to it, so it is created first. For a namespace that already exists and is shared, set
\`create_namespace = false\` and label it yourself: the module never relabels a namespace it did not
create (\`terraform import\` one to let it).

With bearer auth the tokens Secret must exist before the Deployment: a precondition fails the plan
with its name and the \`kubectl create secret\` command. It reads the Secret, so the Terraform state
holds its contents: keep \`token_sha256\` digests in it, or set \`verify_tokens_secret = false\`. When the module creates the namespace, create
it first: \`terraform apply -target=module.<name>.kubernetes_namespace_v1.gateway\`, then the Secret,
then apply. The Deployment waits for its rollout (\`wait_for_rollout\`) up to \`rollout_timeout\`.
The module has no provider block: the caller's kubernetes provider chooses the cluster.

## Replicas and scheduling

${CO_LOCATED_REPLICAS}

${SPREAD_REPLICAS}

\`node_name\` is a \`nodeSelector\` on \`kubernetes.io/hostname\`, never \`spec.nodeName\` (which bypasses the
scheduler, taints and cordons). The memory request defaults to the memory limit; \`/tmp\` is an
\`emptyDir\` bounded by \`tmp_size_limit\`; a 5 s \`preStop\` pause lets endpoints drop a terminating pod
before the gateway's 20 s drain, within \`terminationGracePeriodSeconds\` 30.

## Usage

\`\`\`hcl
module "docker_mcp_gateway" {
  source = "./modules/docker-mcp-gateway"

  project_name = "homelab"
  environment  = "production"
  namespace    = "homelab"
}
\`\`\`

## NetworkPolicy

With \`enable_network_policy\` (\`network-policy.tf\`) the gateway's pods are isolated both ways.
In: cloudflared on \`port\`, as one peer: namespace \`cloudflared_namespace\` (empty: \`namespace\`)
AND pods labelled \`cloudflared_pod_labels\`; the scraper in \`metrics_namespace\` (narrowed by
\`metrics_pod_labels\`) on \`metrics_port\`; each \`network_policy_extra_ingress\` item. Out: DNS
(53/UDP and 53/TCP to any address, since the resolver may be CoreDNS, a node-local cache or the node);
with Cloudflare Access, 443/TCP to public addresses (a NetworkPolicy cannot name
\`<team>.cloudflareaccess.com\`); each \`network_policy_extra_egress\` item. The Docker socket is a
unix socket, which no NetworkPolicy filters.

\`\`\`hcl
  enable_network_policy  = true
  cloudflared_namespace  = "cloudflared"
  cloudflared_pod_labels = { "app.kubernetes.io/name" = "cloudflare-tunnel" }
  network_policy_extra_ingress = [
    { namespace = "apps", pod_labels = { app = "n8n" } }, # port defaults to "http"
    { namespace = "observability", port = "metrics" },
    { cidr = "192.168.1.0/24" },
  ]
  network_policy_extra_egress = [{ cidr = "192.168.1.10/32", port = "2376" }] # no port: every port
\`\`\`

## Requirements

| Name | Version |
|------|---------|
| terraform | ${TERRAFORM_VERSION} |
| kubernetes | ${KUBERNETES_PROVIDER} |

## Providers

| Name | Version |
|------|---------|
| kubernetes | ${KUBERNETES_PROVIDER} |

## Inputs

${inputsTable(table)}

## Outputs

| Name | Description |
|------|-------------|
${outputRows}
`;
}
