// `init --target docker`: the same answers rendered for plain Docker. compose.yaml comes from the
// compose renderer (src/templates/compose/render.ts), its gateway settings from the installer ->
// gateway table (gateway-env.ts), so a compose deployment is configured exactly like a pod.
// Secrets never enter a rendered file: they live in gateway.env / cloudflared.env, which init
// never writes (only *.example files documenting them; NOTES.md has the command that makes one).
import type { InstallConfig } from '../../config/schema.js';
import type { VariableSpec } from '../../config/variables.js';
import { envName } from '../../contract/settings.js';
import { renderCompose, type ComposeOptions } from '../compose/render.js';
import { envConditions, gatewayEnvTable } from '../gateway-env.js';
import { names, tunnelRendered, usesBearer } from '../model.js';
import { scopeForPreset } from '../tokens.js';

export const GATEWAY_ENV_FILE = 'gateway.env';
export const CLOUDFLARED_ENV_FILE = 'cloudflared.env';

/**
 * Settings the compose renderer fixes (bind host, port, socket path) or that only make sense with
 * the tokens Secret mounted as a file; compose passes tokens as DOCKER_MCP_AUTH_TOKENS instead.
 */
const NOT_FROM_TABLE = new Set(['host', 'port', 'docker_host', 'auth_tokens_file']);

/** Installer variables with no meaning for plain Docker, and why (reported when set). */
export const KUBERNETES_ONLY: Record<string, string> = {
  namespace: 'compose has no namespaces',
  create_namespace: 'compose has no namespaces',
  kube_context: 'there is no cluster; `apply --target docker` uses DOCKER_HOST',
  kubeconfig_path: 'there is no cluster; `apply --target docker` uses DOCKER_HOST',
  wait_for_rollout: 'no Terraform is rendered; `apply --target docker` waits for the health check',
  rollout_timeout: 'no Terraform is rendered; `apply --target docker` waits for the health check',
  image_pull_secrets: 'Docker pulls with the credentials of `docker login` on the host',
  verify_tokens_secret: 'no Terraform is rendered; compose reads the tokens from its env file',
  replicas: 'compose runs one gateway container per Docker daemon',
  enable_network_policy: 'there is no NetworkPolicy; the port is published on 127.0.0.1 only',
  image_pull_policy: '`apply --target docker` uses the local image and never pulls the gateway',
  cpu_request: 'Docker has no CPU requests (cpu_limit applies)',
  memory_request: 'Docker has no memory requests (memory_limit applies)',
  node_name: 'the gateway runs on the Docker host you apply to',
  node_selector: 'the gateway runs on the Docker host you apply to',
  tmp_size_limit: 'compose mounts /tmp as a tmpfs of its own (16 MB)',
  labels: 'compose labels its containers itself',
  pod_annotations: 'there are no pods to annotate',
  tolerations: 'the gateway runs on the Docker host you apply to',
  node_affinity: 'the gateway runs on the Docker host you apply to',
  priority_class_name: 'there are no pods to prioritise',
  enable_service_monitor: 'there is no Prometheus Operator; scrape the metrics port yourself',
  metrics_namespace: 'there is no NetworkPolicy to admit a scraper',
  metrics_pod_labels: 'there is no NetworkPolicy to admit a scraper',
  cloudflared_namespace: 'there is no NetworkPolicy; cloudflared reaches the published port',
  cloudflared_pod_labels: 'there is no NetworkPolicy; cloudflared reaches the published port',
  network_policy_extra_ingress: 'there is no NetworkPolicy; the port is published on 127.0.0.1 only',
  network_policy_extra_egress: 'there is no NetworkPolicy; the container\'s egress is Docker\'s',
  token_secret_name: `tokens come from ${GATEWAY_ENV_FILE} (DOCKER_MCP_AUTH_TOKENS), not a Secret`,
  enable_docker_socket: 'the gateway always mounts the socket (it has nothing else to talk to)',
  enable_health_checks: 'compose always has a health check; `apply` waits for it',
  cloudflare_provider_version: 'no Terraform is rendered; the tunnel is remotely managed (TUNNEL_TOKEN)',
  create_tunnel: 'no Terraform is rendered; the tunnel is remotely managed (TUNNEL_TOKEN)',
  allowed_emails: 'no Access application is rendered; create it in the Zero Trust dashboard',
  allowed_email_domains: 'no Access application is rendered; create it in the Zero Trust dashboard',
};

export const composeProject = (c: InstallConfig): string => `${c.project_name}-docker-mcp`;

