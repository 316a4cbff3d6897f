// Reads how a data-driven tunnel config turns a collection into ingress rules (shapes 2–4): the
// collection (`local.x`, a list of objects or a map of objects), the iteration variables, and the
// rule each item becomes (an object literal, `merge({…}, item)`, or a `dynamic` content block).
import { relative } from 'node:path';
import type { Node } from 'web-tree-sitter';
import {
  attributeName,
  attributeValue,
  blockBody,
  blockLabels,
  bodyAttributes,
  bodyBlocks,
  findAttribute,
  isObject,
  isTuple,
  namedChildren,
  objectElemKey,
  objectElemValue,
  objectElems,
  staticString,
  tupleElements,
  unwrap,
} from './hcl-nodes.js';
import type { TfTunnelConfig } from './model.js';
import type { RepoScan, TfFile } from './repo-scan.js';
import { valueSites, type Sites, type ValueSite } from './value-site.js';
import { eachValueRefusal } from './each-value.js';

export interface CollectionItem {
  /** The map key (map collections) or null. */
  key: string | null;
  /** The list element expression or the map's object_elem: what an insert goes before or after. */
  whole: Node;
  /** The item's object literal (or its string literal, in a scalar collection). */
  object: Node;
}

export interface Collection {
  /** `local.tunnel_services`. */
  ref: string;
  file: TfFile;
  /** The tuple or object node holding the items. */
  node: Node;
  isMap: boolean;
  /** Items are plain strings (`homepage = "http://…"`), not objects: the rule reads the item itself. */
  scalar: boolean;
  items: CollectionItem[];
  /** file:line of the definition, for people. */
  where: string;
  /** Where the value is written: a `locals` entry, a module argument, tfvars, a variable default. */
  kind: ValueSite['kind'];
  /** Several places may hold the value (value-site.ts): 'tfvars' needs the item in each of them. */
  ambiguity: Sites['ambiguity'];
  /** Places that set it too but lose to this one (an earlier tfvars, the default). */
  overridden?: string[];
}

export interface Generator {
  collection: Collection;
  /** How the body refers to the item key and value (`name`/`svc`, `ingress_rule.key`/`ingress_rule.value`). */
  keyVar: string | null;
  valueVar: string;
  /** Rule attribute -> the expression computing it from the item. */
  fields: Map<string, Node>;
  /** `merge({…}, item)`: every attribute of the item becomes a rule attribute too. */
  spread: boolean;
  /** Directory of the module the iteration is written in (for var./local. references). */
  dir: string;
  /** file:line of the iteration. */
  where: string;
  /**
   * v5 `concat([literal…], [for …], …)`: the literal rules written BEFORE the generated ones. They
   * come first in the ingress list, so one of them may catch the hostname (review 1, finding 2).
   */
  ahead: { file: TfFile; elements: Node[]; forNode: Node } | null;
  /** One of the maps of `merge(a, b)`: the planner picks the one the item belongs in. */
  merged: boolean;
  /** The `[for …]` argument of a v5 `concat(…)`: a list of written-out rules can go before it. */
  concatFor: { file: TfFile; arg: Node } | null;
}

const at = (scan: RepoScan, file: TfFile, node: Node): string => `${relative(scan.repoDir, file.path)}:${node.startPosition.row + 1}`;

