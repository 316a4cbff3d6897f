// THE variables table. One row per installer variable; everything else derives from it: the
// prompts (src/cli/prompts.ts), flags and env (src/cli/commands/init.ts), the docker-mcp.yaml keys,
// the zod schema (schema.ts), the module's variables.tf with mirrored `validation` blocks, and the
// docs tables. Constraints are declarative so both zod and HCL validations are generated from them.
import {
  ABSOLUTE_PATH, ACCESS_AUD, CPU_QUANTITY, DNS1035_LABEL, DNS1123_LABEL, DURATION, EMAIL, HOSTNAME, IMAGE_REF,
  KUBE_CONTEXT, KUBECONFIG_PATH, LABEL_KEY, LABEL_VALUE, MAX_PROJECT_NAME_LENGTH, MEMORY_QUANTITY, NODE_NAME,
} from './validators.js';

export type VarType = 'string' | 'number' | 'bool' | 'list(string)' | 'map(string)';
export type VarValue = string | number | boolean | string[] | Record<string, string>;

export interface VariableSpec {
  name: string;
  type: VarType;
  default: VarValue;
  description: string;
  group: 'basic' | 'advanced';
  prompt: string;
  choices?: readonly (string | number)[];
  /** RE2/JS-compatible; for lists each item, for maps each value. */
  pattern?: string;
  patternHint?: string;
  /** Map keys (node_selector). */
  keyPattern?: string;
  /** An empty string means "not set" and skips the pattern. */
  allowEmpty?: boolean;
  min?: number;
  max?: number;
  integer?: boolean;
  maxLength?: number;
  /** Where the seed's default was changed, and why (rendered into the docs). */
  deviation?: string;
  /**
   * `root`: used only by the rendered root module (its provider block), never passed to the gateway
   * module, which has no provider block of its own and so no use for it.
   */
  scope?: 'root';
}

export const ENV_PREFIX = 'DOCKER_MCP_';
export const flagFor = (name: string): string => `--${name.replace(/_/g, '-')}`;
export const envFor = (name: string): string => `${ENV_PREFIX}${name.toUpperCase()}`;

// The gateway image this package builds (`docker-mcp image build`); the version is filled in by
// variables-default.ts so this file stays free of I/O.
export const GATEWAY_IMAGE_NAME = 'docker-mcp-gateway';

const label = { pattern: DNS1123_LABEL, patternHint: 'lowercase letters, digits and -, starting and ending alphanumeric', maxLength: 63 };