/** Gateway settings by key, from the shared table; one container, so never stateless. */
export function dockerSettings(c: InstallConfig): NonNullable<ComposeOptions['settings']> {
  const single: InstallConfig = { ...c, replicas: 1 };
  const settings: Record<string, string> = {};
  for (const row of gatewayEnvTable) {
    if (NOT_FROM_TABLE.has(row.setting)) continue;
    if (row.when && !envConditions[row.when].js(single)) continue;
    settings[row.setting] = row.value(single);
  }
  return settings;
}

export function composeOptions(c: InstallConfig): ComposeOptions {
  return {
    project: composeProject(c),
    image: c.docker_image,
    port: c.port,
    // Loopback only: local clients use it; anything remote goes through the tunnel (or nothing).
    publish: { hostIp: '127.0.0.1', hostPort: c.port },
    dockerSocket: c.docker_socket_path,
    dockerSocketGid: c.docker_socket_gid,
    settings: dockerSettings(c),
    secretsEnvFile: GATEWAY_ENV_FILE,
    cpuLimit: c.cpu_limit,
    memoryLimit: c.memory_limit,
    ...(tunnelRendered(c) ? { cloudflared: { envFile: CLOUDFLARED_ENV_FILE } } : {}),
    labels: { 'app.kubernetes.io/instance': c.project_name, environment: c.environment },
  };
}

/** Shell that writes gateway.env with a fresh random token (mode 600): no placeholder to deploy. */
export function gatewayEnvCommand(c: InstallConfig, dir = '.'): string {
  const file = dir === '.' ? GATEWAY_ENV_FILE : `${dir}/${GATEWAY_ENV_FILE}`;
  if (!usesBearer(c)) return `touch ${file} && chmod 600 ${file}`;
  return `(umask 077 && printf '${envName('auth_tokens')}=laptop:${scopeForPreset(c.policy_preset)}:%s\\n' "$(openssl rand -hex 32)" > ${file})`;
}

function gatewayEnvExample(c: InstallConfig): string {
  const lines = [
    `# Copy to ${GATEWAY_ENV_FILE} (compose.yaml reads it; it must exist, even empty) and keep it out of git.`,
    '# Secret gateway settings only; everything else is in compose.yaml.',
  ];
  if (usesBearer(c)) {
    lines.push(
      '# Bearer tokens: name:scope:token, comma separated (scope read, operate or admin, capped by the',
      `# policy preset "${c.policy_preset}"; tokens of at least 16 characters). Generate one with`,
      `#   ${gatewayEnvCommand(c)}`,
      '# Clients send `Authorization: Bearer <token>`.',
      `# ${envName('auth_tokens')}=laptop:${scopeForPreset(c.policy_preset)}:<64 hex characters>`,
    );
  } else {
    lines.push(`# auth_mode is ${c.auth_mode}: no bearer tokens are needed.`);
  }
  return `${lines.join('\n')}\n`;
}

function cloudflaredEnvExample(c: InstallConfig): string {
  return [
    `# Copy to ${CLOUDFLARED_ENV_FILE} and paste the tunnel token (Zero Trust dashboard -> Networks -> Tunnels ->`,
    '# your tunnel -> install command, the long string after --token). Keep it out of git.',
    `# The tunnel's public hostname ${names(c).externalUrl.replace('https://', '')} must route to http://gateway:${c.port}.`,
    'TUNNEL_TOKEN=<paste the tunnel token here>',
    '',
  ].join('\n');
}

export function dockerFiles(c: InstallConfig): { path: string; contents: string }[] {
  const files = [
    renderCompose(composeOptions(c)),
    { path: `${GATEWAY_ENV_FILE}.example`, contents: gatewayEnvExample(c) },
    { path: '.gitignore', contents: `# Secrets: written by you, never by docker-mcp init.\n${GATEWAY_ENV_FILE}\n${CLOUDFLARED_ENV_FILE}\n` },
  ];
  if (tunnelRendered(c)) files.push({ path: `${CLOUDFLARED_ENV_FILE}.example`, contents: cloudflaredEnvExample(c) });
  return files;
}

/** Variables set to non-defaults that the docker target cannot honour, one message each. */
export function ignoredForDocker(c: InstallConfig, table: readonly VariableSpec[]): string[] {
  return table
    .filter((s) => s.name in KUBERNETES_ONLY)
    .filter((s) => JSON.stringify(c[s.name as keyof InstallConfig]) !== JSON.stringify(s.default))
    .map((s) => `${s.name} does not apply to --target docker (${KUBERNETES_ONLY[s.name]}); ignored.`);
}
