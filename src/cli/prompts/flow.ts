// The interactive run as a state machine, free of I/O so it can be unit tested: which question comes
// next, which cross-field rules can be judged yet, which answers a broken rule lets the user change,
// and which choices a select may offer. src/cli/prompts.ts drives it with @inquirer.
//
// No dead loops: a broken rule only ever sends the user to a question whose answer can make it pass
// (a variable of one of the rule's repairs, all of whose variables can be asked, that is relevant
// given the other answers). A rule with no such question is fatal (exit 2), before the first question
// when flags and env alone break it (a value from the answers file can be asked). test/unit/installer-rule-exits.test.ts proves
// it for every rule and every way its variables can be fixed.
import { rulesFor, SAMPLE_DOMAIN, type ConfigKey, type CrossFieldRule, type InstallConfig, type Namer } from '../../config/schema.js';
import { originLabel, type Origin } from '../../config/sources.js';
import type { VarValue, VariableSpec } from '../../config/variables.js';

export type Values = Record<string, VarValue>;

const usesAccess = (v: Values): boolean => v.auth_mode === 'cloudflare-access' || v.auth_mode === 'both';

/** Questions that only make sense given earlier answers: the questions they depend on, and when. */
const when = (on: string[], test: (v: Values) => boolean) => ({ on, test });
const onTunnel = when(['enable_cloudflare_tunnel'], (v) => v.enable_cloudflare_tunnel === true);
const onAccess = when(['auth_mode'], usesAccess);
// The emails feed only the policy of an Access application the render creates: none when an AUD is given.
const onNewAccessApp = when(['auth_mode', 'cf_access_aud'], (v) => usesAccess(v) && v.cf_access_aud === '');
const onBearer = when(['auth_mode'], (v) => v.auth_mode === 'bearer' || v.auth_mode === 'both');
const onSocket = when(['enable_docker_socket'], (v) => v.enable_docker_socket === true);
const onMetrics = when(['enable_metrics'], (v) => v.enable_metrics === true);
export const relevant: Record<string, { on: string[]; test: (v: Values) => boolean }> = {
  tunnel_hostname: onTunnel,
  domain_suffix: onTunnel,
  cf_access_team: onAccess,
  cf_access_aud: onAccess,
  allowed_emails: onNewAccessApp,
  allowed_email_domains: onNewAccessApp,
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

/**
 * Interactive runs only: the tunnel needs a domain. Non-interactive runs render without the tunnel
 * pieces instead (and say so), so this rule is never fatal: with neither side askable it is skipped.
 */
export const TUNNEL_NEEDS_DOMAIN: CrossFieldRule = {
  vars: ['enable_cloudflare_tunnel', 'domain_suffix'],
  check: (c, name) => c.enable_cloudflare_tunnel && c.domain_suffix === ''
    ? `${name('domain_suffix')}: required for the Cloudflare Tunnel (${name('enable_cloudflare_tunnel')} is on)` : undefined,
  repairs: () => [{ enable_cloudflare_tunnel: false }, { domain_suffix: SAMPLE_DOMAIN }],
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
  /** Names a variable not answered here by where its value came from (sources.ts labeller). */
  name: Namer;
  /** The schema's rules for the target, plus the mode's own (--terraform-dir: the tunnel, the AUD). */
  rules: readonly CrossFieldRule[];
  /** Saved answers offered as the defaults of their questions (resume's "go through the questions"); 'advanced' too. */
  suggested: Map<string, VarValue>;
  /** Values a remedy set (Access turned the tunnel on), with what they were before: undone with the remedy. */
  remedied: Map<string, { by: string; value: VarValue | undefined; origin: Origin | undefined; answered: boolean }>;
}

export function newFlow(
  table: readonly VariableSpec[], values: Values, origins: Record<string, Origin>, target: FlowState['target'], name: Namer,
  extraRules: readonly CrossFieldRule[] = [],
): FlowState {
  const seq = [...table.filter((s) => s.group === 'basic'), ...table.filter((s) => s.group === 'advanced')];
  return {
    seq, values, origins, answered: new Set(), advanced: undefined, reask: new Map(), target, name,
    rules: [...rulesFor(target), ...extraRules, TUNNEL_NEEDS_DOMAIN], remedied: new Map(), suggested: new Map(),
  };
}

const specOf = (s: FlowState, name: string): VariableSpec | undefined => s.seq.find((x) => x.name === name);
/** In the asked table and not given by flag or env (those are never asked). */
export const askable = (s: FlowState, name: string): boolean =>
  specOf(s, name) !== undefined && s.origins[name] !== 'flag' && s.origins[name] !== 'env';
const relevantNow = (s: FlowState, name: string): boolean => relevant[name]?.test(s.values) ?? true;
export const wanted = (s: FlowState, spec: VariableSpec): boolean => askable(s, spec.name) && relevantNow(s, spec.name);

/**
 * A variable by what the user touched: the question once answered in this run; otherwise its flag,
 * env var or `docker-mcp.yaml: key` (a value from the answers file that was never asked is not a prompt),
 * or its flag when it is a default nobody asked about.
 */
export function namer(s: FlowState, shown = true): Namer {
  return (n) => {
    const spec = specOf(s, n);
    if (!spec || s.origins[n] !== 'prompt') return s.name(n);
    // The question as it was asked: without the "(empty: …)" it dropped (promptText). Judging that
    // asks the rules again, with the plain names (no recursion).
    return originLabel(shown ? { ...spec, prompt: promptText(s, spec) } : spec, 'prompt');
  };
}

/** The question's text; "(empty: …)" is dropped when a rule refuses empty (the AUD with --target docker). */
export function promptText(s: FlowState, spec: VariableSpec): string {
  const empty = /\s*\(empty[ :][^)]*\)/;
  if (!empty.test(spec.prompt) || spec.type !== 'string' || !refused(s, spec.name, '')) return spec.prompt;
  return spec.prompt.replace(empty, '');
}

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
  // Offered only when it has questions to ask (everything given by flag or env: nothing to review).
  if (s.advanced === undefined) return advancedOpen(s).length ? 'advanced' : undefined;
  return s.advanced ? s.seq.find((spec) => spec.group === 'advanced' && open(spec)) : undefined;
}

