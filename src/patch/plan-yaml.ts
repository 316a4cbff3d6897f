// Planner for cloudflared ingress lists in YAML (shapes 7–11): a ConfigMap or HelmRelease block
// scalar, a plain config file, chart values (also inside a Flux HelmRelease). Decisions are made on
// the parsed rules (merge keys resolved); the edit itself is a splice of the new rule's text into
// the original source (yaml-splice.ts), so every byte outside the insertion stays as written.
import { relative } from 'node:path';
import { isMap, isSeq, type YAMLMap } from 'yaml';
import { firstShadowing, type RuleView } from './match.js';
import { endsWithMarker, isCatchAllHost } from './cloudflared-match.js';
import { yamlView, yamlRuleShown } from './yaml-views.js';
import type { RepoModel } from './model.js';
import { emptyPlan, refuseYaml } from './refuse.js';
import { withTunnelStatus } from './module-status.js';
import { reportBase } from './sibling-config.js';
import { yamlRule } from './render.js';
import { MANAGED_MARKER, type RepoPatchInput, type RepoPatchPlan } from './types.js';
import { configsInText, ruleValue, type YamlConfig } from './yaml-scan.js';
import { yamlFollowUps } from './yaml-notes.js';
import { intoQuotedScalar, isQuoted } from './yaml-quoted.js';
import { addListKey, applySplices, insertItem, intoBlockScalar, replaceItem, replaceScalar, type Splice } from './yaml-splice.js';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const MARKER = `docker-mcp: ${MANAGED_MARKER} init; re-run it to change this rule`;

interface Rule {
  node: YAMLMap;
  js: Record<string, unknown>;
  hostname: string | null;
  hasPath: boolean;
}

// Only init's exact marker line: "(not managed by docker-mcp)" is a user's comment (review 2, finding 1).
const marked = (rule: Rule): boolean => endsWithMarker(rule.node.commentBefore);

/**
 * docker-mcp's rule is one this patcher wrote (the marker comment) or the one for exactly the wanted
 * hostname with no `path`: a path rule takes only some requests, and `docker-mcp.lab.example.net` is
 * another zone's route, so both are someone else's and stay as written. Same rule as the HCL
 * planner (own-rule.ts on the i17-hcl branch).
 */
function isOwn(rule: Rule, host: string): boolean {
  if (rule.hasPath) return false;
  return marked(rule) || (rule.hostname !== null && rule.hostname.toLowerCase() === host.toLowerCase());
}

/** 1-based line of a node of the inner document, in the file (a block scalar's body starts below its header). */
function lineOf(cand: YamlConfig, offset: number): number {
  const inner = cand.scalar ? String(cand.scalar.value) : cand.text;
  const innerLine = inner.slice(0, offset).split('\n').length;
  if (!cand.scalar?.range) return innerLine;
  return cand.text.slice(0, cand.scalar.range[0]).split('\n').length + innerLine;
}

/** The splices that bring an existing rule to `desired`; a string when it cannot be done safely. */
function updateSplices(text: string, cand: YamlConfig, rule: Rule, desired: Record<string, unknown>, rel: string): Splice[] | string {
  const seq = cand.inner.getIn(cand.ingressPath, true);
  const access = (desired.originRequest as { access?: Record<string, unknown> } | undefined)?.access;
  const origin = (rule.js.originRequest ?? {}) as Record<string, unknown>;
  const accessDiffers = access !== undefined && JSON.stringify(origin.access) !== JSON.stringify({ ...(origin.access as object), ...access });
  if (accessDiffers && isSeq(seq)) {
    // The rule is rewritten whole, keeping its other keys; only the access part is ours to set.
    const merged = { ...rule.js, hostname: desired.hostname, service: desired.service, originRequest: { ...origin, access: { ...(origin.access as object), ...access } } };
    return [replaceItem(text, seq, rule.node, merged)];
  }
  const out: Splice[] = [];
  for (const key of ['hostname', 'service'] as const) {
    if (rule.js[key] === desired[key]) continue;
    const splice = replaceScalar(text, rule.node.get(key, true), String(desired[key]));
    if (!splice) return `${rel}: the docker-mcp rule's ${key} is not a one-line value written in the rule itself; set it to ${String(desired[key])} by hand`;
    out.push(splice);
  }
  return out;
}

