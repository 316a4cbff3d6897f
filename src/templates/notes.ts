// NOTES.md: what was rendered, what was skipped and why, and the steps only a person can do
// (the cluster, the namespace, the image, the tokens Secret, in the order a first apply needs).
import type { InstallConfig } from '../config/schema.js';
import { CONNECT_ENV } from '../contract/connect-env.js';
import { COMMAND_NOTE, kubernetesEndpoints } from './clients/index.js';
import { reachabilityNote } from './clients/readme.js';
import { TOKENS_KEY, createsAccessApp, names, tunnelRendered, usesBearer } from './model.js';
import { cloudflareSteps } from './notes-cloudflare.js';
import { replicaNotes } from './notes-replicas.js';
import { networkPolicyNote, networkPolicyWarning } from './kubernetes/network-policy.js';
import { SINGLE_FILE } from './kubernetes/render.js';
import { checkStep, contextStep, dockerMcpClusterFlags, imageStep, kubectl, namespaceFirstStep, namespaceStep, pullSecretStep, tokensStateNote } from './notes-cluster.js';
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
  if (c.enable_network_policy && c.cloudflared_namespace === '' && tunnelRendered(c) && !c.create_tunnel) {
    // The seed's layout is a guess about the user's cluster; a wrong guess is a 502 at the tunnel.
    warnings.push(networkPolicyWarning(c));
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
  // -chdir, never `cd`: every command in NOTES runs from the output folder, in any order.
  if (files.includes('terraform/main.tf')) commands.push('`terraform -chdir=terraform init && terraform -chdir=terraform apply`');
  if (files.includes('kubernetes/kustomization.yaml')) commands.push(`\`${kubectl(c)} apply -k kubernetes/\``);
  if (files.includes(SINGLE_FILE)) commands.push(`\`${kubectl(c)} apply -f ${SINGLE_FILE}\``);
  return commands;
}

/**
 * The same through docker-mcp, which shows the plan and asks before applying (issue 16): run from the
 * output folder, it finds terraform/ or kubernetes/ itself.
 */
function dockerMcpPath(c: InstallConfig, files: string[]): string {
  const cluster = dockerMcpClusterFlags(c).join(' ');
  const ways: string[] = [];
  if (files.includes('terraform/main.tf')) ways.push('`docker-mcp plan` then `docker-mcp apply` (the Terraform)');
  if (files.some((f) => f.startsWith('kubernetes/'))) {
    const flags = ['--target kubectl', cluster].filter(Boolean).join(' ');
    ways.push(`\`docker-mcp plan ${flags}\` then \`docker-mcp apply ${flags}\` (the YAML)`);
  }
  return ways.length ? ` Or let docker-mcp show the plan and ask before it applies, from this folder: ${ways.join(', or ')}.` : '';
}

export function renderNotes(c: InstallConfig, version: string, files: string[]): string {
  const n = names(c);
  const steps: string[] = [];
  const context = contextStep(c, files);
  if (context) steps.push(context);
  steps.push(imageStep(c));
  const pullSecrets = pullSecretStep(c);
  const cloudflare = cloudflareSteps(c, files, version);
  if (cloudflare.credentials) steps.push(cloudflare.credentials);
  steps.push(namespaceStep(c, files));
  if (c.enable_docker_socket) {
    steps.push(
      `Check the socket's group on the node: \`stat -c %g ${c.docker_socket_path}\` must print ${c.docker_socket_gid} (docker_socket_gid); ` +
        'if it prints another number, re-run init with `--docker-socket-gid <that number>`, or the gateway gets "permission denied" on the socket.',
    );
  } else {
    steps.push(NO_SOCKET);
  }
  // Secrets live in the namespace: when the render creates it, it has to exist before them.
  // So does the Access AUD ConfigMap the single-file YAML loads (kubectl create configmap below).
  const audConfigMap = createsAccessApp(c) && tunnelRendered(c) && files.includes(SINGLE_FILE);
  if (c.create_namespace && (usesBearer(c) || pullSecrets || audConfigMap)) steps.push(namespaceFirstStep(c, files, usesBearer(c)));
  if (pullSecrets) steps.push(pullSecrets);
  if (usesBearer(c)) {
    const indent = (text: string): string => text.split('\n').map((l) => `   ${l}`).join('\n');
    steps.push(
      `Create the tokens Secret. Its \`${TOKENS_KEY}\` key is the gateway's auth_tokens_file: YAML, a \`tokens\` list of ` +
        '`{ name, scope, token_sha256 }` (scope `read`, `operate` or `admin`, capped by the policy preset; a `token` of at least ' +
        '16 characters; `token_sha256: <hex digest>` instead of `token` keeps only a digest in the Secret). ' +
        'These lines make a fresh random token, keep only its digest in the file, and load it:\n\n' +
        `   \`\`\`sh\n${indent(tokensFileCommand('laptop', scopeForPreset(c.policy_preset), 'tokens.yaml', CONNECT_ENV.token))}\n` +
        `   ${kubectl(c)} -n ${c.namespace} create secret generic ${n.tokensSecret} --from-file=${TOKENS_KEY}=./tokens.yaml\n   \`\`\`\n\n` +
        `   Clients send \`Authorization: Bearer <token>\`; the configs in clients/ read it from \`${CONNECT_ENV.token}\`. To rotate, write a new tokens.yaml the same way and update the Secret in place with ` +
        `\`${kubectl(c)} -n ${c.namespace} create secret generic ${n.tokensSecret} --from-file=${TOKENS_KEY}=./tokens.yaml --dry-run=client -o yaml | ${kubectl(c)} apply -f -\`: ` +
        'the gateway picks the new tokens up without a restart within the kubelet sync period (up to about a minute) plus ' +
        'auth_tokens_reload_seconds (10 s), and a removed token stops working then (docs/security.md, "Token rotation").' +
        tokensStateNote(c, files),
    );
  }
  steps.push(...cloudflare.before);
  if (c.enable_network_policy) steps.push(networkPolicyNote(c, kubectl(c)));
  steps.push(`Apply: ${applyCommands(c, files).join(', or ')}.${dockerMcpPath(c, files)}`);
  steps.push(...cloudflare.after);
  steps.push(checkStep(c, n.externalUrl));
  steps.push(`Configure a client from clients/ (clients/README.md says which file is for which client). ${reachabilityNote(c, 'kubernetes')}`);
  return `# docker-mcp: what was rendered and what is left to do

Rendered by docker-mcp ${version} for \`${n.name}\` in namespace \`${c.namespace}\`.
${COMMAND_NOTE}

- In-cluster URL: ${n.serviceUrl}/mcp
- External URL: ${n.externalUrl ? `${n.externalUrl}/mcp` : '(none: the tunnel is not rendered)'}
- Client configs (clients/) use: ${kubernetesEndpoints(c).map((e) => `${e.url} (${e.portForward ? `through \`${e.portForward}\`` : 'the tunnel'})`).join(', ')}
- Authentication: ${c.auth_mode}; policy preset: ${c.policy_preset}

## Next steps

${steps.map((s, i) => `${i + 1}. ${s}`).join('\n')}
${replicaNotes(c)}
## Files

${files.map((f) => `- ${f}`).join('\n')}
`;
}
