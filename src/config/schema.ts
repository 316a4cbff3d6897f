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

/**
 * A rule between fields. `vars` lists every variable `check` reads: interactive init judges a rule
 * as soon as all of them are settled (answered, or fixed and not going to be asked), so the question
 * that breaks it is asked again on the spot instead of failing the whole run at the end
 * (src/cli/prompts/flow.ts); test/unit/installer-cross-rules.test.ts checks the lists are complete.
 */
export interface CrossFieldRule {
  vars: readonly ConfigKey[];
  /** The target the rule applies to; both when unset. */
  target?: 'kubernetes' | 'docker';
  check: (c: InstallConfig, name: Namer, kubernetes: boolean) => string | undefined;
  /**
   * Ways to make the rule pass once it fails, each only the keys that change. Interactive init sends the
   * user only to a variable of a repair it can make (never a dead loop; none: fatal, exit 2);
   * test/unit/installer-rule-exits.test.ts checks every repair makes the rule pass.
   */
  repairs: (c: InstallConfig) => Partial<InstallConfig>[];
}

/** `patch` minus the keys `c` already has: a repair names only what has to change. */
export function changes(c: InstallConfig, patch: Partial<InstallConfig>): Partial<InstallConfig> {
  return Object.fromEntries(Object.entries(patch).filter(([k, v]) => JSON.stringify(c[k as ConfigKey]) !== JSON.stringify(v)));
}

// Values for repairs that pass their variable's own checks (the unit test runs them through valueSchema).
export const [SAMPLE_DOMAIN, SAMPLE_AUD] = ['example.com', 'a'.repeat(64)];
const BEARER = { auth_mode: 'bearer' } as const;
const otherName = (n: string, not: string): string => (not === n ? `${n}-x` : n);

const needsAccess = (c: InstallConfig): boolean => c.auth_mode === 'cloudflare-access' || c.auth_mode === 'both';
const tunnelLive = (c: InstallConfig): boolean => c.enable_cloudflare_tunnel && c.domain_suffix !== '';
const ACCESS = ['auth_mode'] as const;
const TUNNEL = ['enable_cloudflare_tunnel', 'domain_suffix'] as const;

function requestOverLimit(request: 'cpu_request' | 'memory_request', limit: 'cpu_limit' | 'memory_limit'): CrossFieldRule {
  return {
    vars: [request, limit],
    target: 'kubernetes',
    check: (c, name) => {
      // An empty memory_request means the memory_limit (effectiveMemoryRequest).
      const r = parseQuantity(request === 'memory_request' ? effectiveMemoryRequest(c) : c[request]);
      const l = parseQuantity(c[limit]);
      return r !== undefined && l !== undefined && r > l ? `${name(request)}: ${c[request]} is more than ${name(limit)} ${c[limit]}` : undefined;
    },
    // Lower the request to the limit, or raise the limit to the request.
    repairs: (c) => [{ [request]: c[limit] }, { [limit]: request === 'memory_request' ? effectiveMemoryRequest(c) : c[request] }],
  };
}

