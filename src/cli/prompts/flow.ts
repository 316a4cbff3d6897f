// The interactive run as a state machine, free of I/O so it can be unit tested: which question comes
// next, which cross-field rules can be judged yet, which question a broken rule sends the user back
// to, and which choices a select may offer. src/cli/prompts.ts drives it with @inquirer.
import { rulesFor, type ConfigKey, type CrossFieldRule, type InstallConfig, type Namer } from '../../config/schema.js';
import { originLabel, type Origin } from '../../config/sources.js';
import type { VarValue, VariableSpec } from '../../config/variables.js';

export type Values = Record<string, VarValue>;

const usesAccess = (v: Values): boolean => v.auth_mode === 'cloudflare-access' || v.auth_mode === 'both';

/** Questions that only make sense given earlier answers: the questions they depend on, and when. */
const when = (on: string[], test: (v: Values) => boolean) => ({ on, test });
const onTunnel = when(['enable_cloudflare_tunnel'], (v) => v.enable_cloudflare_tunnel === true);
const onAccess = when(['auth_mode'], usesAccess);
const onBearer = when(['auth_mode'], (v) => v.auth_mode === 'bearer' || v.auth_mode === 'both');
const onSocket = when(['enable_docker_socket'], (v) => v.enable_docker_socket === true);
const onMetrics = when(['enable_metrics'], (v) => v.enable_metrics === true);
export const relevant: Record<string, { on: string[]; test: (v: Values) => boolean }> = {
  tunnel_hostname: onTunnel,
  domain_suffix: onTunnel,
  cf_access_team: onAccess,
  cf_access_aud: onAccess,
  allowed_emails: onAccess,
  allowed_email_domains: onAccess,
  cloudflare_provider_version: onTunnel,
  create_tunnel: onTunnel,
  docker_socket_path: onSocket,
  docker_socket_gid: onSocket,
  metrics_port: onMetrics,
  enable_service_monitor: onMetrics,
  token_secret_name: onBearer,
  // Without the wait, apply returns once the Deployment is accepted: no timeout to ask about.
  rollout_timeout: when(['wait_for_rollout'], (v) => v.wait_for_rollout === true),
  verify_tokens_secret: onBearer,
};

export interface FlowState {
  /** The questions in the order they are asked: the basic group, then the advanced one. */
  seq: readonly VariableSpec[];
  values: Values;
  origins: Record<string, Origin>;
  answered: Set<string>;
  /** The answer to "review the advanced settings?"; undefined until asked. */
  advanced: boolean | undefined;
  /** Questions to ask again, with the rule that sent the user back (asked even if advanced was declined). */
  reask: Map<string, string>;
  target: 'kubernetes' | 'docker';
  name: Namer;
  /** The schema's rules for the target, plus the mode's own (--terraform-dir: the tunnel, the AUD). */
  rules: readonly CrossFieldRule[];
}

export function newFlow(
  table: readonly VariableSpec[], values: Values, origins: Record<string, Origin>, target: FlowState['target'], name: Namer,
  extraRules: readonly CrossFieldRule[] = [],
): FlowState {
  const seq = [...table.filter((s) => s.group === 'basic'), ...table.filter((s) => s.group === 'advanced')];
  // While asking, a question's value is named by its question (asked or to be asked), not by a flag
  // the user never typed; values given by flag or env (never asked) keep their own names.
  const byPrompt = (n: string): string => {
    const spec = seq.find((x) => x.name === n);
    return spec && origins[n] !== 'flag' && origins[n] !== 'env' ? originLabel(spec, 'prompt') : name(n);
  };
  return { seq, values, origins, answered: new Set(), advanced: undefined, reask: new Map(), target, name: byPrompt, rules: [...rulesFor(target), ...extraRules] };
}

const specOf = (s: FlowState, name: string): VariableSpec | undefined => s.seq.find((x) => x.name === name);
/** In the asked table and not given by flag or env (those are never asked). */
export const askable = (s: FlowState, name: string): boolean =>
  specOf(s, name) !== undefined && s.origins[name] !== 'flag' && s.origins[name] !== 'env';
export const wanted = (s: FlowState, spec: VariableSpec): boolean => askable(s, spec.name) && (relevant[spec.name]?.test(s.values) ?? true);

/**
 * Settled: answered, or not going to be asked (fixed by flag/env, outside the asked table, irrelevant
 * given settled answers, or advanced and the user declined the advanced review).
 */
export function settled(s: FlowState, name: string): boolean {
  if (s.reask.has(name)) return false;
  const spec = specOf(s, name);
  if (!spec || s.answered.has(name)) return true;
  if (!wanted(s, spec)) return !askable(s, name) || (relevant[name]?.on ?? []).every((dep) => settled(s, dep));
  return spec.group === 'advanced' && s.advanced === false;
}

