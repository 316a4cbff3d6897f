// doctor: can docker-mcp's ingress rule be reached at all? cloudflared takes the first matching rule,
// so an earlier `*.example.com`, a hostless `path: ^/.*` rule, or (in older releases) `*.smith.dev`
// for `docker-mcp.johnsmith.dev` takes its requests. Judged with the patcher's matcher (match.ts,
// shadow.ts), so doctor and init agree on what shadows what (review 2, finding 19).
import { isSeq, type Node as YamlNode } from 'yaml';
import { ruleViews } from '../patch/hcl-hostnames.js';
import { isCatchAll, type Rule } from '../patch/ingress-hcl.js';
import { firstShadowing } from '../patch/match.js';
import type { RepoScan, TfFile } from '../patch/repo-scan.js';
import { resolveString } from '../patch/tf-values.js';
import { ruleValue, type YamlConfig } from '../patch/yaml-scan.js';
import { yamlView } from '../patch/yaml-views.js';
import { isQuoted } from '../patch/yaml-quoted.js';
import { hasTemplate, isCatchAllHost } from '../patch/cloudflared-match.js';
import type { Check } from './doctor.js';

export interface Shadowed {
  /** `file:line` of the earlier rule. */
  at: string;
  /** Its hostname (or `any host, path …`). */
  shown: string;
  /** true: it catches the gateway's requests in every cloudflared release; false: it may. */
  proven: boolean;
  why: string;
}

/** `undefined`: docker-mcp's rule was found but its hostname is not proven, so nothing can be judged. */
export async function hclShadow(scan: RepoScan, file: TfFile, rules: Rule[], own: Rule | undefined): Promise<Shadowed | null | undefined> {
  if (!own) return null;
  const host = await resolveString(scan, file.dir, own.hostname);
  if (!host) return undefined;
  const before = rules.slice(0, rules.indexOf(own)).filter((r) => !isCatchAll(r));
  const shadow = firstShadowing(await ruleViews(scan, file.dir, before), host);
  if (!shadow) return null;
  const at = `${file.relPath}:${shadow.rule.whole.startPosition.row + 1}`;
  return { at, shown: shadow.shown, proven: !shadow.unknown, why: shadow.why ?? (shadow.unknown ? `has a hostname the repo does not prove, so it may catch ${host}` : `catches ${host}`) };
}

/** 1-based line of a node of the config's inner document, in the file (a block scalar's body starts below its header). */
function lineIn(cand: YamlConfig, node: YamlNode): number {
  const inner = cand.scalar ? String(cand.scalar.value) : cand.text;
  const innerLine = inner.slice(0, node.range?.[0] ?? 0).split('\n').length;
  if (!cand.scalar?.range) return innerLine;
  // A quoted scalar's lines are `\n` escapes, not lines of the file: its own line is the best there is.
  if (isQuoted(cand.scalar)) return cand.text.slice(0, cand.scalar.range[0]).split('\n').length;
  return cand.text.slice(0, cand.scalar.range[0]).split('\n').length + innerLine;
}

export function yamlShadow(cand: YamlConfig, rel: string, own: Record<string, unknown> | undefined, index: number): Shadowed | null | undefined {
  const seq = cand.inner.getIn(cand.ingressPath, true);
  if (!own || !isSeq(seq)) return null;
  const host = typeof own.hostname === 'string' && !hasTemplate(own.hostname) ? own.hostname : null;
  if (!host) return undefined;
  const views = seq.items.slice(0, index).flatMap((node) => {
    const js = ruleValue(cand.inner, node) ?? {};
    return isCatchAllHost(js.hostname as string | undefined, js.path !== undefined) ? [] : [yamlView(node as YamlNode, js, host)];
  });
  const shadow = firstShadowing(views, host);
  if (!shadow) return null;
  return { at: `${rel}:${lineIn(cand, shadow.rule)}`, shown: shadow.shown, proven: !shadow.unknown, why: shadow.why ?? `catches ${host}` };
}

/** The doctor check: which earlier rule shadows docker-mcp's, and the fix (move ours above it). */
export function reachCheck(facts: { source: string; ruleHasAccess: boolean | null; shadowedBy: Shadowed | null | undefined }): Check {
  const title = 'docker-mcp ingress rule reachable';
  if (facts.ruleHasAccess === null) return { id: 'reach', title, status: 'skip', detail: `no docker-mcp rule in ${facts.source} to check` };
  const s = facts.shadowedBy;
  if (s === undefined) return { id: 'reach', title, status: 'skip', detail: `the docker-mcp rule's hostname is not proven by ${facts.source}, so what catches it first cannot be judged` };
  if (!s) return { id: 'reach', title, status: 'pass', detail: 'no earlier rule catches its hostname' };
  return {
    id: 'reach',
    title,
    status: s.proven ? 'fail' : 'warn',
    detail: `the rule for "${s.shown}" at ${s.at} comes first and ${s.why}`,
    fix: `move docker-mcp's rule above the rule at ${s.at} (cloudflared takes the first matching rule)`,
  };
}
