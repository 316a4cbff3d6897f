// Whether a DNS resource's for_each provably includes one item of a collection (review 1, finding 4).
// `for_each = local.x` (or toset/keys of it) includes every item; `{ for k, v in local.x : k => v if
// <cond> }` includes the item only when <cond> is proven true for it. The condition is evaluated
// from literals alone (the item's attributes and key, literal locals): contains(), ==, !=, !, &&,
// ||, parentheses, lookup()/try() with a literal default, <, <=, >, >= on numbers, length() of a
// string or list literal (`[…]` too). Anything else is "unproven", never a guess.
import type { Node } from 'web-tree-sitter';
import { isTuple, namedChildren, staticString, tupleElements, unwrap } from './hcl-nodes.js';
import type { RepoScan } from './repo-scan.js';
import { localDefinition } from './tf-values.js';

type Val = string | number | boolean | null | Val[] | { unknown: true };
const UNKNOWN: Val = { unknown: true };
const isUnknown = (v: Val): v is { unknown: true } => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface FilterItem {
  key: string | null;
  /** An attribute's literal value; undefined when the item does not set it or it is not a literal. */
  attr: (name: string) => Val | undefined;
  /** Whether the item sets the attribute at all (null: not known), for lookup()'s default. */
  has: (name: string) => boolean | null;
}

export type Inclusion = 'all' | { cond: Node; keyVar: string | null; valueVar: string } | null;

/** How `for_each` iterates over `ref`: every item, a filtered for, or not over `ref` at all. */
export function inclusionOf(forEach: Node | undefined, ref: string): Inclusion {
  let node = unwrap(forEach);
  // toset(…), keys(…), toset(keys(…)): still one element per item.
  while (node?.type === 'function_call' && ['toset', 'keys', 'tomap'].includes(namedChildren(node)[0]?.text ?? '')) {
    const args = namedChildren(namedChildren(node).find((c) => c.type === 'function_arguments')).filter((c) => c.type === 'expression');
    if (args.length !== 1) return null;
    node = unwrap(args[0]);
  }
  if (!node) return null;
  if (node.text.trim() === ref) return 'all';
  // merge(local.a, local.b): every item of each map is in it (a later map's key wins; the new
  // item's key is free, so it is ours).
  if (node.type === 'function_call' && namedChildren(node)[0]?.text === 'merge') {
    const args = namedChildren(namedChildren(node).find((c) => c.type === 'function_arguments')).filter((c) => c.type === 'expression');
    if (args.some((a) => unwrap(a)?.text.trim() === ref)) return 'all';
  }
  const forObj = node.type === 'for_expr' ? namedChildren(node)[0] : undefined;
  if (!forObj || (forObj.type !== 'for_object_expr' && forObj.type !== 'for_tuple_expr')) return null;
  const intro = namedChildren(forObj).find((c) => c.type === 'for_intro');
  const vars = namedChildren(intro).filter((c) => c.type === 'identifier').map((c) => c.text);
  const over = namedChildren(intro).find((c) => c.type === 'expression')?.text.trim();
  if (over !== ref || !vars.length) return null;
  const cond = namedChildren(namedChildren(forObj).find((c) => c.type === 'for_cond')).find((c) => c.type === 'expression');
  if (!cond) return 'all';
  return { cond, keyVar: vars.length === 2 ? vars[0]! : null, valueVar: vars.at(-1)! };
}