/** One site's value as a collection (a list or map of object or string literals). */
function asCollection(scan: RepoScan, site: ValueSite, sites: Sites): Collection | string {
  const { ref, file } = site;
  const node = unwrap(site.value);
  // Says which of the places Terraform reads it is (value-site.ts), so nobody edits the wrong one.
  const name = attributeName(site.attribute);
  const place = site.kind === 'default' ? `, the default of variable "${ref.slice(4)}"` : site.kind === 'argument' ? `, module argument ${name}` : '';
  const where = `${at(scan, file, site.attribute)}${place}`;
  const base = { ref, file, where, kind: site.kind, ambiguity: sites.ambiguity, ...(sites.overridden ? { overridden: sites.overridden } : {}) };
  if (isTuple(node)) {
    const items = tupleElements(node).map((whole) => ({ key: null, whole, object: unwrap(whole)! }));
    const scalar = items.length > 0 && items.every((i) => staticString(i.object) !== null);
    if (!scalar && !items.every((i) => isObject(i.object))) return `${ref} (${where}) is not a list of object or string literals`;
    return { ...base, node, isMap: false, scalar, items };
  }
  if (isObject(node)) {
    const items = objectElems(node).map((elem) => ({ key: objectElemKey(elem), whole: elem, object: unwrap(objectElemValue(elem))! }));
    const scalar = items.length > 0 && items.every((i) => staticString(i.object) !== null);
    if (!scalar && !items.every((i) => isObject(i.object))) return `${ref} (${where}) is not a map of object or string literals`;
    return { ...base, node, isMap: true, scalar, items };
  }
  // Review 4 finding 6: `each.value.<field>` over a local map names the entries' fields instead.
  const perEntry = site.kind === 'argument' ? eachValueRefusal(scan, file, site.attribute) : null;
  return perEntry ?? `${ref} (${where}) is not a list or map literal`;
}

/** The collection(s) `ref` stands for: one per place its value may be written (see value-site.ts). */
async function collectionsOf(scan: RepoScan, dir: string, ref: string): Promise<Collection[] | string> {
  const sites = await valueSites(scan, dir, ref);
  if (typeof sites === 'string') return sites;
  const out: Collection[] = [];
  for (const site of sites.sites) {
    const c = asCollection(scan, site, sites);
    if (typeof c === 'string') return c;
    out.push(c);
  }
  return out;
}

const fnArgs = (node: Node): Node[] => namedChildren(namedChildren(node).find((c) => c.type === 'function_arguments')).filter((c) => c.type === 'expression');
const fnName = (node: Node | undefined): string | undefined => (node?.type === 'function_call' ? namedChildren(node)[0]?.text : undefined);

/**
 * What a for/dynamic iterates over: a reference, `keys(ref)` / `toset(keys(ref))` (the body then
 * reads `ref[name]`), or `merge(ref1, ref2, …)` of maps (one collection per map, `merged`).
 */
async function iterated(scan: RepoScan, dir: string, expr: Node | undefined): Promise<{ collections: Collection[]; keysOf: string | null; merged: boolean } | string> {
  let node = unwrap(expr);
  let keysOf: string | null = null;
  // tomap(ref) and `{ for k, v in ref : k => v }` (no `if`) are ref itself, item for item.
  if (fnName(node) === 'tomap' && fnArgs(node!).length === 1) node = unwrap(fnArgs(node!)[0]);
  const forObj = node?.type === 'for_expr' ? namedChildren(node)[0] : undefined;
  if (forObj?.type === 'for_object_expr' && !namedChildren(forObj).some((c) => c.type === 'for_cond')) {
    const intro = namedChildren(forObj).find((c) => c.type === 'for_intro');
    const vars = namedChildren(intro).filter((c) => c.type === 'identifier').map((c) => c.text);
    const [k, v] = namedChildren(forObj).filter((c) => c.type === 'expression').map((c) => c.text.trim());
    if (vars.length === 2 && k === vars[0] && v === vars[1]) node = unwrap(namedChildren(intro).find((c) => c.type === 'expression'));
  }
  if (fnName(node) === 'toset' && fnArgs(node!).length === 1 && fnName(unwrap(fnArgs(node!)[0])) === 'keys') node = unwrap(fnArgs(node!)[0]);
  if (fnName(node) === 'keys' && fnArgs(node!).length === 1) {
    node = unwrap(fnArgs(node!)[0]);
    keysOf = node?.text.trim() ?? '';
  }
  if (fnName(node) === 'merge') {
    const collections: Collection[] = [];
    for (const arg of fnArgs(node!)) {
      const found = await collectionsOf(scan, dir, unwrap(arg)?.text.trim() ?? '');
      if (typeof found === 'string') return `merge(…) at ${node!.startPosition.row + 1}: ${found}`;
      if (found.length !== 1 || !found[0]!.isMap) return `merge(…) takes ${found[0]?.ref ?? '?'}, which is not one map literal`;
      collections.push(found[0]!);
    }
    if (keysOf !== null) return 'keys(merge(…)) is not read by the patcher';
    return { collections, keysOf, merged: true };
  }
  const collections = await collectionsOf(scan, dir, node?.text.trim() ?? '');
  if (typeof collections === 'string') return collections;
  if (keysOf !== null && collections.some((c) => !c.isMap)) return `keys(${keysOf}) of something that is not a map`;
  return { collections, keysOf, merged: false };
}

