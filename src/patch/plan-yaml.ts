// Planner for cloudflared ingress lists in YAML (shapes 7–11): a ConfigMap or HelmRelease block
// scalar, a plain config file, or chart values. The inner config is edited through yaml's Document
// API (comments survive); an outer file is changed only inside the block scalar's source range,
// so the rest of a multi-document manifest stays byte-for-byte as written.
import { relative } from 'node:path';
import { isMap, isScalar, isSeq, type Scalar, type YAMLMap } from 'yaml';
import { serviceHost } from './ingress-hcl.js';
import { firstShadowing, type RuleView } from './match.js';
import type { RepoModel } from './model.js';
import { emptyPlan, refuseYaml } from './refuse.js';
import { withTunnelStatus } from './module-status.js';
import { yamlRule } from './render.js';
import { MANAGED_MARKER, type RepoPatchInput, type RepoPatchPlan } from './types.js';
import { configsInText, type YamlConfig } from './yaml-scan.js';
import { yamlFollowUps } from './yaml-notes.js';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function ruleMatches(rule: YAMLMap, labels: string[], host: string | null): boolean {
  if (rule.commentBefore?.includes(MANAGED_MARKER)) return true;
  const hostname = str(rule.get('hostname'));
  if (hostname && labels.includes(hostname.split('.')[0] ?? '')) return true;
  return host !== null && serviceHost(str(rule.get('service'))) === host;
}

/** Re-renders a block scalar's source (header kept) with new content at the same indentation. */
function blockScalarSource(text: string, scalar: Scalar, content: string): string | null {
  const [start, end] = scalar.range ?? [];
  if (start === undefined || end === undefined) return null;
  const source = text.slice(start, end);
  const headerEnd = source.indexOf('\n');
  const indent = /\n([ ]+)\S/.exec(source)?.[1];
  if (headerEnd === -1 || !indent) return null;
  const trailing = /\n*$/.exec(source)?.[0] ?? '';
  const body = content
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line ? indent + line : line))
    .join('\n');
  return `${source.slice(0, headerEnd)}\n${body}${trailing.length ? trailing : '\n'}`;
}

/** Brings an existing rule up to date key by key; true when something changed. */
function updateRule(cand: YamlConfig, existing: YAMLMap, desired: Record<string, unknown>): boolean {
  let changed = false;
  for (const key of ['hostname', 'service'] as const) {
    if (existing.get(key) !== desired[key]) {
      existing.set(key, desired[key]);
      changed = true;
    }
  }
  const access = (desired.originRequest as { access?: Record<string, unknown> } | undefined)?.access;
  for (const [key, want] of Object.entries(access ?? {})) {
    const path = ['originRequest', 'access', key];
    const current: unknown = existing.getIn(path, true);
    const plain: unknown = isScalar(current) || isMap(current) || isSeq(current) ? current.toJSON() : current;
    if (JSON.stringify(plain) !== JSON.stringify(want)) {
      existing.setIn(path, cand.inner.createNode(want));
      changed = true;
    }
  }
  return changed;
}

export function planYamlList(model: RepoModel, cand: YamlConfig, input: RepoPatchInput): RepoPatchPlan {
  const plan = emptyPlan(model.repoDir, 'yaml', input);
  const refuse = (reason: string): RepoPatchPlan => refuseYaml(plan, input, reason);
  const rel = relative(model.repoDir, cand.path) || cand.path;
  const ingress = cand.inner.getIn(cand.ingressPath, true);
  if (!isSeq(ingress)) return refuse(`${rel}: ingress is not a list of rules`);
  const rules = ingress.items.filter((i): i is YAMLMap => isMap(i));
  if (rules.length !== ingress.items.length) return refuse(`${rel}: ingress is not a list of rules`);
  const catchAll = (r: YAMLMap): boolean => !r.has('hostname') && !r.has('path');
  if (cand.catchAllRequired && (!rules.length || !catchAll(rules.at(-1)!) || rules.filter(catchAll).length !== 1)) {
    return refuse(`${rel}: the ingress list needs exactly one catch-all rule (no hostname, e.g. \`service: http_status:404\`), last`);
  }
  if (!cand.catchAllRequired && rules.some(catchAll)) {
    return refuse(`${rel}: ${cand.where} has a rule without hostname, but the chart appends its own catch-all after the list; remove it first`);
  }
  const label = input.hostname.split('.')[0] ?? input.serviceName;
  const own = rules.filter((r) => !catchAll(r) && ruleMatches(r, [input.serviceName, label], serviceHost(input.serviceUrl)));
  if (own.length > 1) return refuse(`ambiguous: ${own.length} ingress rules in ${rel} look like docker-mcp's; keep one`);
  const existing = own[0];
  const named = rules.filter((r) => r !== existing && !catchAll(r));
  const views: RuleView<YAMLMap>[] = named.map((rule) => ({ rule, hostname: str(rule.get('hostname')), unknown: false, hasPath: rule.has('path'), shown: str(rule.get('hostname')) ?? '' }));
  const limit = existing ? named.filter((r) => rules.indexOf(r) < rules.indexOf(existing)).length : views.length;
  // YAML hostnames are literals: every shadowing rule here is proven.
  const shadowing = firstShadowing(views, input.hostname, limit);
  if (shadowing && existing) {
    return refuse(`${rel}: the docker-mcp rule can never match: the rule for "${shadowing.hostname}" above it catches ${input.hostname} first; move the docker-mcp rule above it`);
  }
  const desired = yamlRule(input.hostname, input.serviceUrl, input.access);
  let changed: boolean;
  if (existing) {
    changed = updateRule(cand, existing, desired);
  } else {
    const node = cand.inner.createNode(desired);
    node.commentBefore = ` docker-mcp: ${MANAGED_MARKER} init; re-run it to change this rule`;
    const at = shadowing ? rules.indexOf(shadowing.rule) : cand.catchAllRequired ? rules.length - 1 : rules.length;
    if (shadowing) {
      // yaml keeps a comment that introduces a rule on that rule; it must stay with it, below ours.
      plan.notes.push(`The rule for "${shadowing.hostname}" would catch ${input.hostname} first; the docker-mcp rule goes directly above it.`);
    }
    ingress.items.splice(at, 0, node);
    changed = true;
  }
  const placement = shadowing ? `above the "${shadowing.hostname}" rule` : cand.catchAllRequired ? 'before the catch-all' : 'at the end (the chart adds the catch-all)';
  plan.notes.push(`cloudflared config: ${rel} (${cand.where}); ${existing ? 'updating the existing docker-mcp rule' : `adding the docker-mcp rule ${placement}`}.`);
  yamlFollowUps(model, cand, input, plan);
  plan.moduleCall = withTunnelStatus(input.moduleCallHcl, { ruleIn: `${rel} (${cand.where})`, dns: null });
  if (!changed) return plan;
  const innerText = cand.inner.toString({ lineWidth: 0 });
  let after: string | null;
  if (cand.scalar) {
    const source = blockScalarSource(cand.text, cand.scalar, innerText);
    const [start, end] = cand.scalar.range ?? [0, 0];
    after = source === null || cand.scalar.type !== 'BLOCK_LITERAL' ? null : cand.text.slice(0, start) + source + cand.text.slice(end);
  } else {
    after = innerText;
  }
  if (after === null) return refuse(`${rel}: ${cand.where} is not a literal block scalar (\`config.yaml: |\`); edit it by hand`);
  if (configsInText(cand.path, after).length !== 1) return refuse(`internal: the patched ${rel} would not parse, so nothing was written`);
  plan.edits.push({ path: cand.path, relPath: rel, before: cand.text, after });
  return plan;
}