/** true/false when the item's values prove it, null when they do not. */
export function evaluateFilter(scan: RepoScan, dir: string, inc: Exclude<Inclusion, 'all' | null>, item: FilterItem): boolean | null {
  const tokens = inc.cond.text.match(/"(?:[^"\\]|\\.)*"|&&|\|\||==|!=|>=|<=|[<>]|[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*|\d+(?:\.\d+)?|[()!,[\]]/g) ?? [];
  if (tokens.join('').replace(/\s/g, '') !== inc.cond.text.replace(/\s/g, '')) return null;
  let i = 0;
  const local = (name: string): Val => {
    const tuple = unwrap(localDefinition(scan, dir, name)?.value);
    if (!isTuple(tuple)) return UNKNOWN;
    const items = tupleElements(tuple).map((e) => staticString(e));
    return items.every((s) => s !== null) ? (items) : UNKNOWN;
  };
  const ref = (t: string): Val => {
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'null') return null;
    if (inc.keyVar && t === inc.keyVar) return item.key ?? UNKNOWN;
    if (t.startsWith(`${inc.valueVar}.`)) return item.attr(t.slice(inc.valueVar.length + 1)) ?? UNKNOWN;
    if (t.startsWith('local.')) return local(t.slice('local.'.length));
    return UNKNOWN;
  };
  const call = (fn: string): Val => {
    const args: string[][] = [];
    const start = i;
    let depth = 0;
    for (; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t === '(' || t === '[') depth++;
      if ((t === ')' || t === ']') && --depth === 0 && t === ')') break;
    }
    const inner = tokens.slice(start + 1, i++);
    let cur: string[] = [];
    let d = 0;
    for (const t of inner) {
      if (t === '(' || t === '[') d++;
      if (t === ')' || t === ']') d--;
      if (t === ',' && d === 0) {
        args.push(cur);
        cur = [];
      } else cur.push(t);
    }
    args.push(cur);
    const sub = (ts: string[]): Val => evaluateTokens(ts);
    if (fn === 'contains' && args.length === 2) {
      const [list, x] = [sub(args[0]!), sub(args[1]!)];
      return Array.isArray(list) && !isUnknown(x) ? list.includes(x) : UNKNOWN;
    }
    if (fn === 'length' && args.length === 1) {
      const v = sub(args[0]!);
      // Terraform counts a string's characters (grapheme clusters; code points are the same for these).
      return typeof v === 'string' ? [...v].length : Array.isArray(v) ? v.length : UNKNOWN;
    }
    if ((fn === 'lookup' || fn === 'try') && args.length >= 2) {
      const attr = fn === 'lookup' ? args[0]!.join('') === inc.valueVar && sub(args[1]!) : null;
      if (typeof attr === 'string' && item.has(attr) === false) return sub(args.at(-1)!);
      const first = fn === 'try' ? sub(args[0]!) : typeof attr === 'string' ? (item.attr(attr) ?? UNKNOWN) : UNKNOWN;
      return first;
    }
    return UNKNOWN;
  };
  const primary = (): Val => {
    const t = tokens[i++];
    if (t === undefined) return UNKNOWN;
    if (t === '!') {
      const v = primary();
      return typeof v === 'boolean' ? !v : UNKNOWN;
    }
    if (t === '(') {
      const v = or();
      i++;
      return v;
    }
    if (t === '[') {
      // A literal list: `[ "a", "b" ]`, for contains()/length().
      const list: Val[] = [];
      while (tokens[i] !== ']' && i < tokens.length) {
        list.push(or());
        if (tokens[i] === ',') i++;
        else if (tokens[i] !== ']') return UNKNOWN;
      }
      i++;
      return list.some((v) => isUnknown(v)) ? UNKNOWN : list;
    }
    if (t.startsWith('"')) return t.includes('${') ? UNKNOWN : (JSON.parse(t) as string);
    if (/^\d/.test(t)) return Number(t);
    if (tokens[i] === '(') return call(t);
    return ref(t);
  };
  // Comparison binds tighter than equality in HCL; it is defined on numbers only.
  const rel = (): Val => {
    const a = primary();
    const op = tokens[i];
    if (op !== '<' && op !== '<=' && op !== '>' && op !== '>=') return a;
    i++;
    const b = primary();
    if (typeof a !== 'number' || typeof b !== 'number') return UNKNOWN;
    return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
  };
  const eq = (): Val => {
    const a = rel();
    if (tokens[i] !== '==' && tokens[i] !== '!=') return a;
    const op = tokens[i++];
    const b = rel();
    if (isUnknown(a) || isUnknown(b) || Array.isArray(a) || Array.isArray(b)) return UNKNOWN;
    return op === '==' ? a === b : a !== b;
  };
  const and = (): Val => {
    let v = eq();
    while (tokens[i] === '&&') {
      i++;
      const w = eq();
      v = v === false || w === false ? false : v === true && w === true ? true : UNKNOWN;
    }
    return v;
  };
  const or = (): Val => {
    let v = and();
    while (tokens[i] === '||') {
      i++;
      const w = and();
      v = v === true || w === true ? true : v === false && w === false ? false : UNKNOWN;
    }
    return v;
  };
  function evaluateTokens(ts: string[]): Val {
    const [saved, savedTokens] = [i, tokens.slice()];
    tokens.splice(0, tokens.length, ...ts);
    i = 0;
    const v = or();
    const complete = i === ts.length;
    tokens.splice(0, tokens.length, ...savedTokens);
    i = saved;
    return complete ? v : UNKNOWN;
  }
  const result = or();
  return i === tokens.length && typeof result === 'boolean' ? result : null;
}