export function planYamlList(model: RepoModel, cand: YamlConfig, input: RepoPatchInput): RepoPatchPlan {
  const plan = emptyPlan(model.repoDir, 'yaml', input);
  // Relative to the --terraform-dir (review 3 #13): never an absolute path in the report or docker-mcp.tf.
  const rel = relative(reportBase(model, input), cand.path) || cand.path;
  const endOfList = cand.catchAllRequired ? 'directly above the catch-all (`- service: http_status:404`)' : `at the end of ${cand.ingressPath.join('.')}`;
  const refuse = (reason: string, placement = endOfList): RepoPatchPlan => refuseYaml(plan, input, reason, placement);
  const ingress = cand.inner.getIn(cand.ingressPath, true);
  if (ingress !== undefined && !isSeq(ingress)) return refuse(`${rel}: ingress is not a list of rules`);
  const rules: Rule[] = [];
  for (const node of isSeq(ingress) ? ingress.items : []) {
    const js = ruleValue(cand.inner, node);
    if (!js || !isMap(node)) return refuse(`${rel}: ingress is not a list of rules`);
    rules.push({ node, js, hostname: str(js.hostname), hasPath: js.path !== undefined });
  }
  // `hostname: "*"` last is cloudflared's catch-all too (review 2, finding 11).
  const catchAll = (r: Rule): boolean => isCatchAllHost(r.js.hostname as string | undefined, r.hasPath);
  if (cand.catchAllRequired && (!rules.length || !catchAll(rules.at(-1)!) || rules.filter(catchAll).length !== 1)) {
    return refuse(`${rel}: the ingress list needs exactly one catch-all rule (no hostname, e.g. \`service: http_status:404\`), last`);
  }
  if (!cand.catchAllRequired && rules.some(catchAll)) {
    return refuse(`${rel}: ${cand.where} has a rule without hostname, but the chart appends its own catch-all after the list; remove it first`, 'in place of the rule without hostname');
  }
  const own = rules.filter((r) => !catchAll(r) && isOwn(r, input.hostname));
  if (own.length > 1) return refuse(`ambiguous: ${own.length} ingress rules in ${rel} are for ${input.hostname}; keep one`);
  const existing = own[0];
  const named = rules.filter((r) => r !== existing && !catchAll(r));
  const views: RuleView<Rule>[] = named.map((rule) => yamlView(rule, rule.js, input.hostname));
  const limit = existing ? named.filter((r) => rules.indexOf(r) < rules.indexOf(existing)).length : views.length;
  // A `${VAR}` hostname (Flux substitution) or a hostless path rule MAY catch it (review 2, findings 2–4).
  const shadowing = firstShadowing(views, input.hostname, limit);
  const above = shadowing ? `directly above \`- ${yamlRuleShown(shadowing)}\`` : endOfList;
  if (shadowing && existing && shadowing.unknown) {
    plan.notes.push(`The rule for ${shadowing.shown} is above the docker-mcp rule and ${shadowing.why ?? 'may catch it'}; move the docker-mcp rule above it.`);
  } else if (shadowing && existing) {
    return refuse(`${rel}: the docker-mcp rule can never match: the rule for "${shadowing.shown}" above it catches ${input.hostname} first; move the docker-mcp rule above it`, above);
  }
  const desired = yamlRule(input.hostname, input.serviceUrl, input.access);
  if (existing && !marked(existing) && existing.js.service !== desired.service) {
    // A route the user chose (often an older gateway still in use): re-pointing it silently would lose
    // it. The HCL planners make the same choice ("update it by hand").
    const line = lineOf(cand, existing.node.range?.[0] ?? 0);
    return refuse(
      `${rel}:${line} already routes ${input.hostname} to ${String(existing.js.service)}, a rule docker-mcp did not write; update it by hand (service: ${input.serviceUrl}) or remove it, then run again`,
      `in place of the rule for ${input.hostname} (${rel}:${line})`,
    );
  }
  const inner = cand.scalar ? String(cand.scalar.value) : cand.text;
  let splices: Splice[];
  if (existing) {
    const update = updateSplices(inner, cand, existing, desired, rel);
    if (typeof update === 'string') return refuse(update, above);
    splices = update;
  } else if (!isSeq(ingress)) {
    const holder = cand.inner.getIn(cand.ingressPath.slice(0, -1), true);
    const splice = isMap(holder) ? addListKey(inner, holder, cand.ingressPath.at(-1)!, desired, MARKER) : null;
    if (!splice) return refuse(`${rel}: ${cand.ingressPath.slice(0, -1).join('.')} is not a block map the patcher can add \`ingress:\` to`, `as a new \`ingress:\` list under ${cand.ingressPath.slice(0, -1).join('.')}`);
    splices = [splice];
  } else {
    const at = shadowing ? rules.indexOf(shadowing.rule) : cand.catchAllRequired ? rules.length - 1 : rules.length;
    if (shadowing) plan.notes.push(`The rule for "${shadowing.shown}" ${shadowing.why ?? `would catch ${input.hostname} first`}; the docker-mcp rule goes directly above it.`);
    splices = [insertItem(inner, ingress, at, desired, ingress.flow ? null : MARKER)];
  }
  const placement = shadowing ? `above the "${shadowing.shown}" rule` : cand.catchAllRequired ? 'before the catch-all' : 'at the end (the chart adds the catch-all)';
  // An exact-host rule with another service is replaced in place; the note keeps the old target on record.
  const was = existing && existing.js.service !== desired.service ? ` (its service was ${String(existing.js.service)})` : '';
  // A no-op run (review 3, "smaller"): nothing is updated, and there is nothing to restart for.
  const noop = Boolean(existing) && !splices.length;
  const doing = noop ? `the rule for ${input.hostname} is already there as it should be` : existing ? `updating the existing rule for ${input.hostname}${was}` : `adding the docker-mcp rule ${placement}`;
  plan.notes.push(`cloudflared config: ${rel} (${cand.where}); ${doing}.`);
  yamlFollowUps(model, cand, input, plan);
  if (noop) {
    plan.snippets = plan.snippets.filter((s) => !s.title.startsWith('Restart cloudflared'));
    plan.notes = plan.notes.filter((n) => !/restart it after applying/.test(n));
  }
  plan.moduleCall = withTunnelStatus(input.moduleCallHcl, { ruleIn: `${rel} (${cand.where})`, dns: null });
  if (!splices.length) return plan;
  const outer = !cand.scalar ? splices : isQuoted(cand.scalar) ? intoQuotedScalar(cand.text, cand.scalar, splices) : intoBlockScalar(cand.text, cand.scalar, splices);
  if (!outer) return refuse(blockScalarProblem(rel, cand), above);
  const after = applySplices(cand.text, outer);
  if (!sameExceptRule(cand, after, input.hostname, desired, existing ? rules.indexOf(existing) : -1)) return refuse(`internal: the patched ${rel} would not read back as the same rules plus docker-mcp's, so nothing was written`, above);
  plan.edits.push({ path: cand.path, relPath: rel, before: cand.text, after });
  return plan;
}

