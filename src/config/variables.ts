// THE variables table. One row per installer variable; everything else derives from it: the
// prompts (src/cli/prompts.ts), flags and env (src/cli/commands/init.ts), the docker-mcp.yaml keys,
// the zod schema (schema.ts), the module's variables.tf with mirrored `validation` blocks, and the
// docs tables. Constraints are declarative so both zod and HCL validations are generated from them.
import { nodeAffinityItem, tolerationItem } from './scheduling.js';
import {
  ABSOLUTE_PATH, ACCESS_AUD, CPU_QUANTITY, DNS1035_LABEL, DNS1123_LABEL, DURATION, EMAIL, HOSTNAME, IMAGE_REF,
  KUBE_CONTEXT, KUBECONFIG_PATH, LABEL_KEY, LABEL_VALUE, MAX_PROJECT_NAME_LENGTH, MEMORY_QUANTITY, NODE_NAME,
} from './validators.js';
import { extraEgress, extraIngress } from './network-policy-items.js';

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
   * A list(string) whose module variable is a list of objects. Flags, env, docker-mcp.yaml and prompts
   * take each item in a compact string form (like kubectl's `key=value:Effect` for taints), which
   * suits a command line; Terraform users get the typed objects they expect. `parse` is the one
   * translation, used by validation and by every .tf renderer (variables.tf, tfvars, module call).
   */
  structured?: StructuredList;
  /**
   * Where the variable is used. `module` (the default): a module input, declared in the module's
   * variables.tf and passed by the root's module call. `root`: only the root module uses it (its
   * provider block); declared in the root's variables.tf and set in terraform.tfvars, never passed
   * to the module. `installer`: only the installer uses it (cloudflare/tunnel.tf, client configs),
   * so no Terraform file of the gateway module or its root declares it.
   */
  scope?: VariableScope;
}

export type VariableScope = 'module' | 'root' | 'installer';
export const scopeOf = (spec: VariableSpec): VariableScope => spec.scope ?? 'module';

/** One item of a structured list, as the module sees it: every attribute present, null when unset. */
export type ModuleItem = Record<string, string | string[] | Record<string, string> | null>;

export interface StructuredList {
  /** The module variable's HCL type, e.g. `list(object({ key = string, effect = optional(string) }))`. */
  hclType: string;
  /** Item syntax for help and docs, e.g. `key[=value][:Effect]`. */
  syntax: string;
  parse: (item: string) => { item: ModuleItem } | { problem: string };
  /** The module's own checks of the objects (Terraform users bypass parse), given `var.<name>` and the HCL string quoter. */
  validations?: (ref: string, quote: (s: string) => string) => { condition: string; message: string }[];
}

