// The module's README.md: the seed's usage examples and terraform-docs style tables.
import { inputsTable } from '../../config/docs.js';
import type { VariableSpec } from '../../config/variables.js';
import { CO_LOCATED_REPLICAS, SPREAD_REPLICAS } from '../notes-replicas.js';
import { KUBERNETES_PROVIDER, TERRAFORM_VERSION, outputs } from './module.js';

export function renderModuleReadme(table: readonly VariableSpec[], version: string): string {
  const outputRows = outputs.map((o) => `| \`${o.name}\` | ${o.description} |`).join('\n');
  return `# Docker MCP Gateway Module

Rendered by \`docker-mcp init\` ${version}. Deploys the Docker MCP gateway (\`docker-mcp serve\`) to
Kubernetes: ServiceAccount, ConfigMap (the gateway's \`DOCKER_MCP_*\` settings), Deployment, Service,
and optionally a NetworkPolicy, a PodDisruptionBudget (replicas > 1 without the socket) and a ServiceMonitor.

The pod mounts the node's Docker socket as a \`hostPath\` volume, which the Pod Security
\`baseline\` and \`restricted\` levels forbid: the namespace needs
\`pod-security.kubernetes.io/enforce: privileged\`. This module does not relabel your namespace.

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