/** The advanced questions still to ask, as things stand. */
export const advancedOpen = (s: FlowState): VariableSpec[] => s.seq.filter((spec) => spec.group === 'advanced' && wanted(s, spec) && !s.answered.has(spec.name));

const judgeable = (s: FlowState, rule: CrossFieldRule): boolean => rule.vars.every((v) => settled(s, v));
export const failure = (s: FlowState, rule: CrossFieldRule, name: Namer = namer(s)): string | undefined =>
  rule.check(s.values as unknown as InstallConfig, name, s.target === 'kubernetes');

/** Repairs of a broken rule that this run can make: every variable they change can be asked. */
const reachable = (s: FlowState, rule: CrossFieldRule): Partial<InstallConfig>[] =>
  rule.repairs(s.values as unknown as InstallConfig).filter((r) => Object.keys(r).length > 0 && Object.keys(r).every((k) => askable(s, k)));

/**
 * The answers a broken rule lets the user change, in question order: the variables of its reachable
 * repairs that are relevant given the other answers (say, the tunnel question rather than the domain it
 * hides); when none is, the hidden ones (`--port 9090` with metrics off: the metrics port, never asked
 * otherwise, is the way out). Empty: no answer can fix it.
 */
export function fixers(s: FlowState, rule: CrossFieldRule): string[] {
  const all = reachable(s, rule).flatMap((r) => Object.keys(r));
  const shown = all.filter((k) => relevantNow(s, k));
  const names = new Set(shown.length ? shown : all);
  return s.seq.map((x) => x.name).filter((n) => names.has(n));
}

export interface Verdict {
  /** A broken rule and the answers that can fix it (ask the one, or let the user pick among several). */
  fix?: { message: string; names: string[] };
  /** Broken rules no answer can fix: reported at once, exit 2. */
  fatal: string[];
}

/** Judges every rule whose variables are all settled (after an answer, or before any question). */
export function judge(s: FlowState): Verdict {
  const verdict: Verdict = { fatal: [] };
  for (const rule of s.rules) {
    if (!judgeable(s, rule)) continue;
    const message = failure(s, rule);
    if (message === undefined) continue;
    const names = fixers(s, rule);
    if (names.length) verdict.fix ??= { message, names };
    else if (rule !== TUNNEL_NEEDS_DOMAIN) verdict.fatal.push(message);
  }
  return verdict;
}

/**
 * Before the first question: the rules that the values given by flag and env break
 * whatever is answered (they fail now and none of their repairs can be asked). Exit 2 at once rather
 * than after the questions that cannot help.
 */
export function doomed(s: FlowState): string[] {
  return s.rules
    .filter((rule) => rule !== TUNNEL_NEEDS_DOMAIN)
    .map((rule) => ({ message: failure(s, rule), rule }))
    .filter((x): x is { message: string; rule: CrossFieldRule } => x.message !== undefined && reachable(s, x.rule).length === 0)
    .map((x) => x.message);
}

/** Sends the user back to `name`, with the reason. */
export function reopen(s: FlowState, name: string, message: string): void {
  s.reask.set(name, message);
  s.answered.delete(name);
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

const strip = (s: FlowState, name: string, message: string): string => {
  const spec = specOf(s, name) ?? { name, prompt: name };
  const own = `${originLabel('type' in spec ? { ...spec, prompt: promptText(s, spec) } : spec, 'prompt')}: `;
  return message.startsWith(own) ? message.slice(own.length) : message;
};

/** The rules reading `name` that answering `value` breaks, judged with what is settled now. */
function broken(s: FlowState, name: string, value: VarValue): { rule: CrossFieldRule; message: string; sim: FlowState }[] {
  const sim = simulate(s, name, value);
  return s.rules
    .filter((rule) => rule.vars.includes(name as ConfigKey) && judgeable(sim, rule))
    .map((rule) => ({ rule, message: failure(sim, rule, namer(sim, false)), sim }))
    .filter((x): x is { rule: CrossFieldRule; message: string; sim: FlowState } => x.message !== undefined);
}

/**
 * Refused on the spot (the question stays open): a value breaking a rule that only this answer can
 * fix. When another answer could fix it too, the answer is taken and the user then picks which one to
 * change. The message without its own `<name>: ` prefix.
 */
export function inlineProblem(s: FlowState, name: string, value: VarValue): string | undefined {
  const hit = broken(s, name, value).find(({ rule, sim }) => {
    const names = fixers(sim, rule);
    return names.length === 1 && names[0] === name;
  });
  // Said with the questions' texts as shown (judged again with the shown names).
  return hit && strip(s, name, failure(hit.sim, hit.rule) ?? hit.message);
}

/** Whether some rule would refuse `value` for `name` given the answers so far: never offered as a default. */
export const refused = (s: FlowState, name: string, value: VarValue): boolean => broken(s, name, value).length > 0;

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