// init's env names have a prefix of their own: `serve` reads DOCKER_MCP_<NAME> (port, policy_preset,
// log_level, … overlap), and a shell set up to run a local gateway must not change what init renders
// for the cluster. serve never reads DOCKER_MCP_INIT_* (it has no setting named init_*).
export const ENV_PREFIX = 'DOCKER_MCP_INIT_';
/** The prefix init read before it had its own (serve's); only used to warn that it is ignored. */
export const LEGACY_ENV_PREFIX = 'DOCKER_MCP_';
export const flagFor = (name: string): string => `--${name.replace(/_/g, '-')}`;
export const envFor = (name: string): string => `${ENV_PREFIX}${name.toUpperCase()}`;
export const legacyEnvFor = (name: string): string => `${LEGACY_ENV_PREFIX}${name.toUpperCase()}`;

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
      prompt: 'Replicas' },
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
      prompt: 'Add a NetworkPolicy (in: only cloudflared and the metrics scraper; out: only DNS and what auth needs)?' },
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
      description: 'AUD tag of an existing Cloudflare Access application; empty: the rendered Terraform creates the application and passes its AUD',
      prompt: 'AUD tag of an existing Access application (empty: the rendered Terraform creates one)' },
    { name: 'allowed_emails', type: 'list(string)', default: [], group: 'basic', scope: 'installer', pattern: EMAIL,
      patternHint: 'email addresses', description: 'Emails the Access policy allows',
      prompt: 'Emails allowed by the Access policy (comma separated)' },
    { name: 'allowed_email_domains', type: 'list(string)', default: [], group: 'basic', scope: 'installer', pattern: HOSTNAME,
      patternHint: 'domains like example.com', description: 'Email domains the Access policy allows',
      prompt: 'Email domains allowed by the Access policy (comma separated)' },
    { name: 'token_secret_name', type: 'string', default: '', group: 'advanced', allowEmpty: true, ...label,
      description: 'Existing Secret holding the bearer tokens file (key `tokens`); empty means <project_name>-docker-mcp-gateway-tokens',
      prompt: 'Secret with the bearer tokens (empty for the default name)' },
    { name: 'policy_preset', type: 'string', default: 'read-only', group: 'basic',
      choices: ['read-only', 'operator', 'admin'],
      description: 'Operation policy: read-only (list, inspect, stats and events; no logs), operator (also logs, start/stop/restart and exec), admin (also create, run, remove, pull and build)',
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
    { name: 'metrics_pod_labels', type: 'map(string)', default: {}, group: 'advanced',
      keyPattern: LABEL_KEY, pattern: LABEL_VALUE, patternHint: 'label values',
      description: 'Labels of the metrics scraper\'s pods the NetworkPolicy admits in metrics_namespace; empty means every pod there',
      prompt: 'Labels of the Prometheus pods (key=value, comma separated; empty for every pod of its namespace)' },
    { name: 'cloudflared_namespace', type: 'string', default: '', group: 'advanced', allowEmpty: true, ...label,
      description: 'Namespace of the cloudflared pods the NetworkPolicy admits; empty means the gateway\'s own namespace',
      prompt: 'Namespace cloudflared runs in (empty for the gateway\'s namespace)' },
    { name: 'cloudflared_pod_labels', type: 'map(string)', default: { app: 'cloudflared' }, group: 'advanced',
      keyPattern: LABEL_KEY, pattern: LABEL_VALUE, patternHint: 'label values',
      description: 'Labels of the cloudflared pods the NetworkPolicy admits (AND with cloudflared_namespace)',
      prompt: 'Labels of the cloudflared pods (key=value, comma separated)' },
    { name: 'network_policy_extra_ingress', type: 'list(string)', default: [], group: 'advanced', structured: extraIngress,
      description: 'More peers the NetworkPolicy admits: pods by namespace and labels, or a CIDR, on the http (default) or metrics port',
      prompt: 'More peers allowed in (comma separated; e.g. monitoring/app=vmagent:metrics)' },
    { name: 'network_policy_extra_egress', type: 'list(string)', default: [], group: 'advanced', structured: extraEgress,
      description: 'More destinations the gateway may reach besides DNS (and HTTPS to public addresses with Cloudflare Access): a CIDR or pods, optionally one TCP port',
      prompt: 'More destinations allowed out (comma separated; e.g. 192.168.1.10/32:2376)' },
    { name: 'image_pull_policy', type: 'string', default: 'IfNotPresent', group: 'advanced',
      choices: ['IfNotPresent', 'Always', 'Never'], description: 'Image pull policy', prompt: 'Image pull policy' },
    { name: 'cpu_request', type: 'string', default: '100m', group: 'advanced', pattern: CPU_QUANTITY,
      patternHint: 'a Kubernetes CPU quantity', description: 'CPU request', prompt: 'CPU request' },
    { name: 'memory_request', type: 'string', default: '', group: 'advanced', pattern: MEMORY_QUANTITY, allowEmpty: true,
      patternHint: 'a Kubernetes memory quantity',
      description: 'Memory request; empty means the memory_limit, so the pod never uses more than it requested and the kubelet evicts it only after pods that do',
      prompt: 'Memory request (empty: the memory limit)' },
    // --- pod settings (issue 15 item 8): kept together, right after the resources ---
    { name: 'tmp_size_limit', type: 'string', default: '64Mi', group: 'advanced', pattern: MEMORY_QUANTITY,
      patternHint: 'a Kubernetes quantity like 64Mi',
      description: 'Size limit of the /tmp emptyDir (the root filesystem is read-only); the gateway itself writes nothing there (image_build contexts are packed in memory), so this only bounds what a library might write; beyond it the kubelet evicts the pod',
      prompt: 'Size limit of /tmp' },
    { name: 'labels', type: 'map(string)', default: {}, group: 'advanced', keyPattern: LABEL_KEY, pattern: LABEL_VALUE,
      patternHint: 'label values',
      description: 'Extra labels on every object and on the pods (never on selectors); the labels this module sets itself win on a clash',
      prompt: 'Extra labels (key=value, comma separated)' },
    { name: 'pod_annotations', type: 'map(string)', default: {}, group: 'advanced', keyPattern: LABEL_KEY,
      description: 'Extra annotations on the pods; the ones this module sets (checksum/config, prometheus.io/*) win on a clash',
      prompt: 'Extra pod annotations (key=value, comma separated)' },
    { name: 'tolerations', type: 'list(string)', default: [], group: 'advanced', structured: tolerationItem,
      description: 'Tolerations in kubectl taint syntax: key=value:Effect tolerates that taint (operator Equal), key:Effect any value of key (Exists); without :Effect every effect',
      prompt: 'Tolerations (key[=value][:Effect], comma separated)' },
    { name: 'node_affinity', type: 'list(string)', default: [], group: 'advanced', structured: nodeAffinityItem,
      description: 'Required node affinity: key=v1|v2 needs the node label key to be one of the values (In), key alone needs it to exist (Exists); all items must hold',
      prompt: 'Required node labels (key=v1|v2 or key, comma separated)' },
    { name: 'priority_class_name', type: 'string', default: '', group: 'advanced', allowEmpty: true, pattern: NODE_NAME,
      patternHint: 'a PriorityClass name (lowercase DNS subdomain)', maxLength: 253,
      description: 'PriorityClass of the pods (must exist); empty means the cluster default',
      prompt: 'PriorityClass name (empty: the cluster default)' },
    // 63, not a node name's 253: it becomes the kubernetes.io/hostname selector value, a label value.
    { name: 'node_name', type: 'string', default: '', group: 'advanced', allowEmpty: true, pattern: NODE_NAME,
      patternHint: 'a node name', maxLength: 63,
      description: 'Run the pods on this node: a nodeSelector on its kubernetes.io/hostname label (never nodeName, which bypasses the scheduler, taints and cordons)',
      prompt: 'Node to run the pods on (empty: any node the scheduler picks)' },
    { name: 'node_selector', type: 'map(string)', default: {}, group: 'advanced',
      keyPattern: LABEL_KEY, pattern: LABEL_VALUE, patternHint: 'label values',
      description: 'Node selector (node_name adds kubernetes.io/hostname to it)',
      prompt: 'Node selector (key=value, comma separated)' },
    { name: 'cloudflare_provider_version', type: 'number', default: 5, group: 'advanced', scope: 'installer', choices: [4, 5],
      description: 'Major version of the Cloudflare Terraform provider your tunnel repo uses',
      prompt: 'Cloudflare Terraform provider major version' },
    { name: 'create_tunnel', type: 'bool', default: false, group: 'advanced', scope: 'installer',
      description: 'Create a new Cloudflare Tunnel (config, DNS, connector Deployment) instead of routing through your existing one',
      prompt: 'Create a new Cloudflare Tunnel with its own cloudflared (instead of adding a route to yours)?' },
  ];
}
