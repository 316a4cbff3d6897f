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
import { moduleCallsOf, type RepoScan, type TfFile } from './repo-scan.js';
import { localDefinition } from './tf-values.js';

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
}

const at = (scan: RepoScan, file: TfFile, node: Node): string => `${relative(scan.repoDir, file.path)}:${node.startPosition.row + 1}`;

function collectionOf(scan: RepoScan, dir: string, expr: Node | undefined): Collection | string {
  const ref = unwrap(expr)?.text.trim() ?? '';
  const local = /^local\.([A-Za-z_][\w-]*)$/.exec(ref)?.[1];
  if (!local) return `it iterates over \`${ref}\`, not a \`local\` the patcher can edit`;
  const def = localDefinition(scan, dir, local);
  if (!def) return `\`${ref}\` is not set in exactly one \`locals\` block of the module`;
  const node = unwrap(def.value);
  const where = at(scan, def.file, def.attribute);
  if (isTuple(node)) {
    const items = tupleElements(node).map((whole) => ({ key: null, whole, object: unwrap(whole)! }));
    const scalar = items.length > 0 && items.every((i) => staticString(i.object) !== null);
    if (!scalar && !items.every((i) => isObject(i.object))) return `${ref} (${where}) is not a list of object or string literals`;
    return { ref, file: def.file, node, isMap: false, scalar, items, where };
  }
  if (isObject(node)) {
    const items = objectElems(node).map((elem) => ({ key: objectElemKey(elem), whole: elem, object: unwrap(objectElemValue(elem))! }));
    const scalar = items.length > 0 && items.every((i) => staticString(i.object) !== null);
    if (!scalar && !items.every((i) => isObject(i.object))) return `${ref} (${where}) is not a map of object or string literals`;
    return { ref, file: def.file, node, isMap: true, scalar, items, where };
  }
  return `${ref} (${where}) is not a list or map literal`;
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

/** `[for k, v in local.x : body]` (possibly one argument of concat(…)). */
function fromForExpr(scan: RepoScan, file: TfFile, expr: Node): Generator | string {
  let node = unwrap(expr);
  let ahead: Generator['ahead'] = null;
  if (node?.type === 'function_call' && namedChildren(node)[0]?.text === 'concat') {
    const args = namedChildren(namedChildren(node).find((c) => c.type === 'function_arguments')).filter((c) => c.type === 'expression');
    const fors = args.filter((a) => unwrap(a)?.type === 'for_expr');
    if (fors.length !== 1 || !args.every((a) => unwrap(a)?.type === 'for_expr' || isTuple(unwrap(a)))) {
      return `concat(…) at ${at(scan, file, node)} is not one for expression plus literal lists`;
    }
    const forAt = fors[0]!.startIndex;
    const elements = args.filter((x) => x.startIndex < forAt).flatMap((x) => tupleElements(unwrap(x)!));
    node = unwrap(fors[0]);
    if (elements.length) ahead = { file, elements, forNode: node! };
  }
  const tuple = node?.type === 'for_expr' ? namedChildren(node)[0] : undefined;
  if (tuple?.type !== 'for_tuple_expr') return `\`${node?.text.split('\n')[0] ?? '?'}\` at ${at(scan, file, node ?? expr)} is not a for expression over a collection`;
  const intro = namedChildren(tuple).find((c) => c.type === 'for_intro');
  const vars = namedChildren(intro).filter((c) => c.type === 'identifier').map((c) => c.text);
  const collection = collectionOf(scan, file.dir, namedChildren(intro).find((c) => c.type === 'expression'));
  if (typeof collection === 'string') return collection;
  const body = namedChildren(tuple).filter((c) => c.type === 'expression')[0];
  const valueVar = vars.at(-1)!;
  const read = bodyFields(body, valueVar);
  if (typeof read === 'string') return read;
  return { collection, keyVar: vars.length === 2 ? vars[0]! : null, valueVar, ...read, dir: file.dir, where: at(scan, file, tuple), ahead };
}

function fromDynamic(scan: RepoScan, file: TfFile, dynamic: Node): Generator | string {
  const body = blockBody(dynamic);
  const iterator = findAttribute(body, 'iterator');
  const name = iterator ? (unwrap(attributeValue(iterator))?.text ?? 'ingress_rule') : (blockLabels(dynamic)[0] ?? 'ingress_rule');
  const forEach = findAttribute(body, 'for_each');
  const collection = collectionOf(scan, file.dir, forEach ? attributeValue(forEach) : undefined);
  if (typeof collection === 'string') return collection;
  const content = bodyBlocks(body, 'content')[0];
  if (!content) return 'the dynamic block has no content block';
  if (bodyBlocks(blockBody(content)).length) return 'the dynamic content has nested blocks (origin_request); the patcher reads attributes only';
  const fields = new Map<string, Node>();
  for (const attr of bodyAttributes(blockBody(content))) fields.set(attributeName(attr), attributeValue(attr)!);
  return { collection, keyVar: `${name}.key`, valueVar: `${name}.value`, fields, spread: false, dir: file.dir, where: at(scan, file, dynamic), ahead: null };
}

/**
 * Every generator feeding the config: one, or one per module call when `ingress = var.x` (a module
 * called twice gives two, which the planner will not choose between).
 */
export function findGenerators(scan: RepoScan, config: TfTunnelConfig): Generator[] | string {
  const source = config.source;
  if (source.kind === 'dynamic') {
    const g = fromDynamic(scan, config.file, source.node);
    return typeof g === 'string' ? g : [g];
  }
  if (source.kind !== 'expression') return 'the rules are not generated from a collection';
  const variable = /^var\.([A-Za-z_][\w-]*)$/.exec(source.expression.trim())?.[1];
  if (!variable) {
    const g = fromForExpr(scan, config.file, source.node);
    return typeof g === 'string' ? g : [g];
  }
  const calls = moduleCallsOf(scan, config.file.dir);
  if (!calls.length) return `\`ingress = var.${variable}\` and no module call in the repo sets it`;
  const out: Generator[] = [];
  for (const call of calls) {
    const arg = findAttribute(blockBody(call.block), variable);
    if (!arg) return `module "${blockLabels(call.block)[0]}" (${at(scan, call.file, call.block)}) does not set ${variable}`;
    const g = fromForExpr(scan, call.file, attributeValue(arg)!);
    if (typeof g === 'string') return g;
    out.push(g);
  }
  return out;
}