/** In the order non-interactive runs list their problems. */
export const crossFieldRules: readonly CrossFieldRule[] = [
  // Replicas > 1 need no pinning: the pods require affinity to each other on kubernetes.io/hostname
  // (one node, one Docker daemon; see kubernetes/scheduling.ts), so this is the only placement rule.
  {
    vars: ['node_name', 'node_selector'],
    target: 'kubernetes',
    check: (c, name) => {
      const hostname = c.node_selector[HOSTNAME_LABEL];
      return c.node_name !== '' && hostname !== undefined && hostname !== c.node_name
        ? `${name('node_name')}: ${c.node_name} contradicts ${name('node_selector')} ${HOSTNAME_LABEL}=${hostname} ` +
            '(node_name becomes that same node selector); drop one of them'
        : undefined;
    },
    repairs: (c) => {
      const { [HOSTNAME_LABEL]: hostname, ...rest } = c.node_selector;
      return [{ node_name: hostname ?? '' }, { node_selector: rest }];
    },
  },
  {
    vars: [...ACCESS, ...TUNNEL],
    check: (c, name) => needsAccess(c) && !tunnelLive(c)
      ? `${name('auth_mode')}: ${c.auth_mode} needs the Cloudflare Tunnel on and ${name('domain_suffix')} set`
      : undefined,
    repairs: (c) => [BEARER, changes(c, { enable_cloudflare_tunnel: true, domain_suffix: c.domain_suffix || SAMPLE_DOMAIN })],
  },
  {
    vars: [...ACCESS, 'cf_access_team'],
    check: (c, name) => needsAccess(c) && c.cf_access_team === '' ? `${name('cf_access_team')}: required when ${name('auth_mode')} is ${c.auth_mode}` : undefined,
    repairs: () => [BEARER, { cf_access_team: 'myteam' }],
  },
  // For Kubernetes the rendered Terraform creates the Access application when no AUD is given, and
  // the gateway gets its aud from it; the docker target renders no Terraform, so it needs the AUD.
  {
    vars: [...ACCESS, 'cf_access_aud'],
    target: 'docker',
    check: (c, name) => needsAccess(c) && c.cf_access_aud === ''
      ? `${name('cf_access_aud')}: required when ${name('auth_mode')} is ${c.auth_mode} with --target docker, which renders no ` +
          'Access application: create one (Zero Trust > Access > Applications) and pass its AUD tag'
      : undefined,
    repairs: () => [BEARER, { cf_access_aud: SAMPLE_AUD }],
  },
  // The emails feed only the allow policy of an Access application the render creates (no AUD given);
  // an existing application keeps its own policies.
  {
    vars: [...ACCESS, 'cf_access_aud', 'allowed_emails', 'allowed_email_domains'],
    check: (c, name) => needsAccess(c) && c.cf_access_aud === '' && !c.allowed_emails.length && !c.allowed_email_domains.length
      ? `${name('allowed_emails')}/${name('allowed_email_domains')}: at least one is required for the Access policy`
      : undefined,
    // An existing application's AUD also does: its own policies apply then.
    repairs: () => [BEARER, { allowed_emails: ['me@example.com'] }, { allowed_email_domains: [SAMPLE_DOMAIN] }, { cf_access_aud: SAMPLE_AUD }],
  },
  // The rendered gateway listens on 0.0.0.0 in its pod or container (it must, to be reachable through
  // the Service or the published port), and the gateway itself refuses that without authentication
  // (src/gateway/auth/exposure.ts): the deployment would crash-loop instead of serving.
  {
    vars: [...ACCESS, ...TUNNEL],
    check: (c, name, kubernetes) => {
      if (c.auth_mode !== 'none') return undefined;
      const reach = tunnelLive(c)
        ? 'the tunnel would put the Docker socket on the internet unauthenticated'
        : kubernetes
          ? 'every pod in the cluster could reach the Docker socket, which is root on the node'
          : 'every container on its network could reach the Docker socket, which is root on the host';
      return `${name('auth_mode')}: none is refused: the gateway listens on 0.0.0.0 in its ${kubernetes ? 'pod' : 'container'} and will not ` +
        `start there without authentication (${reach}); keep bearer (the default), or use cloudflare-access or both`;
    },
    repairs: () => [BEARER],
  },
  // An empty pod selector admits the whole namespace: fine for a namespace of cloudflared's own,
  // not for the gateway's (possibly shared) one, where it would let every neighbour in.
  {
    vars: ['enable_network_policy', 'cloudflared_pod_labels', 'cloudflared_namespace', 'namespace'],
    target: 'kubernetes',
    check: (c, name) => c.enable_network_policy && Object.keys(c.cloudflared_pod_labels).length === 0 && [c.namespace, ''].includes(c.cloudflared_namespace)
      ? `${name('cloudflared_pod_labels')}: empty would let every pod of namespace ${c.namespace} reach the gateway; ` +
          `name cloudflared's labels (kubectl get pods -A --show-labels | grep cloudflared), or set ${name('cloudflared_namespace')} to a namespace of its own`
      : undefined,
    // The gateway's namespace only helps when cloudflared's is named (and is the same one).
    repairs: (c) => [
      { enable_network_policy: false },
      { cloudflared_pod_labels: { app: 'cloudflared' } },
      { cloudflared_namespace: otherName('cloudflared', c.namespace) },
      ...(c.cloudflared_namespace === '' ? [] : [{ namespace: otherName('docker-mcp', c.cloudflared_namespace) }]),
    ],
  },
  {
    vars: ['port', 'metrics_port'],
    check: (c, name) => c.port === c.metrics_port ? `${name('metrics_port')}: must differ from ${name('port')} (${c.port})` : undefined,
    repairs: (c) => [{ port: c.metrics_port === 8080 ? 8081 : 8080 }, { metrics_port: c.port === 9090 ? 9091 : 9090 }],
  },
  {
    vars: ['enable_service_monitor', 'enable_metrics'],
    target: 'kubernetes',
    check: (c, name) => c.enable_service_monitor && !c.enable_metrics ? `${name('enable_service_monitor')}: needs ${name('enable_metrics')}` : undefined,
    repairs: () => [{ enable_service_monitor: false }, { enable_metrics: true }],
  },
  requestOverLimit('cpu_request', 'cpu_limit'),
  requestOverLimit('memory_request', 'memory_limit'),
];

/** The rules that apply to a target. */
export const rulesFor = (target: 'kubernetes' | 'docker'): readonly CrossFieldRule[] =>
  crossFieldRules.filter((r) => r.target === undefined || r.target === target);

function crossFieldProblems(c: InstallConfig, kubernetes: boolean, name: Namer): string[] {
  return rulesFor(kubernetes ? 'kubernetes' : 'docker')
    .map((rule) => rule.check(c, name, kubernetes))
    .filter((p): p is string => p !== undefined);
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