/** The rule attributes a body expression produces from the item. */
function bodyFields(body: Node | undefined, valueVar: string): { fields: Map<string, Node>; spread: boolean } | string {
  const node = unwrap(body);
  const fields = new Map<string, Node>();
  if (!node) return 'the rule expression is empty';
  if (node.text.trim() === valueVar) return { fields, spread: true };
  if (node.type === 'object') {
    for (const elem of objectElems(node)) fields.set(objectElemKey(elem), objectElemValue(elem)!);
    return { fields, spread: false };
  }
  const fn = namedChildren(node).find((c) => c.type === 'identifier')?.text;
  if (node.type === 'function_call' && fn === 'merge') {
    let spread = false;
    const args = namedChildren(namedChildren(node).find((c) => c.type === 'function_arguments')).filter((c) => c.type === 'expression');
    for (const arg of args) {
      const a = unwrap(arg);
      if (a?.text.trim() === valueVar) spread = true;
      else if (a?.type === 'object') for (const elem of objectElems(a)) fields.set(objectElemKey(elem), objectElemValue(elem)!);
      else return `merge() takes \`${a?.text ?? '?'}\`, which the patcher cannot read`;
    }
    return { fields, spread };
  }
  return `each rule is \`${node.text.split('\n')[0]}\`, which the patcher cannot read`;
}

/** `[for k, v in local.x : body]` (possibly one argument of concat(…)): one generator per collection. */
async function fromForExpr(scan: RepoScan, file: TfFile, expr: Node): Promise<Generator[] | string> {
  let node = unwrap(expr);
  let ahead: Generator['ahead'] = null;
  let concatFor: Generator['concatFor'] = null;
  if (fnName(node) === 'concat') {
    const args = fnArgs(node!);
    const fors = args.filter((a) => unwrap(a)?.type === 'for_expr');
    if (fors.length !== 1 || !args.every((a) => unwrap(a)?.type === 'for_expr' || isTuple(unwrap(a)))) {
      return `concat(…) at ${at(scan, file, node!)} is not one for expression plus literal lists`;
    }
    const forAt = fors[0]!.startIndex;
    const elements = args.filter((x) => x.startIndex < forAt).flatMap((x) => tupleElements(unwrap(x)!));
    node = unwrap(fors[0]);
    concatFor = { file, arg: fors[0]! };
    if (elements.length) ahead = { file, elements, forNode: node! };
  }
  const tuple = node?.type === 'for_expr' ? namedChildren(node)[0] : undefined;
  if (tuple?.type !== 'for_tuple_expr') return `\`${node?.text.split('\n')[0] ?? '?'}\` at ${at(scan, file, node ?? expr)} is not a for expression over a collection`;
  const intro = namedChildren(tuple).find((c) => c.type === 'for_intro');
  const vars = namedChildren(intro).filter((c) => c.type === 'identifier').map((c) => c.text);
  const over = await iterated(scan, file.dir, namedChildren(intro).find((c) => c.type === 'expression'));
  if (typeof over === 'string') return over;
  // `for name in keys(local.x)`: the key is the element, the item is `local.x[name]`.
  if (over.keysOf !== null && vars.length !== 1) return `\`for … in keys(${over.keysOf})\` at ${at(scan, file, tuple)} takes ${vars.length} variables`;
  const keyVar = over.keysOf !== null ? vars[0]! : vars.length === 2 ? vars[0]! : null;
  const valueVar = over.keysOf !== null ? `${over.keysOf}[${vars[0]!}]` : vars.at(-1)!;
  const body = namedChildren(tuple).filter((c) => c.type === 'expression')[0];
  const read = bodyFields(body, valueVar);
  if (typeof read === 'string') return read;
  return over.collections.map((collection) => ({ collection, keyVar, valueVar, ...read, dir: file.dir, where: at(scan, file, tuple), ahead, merged: over.merged, concatFor }));
}