export function variablesTable(version: string): readonly VariableSpec[] {
  return [
    // --- the seed's 17, same names, types and defaults (except docker_image, see deviation) ---
    { name: 'project_name', type: 'string', default: 'homelab', group: 'basic',
      description: 'Project name for resource naming', prompt: 'Project name (prefixes every resource name)',
      pattern: DNS1035_LABEL, patternHint: 'lowercase letters, digits and -, starting with a letter',
      maxLength: MAX_PROJECT_NAME_LENGTH },
    { name: 'environment', type: 'string', default: 'production', group: 'basic',
      description: 'Environment name', prompt: 'Environment name', ...label },
    { name: 'namespace', type: 'string', default: 'homelab', group: 'basic',
      description: 'Kubernetes namespace', prompt: 'Kubernetes namespace', ...label },
    // --- issue 15 items 2, 7, 9 (namespace, cluster selection, rollout, pull secrets): kept together ---
    { name: 'create_namespace', type: 'bool', default: true, group: 'basic',
      description: 'Create the namespace, labelled with the Pod Security level the pod needs (privileged with the socket mounted); turn off to deploy into a namespace you share and label yourself',
      prompt: 'Create the namespace (off: it exists and you label it yourself)?' },
    { name: 'kube_context', type: 'string', default: '', group: 'advanced', scope: 'root', allowEmpty: true,
      pattern: KUBE_CONTEXT, patternHint: 'a kubeconfig context name', maxLength: 253,
      description: 'Kubeconfig context the root module\'s provider uses; init fills in `kubectl config current-context` when not given; empty means whatever context is current at apply time',
      prompt: 'Kubeconfig context to deploy to (empty: the current context at apply time)' },
    { name: 'kubeconfig_path', type: 'string', default: '~/.kube/config', group: 'advanced', scope: 'root',
      pattern: KUBECONFIG_PATH, patternHint: 'an absolute path or one starting with ~/', maxLength: 1024,
      description: 'Kubeconfig file the root module\'s provider reads', prompt: 'Kubeconfig file' },
    { name: 'wait_for_rollout', type: 'bool', default: true, group: 'advanced',
      description: 'Terraform waits until the Deployment\'s pods are ready (up to rollout_timeout) before it reports success',
      prompt: 'Wait for the rollout to finish on apply?' },
    { name: 'rollout_timeout', type: 'string', default: '5m', group: 'advanced', pattern: DURATION,
      patternHint: 'a duration like 90s, 5m or 1h30m', maxLength: 20,
      description: 'How long Terraform waits for the Deployment to be created or updated before it fails',
      prompt: 'Rollout timeout' },
    { name: 'verify_tokens_secret', type: 'bool', default: true, group: 'advanced',
      description: 'With bearer auth, read the tokens Secret when planning so a missing one fails the plan instead of the rollout (Terraform keeps what it reads in its state: put token_sha256 digests in the Secret, or turn this off)',
      prompt: 'Check at plan time that the tokens Secret exists (its contents then sit in the Terraform state)?' },
    { name: 'image_pull_secrets', type: 'list(string)', default: [], group: 'advanced', pattern: NODE_NAME,
      patternHint: 'names of docker-registry Secrets in the namespace',
      description: 'Secrets (type kubernetes.io/dockerconfigjson, in the namespace) the kubelet uses to pull docker_image from a private registry',
      prompt: 'Image pull Secrets (comma separated)' },
    { name: 'replicas', type: 'number', default: 1, group: 'basic', integer: true, min: 1, max: 10,
      description: 'Number of Docker MCP Gateway replicas',
      prompt: 'Replicas (more than 1 needs all of them pinned to one node)' },
    { name: 'docker_image', type: 'string', default: `${GATEWAY_IMAGE_NAME}:${version}`, group: 'advanced',
      description: 'Docker image for the container', prompt: 'Gateway image', pattern: IMAGE_REF,
      patternHint: 'an image reference like registry:5000/name:tag',
      deviation: 'The seed defaults to `alpine:3.19`, which cannot serve MCP; the default is this project\'s gateway image, built by `docker-mcp image build`.' },
    { name: 'port', type: 'number', default: 8080, group: 'advanced', integer: true, min: 1, max: 65535,
      description: 'Port for Docker MCP Gateway service', prompt: 'Service port' },
    { name: 'cpu_limit', type: 'string', default: '500m', group: 'advanced', pattern: CPU_QUANTITY,
      patternHint: 'a Kubernetes CPU quantity like 500m or 1', description: 'CPU limit', prompt: 'CPU limit' },
    { name: 'memory_limit', type: 'string', default: '512Mi', group: 'advanced', pattern: MEMORY_QUANTITY,
      patternHint: 'a Kubernetes memory quantity like 512Mi or 1Gi', description: 'Memory limit', prompt: 'Memory limit' },
    { name: 'log_level', type: 'string', default: 'info', group: 'advanced', choices: ['debug', 'info', 'warn', 'error'],
      description: 'Log level (debug/info/warn/error)', prompt: 'Log level' },
    { name: 'docker_timeout', type: 'number', default: 30, group: 'advanced', min: 1, max: 3600,
      description: 'Timeout for Docker operations', prompt: 'Timeout for one Docker operation (seconds)' },
    { name: 'enable_network_policy', type: 'bool', default: false, group: 'advanced',
      description: 'Enable Kubernetes network policy',
      prompt: 'Add a NetworkPolicy (ingress only from cloudflared and the metrics scraper)?' },
    { name: 'enable_docker_socket', type: 'bool', default: true, group: 'advanced',
      description: 'Enable Docker socket access', prompt: 'Mount the node\'s Docker socket?' },
    { name: 'enable_cloudflare_tunnel', type: 'bool', default: true, group: 'basic',
      description: 'Enable access via Cloudflare Tunnel', prompt: 'Expose through a Cloudflare Tunnel?' },
    { name: 'tunnel_hostname', type: 'string', default: 'docker-mcp', group: 'basic',
      description: 'Hostname for Cloudflare Tunnel', prompt: 'Tunnel host name (first label)', ...label },
    { name: 'domain_suffix', type: 'string', default: '', group: 'basic', pattern: HOSTNAME, allowEmpty: true,
      patternHint: 'a domain like example.com', maxLength: 200,
      description: 'Domain suffix for external access', prompt: 'Domain (the tunnel URL is https://<host>.<domain>)' },
    { name: 'enable_metrics', type: 'bool', default: false, group: 'advanced',
      description: 'Enable Prometheus metrics', prompt: 'Serve Prometheus metrics?' },
    { name: 'enable_health_checks', type: 'bool', default: true, group: 'advanced',
      description: 'Enable health check endpoints', prompt: 'Add liveness (/health) and readiness (/ready) probes?' },
    // --- what a real deployment needs on top of the seed ---
    { name: 'auth_mode', type: 'string', default: 'bearer', group: 'basic',
      choices: ['none', 'bearer', 'cloudflare-access', 'both'],
      description: 'Client authentication: bearer tokens from a Secret, Cloudflare Access JWTs, or both (none is refused: the gateway will not serve unauthenticated on its pod\'s 0.0.0.0)',
      prompt: 'Authentication' },
    { name: 'cf_access_team', type: 'string', default: '', group: 'basic', allowEmpty: true, ...label,
      description: 'Cloudflare Access team name (<team>.cloudflareaccess.com)', prompt: 'Cloudflare Access team name' },
    { name: 'cf_access_aud', type: 'string', default: '', group: 'basic', allowEmpty: true, pattern: ACCESS_AUD,
      patternHint: '64 hex characters (the Access application\'s AUD tag)',
      description: 'Cloudflare Access application AUD tag', prompt: 'Cloudflare Access application AUD tag' },
    { name: 'allowed_emails', type: 'list(string)', default: [], group: 'basic', pattern: EMAIL,
      patternHint: 'email addresses', description: 'Emails the Access policy allows',
      prompt: 'Emails allowed by the Access policy (comma separated)' },
    { name: 'allowed_email_domains', type: 'list(string)', default: [], group: 'basic', pattern: HOSTNAME,
      patternHint: 'domains like example.com', description: 'Email domains the Access policy allows',
      prompt: 'Email domains allowed by the Access policy (comma separated)' },
    { name: 'token_secret_name', type: 'string', default: '', group: 'advanced', allowEmpty: true, ...label,
      description: 'Existing Secret holding the bearer tokens file (key `tokens`); empty means <project_name>-docker-mcp-gateway-tokens',
      prompt: 'Secret with the bearer tokens (empty for the default name)' },
    { name: 'policy_preset', type: 'string', default: 'read-only', group: 'basic',
      choices: ['read-only', 'operator', 'admin'],
      description: 'Operation policy: read-only (inspect and logs), operator (start/stop/run), admin (everything)',
      prompt: 'Operation policy' },
    { name: 'docker_socket_path', type: 'string', default: '/var/run/docker.sock', group: 'advanced',
      pattern: ABSOLUTE_PATH, patternHint: 'an absolute path', description: 'Docker socket path on the node',
      prompt: 'Docker socket path on the node' },
    { name: 'docker_socket_gid', type: 'number', default: 999, group: 'advanced', integer: true, min: 0, max: 2147483647,
      description: 'Group id owning the Docker socket on the node (stat -c %g /var/run/docker.sock)',
      prompt: 'Group id of the Docker socket on the node' },
    { name: 'metrics_port', type: 'number', default: 9090, group: 'advanced', integer: true, min: 1, max: 65535,
      description: 'Port for /metrics', prompt: 'Metrics port' },
    { name: 'enable_service_monitor', type: 'bool', default: false, group: 'advanced',
      description: 'Add a Prometheus Operator ServiceMonitor (needs the CRD)', prompt: 'Add a ServiceMonitor?' },
    { name: 'metrics_namespace', type: 'string', default: 'monitoring', group: 'advanced', ...label,
      description: 'Namespace of the metrics scraper the NetworkPolicy admits', prompt: 'Namespace of Prometheus' },
    { name: 'image_pull_policy', type: 'string', default: 'IfNotPresent', group: 'advanced',
      choices: ['IfNotPresent', 'Always', 'Never'], description: 'Image pull policy', prompt: 'Image pull policy' },
    { name: 'cpu_request', type: 'string', default: '100m', group: 'advanced', pattern: CPU_QUANTITY,
      patternHint: 'a Kubernetes CPU quantity', description: 'CPU request', prompt: 'CPU request' },
    { name: 'memory_request', type: 'string', default: '128Mi', group: 'advanced', pattern: MEMORY_QUANTITY,
      patternHint: 'a Kubernetes memory quantity', description: 'Memory request', prompt: 'Memory request' },
    { name: 'node_name', type: 'string', default: '', group: 'advanced', allowEmpty: true, pattern: NODE_NAME,
      patternHint: 'a node name', maxLength: 253,
      description: 'Pin the pods to this node (needed for replicas > 1: each node has its own Docker daemon)',
      prompt: 'Node to pin the pods to' },
    { name: 'node_selector', type: 'map(string)', default: {}, group: 'advanced',
      keyPattern: LABEL_KEY, pattern: LABEL_VALUE, patternHint: 'label values',
      description: 'Node selector (alternative pinning; it must match exactly one node for replicas > 1)',
      prompt: 'Node selector (key=value, comma separated)' },
    { name: 'cloudflare_provider_version', type: 'number', default: 5, group: 'advanced', choices: [4, 5],
      description: 'Major version of the Cloudflare Terraform provider your tunnel repo uses',
      prompt: 'Cloudflare Terraform provider major version' },
  ];
}