/** The next question, 'advanced' for the opt-in to the advanced group, or undefined when done. */
export function nextStep(s: FlowState): VariableSpec | 'advanced' | undefined {
  const again = s.seq.find((spec) => s.reask.has(spec.name));
  if (again) return again;
  const open = (spec: VariableSpec): boolean => wanted(s, spec) && !s.answered.has(spec.name);
  const basic = s.seq.find((spec) => spec.group === 'basic' && open(spec));
  if (basic) return basic;
  if (s.advanced === undefined) return s.seq.some((spec) => spec.group === 'advanced') ? 'advanced' : undefined;
  return s.advanced ? s.seq.find((spec) => spec.group === 'advanced' && open(spec)) : undefined;
}

const judgeable = (s: FlowState, rule: CrossFieldRule): boolean => rule.vars.every((v) => settled(s, v));
const failure = (s: FlowState, rule: CrossFieldRule): string | undefined =>
  rule.check(s.values as unknown as InstallConfig, s.name, s.target === 'kubernetes');

/**
 * Which question a broken rule sends the user back to: the one just answered if the rule reads it,
 * else the rule's most recently asked question, else its last askable one (say, a value from
 * docker-mcp.yaml in an advanced group the user skipped).
 */
function culprit(s: FlowState, rule: CrossFieldRule, just: string | undefined): string | undefined {
  if (just && rule.vars.includes(just as ConfigKey) && askable(s, just)) return just;
  const order = (v: string): number => s.seq.findIndex((x) => x.name === v);
  const byOrder = [...rule.vars].filter((v) => askable(s, v)).sort((a, b) => order(b) - order(a));
  return byOrder.find((v) => s.answered.has(v) && specOf(s, v) && wanted(s, specOf(s, v)!)) ?? byOrder.find((v) => s.answered.has(v)) ?? byOrder[0];
}

export interface Verdict {
  /** Ask this question again, showing why. */
  reask?: { name: string; message: string };
  /** Broken rules no question can fix (every value given by flag or env): reported at once, exit 2. */
  fatal: string[];
}

/** Judges every rule whose variables are all settled, after `just` was answered (or before any question). */
export function judge(s: FlowState, just?: string): Verdict {
  const verdict: Verdict = { fatal: [] };
  for (const rule of s.rules) {
    if (!judgeable(s, rule)) continue;
    const message = failure(s, rule);
    if (message === undefined) continue;
    const target = culprit(s, rule, just);
    if (target === undefined) verdict.fatal.push(message);
    else verdict.reask ??= { name: target, message };
  }
  return verdict;
}

/** Records an answer. */
export function settle(s: FlowState, name: string, value: VarValue): void {
  s.values[name] = value;
  s.origins[name] = 'prompt';
  s.answered.add(name);
  s.reask.delete(name);
}

/** What choosing `value` also sets: Access needs the tunnel, so picking it with the tunnel off turns it on. */
export function remedy(s: FlowState, name: string, value: VarValue): Values {
  if (name === 'auth_mode' && usesAccess({ auth_mode: value }) && s.values.enable_cloudflare_tunnel !== true && askable(s, 'enable_cloudflare_tunnel')) {
    return { enable_cloudflare_tunnel: true };
  }
  return {};
}

function simulate(s: FlowState, name: string, value: VarValue): FlowState {
  const copy: FlowState = { ...s, values: { ...s.values }, origins: { ...s.origins }, answered: new Set(s.answered), reask: new Map(s.reask) };
  for (const [k, v] of Object.entries({ ...remedy(s, name, value), [name]: value })) settle(copy, k, v);
  return copy;
}

/** The first rule reading `name` that `value` breaks, judged with what is settled now; the message without its own `<name>: ` prefix. */
export function inlineProblem(s: FlowState, name: string, value: VarValue): string | undefined {
  const sim = simulate(s, name, value);
  for (const rule of s.rules) {
    if (!rule.vars.includes(name as ConfigKey) || !judgeable(sim, rule)) continue;
    const message = failure(sim, rule);
    if (message !== undefined) {
      const own = `${s.name(name)}: `;
      return message.startsWith(own) ? message.slice(own.length) : message;
    }
  }
  return undefined;
}

export interface Choice {
  value: string | number;
  /** Shown after the value when choosing it sets something else too. */
  note?: string;
}

/** A select's choices minus the ones a rule would refuse given the answers so far (auth_mode none, always). */
export function offeredChoices(s: FlowState, spec: VariableSpec): Choice[] {
  return (spec.choices ?? [])
    .filter((c) => inlineProblem(s, spec.name, c) === undefined)
    .map((c) => (Object.keys(remedy(s, spec.name, c)).length ? { value: c, note: 'turns the Cloudflare Tunnel on, then asks for its domain' } : { value: c }));
}
