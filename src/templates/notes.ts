// NOTES.md: what was rendered, what was skipped and why, and the steps only a person can do
// (the cluster, the namespace, the image, the tokens Secret, in the order a first apply needs).
import type { InstallConfig } from '../config/schema.js';
import { CONNECT_ENV } from '../connect/env.js';
import { TOKENS_KEY, names, tunnelRendered, usesAccess, usesBearer } from './model.js';
import { TUNNEL_TF } from './cloudflare/tunnel.js';
import { SINGLE_FILE } from './kubernetes/render.js';
import { contextStep, imageStep, kubectl, namespaceFirstStep, namespaceStep, pullSecretStep, tokensStateNote } from './notes-cluster.js';
import { scopeForPreset, tokensFileCommand } from './tokens.js';

// The gateway still points at the socket path (there is no other Docker endpoint to give it), so
// /ready answers 503 and the readiness probe keeps the pod out of the Service.
const NO_SOCKET =
  'enable_docker_socket is off: the gateway has no Docker daemon to talk to, so /ready answers 503 and the pod never ' +
  'becomes Ready (a Terraform apply waits for the rollout until rollout_timeout, unless wait_for_rollout is off). Set DOCKER_MCP_DOCKER_HOST in the ' +
  'ConfigMap to a reachable daemon (tcp:// with TLS) yourself, or turn the socket back on.';

export function renderWarnings(c: InstallConfig): string[] {
  const warnings: string[] = [];
  if (c.enable_cloudflare_tunnel && !tunnelRendered(c)) {
    warnings.push(
      'Cloudflare Tunnel pieces skipped: enable_cloudflare_tunnel is on but domain_suffix is empty. ' +
        'Re-run with --domain-suffix example.com (or --enable-cloudflare-tunnel=false to silence this).',
    );
  }
  if (c.enable_docker_socket) {
    warnings.push(
      c.create_namespace
        ? `The pod mounts the node's Docker socket (root-equivalent): namespace "${c.namespace}" is created with ` +
            'pod-security.kubernetes.io/enforce: privileged. If it already exists and others share it, use ' +
            '--create-namespace=false instead of applying that label to it; see NOTES.md.'
        : `The pod mounts the node's Docker socket (root-equivalent): namespace "${c.namespace}" must allow it ` +
            '(pod-security.kubernetes.io/enforce: privileged); see NOTES.md.',
    );
  } else {
    warnings.push(NO_SOCKET);
  }
  return warnings;
}

/** How to apply what was rendered: only the formats that are there (--format, --single-file). */
function applyCommands(c: InstallConfig, files: string[]): string[] {
  const commands: string[] = [];
  if (files.includes('terraform/main.tf')) commands.push('`cd terraform && terraform init && terraform apply`');
  if (files.includes('kubernetes/kustomization.yaml')) commands.push(`\`${kubectl(c)} apply -k kubernetes/\``);
  if (files.includes(SINGLE_FILE)) commands.push(`\`${kubectl(c)} apply -f ${SINGLE_FILE}\``);
  return commands;
}

export function renderNotes(c: InstallConfig, version: string, files: string[]): string {
  const n = names(c);
  const steps: string[] = [];
  const context = contextStep(c, files);
  if (context) steps.push(context);
  steps.push(imageStep(c));
  const pullSecrets = pullSecretStep(c);
  steps.push(namespaceStep(c));
  if (c.enable_docker_socket) {
    steps.push(`Check the socket's group on the node: \`stat -c %g ${c.docker_socket_path}\` must print ${c.docker_socket_gid} (docker_socket_gid).`);
  } else {
    steps.push(NO_SOCKET);
  }
  // Secrets live in the namespace: when the render creates it, it has to exist before them.
  if (c.create_namespace && (usesBearer(c) || pullSecrets)) steps.push(namespaceFirstStep(c, files, usesBearer(c)));
  if (pullSecrets) steps.push(pullSecrets);
  if (usesBearer(c)) {
    const indent = (text: string): string => text.split('\n').map((l) => `   ${l}`).join('\n');
    steps.push(
      `Create the tokens Secret. Its \`${TOKENS_KEY}\` key is the gateway's auth_tokens_file: YAML, a \`tokens\` list of ` +
        '`{ name, scope, token }` (scope `read`, `operate` or `admin`, capped by the policy preset; tokens of at least ' +
        '16 characters; `token_sha256: <hex digest>` instead of `token` keeps only a digest in the Secret). ' +
        'Write one with a fresh random token, then load it:\n\n' +
        `   \`\`\`sh\n${indent(tokensFileCommand('laptop', scopeForPreset(c.policy_preset), 'tokens.yaml'))}\n` +
        `   ${kubectl(c)} -n ${c.namespace} create secret generic ${n.tokensSecret} --from-file=${TOKENS_KEY}=./tokens.yaml\n   \`\`\`\n\n` +
        '   Clients send `Authorization: Bearer <token>`.' + tokensStateNote(c, files),
    );
  }
  steps.push(`Apply: ${applyCommands(c, files).join(', or ')}.`);
  const tunnelTfRendered = files.includes(TUNNEL_TF);
  if (tunnelRendered(c)) {
    const ingressYaml = 'add cloudflare/cloudflared-ingress.yaml\'s rule to a ConfigMap-based cloudflared, above its catch-all.';
    steps.push(
      tunnelTfRendered
        ? `Route ${n.externalUrl} to ${n.serviceUrl}: apply cloudflare/tunnel.tf (provider v${c.cloudflare_provider_version}), or ${ingressYaml} ` +
            'tunnel.tf manages the tunnel\'s whole ingress list: applied to a tunnel that already routes other services, ' +
            'it replaces their rules. For a tunnel managed in an existing Terraform repo, re-run init with ' +
            '`--terraform-dir` instead, which adds the rule to your tunnel config (docs/existing-repo.md).'
        : `Route ${n.externalUrl} to ${n.serviceUrl}: ${ingressYaml}`,
    );
  } else if (c.enable_cloudflare_tunnel) {
    steps.push('Cloudflare Tunnel: skipped because domain_suffix is empty; re-run with --domain-suffix to render it.');
  }
  if (usesAccess(c)) {
    steps.push(
      tunnelTfRendered
        ? `Access service token for non-browser clients: cloudflare/tunnel.tf creates one (\`${n.accessTokenName}\`) ` +
            'and a Service Auth policy that admits it. After `terraform apply` there: ' +
            `\`export ${CONNECT_ENV.cfAccessClientId}=$(terraform output -raw access_client_id) ` +
            `${CONNECT_ENV.cfAccessClientSecret}=$(terraform output -raw access_client_secret)\`; clients send them as ` +
            'CF-Access-Client-Id/-Secret.'
        : 'Create an Access service token (Zero Trust > Access > Service credentials) and add a Service Auth policy ' +
            'that includes it to the Access application (an Allow policy sends non-browser clients to the login page); ' +
            'clients send CF-Access-Client-Id/-Secret.',
    );
  }
  steps.push('Configure a client from clients/ (external and in-cluster URLs).');
  return `# docker-mcp: what was rendered and what is left to do

Rendered by docker-mcp ${version} for \`${n.name}\` in namespace \`${c.namespace}\`.

- In-cluster URL: ${n.serviceUrl}/mcp
- External URL: ${n.externalUrl ? `${n.externalUrl}/mcp` : '(none: the tunnel is not rendered)'}
- Authentication: ${c.auth_mode}; policy preset: ${c.policy_preset}

## Next steps

${steps.map((s, i) => `${i + 1}. ${s}`).join('\n')}

## Files

${files.map((f) => `- ${f}`).join('\n')}
`;
}
