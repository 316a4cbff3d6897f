// Planner for data-driven tunnel configs (shapes 2–4): the rules (and often the DNS records) are
// generated from a collection in `locals`, so docker-mcp becomes one more item of that collection,
// in the collection's own item shape, instead of a hand-written rule next to the generator.
import { relative } from 'node:path';
import { parseHcl } from '../templates/hcl-parse.js';
import { applyTextEdits, appendElement, type TextEdit } from './hcl-edits.js';
import { findObjectElem, staticString, indentAt, lineEnd, lineStart, objectElemKey, objectElemValue, objectElems, startsLine, unwrap } from './hcl-nodes.js';
import { findGenerators, type CollectionItem, type Generator } from './generator.js';
import { hostnameExpr } from './hcl-hostnames.js';
import type { Rule } from './ingress-hcl.js';
import { evaluate, invert, KEY, VALUE } from './invert.js';
import { firstShadowing, type RuleView } from './match.js';
import type { RepoModel, TfTunnelConfig } from './model.js';
import { withTunnelStatus } from './module-status.js';
import { moduleFileEdit, planHclLiteral } from './plan-terraform.js';
import { readAroundDynamic } from './ingress-hcl.js';
import { emptyPlan, MODULE_FILE, refuseTerraform } from './refuse.js';
import { findRootModule } from './repo-scan.js';
import { derivedDns, existingItem, newItem, renderItem, type ItemValue } from './data-item.js';
import { dnsSnippet } from './dns-plan.js';
import { collectionListDns } from './dns-collection-list.js';
import { leadingListEdit, planAhead, shadowAhead } from './plan-ahead.js';
import { planLeading } from './plan-leading.js';
import { chooseCollection } from './collection-choice.js';
import { calledMoreThanOnce, planPerCall } from './call-choice.js';
import { ignoredNotes } from './ignored-note.js';
import { findOwnItem, NAME_ATTRS, updateOwnItem } from './own-item.js';
import type { RepoPatchInput, RepoPatchPlan } from './types.js';


export async function hostnameOf(model: RepoModel, g: Generator, item: CollectionItem): Promise<string | null> {
  const field = g.fields.get('hostname');
  if (field) return evaluate(model.scan!, g, field, item);
  const elem = g.spread ? findObjectElem(item.object, 'hostname') : undefined;
  return elem ? evaluate(model.scan!, { ...g, fields: new Map() }, objectElemValue(elem)!, item) : null;
}

/** A catch-all item: one whose rule has no hostname (absent, or `null`). */
export function isCatchAllItem(g: Generator, item: CollectionItem): boolean {
  if (g.collection.scalar) return false;
  const field = g.fields.get('hostname');
  const attr = field ? /\.([A-Za-z_][\w-]*)$/.exec(unwrap(field)?.text ?? '')?.[1] : g.spread ? 'hostname' : undefined;
  if (!attr) return false;
  const elem = findObjectElem(item.object, attr);
  return !elem || unwrap(objectElemValue(elem))?.text === 'null';
}

/** The new item's values, from the rule the user wants; a string says why it cannot be built. */
async function itemValues(model: RepoModel, g: Generator, input: RepoPatchInput, notes: string[]): Promise<Map<string, ItemValue> | string> {
  const scan = model.scan!;
  const values = new Map<string, ItemValue>();
  const label = input.hostname.split('.')[0]!;
  for (const [field, wanted] of [['hostname', input.hostname], ['service', input.serviceUrl]] as const) {
    const expr = g.fields.get(field);
    const bound = expr ? await invert(scan, g, expr, wanted) : g.spread ? new Map([[field, wanted]]) : `the rules built at ${g.where} have no ${field}`;
    if (typeof bound === 'string') return bound;
    for (const [slot, value] of bound) {
      if (values.has(slot) && values.get(slot)!.text !== value) return `${slot} would need two values`;
      values.set(slot, { text: value, isHostname: field === 'hostname' && slot !== KEY && slot !== VALUE && bound.size === 1 && (!expr || /\.[\w-]+$/.test(unwrap(expr)!.text)) });
    }
  }
  if (input.access) {
    const expr = g.fields.get('origin_request');
    const slot = expr ? /\.([A-Za-z_][\w-]*)$/.exec(unwrap(expr)?.text ?? '')?.[1] : g.spread ? 'origin_request' : undefined;
    if (!slot) return `Cloudflare Access must sit on the rule's origin_request, and the rules built at ${g.where} have none`;
    values.set(slot, { text: '', access: true });
  }
  const named = g.collection.items.filter((i) => !isCatchAllItem(g, i));
  const first = named[0];
  for (const elem of first ? objectElems(first.object) : []) {
    const attr = objectElemKey(elem);
    if (values.has(attr) || !named.every((i) => findObjectElem(i.object, attr))) continue;
    if (!NAME_ATTRS.includes(attr)) return `every item of ${g.collection.ref} sets \`${attr}\`, which the patcher cannot derive from the answers`;
    values.set(attr, { text: label });
    notes.push(`The new item's \`${attr}\` is "${label}", like the other items name theirs.`);
  }
  // A hostname attribute written like the siblings' ("x.${local.domain}") when that is proven equal.
  for (const [attr, value] of values) {
    if (!value.isHostname) continue;
    const siblings = named.map((i) => ({ hostname: objectElemValue(findObjectElem(i.object, attr) ?? i.object) }) as unknown as Rule);
    value.hcl = await hostnameExpr(scan, g.collection.file.dir, siblings, value.text, notes);
  }
  if (g.collection.scalar && [...values.keys()].some((k) => k !== KEY && k !== VALUE)) return `the items of ${g.collection.ref} are plain values, but the rules read attributes of them`;
  if (g.collection.scalar && !values.has(VALUE)) return `the rules built at ${g.where} do not read the item of ${g.collection.ref} itself`;
  if (g.collection.isMap && !values.has(KEY)) values.set(KEY, { text: label });
  if (!g.collection.isMap && values.has(KEY)) return `the rules built at ${g.where} use the key of a list`;
  return values;
}

