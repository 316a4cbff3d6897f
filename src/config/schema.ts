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
  image_pull_policy: 'IfNotPresent' | 'Always' | 'Never';
  cpu_request: string;
  memory_request: string;
  node_name: string;
  node_selector: Record<string, string>;
  cloudflare_provider_version: 4 | 5;
}

export type ConfigKey = keyof InstallConfig;

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
    case 'list(string)':
      return z.array(text(spec.pattern), { error: 'must be a list of strings' });
    case 'map(string)':
      return z.record(text(spec.keyPattern), text(spec.pattern), { error: 'must be a map of strings' });
  }
}

function crossFieldProblems(c: InstallConfig, kubernetes: boolean): string[] {
  const problems: string[] = [];
  const needsAccess = c.auth_mode === 'cloudflare-access' || c.auth_mode === 'both';
  const tunnelLive = c.enable_cloudflare_tunnel && c.domain_suffix !== '';
  // Kubernetes-only variables are reported (not enforced) for the docker target, which ignores them.
  if (kubernetes && c.replicas > 1 && c.node_name === '' && Object.keys(c.node_selector).length === 0) {
    problems.push(
      `${flagFor('replicas')}: ${c.replicas} replicas need ${flagFor('node_name')} or ${flagFor('node_selector')}: each ` +
        'Kubernetes node runs its own Docker daemon, so unpinned replicas would each see different containers. ' +
        'Pin them to one node or use 1 replica.',
    );
  }
  if (needsAccess) {
    if (!tunnelLive) problems.push(`${flagFor('auth_mode')}: ${c.auth_mode} needs the Cloudflare Tunnel on and ${flagFor('domain_suffix')} set`);
    if (c.cf_access_team === '') problems.push(`${flagFor('cf_access_team')}: required when ${flagFor('auth_mode')} is ${c.auth_mode}`);
    if (c.cf_access_aud === '') {
      problems.push(`${flagFor('cf_access_aud')}: required when ${flagFor('auth_mode')} is ${c.auth_mode} (the Access application's AUD tag; cloudflare/tunnel.tf outputs it once applied)`);
    }
    if (!c.allowed_emails.length && !c.allowed_email_domains.length) {
      problems.push(`${flagFor('allowed_emails')}/${flagFor('allowed_email_domains')}: at least one is required for the Access policy`);
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
      `${flagFor('auth_mode')}: none is refused: the gateway listens on 0.0.0.0 in its ${kubernetes ? 'pod' : 'container'} and will not ` +
        `start there without authentication (${reach}); keep bearer (the default), or use cloudflare-access or both`,
    );
  }
  if (c.port === c.metrics_port) problems.push(`${flagFor('metrics_port')}: must differ from ${flagFor('port')} (${c.port})`);
  if (kubernetes && c.enable_service_monitor && !c.enable_metrics) problems.push(`${flagFor('enable_service_monitor')}: needs ${flagFor('enable_metrics')}`);
  for (const [request, limit] of kubernetes ? ([['cpu_request', 'cpu_limit'], ['memory_request', 'memory_limit']] as const) : []) {
    const r = parseQuantity(c[request]);
    const l = parseQuantity(c[limit]);
    if (r !== undefined && l !== undefined && r > l) problems.push(`${flagFor(request)}: ${c[request]} is more than ${flagFor(limit)} ${c[limit]}`);
  }
  return problems;
}

export type ValidationResult = { ok: true; config: InstallConfig } | { ok: false; problems: string[] };

/** Validates fully-typed answers (every key present). Problems are `--flag: message` lines. */
export function validateConfig(
  table: readonly VariableSpec[],
  values: Record<string, VarValue>,
  target: 'kubernetes' | 'docker' = 'kubernetes',
): ValidationResult {
  const problems: string[] = [];
  for (const spec of table) {
    const result = valueSchema(spec).safeParse(values[spec.name]);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const where = issue.path.length ? `[${issue.path.map(String).join('.')}]` : '';
        problems.push(`${flagFor(spec.name)}${where}: ${issue.message}`);
      }
    }
  }
  if (problems.length) return { ok: false, problems };
  const config = values as unknown as InstallConfig;
  const cross = crossFieldProblems(config, target === 'kubernetes');
  return cross.length ? { ok: false, problems: cross } : { ok: true, config };
}