async function fromDynamic(scan: RepoScan, file: TfFile, dynamic: Node): Promise<Generator[] | string> {
  const body = blockBody(dynamic);
  const iterator = findAttribute(body, 'iterator');
  const name = iterator ? (unwrap(attributeValue(iterator))?.text ?? 'ingress_rule') : (blockLabels(dynamic)[0] ?? 'ingress_rule');
  const forEach = findAttribute(body, 'for_each');
  const over = await iterated(scan, file.dir, forEach ? attributeValue(forEach) : undefined);
  if (typeof over === 'string') return over;
  if (over.keysOf !== null) return `the dynamic block iterates over keys(${over.keysOf}); the patcher reads \`for_each = ${over.keysOf}\``;
  const content = bodyBlocks(body, 'content')[0];
  if (!content) return 'the dynamic block has no content block';
  if (bodyBlocks(blockBody(content)).length) return 'the dynamic content has nested blocks (origin_request); the patcher reads attributes only';
  const fields = new Map<string, Node>();
  for (const attr of bodyAttributes(blockBody(content))) fields.set(attributeName(attr), attributeValue(attr)!);
  return over.collections.map((collection) => ({ collection, keyVar: `${name}.key`, valueVar: `${name}.value`, fields, spread: false, dir: file.dir, where: at(scan, file, dynamic), ahead: null, merged: over.merged, concatFor: null }));
}

/** `ingress = var.x` where x is a literal list of rules: each rule is an item, read as written. */
function identity(scan: RepoScan, site: ValueSite, sites: Sites): Generator | string {
  const collection = asCollection(scan, site, sites);
  if (typeof collection === 'string') return collection;
  if (collection.isMap || collection.scalar) return `${site.ref} (${collection.where}) is not a list of rule objects`;
  // No iteration variable: a name no expression can contain, so every attribute is read as written.
  return { collection, keyVar: null, valueVar: '\u0000rule', fields: new Map(), spread: true, dir: site.file.dir, where: collection.where, ahead: null, merged: false, concatFor: null };
}

/**
 * Every generator feeding the config: one, or one per module call when `ingress = var.x` (a module
 * called twice gives two, which the planner will not choose between).
 */
export async function findGenerators(scan: RepoScan, config: TfTunnelConfig): Promise<Generator[] | string> {
  const source = config.source;
  if (source.kind === 'dynamic') return fromDynamic(scan, config.file, source.node);
  if (source.kind !== 'expression') return 'the rules are not generated from a collection';
  const variable = /^var\.([A-Za-z_][\w-]*)$/.exec(source.expression.trim())?.[1];
  if (!variable) return fromForExpr(scan, config.file, source.node);
  // `ingress = var.x`: the rules are wherever x's value is written (a module argument, tfvars, …).
  const sites = await valueSites(scan, config.file.dir, `var.${variable}`);
  if (typeof sites === 'string') return sites;
  const out: Generator[] = [];
  for (const site of sites.sites) {
    const g = isTuple(unwrap(site.value)) ? identity(scan, site, sites) : await fromForExpr(scan, site.file, site.value);
    if (typeof g === 'string') return g;
    out.push(...(Array.isArray(g) ? g : [g]));
  }
  return out;
}