/** Why a config in a block scalar was not edited (intoBlockScalar said no). */
function blockScalarProblem(rel: string, cand: YamlConfig): string {
  if (cand.scalar?.type === 'BLOCK_FOLDED') {
    // In `>` a line break between two lines at the block's indentation becomes a space and a blank line
    // becomes a break, so spliced lines would not read as written (and the config only works because
    // of where the blank lines are). Literal `|` blocks keep every line as written.
    return (
      `${rel}: ${cand.where} is a folded block scalar (\`>\`), which joins lines with spaces, so a rule added there would not read as written; ` +
      'make it a literal block (`|`, same body) and run again, or add the rule by hand'
    );
  }
  if (cand.scalar && isQuoted(cand.scalar)) {
    const style = cand.scalar.type === 'QUOTE_DOUBLE' ? 'double' : 'single';
    return `${rel}: ${cand.where} is a ${style}-quoted string, which the patcher could not write again in the same style; add the rule by hand (or make it a literal block, \`|\`, and run again)`;
  }
  return `${rel}: the lines of the block scalar ${cand.where} could not be matched to its value (indentation); add the rule by hand`;
}

/** Safety net: the patched text parses to the same config with exactly docker-mcp's rule added/updated. */
function sameExceptRule(cand: YamlConfig, after: string, host: string, desired: Record<string, unknown>, existing: number): boolean {
  const found = configsInText(cand.path, after).filter((c) => c.where === cand.where);
  if (found.length !== 1) return false;
  const rulesOf = (c: YamlConfig): Record<string, unknown>[] => {
    const seq = c.inner.getIn(c.ingressPath, true);
    return isSeq(seq) ? seq.items.map((i) => ruleValue(c.inner, i) ?? {}) : [];
  };
  const isOurs = (r: Record<string, unknown>): boolean => typeof r.hostname === 'string' && r.hostname.toLowerCase() === host.toLowerCase() && r.path === undefined;
  const mine = rulesOf(found[0]!).filter(isOurs);
  const others = (c: YamlConfig, skip = -1): string => JSON.stringify(rulesOf(c).filter((r, i) => i !== skip && !isOurs(r)));
  const wanted = (desired.originRequest as { access?: object } | undefined)?.access;
  const ok = mine.length === 1 && mine[0]!.service === desired.service && (!wanted || JSON.stringify((mine[0]!.originRequest as { access?: object } | undefined)?.access ?? {}).length > 2);
  return ok && others(found[0]!) === others(cand, existing);
}
