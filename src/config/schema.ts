// Validation: per-variable constraints come from the table; cross-field rules live here. Every
// problem is collected (never fail-fast) so the user fixes them all in one round.
import { z } from 'zod';
import { flagFor, type VarValue, type VariableSpec } from './variables.js';
import { injectionProblem, parseQuantity } from './validators.js';

export interface InstallConfig {
  project_name: string;
  environment: string;
  namespace: string;
  create_namespace: boolean;
  kube_context: string;
  kubeconfig_path: string;
  wait_for_rollout: boolean;
  rollout_timeout: string;
  verify_tokens_secret: boolean;
  image_pull_secrets: string[];
  replicas: number;
  docker_image: string;
  port: number;
  cpu_limit: string;
  memory_limit: string;
  log_level: 'debug' | 'info' | 'warn' | 'error';
  docker_timeout: number;
  enable_network_policy: boolean;
  enable_docker_socket: boolean;
  enable_cloudflare_tunnel: boolean;
  tunnel_hostname: string;
  domain_suffix: string;
  enable_metrics: boolean;
  enable_health_checks: boolean;
  auth_mode: 'none' | 'bearer' | 'cloudflare-access' | 'both';
  cf_access_team: string;
  cf_access_aud: string;
  allowed_emails: string[];
  allowed_email_domains: string[];
  token_secret_name: string;
  policy_preset: 'read-only' | 'operator' | 'admin';
  docker_socket_path: string;
  docker_socket_gid: number;
  metrics_port: number;
  enable_service_monitor: boolean;
  metrics_namespace: string;
  metrics_pod_labels: Record<string, string>;
  cloudflared_namespace: string;
  cloudflared_pod_labels: Record<string, string>;
  network_policy_extra_ingress: string[];
  network_policy_extra_egress: string[];
  image_pull_policy: 'IfNotPresent' | 'Always' | 'Never';
  cpu_request: string;
  memory_request: string;
  tmp_size_limit: string;
  labels: Record<string, string>;
  pod_annotations: Record<string, string>;
  tolerations: string[];
  node_affinity: string[];
  priority_class_name: string;
  node_name: string;
  node_selector: Record<string, string>;
  cloudflare_provider_version: 4 | 5;
  create_tunnel: boolean;
}

export type ConfigKey = keyof InstallConfig;

/** The node label node_name selects on (a nodeSelector, never `nodeName`). */
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** The memory request the pod gets: the limit unless set, so usage never exceeds the request. */
export const effectiveMemoryRequest = (c: Pick<InstallConfig, 'memory_request' | 'memory_limit'>): string =>
  c.memory_request || c.memory_limit;

/** One variable's zod schema, generated from its declarative constraints. */
export function valueSchema(spec: VariableSpec): z.ZodType {
  const text = (pattern: string | undefined) =>
    z.string().superRefine((value, ctx) => {
      const injection = injectionProblem(value);
      if (injection) return void ctx.addIssue({ code: 'custom', message: injection });
      if (spec.allowEmpty && value === '') return;
      if (spec.maxLength !== undefined && value.length > spec.maxLength) {
        ctx.addIssue({ code: 'custom', message: `must be at most ${spec.maxLength} characters (got ${value.length})` });
      } else if (pattern && !new RegExp(pattern).test(value)) {
        ctx.addIssue({ code: 'custom', message: `must be ${spec.patternHint ?? `like ${pattern}`} (got "${value}")` });
      }
    });
  switch (spec.type) {
    case 'string':
      if (spec.choices) return z.enum(spec.choices.map(String) as [string, ...string[]], {
        error: (issue) => `must be one of ${spec.choices!.join(', ')} (got "${String(issue.input)}")` });
      return text(spec.pattern);
    case 'number': {
      let n = z.number({ error: 'must be a number' });
      if (spec.integer) n = n.int({ error: 'must be a whole number' });
      if (spec.min !== undefined) n = n.min(spec.min, { error: `must be at least ${spec.min}` });
      if (spec.max !== undefined) n = n.max(spec.max, { error: `must be at most ${spec.max}` });
      if (spec.choices) return n.refine((v) => spec.choices!.includes(v), { error: `must be one of ${spec.choices.join(', ')}` });
      return n;
    }
    case 'bool':
      return z.boolean({ error: 'must be true or false' });
    case 'list(string)': {
      const { structured } = spec;
      if (!structured) return z.array(text(spec.pattern), { error: 'must be a list of strings' });
      const item = z.string().superRefine((value, ctx) => {
        const injection = injectionProblem(value);
        const parsed = injection ? { problem: injection } : structured.parse(value);
        if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: `${parsed.problem} (an item is ${structured.syntax}; got "${value}")` });
      });
      return z.array(item, { error: 'must be a list of strings' });
    }
    case 'map(string)':
      return z.record(text(spec.keyPattern), text(spec.pattern), { error: 'must be a map of strings' });
  }
}

