// A small evaluator for the HCL subset the rendered module uses, over the tree-sitter parse tree:
// enough to turn main.tf + variable values into concrete resources for the parity test. Anything
// outside the subset throws, so the module cannot quietly grow past what the test understands.
import { createHash } from 'node:crypto';
import type { Node } from 'web-tree-sitter';

export type Value = null | string | number | boolean | Value[] | { [k: string]: Value };
export type Scope = Record<string, Value>;

/** Scalars as Terraform's tostring() writes them; collections as JSON (never "[object Object]"). */
const str = (v: Value): string => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));
const named = (n: Node): Node[] => n.namedChildren.filter((c): c is Node => c !== null);
const ident = (n: Node): string => n.text;

function sortKeys(v: Value): Value {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k]!)]));
  return v;
}

/**
 * An error Terraform itself would raise while evaluating (regex without a match, an index out of
 * range): try() and can() catch these and only these, so an expression this evaluator does not
 * support still fails the test instead of being swallowed.
 */
export class TerraformError extends Error {}

/** Terraform's regex(): the match without capture groups, a list of captures with unnamed ones. */
function regex(pattern: Value, subject: Value): Value {
  if (typeof pattern !== 'string' || typeof subject !== 'string') throw new Error('regex() takes two strings');
  if (/\(\?P?</.test(pattern)) throw new Error('named capture groups are not supported');
  const m = new RegExp(pattern).exec(subject);
  if (!m) throw new TerraformError(`regex: pattern did not match any part of the given string`);
  return m.length > 1 ? m.slice(1).map((g) => g ?? null) : m[0];
}

const functions: Record<string, (...args: Value[]) => Value> = {
  regex,
  lookup: (map, key, fallback) => {
    const m = map as Record<string, Value>;
    return Object.prototype.hasOwnProperty.call(m, key as string) ? m[key as string]! : (fallback ?? null);
  },
  tostring: (v) => (v === null ? null : str(v)),
  merge: (...maps) => Object.assign({}, ...maps.filter((m) => m !== null)) as Value,
  contains: (list, v) => (list as Value[]).includes(v),
  // Terraform returns a map's keys in lexicographical order.
  keys: (m) => Object.keys(m as object).sort(),
  length: (v) => (Array.isArray(v) ? v.length : typeof v === 'string' ? v.length : Object.keys(v as object).length),
  jsonencode: (v) => JSON.stringify(sortKeys(v)),
  sha256: (v) => createHash('sha256').update(str(v)).digest('hex'),
};

function binary(op: string, a: Value, b: Value): Value {
  switch (op) {
    case '==': return JSON.stringify(a) === JSON.stringify(b);
    case '!=': return JSON.stringify(a) !== JSON.stringify(b);
    case '&&': return Boolean(a) && Boolean(b);
    case '||': return Boolean(a) || Boolean(b);
    case '>': return (a as number) > (b as number);
    case '<': return (a as number) < (b as number);
    case '>=': return (a as number) >= (b as number);
    case '<=': return (a as number) <= (b as number);
    case '+': return (a as number) + (b as number);
    case '-': return (a as number) - (b as number);
    default: throw new Error(`operator ${op} not supported`);
  }
}

function stringLit(n: Node, scope: Scope): string {
  // The grammar leaves the spaces next to an interpolation out of every node: copy the source between
  // parts (the rendered templates are ASCII, so byte offsets are string offsets).
  const parts = named(n).filter((p) => p.type === 'template_literal' || p.type === 'template_interpolation');
  let out = '';
  let cursor = n.startIndex + 1;
  for (const part of parts) {
    out += n.text.slice(cursor - n.startIndex, part.startIndex - n.startIndex);
    out += part.type === 'template_literal' ? part.text : str(evaluate(named(part).find((c) => c.type === 'expression')!, scope));
    cursor = part.endIndex;
  }
  return out + n.text.slice(cursor - n.startIndex, n.text.length - 1);
}

/** A primary expression followed by `.attr` and `[index]` postfixes. */
function chain(nodes: Node[], scope: Scope): Value {
  const [head, ...postfix] = nodes;
  let value = evaluate(head!, scope);
  for (const p of postfix) {
    if (p.type === 'get_attr') value = (value as Record<string, Value>)[ident(named(p)[0]!)] ?? null;
    else if (p.type === 'index') {
      const i = evaluate(named(named(p)[0]!)[0]!, scope) as number;
      if (!Array.isArray(value) || i >= value.length) throw new TerraformError(`Invalid index ${i}`);
      value = value[i]!;
    }
    else throw new Error(`postfix ${p.type} not supported`);
  }
  return value;
}

export function evaluate(node: Node, scope: Scope): Value {
  switch (node.type) {
    case 'expression': return chain(named(node), scope);
    case 'literal_value': return evaluate(named(node)[0]!, scope);
    case 'numeric_lit': return Number(node.text);
    case 'bool_lit': return node.text === 'true';
    case 'null_lit': return null;
    case 'string_lit':
    case 'quoted_template': return stringLit(node, scope);
    case 'template_expr': return evaluate(named(node)[0]!, scope);
    case 'variable_expr': {
      const name = ident(named(node)[0]!);
      if (!(name in scope)) throw new Error(`unknown name ${name}`);
      return scope[name]!;
    }
    case 'collection_value': return evaluate(named(node)[0]!, scope);
    case 'tuple': return named(node).filter((c) => c.type === 'expression').map((c) => evaluate(c, scope));
    case 'object': {
      const out: Record<string, Value> = {};
      for (const elem of named(node).filter((c) => c.type === 'object_elem')) {
        const key = elem.childForFieldName('key')!;
        const keyNode = named(key)[0]!;
        // A bare identifier key is a literal name, not a variable reference.
        const k = keyNode.type === 'variable_expr' && named(key).length === 1 ? keyNode.text : str(evaluate(key, scope));
        out[k] = evaluate(elem.childForFieldName('val')!, scope);
      }
      return out;
    }
    case 'function_call': {
      const [name, args] = named(node);
      const argNodes = args ? named(args) : [];
      // try() and can() evaluate their arguments themselves, catching only Terraform's own errors.
      if (name!.text === 'try' || name!.text === 'can') {
        for (const arg of argNodes) {
          try {
            const v = evaluate(arg, scope);
            if (name!.text === 'can') return true;
            return v;
          } catch (error) {
            if (!(error instanceof TerraformError)) throw error;
            if (name!.text === 'can') return false;
          }
        }
        throw new TerraformError('try: no expression succeeded');
      }
      const fn = functions[ident(name!)];
      if (!fn) throw new Error(`function ${name!.text} not supported`);
      return fn(...argNodes.map((a) => evaluate(a, scope)));
    }
    case 'conditional': {
      const [cond, yes, no] = named(node);
      return evaluate(cond!, scope) ? evaluate(yes!, scope) : evaluate(no!, scope);
    }
    case 'operation': return evaluate(named(node)[0]!, scope);
    case 'unary_operation': {
      const op = node.children.find((c) => c && !c.isNamed)!.text;
      const v = chain(named(node), scope);
      return op === '!' ? !v : -(v as number);
    }
    case 'binary_operation': {
      // Operands are flat sibling chains (`var` `.x` `!=` `""`), split at the operator token.
      const children = node.children.filter((c): c is Node => c !== null && c.type !== 'comment');
      const at = children.findIndex((c) => !c.isNamed);
      const op = children[at]!.text;
      return binary(op, chain(children.slice(0, at), scope), chain(children.slice(at + 1), scope));
    }
    case 'for_expr': {
      const inner = named(node)[0]!;
      if (inner.type !== 'for_object_expr') throw new Error('only for-object expressions are supported');
      const [intro, keyExpr, valExpr, cond] = named(inner).filter((c) => c.type !== 'object_start' && c.type !== 'object_end');
      const [k, v, source] = named(intro!);
      const out: Record<string, Value> = {};
      for (const [key, value] of Object.entries(evaluate(source!, scope) as Record<string, Value>)) {
        const s = { ...scope, [k!.text]: key, [v!.text]: value };
        if (cond && !evaluate(named(cond)[0]!, s)) continue;
        out[str(evaluate(keyExpr!, s))] = evaluate(valExpr!, s);
      }
      return out;
    }
    default:
      throw new Error(`expression ${node.type} not supported: ${node.text.slice(0, 60)}`);
  }
}

export interface Block {
  type: string;
  labels: string[];
  attributes: Record<string, Value>;
  blocks: Block[];
}

/** Evaluates a body: attributes, nested blocks, and `dynamic` blocks expanded with their iterator. */
export function evalBody(body: Node | null, scope: Scope, lazy = new Set(['depends_on'])): Omit<Block, 'type' | 'labels'> {
  const attributes: Record<string, Value> = {};
  const blocks: Block[] = [];
  for (const item of body ? named(body) : []) {
    if (item.type === 'attribute') {
      const [name, expr] = named(item);
      if (lazy.has(name!.text)) continue;
      attributes[name!.text] = evaluate(expr!, scope);
    } else if (item.type === 'block') {
      const parts = named(item);
      const type = parts[0]!.text;
      const labels = parts.filter((p) => p.type === 'string_lit').map((p) => stringLit(p, scope));
      const inner = parts.find((p) => p.type === 'body') ?? null;
      if (type === 'dynamic') {
        const label = labels[0]!;
        const forEach = named(inner!).find((p) => p.type === 'attribute' && named(p)[0]!.text === 'for_each')!;
        const content = named(inner!).find((p) => p.type === 'block' && named(p)[0]!.text === 'content')!;
        const items = evaluate(named(forEach)[1]!, scope) as Value[];
        items.forEach((value, key) => {
          const s = { ...scope, [label]: { key, value } };
          blocks.push({ type: label, labels: [], ...evalBody(named(content).find((p) => p.type === 'body') ?? null, s) });
        });
      } else {
        blocks.push({ type, labels, ...evalBody(inner, scope, type === 'lifecycle' ? new Set(['condition', 'depends_on']) : lazy) });
      }
    }
  }
  return { attributes, blocks };
}