/** What planGenerated needs to know about a refusal: whether to write the rule out instead. */
interface CollectionOutcome {
  /** Refused for a reason a written-out rule must not work around (an item for the host exists). */
  final: boolean;
  /** A literal rule ahead of the generated ones catches the hostname (finding 2). */
  aheadWhy: string | null;
  g?: Generator;
  /** Refused because the tunnel module is called more than once (call-choice.ts decides). */
  calls?: boolean;
}

async function planCollection(model: RepoModel, config: TfTunnelConfig, input: RepoPatchInput, prefix: string, state: CollectionOutcome): Promise<RepoPatchPlan> {
  const scan = model.scan!;
  const plan = emptyPlan(scan.repoDir, 'terraform', input);
  const refuse = (reason: string, g?: Generator, item?: string, title?: string, out?: { placement: string; writtenOut?: boolean }): RepoPatchPlan =>
    refuseTerraform(plan, input, {
      reason: `${prefix}${reason}`,
      version: config.version,
      where: g && out?.writtenOut ? `${g.where}, in the ingress expression` : g ? `${g.collection.where}: an item of ${g.collection.ref} that makes this rule` : config.file.relPath,
      scan,
      tunnelDir: config.file.dir,
      ...(out ?? {}),
      ...(g && item ? { ruleSnippets: [{ title: title ?? `One more item of ${g.collection.ref}, in its own item shape (provider ${config.version})`, where: `${g.collection.where}, in ${g.collection.ref}`, language: 'hcl' as const, text: `${item}\n` }] } : {}),
    });
  const gens = await findGenerators(scan, config);
  if (typeof gens === 'string') return refuse(gens);
  // An item the user already added (by hand, after a refusal) decides which collection is theirs.
  const read = await Promise.all(gens.map(async (g) => {
    const views: RuleView<CollectionItem>[] = [];
    for (const i of g.collection.items.filter((x) => !isCatchAllItem(g, x))) {
      const hostname = await hostnameOf(model, g, i);
      views.push({ rule: i, hostname, unknown: hostname === null, hasPath: findObjectElem(i.object, 'path') !== undefined, shown: hostname ?? i.key ?? '?' });
    }
    return { g, views };
  }));
  const chosen = await chooseCollection(scan, read, input.hostname);
  const { g } = typeof chosen === 'string' ? read[0]! : chosen;
  // merge(a, b) iterates over all maps' items in key order: each may shadow or take the key.
  const views = g.merged ? read.flatMap((r) => r.views) : (typeof chosen === 'string' ? read[0]! : chosen).views;
  state.g = g;
  if (g.collection.overridden) plan.notes.push(`${g.collection.ref} is also set at ${g.collection.overridden.join(', ')}, but Terraform uses ${g.collection.where} (loaded later), so that is where the item goes.`);
  const computed = await itemValues(model, g, input, plan.notes);
  const item = typeof computed === 'string' ? undefined : renderItem(g, computed, input, '');
  if (typeof chosen === 'string') {
    state.calls = g.collection.ambiguity === 'calls';
    // -var-file tfvars: the same item goes into each of them, so the snippet's title names them all.
    const each = g.collection.ambiguity === 'tfvars' ? `, to add to each of ${read.map((r) => r.g.collection.where).join(', ')}` : '';
    return refuse(chosen, g, item, each ? `One more item of ${g.collection.ref}, in its own item shape (provider ${config.version})${each}` : undefined);
  }
  const aheadWhy = await shadowAhead(model, config, g, input.hostname);
  if (aheadWhy) {
    state.aheadWhy = aheadWhy;
    // Normally planGenerated writes the rule out instead; this reason stands only when it cannot.
    return refuse(`${aheadWhy}; write the docker-mcp rule out directly above it by hand`);
  }
  const label = input.hostname.split('.')[0]!;
  // The item for the full hostname asked for, without a path (finding 1), else the one an earlier run
  // wrote for other answers (review 2 finding 6: updated in place, never a second docker-mcp item).
  const found = await findOwnItem(scan, g, views, input);
  if (typeof found === 'string') return refuse(found, g, item);
  const own = found?.view;
  const lineIn = (node: { startPosition: { row: number } }): string => `${relative(scan.repoDir, g.collection.file.path)}:${node.startPosition.row + 1}`;
  const keyTaken = g.collection.isMap ? views.find((v) => v.rule.key === label && v !== own && !(own && own.rule.key === label)) : undefined;
  if (keyTaken) {
    state.final = true;
    const what = keyTaken.hostname === input.hostname ? `${input.hostname} restricted to a \`path\`` : (keyTaken.hostname ?? `a hostname the repo does not prove (${keyTaken.shown})`);
    return refuse(`${g.collection.ref} already has an item "${label}" (${lineIn(keyTaken.rule.whole)}) whose rule is for ${what}, and a map cannot hold a second "${label}"; rename that item or update it by hand`, g, item);
  }
  if (typeof computed === 'string' && !own) return refuse(`${computed}; add the item to ${g.collection.ref} (${g.collection.where}) by hand`, g);
  const values = typeof computed === 'string' ? null : computed;
  const updates: TextEdit[] = [];
  if (own && found.ours && (values || own.hostname !== input.hostname)) {
    // init's item, maybe for earlier answers: updated value by value. The new hostname must be
    // expressible in it, else refuse (a written-out rule next to it would leave two docker-mcp routes).
    const at = lineIn(own.rule.whole);
    const update = values ? await updateOwnItem(scan, g, own, values, input) : (computed as string);
    if (typeof update === 'string') {
      state.final = true;
      const why = `${g.collection.ref} has the docker-mcp item an earlier init wrote (${at}, for ${own.hostname ?? own.shown}), and it cannot be changed to ${input.hostname}: ${update}`;
      // No item of this collection can carry the hostname: the snippet is the rule written out
      // where it wins (never a list element for a map), in place of that item.
      if (!values) {
        const placement = config.version === 'v4' ? `directly above the dynamic "ingress_rule" block (${g.where})` : `in a list of its own before the generated rules (${g.where}): \`concat([<this rule>], [for …], …)\``;
        return refuse(`${why}; remove that item and write the rule out by hand, then run again`, g, undefined, undefined, { writtenOut: true, placement: `${placement}, replacing the item at ${at}` });
      }
      return refuse(`${why}; change or remove that item by hand, then run again`, g, item, `The docker-mcp item of ${g.collection.ref} as it should read, replacing the one at ${at} (provider ${config.version})`);
    }
    updates.push(...update);
    plan.notes.push(
      update.length
        ? `${g.collection.ref}: the docker-mcp item an earlier init wrote (${at}) was for ${own.hostname ?? own.shown}${own.hostname === input.hostname ? ' with other values' : ''}; it is updated in place.`
        : `${g.collection.ref} already has the docker-mcp item (${at}).`,
    );
  } else if (own) {
    const line = own.rule.whole.startPosition.row + 1;
    const attrText = (attr: string): string | undefined => objectElemValue(findObjectElem(own.rule.object, attr) ?? own.rule.object)?.text.replace(/"/g, '');
    const same = !values || [...values].every(([attr, v]) => v.access || (attr === KEY ? own.rule.key === v.text : attr === VALUE ? staticString(own.rule.object) === v.text : attrText(attr) === (v.hcl ?? v.text).replace(/"/g, '')));
    state.final = !same;
    if (!same) return refuse(`${g.collection.ref} already has an item for ${input.hostname} (${relative(scan.repoDir, g.collection.file.path)}:${line}) with other values; update it by hand`, g, item, `The docker-mcp item of ${g.collection.ref} as it should read, replacing the one at line ${line} (provider ${config.version})`);
    plan.notes.push(`${g.collection.ref} already has the docker-mcp item (${relative(scan.repoDir, g.collection.file.path)}:${line})${values ? '' : `; it is left as written (${computed as string})`}.`);
  }
  const shadow = firstShadowing(views, input.hostname, own ? views.indexOf(own) : views.length);
  if (own && shadow && !shadow.unknown) {
    return refuse(`the docker-mcp item of ${g.collection.ref} can never match: the item for "${shadow.shown}" above it catches ${input.hostname} first; move it above that item`, g, item);
  }
  // No item can come before a catching map item (key order): v5 gets a written-out rule in a list
  // of its own before the generated ones; otherwise (v4: planGenerated writes it above the dynamic
  // block) the refusal's snippet is that written-out rule.
  const leading = shadow && g.collection.isMap && !shadow.unknown && !own && config.version === 'v5' ? leadingListEdit(g, input) : null;
  if (shadow && g.collection.isMap && !shadow.unknown && (!leading || typeof leading === 'string')) {
    return refuse(`the item for "${shadow.shown}" in ${g.collection.ref} catches ${input.hostname}, and a map's rules come out in key order`, g, item, undefined, {
      writtenOut: true,
      placement: config.version === 'v4' ? `directly above the dynamic "ingress_rule" block (${g.where})` : `in a list of its own before the generated rules (${g.where}): \`concat([<this rule>], [for …], …)\``,
    });
  }
  if (shadow && !leading && (own || g.collection.isMap)) {
    plan.notes.push(`The hostname of the item ${shadow.rule.key ?? `at line ${shadow.rule.whole.startPosition.row + 1}`} of ${g.collection.ref} is not proven by the repo: if it is a wildcard covering ${input.hostname}, it may catch it first.`);
  }

  const file = g.collection.file;
  const edits: TextEdit[] = [...updates];
  const written = leading && typeof leading !== 'string' ? leading : null;
  if (written) {
    plan.notes.push(`The item for "${shadow!.shown}" in ${g.collection.ref} catches ${input.hostname}, and a map's rules come out in key order (a "${shadow!.rule.key ?? '?'}" key sorts first); the docker-mcp rule is written out in a list of its own before the generated rules (${g.where}).`);
  } else if (!own && values && item) {
    const catchAll = g.collection.items.find((i) => isCatchAllItem(g, i));
    const before = shadow && !g.collection.isMap ? shadow.rule : catchAll;
    if (g.collection.isMap) {
      const last = g.collection.items.at(-1);
      if (!last || g.collection.node.startPosition.row === g.collection.node.endPosition.row) return refuse(`${g.collection.ref} is written on one line`, g, item);
      const indent = indentAt(file.text, last.whole.startIndex);
      const at = lineEnd(file.text, last.whole.endIndex);
      edits.push({ start: at, end: at, text: `\n${renderItem(g, values, input, indent, true)}` });
    } else if (before && startsLine(file.text, before.whole.startIndex)) {
      const indent = indentAt(file.text, before.whole.startIndex);
      const at = lineStart(file.text, before.whole.startIndex);
      edits.push({ start: at, end: at, text: `${renderItem(g, values, input, indent, true)},\n` });
    } else if (before) {
      return refuse(`the item to insert before (${relative(scan.repoDir, file.path)}:${before.whole.startPosition.row + 1}) does not start its own line`, g, item);
    } else {
      edits.push(...appendElement(file.text, g.collection.node, item));
    }
    if (shadow && !g.collection.isMap) {
      const why = shadow.unknown ? 'has a hostname the repo does not prove (it could be a wildcard)' : `("${shadow.shown}") would catch ${input.hostname} first`;
      plan.notes.push(`The item at line ${shadow.rule.whole.startPosition.row + 1} of ${g.collection.ref} ${why}; the docker-mcp item goes directly above it.`);
    }
  }
  const derived = written ? null : derivedDns(model, g, own && !updates.length ? await existingItem(scan, g.collection.file.dir, own.rule) : newItem(values));
  const dns = derived?.included ? derived.name : null;
  const listed = derived || written ? null : await collectionListDns(model, config, input.hostname, file, edits); // review 3 finding 14
  plan.moduleCall = withTunnelStatus(input.moduleCallHcl, { ruleIn: written ? `${config.address.split(" in ")[0]} (${written.file.relPath})` : `${g.collection.ref} (${relative(scan.repoDir, file.path)})`, dns: dns ? `from the same collection (${dns})` : (listed?.status ?? null) });
  if (listed) { plan.notes.push(...listed.notes); plan.snippets.push(...listed.snippets); } else if (!dns) {
    plan.notes.push(
      written
        ? `DNS: the records made from ${g.collection.ref} are for its items, not for a written-out rule; add the record for ${input.hostname} below yourself (a proxied wildcard record for its zone would also cover it).`
        : !derived
        ? `No DNS record is generated from ${g.collection.ref}; add one for ${input.hostname} yourself.`
        : derived.included === false
          ? `DNS: ${derived.name} iterates over ${g.collection.ref}, but its \`if\` filter leaves the docker-mcp item out; add the record for ${input.hostname} below yourself.`
          : `DNS unproven: ${derived.name} iterates over ${g.collection.ref} with an \`if\` filter the repo's literals do not decide for the docker-mcp item; if it makes no record for ${input.hostname}, add the one below.`,
    );
    plan.snippets.push(dnsSnippet(model, config, input.hostname));
  }

  const root = findRootModule(scan, config.file.dir);
  if ('problem' in root) return refuse(root.problem, g, item);
  plan.rootModuleDir = root.dir;
  const moduleEdit = await moduleFileEdit(scan, root.dir, plan.moduleCall);
  if (typeof moduleEdit === 'string') return refuse(moduleEdit, g, item);
  for (const [target, list] of [...(written ? [[written.file, [written.edit]] as const] : []), ...(listed?.others ?? []), [file, edits] as const]) {
    if (!list.length) continue;
    const after = applyTextEdits(target.text, [...list]);
    const parsed = await parseHcl(after);
    const broken = parsed.errors.length > 0;
    parsed.tree.delete();
    if (broken) return refuse(`internal: the patched ${target.relPath} would not parse, so nothing was written`, g, item);
    plan.edits.push({ path: target.path, relPath: target.relPath, before: target.text, after });
  }
  if (moduleEdit) plan.edits.push(moduleEdit);
  plan.notes.unshift(
    `Tunnel config: ${config.address} (provider ${config.version}) builds its rules from ${g.collection.ref} (${g.collection.where}); ${updates.length ? 'updating its docker-mcp item' : own ? 'it already has docker-mcp' : written ? 'writing the docker-mcp rule out before them' : 'adding one item for docker-mcp'}${dns ? `, which also gives its DNS record (${dns})` : ''}.`,
    `Root module: ${relative(scan.repoDir, root.dir) || '.'}; the module call goes to ${MODULE_FILE}.`,
  );
  plan.notes.push(...ignoredNotes(scan.repoDir, plan.edits)); // review 3 finding 12
  return plan;
}

/**
 * Data edit first; when the collection cannot take the item, a v4 dynamic block still lets a
 * written-out rule go directly above it, which is safe whatever the block generates. A refusal then
 * keeps the data edit's reason (it names the collection to edit by hand).
 */
export async function planGenerated(model: RepoModel, config: TfTunnelConfig, input: RepoPatchInput, prefix: string): Promise<RepoPatchPlan> {
  const state: CollectionOutcome = { final: false, aheadWhy: null };
  const plan = await planCollection(model, config, input, prefix, state);
  // An item for the host with other values is the user's route: refused in both planners (finding 1),
  // never shadowed by a written-out rule (whose DNS snippet would duplicate the for_each's, finding 5).
  if (!plan.refused || state.final) return plan;
  // Review 3 finding 1: a module called twice gets its item in one call's argument, or a refusal.
  if (state.calls) return planPerCall(model, config, input, prefix, plan, (m) => planCollection(m, config, input, prefix, { final: false, aheadWhy: null }));
  if (calledMoreThanOnce(model, config.file.dir)) return plan;
  if (state.aheadWhy && state.g) return (await planAhead(model, config, state.g, input, state.aheadWhy)) ?? plan;
  // Review 3 finding 7: no item can carry the rule; a v5 concat(…) takes it as a leading list.
  const leading = await planLeading(model, config, input, plan.refused.slice(prefix.length));
  if (leading) return leading;
  const around = config.source.kind === 'dynamic' ? readAroundDynamic(config.file, config.block) : null;
  if (!around) return plan;
  const literal = await planHclLiteral(model, config, around.list, input, around.dynamic);
  if (literal.refused) return plan;
  // The refusal's "…; add it by hand" advice does not apply once the rule is written out (review 3 finding 8).
  const why = plan.refused.slice(prefix.length).replace(/;[^;]*\bby hand$/, '');
  literal.notes.splice(2, 0, `${config.address}: no item could be added to its collection (${why}), so the docker-mcp rule is written out above the dynamic block instead.`);
  return literal;
}