function crossFieldProblems(c: InstallConfig, kubernetes: boolean, name: Namer): string[] {
  const problems: string[] = [];
  const needsAccess = c.auth_mode === 'cloudflare-access' || c.auth_mode === 'both';
  const tunnelLive = c.enable_cloudflare_tunnel && c.domain_suffix !== '';
  // Replicas > 1 need no pinning: the pods require affinity to each other on kubernetes.io/hostname
  // (one node, one Docker daemon); see kubernetes/scheduling.ts.
  const hostname = c.node_selector[HOSTNAME_LABEL];
  if (kubernetes && c.node_name !== '' && hostname !== undefined && hostname !== c.node_name) {
    problems.push(
      `${name('node_name')}: ${c.node_name} contradicts ${name('node_selector')} ${HOSTNAME_LABEL}=${hostname} ` +
        '(node_name becomes that same node selector); drop one of them',
    );
  }
  if (needsAccess) {
    if (!tunnelLive) problems.push(`${name('auth_mode')}: ${c.auth_mode} needs the Cloudflare Tunnel on and ${name('domain_suffix')} set`);
    if (c.cf_access_team === '') problems.push(`${name('cf_access_team')}: required when ${name('auth_mode')} is ${c.auth_mode}`);
    // For Kubernetes the rendered Terraform creates the Access application when no AUD is given, and
    // the gateway gets its aud from it; the docker target renders no Terraform, so it needs the AUD.
    if (c.cf_access_aud === '' && !kubernetes) {
      problems.push(
        `${name('cf_access_aud')}: required when ${name('auth_mode')} is ${c.auth_mode} with --target docker, which renders no ` +
          'Access application: create one (Zero Trust > Access > Applications) and pass its AUD tag',
      );
    }
    // The emails feed only the allow policy of an Access application the render creates (no AUD given);
    // an existing application keeps its own policies.
    if (c.cf_access_aud === '' && !c.allowed_emails.length && !c.allowed_email_domains.length) {
      problems.push(`${name('allowed_emails')}/${name('allowed_email_domains')}: at least one is required for the Access policy`);
    }
  }
  if (c.auth_mode === 'none') {
    // The rendered gateway listens on 0.0.0.0 in its pod or container (it must, to be reachable through
    // the Service or the published port), and the gateway itself refuses that without authentication
    // (src/gateway/auth/exposure.ts): the deployment would crash-loop instead of serving.
    const reach = tunnelLive
      ? 'the tunnel would put the Docker socket on the internet unauthenticated'
      : kubernetes
        ? 'every pod in the cluster could reach the Docker socket, which is root on the node'
        : 'every container on its network could reach the Docker socket, which is root on the host';
    problems.push(
      `${name('auth_mode')}: none is refused: the gateway listens on 0.0.0.0 in its ${kubernetes ? 'pod' : 'container'} and will not ` +
        `start there without authentication (${reach}); keep bearer (the default), or use cloudflare-access or both`,
    );
  }
  if (kubernetes && c.enable_network_policy && Object.keys(c.cloudflared_pod_labels).length === 0 && [c.namespace, ''].includes(c.cloudflared_namespace)) {
    // An empty pod selector admits the whole namespace: fine for a namespace of cloudflared's own,
    // not for the gateway's (possibly shared) one, where it would let every neighbour in.
    problems.push(
      `${name('cloudflared_pod_labels')}: empty would let every pod of namespace ${c.namespace} reach the gateway; ` +
        `name cloudflared's labels (kubectl get pods -A --show-labels | grep cloudflared), or set ${name('cloudflared_namespace')} to a namespace of its own`,
    );
  }
  if (c.port === c.metrics_port) problems.push(`${name('metrics_port')}: must differ from ${name('port')} (${c.port})`);
  if (kubernetes && c.enable_service_monitor && !c.enable_metrics) problems.push(`${name('enable_service_monitor')}: needs ${name('enable_metrics')}`);
  for (const [request, limit] of kubernetes ? ([['cpu_request', 'cpu_limit'], ['memory_request', 'memory_limit']] as const) : []) {
    // An empty memory_request means the memory_limit (effectiveMemoryRequest).
    const r = parseQuantity(request === 'memory_request' ? effectiveMemoryRequest(c) : c[request]);
    const l = parseQuantity(c[limit]);
    if (r !== undefined && l !== undefined && r > l) problems.push(`${name(request)}: ${c[request]} is more than ${name(limit)} ${c[limit]}`);
  }
  return problems;
}

export type ValidationResult = { ok: true; config: InstallConfig } | { ok: false; problems: string[] };

/**
 * How a problem names a variable. Callers that know where each value came from pass
 * sources.ts' labeller (the flag, env var, `file: key` or prompt); the default names the flag.
 */
export type Namer = (name: string) => string;

/** Validates fully-typed answers (every key present). Problems are `<where>: message` lines. */
export function validateConfig(
  table: readonly VariableSpec[],
  values: Record<string, VarValue>,
  target: 'kubernetes' | 'docker' = 'kubernetes',
  name: Namer = flagFor,
): ValidationResult {
  const problems: string[] = [];
  for (const spec of table) {
    const result = valueSchema(spec).safeParse(values[spec.name]);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const where = issue.path.length ? `[${issue.path.map(String).join('.')}]` : '';
        problems.push(`${name(spec.name)}${where}: ${issue.message}`);
      }
    }
  }
  if (problems.length) return { ok: false, problems };
  const config = values as unknown as InstallConfig;
  const cross = crossFieldProblems(config, target === 'kubernetes', name);
  return cross.length ? { ok: false, problems: cross } : { ok: true, config };
}
