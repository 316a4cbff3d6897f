// doctor for tunnel configs whose rules are generated from a collection (dynamic "ingress_rule",
// `ingress = [for …]`, concat(…), tfvars/variable collections) — review 3, finding 5. It judges with
// the patcher's own readers (generator.ts, plan-data.ts, plan-ahead's written-out rules), so a config
// init just patched is one doctor passes: docker-mcp's item is the one init would recognise as its
// own (proven hostname, no path), and "reachable" is the planner's shadow check.
import { relative } from 'node:path';
import { findGenerators, type CollectionItem, type Generator } from '../patch/generator.js';
import { ruleViews } from '../patch/hcl-hostnames.js';
import { findObjectElem, isObject, objectElemValue, unwrap } from '../patch/hcl-nodes.js';
import { child, isCatchAll, makeRule, readAroundDynamic, type Rule } from '../patch/ingress-hcl.js';
import { firstShadowing, type RuleView } from '../patch/match.js';
import type { RepoModel, TfTunnelConfig } from '../patch/model.js';
import { hostnameOf, isCatchAllItem } from '../patch/plan-data.js';
import { resolveString } from '../patch/tf-values.js';
import type { IngressFacts } from './ingress-check.js';
import type { Shadowed } from './ingress-reach.js';

/** `host`: the full hostname, or only its first label when doctor was not told the domain. */
const isHost = (host: string, hostname: string | null | undefined): boolean =>
  Boolean(hostname) && (host.includes('.') ? hostname === host : hostname!.split('.')[0] === host);

/** The written-out rules next to the generated ones: v4 ingress_rule blocks around the dynamic block, v5 concat's leading list. */
function writtenOut(config: TfTunnelConfig, g: Generator | undefined): { rules: Rule[]; generatedAt: number; file: TfTunnelConfig['file'] } | null {
  if (config.source.kind === 'dynamic') {
    const found = readAroundDynamic(config.file, config.block);
    return found ? { rules: found.list.rules, generatedAt: found.dynamic.whole.startIndex, file: config.file } : null;
  }
  if (!g?.ahead) return null;
  const rules = g.ahead.elements.filter((e) => isObject(unwrap(e))).map((e) => makeRule(e, { v5: true, node: unwrap(e)!, inner: unwrap(e)! }));
  return { rules, generatedAt: g.ahead.forNode.startIndex, file: g.ahead.file };
}

const hasAccess = (rule: Rule): boolean => {
  const origin = child(rule, 'origin_request');
  return typeof origin === 'object' && child(origin.container, 'access') !== undefined;
};

/** The item's origin_request carries `access` (init writes `{ access = { … } }` into the slot the rules read). */
function itemHasAccess(g: Generator, item: CollectionItem): boolean {
  const field = g.fields.get('origin_request');
  const slot = field ? /\.([A-Za-z_][\w-]*)$/.exec(unwrap(field)?.text ?? '')?.[1] : g.spread ? 'origin_request' : undefined;
  const elem = slot ? findObjectElem(item.object, slot) : undefined;
  const value = elem ? unwrap(objectElemValue(elem)) : undefined;
  return Boolean(value && isObject(value) && findObjectElem(value, 'access'));
}

function shadowIn<T>(views: RuleView<T>[], host: string, limit: number, at: (rule: T) => string): Shadowed | null {
  const shadow = firstShadowing(views, host, limit);
  if (!shadow) return null;
  return { at: at(shadow.rule), shown: shadow.shown, proven: !shadow.unknown, why: shadow.why ?? (shadow.unknown ? `has a hostname the repo does not prove, so it may catch ${host}` : `catches ${host}`) };
}

export async function collectionFacts(model: RepoModel, config: TfTunnelConfig, host: string): Promise<IngressFacts | string> {
  const scan = model.scan!;
  const gens = await findGenerators(scan, config);
  if (typeof gens === 'string') return `tunnel config not recognised: ${config.address}: ${gens}`;
  const where = (file: TfTunnelConfig['file'], node: { startPosition: { row: number } }): string => `${relative(scan.repoDir, file.path)}:${node.startPosition.row + 1}`;
  const around = writtenOut(config, gens[0]);
  const base = { source: config.file.relPath, topLevelAccess: false };
  // The catch-all is judged where it is written out (v4 blocks around the dynamic one); a generated
  // one (an item of the collection) is the collection's business, so it is not judged.
  const catchAllLast = around && around.rules.some(isCatchAll) ? isCatchAll(around.rules.at(-1)!) && around.rules.filter(isCatchAll).length === 1 && around.rules.at(-1)!.whole.startIndex > around.generatedAt : null;
  const ruleCount = (around?.rules.length ?? 0) + gens.reduce((n, g) => n + g.collection.items.length, 0);

  // 1. A rule written out ahead of the generated ones (plan-ahead.ts, or planGenerated's fallback).
  if (around) {
    const ahead = around.rules.filter((r) => r.whole.startIndex < around.generatedAt && !isCatchAll(r));
    for (const rule of ahead) {
      const resolved = await resolveString(scan, around.file.dir, rule.hostname);
      if (!rule.managed && (rule.path || !isHost(host, resolved))) continue;
      if (!resolved) return { ...base, catchAllLast, ruleCount, ruleHasAccess: hasAccess(rule), shadowedBy: undefined };
      const before = await ruleViews(scan, around.file.dir, ahead.slice(0, ahead.indexOf(rule)));
      const shadowedBy = shadowIn(before, resolved, before.length, (r) => where(around.file, r.whole));
      return { ...base, source: around.file.relPath, catchAllLast, ruleCount, ruleHasAccess: hasAccess(rule), shadowedBy };
    }
  }
  // 2. An item of the collection: the one init recognises as its own (proven hostname, no path).
  for (const g of gens) {
    const views: RuleView<CollectionItem>[] = [];
    for (const i of g.collection.items.filter((x) => !isCatchAllItem(g, x))) {
      const hostname = await hostnameOf(model, g, i);
      views.push({ rule: i, hostname, unknown: hostname === null, hasPath: findObjectElem(i.object, 'path') !== undefined, shown: hostname ?? i.key ?? '?' });
    }
    const own = views.find((v) => !v.hasPath && isHost(host, v.hostname));
    if (!own) continue;
    const source = `${g.collection.ref} (${g.collection.where})`;
    // A literal rule ahead of every generated one catches it first (plan-ahead.ts shadowAhead).
    const aheadViews = around ? await ruleViews(scan, around.file.dir, around.rules.filter((r) => r.whole.startIndex < around.generatedAt && !isCatchAll(r))) : [];
    const shadowedBy =
      shadowIn(aheadViews, own.hostname!, aheadViews.length, (r) => where(around!.file, r.whole)) ??
      shadowIn(views, own.hostname!, views.indexOf(own), (i) => where(g.collection.file, i.whole));
    return { ...base, source, catchAllLast, ruleCount, ruleHasAccess: itemHasAccess(g, own.rule), shadowedBy };
  }
  const refs = [...new Set(gens.map((g) => `${g.collection.ref} (${g.collection.where})`))].join(', ');
  return { ...base, source: `${config.address}, rules from ${refs}`, catchAllLast, ruleCount, ruleHasAccess: null, shadowedBy: null };
}
