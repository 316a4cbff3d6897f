// Runs a generated rule's attribute expression both ways. Forward: what hostname an existing item
// produces (for the never-matching check). Backward: which item values produce the hostname and
// service the user asked for, by matching the expression's template against the wanted string
// (`"${s.protocol}://${s.host}:${s.port}"` against `http://gw.ns.svc.cluster.local:8080`).
// Only literal text, item attributes, the key, and provable var./local. values take part.
import type { Node } from 'web-tree-sitter';
import { findObjectElem, namedChildren, objectElemValue, staticString, unwrap } from './hcl-nodes.js';
import type { CollectionItem, Generator } from './generator.js';
import type { RepoScan } from './repo-scan.js';
import { resolveString } from './tf-values.js';

/** `#key` stands for the item's key, `#value` for a plain (string) item itself; anything else is an attribute. */
export const KEY = '#key';
export const VALUE = '#value';
type Part = { lit: string } | { slot: string };

function slotOf(g: Generator, text: string): string | null {
  const t = text.trim();
  if (g.keyVar && t === g.keyVar) return KEY;
  if (t === g.valueVar) return VALUE;
  // valueVar may be `ingress_rule.value` or `local.x[name]` (for name in keys(local.x)).
  const attr = new RegExp(`^${escape(g.valueVar)}\\.([A-Za-z_][\\w-]*)$`).exec(t)?.[1];
  return attr ?? null;
}

function args(node: Node): Node[] {
  return namedChildren(namedChildren(node).find((c) => c.type === 'function_arguments')).filter((c) => c.type === 'expression');
}

async function parts(scan: RepoScan, g: Generator, expr: Node | undefined): Promise<Part[] | string> {
  const node = unwrap(expr);
  if (!node) return 'empty expression';
  const literal = staticString(node);
  if (literal !== null) return [{ lit: literal }];
  const slot = slotOf(g, node.text);
  if (slot) return [{ slot }];
  if (node.type === 'function_call') {
    // lookup(item, "x", default) and try(item.x, default) read one attribute.
    const [fn, a] = [namedChildren(node)[0]?.text, args(node)];
    if (fn === 'lookup' && a[0]?.text.trim() === g.valueVar) {
      const key = staticString(a[1]);
      if (key) return [{ slot: key }];
    }
    if (fn === 'try' && a[0]) {
      const first = slotOf(g, a[0].text);
      if (first) return [{ slot: first }];
    }
    return `\`${node.text}\` is a function the patcher does not evaluate`;
  }
  if (/^(var|local)\.[\w-]+$/.test(node.text.trim())) {
    const value = await resolveString(scan, g.dir, node);
    return value === null ? `the value of ${node.text.trim()} is not proven by the repo` : [{ lit: value }];
  }
  if (node.type !== 'template_expr') return `\`${node.text.split('\n')[0]}\` is not a template the patcher can read`;
  const out: Part[] = [];
  for (const part of namedChildren(namedChildren(node)[0])) {
    if (part.type === 'template_literal') out.push({ lit: part.text });
    else if (part.type === 'template_interpolation') {
      const inner = await parts(scan, g, namedChildren(part).find((c) => c.type === 'expression'));
      if (typeof inner === 'string') return inner;
      out.push(...inner);
    } else if (part.type !== 'quoted_template_start' && part.type !== 'quoted_template_end') return `\`${node.text}\` has a template directive`;
  }
  return out;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Item values (KEY and attributes) that make `expr` evaluate to `wanted`; a string says why not. */
export async function invert(scan: RepoScan, g: Generator, expr: Node, wanted: string): Promise<Map<string, string> | string> {
  const ps = await parts(scan, g, expr);
  if (typeof ps === 'string') return ps;
  const slots = ps.filter((p): p is { slot: string } => 'slot' in p).map((p) => p.slot);
  const lastSlot = ps.findLastIndex((p) => 'slot' in p);
  const source = ps.map((p, i) => ('lit' in p ? escape(p.lit) : i === lastSlot ? '(.+)' : '(.+?)')).join('');
  const match = new RegExp(`^${source}$`).exec(wanted);
  if (!match) return `\`${expr.text}\` cannot produce "${wanted}"`;
  const out = new Map<string, string>();
  for (const [i, slot] of slots.entries()) {
    const value = match[i + 1]!;
    if (out.has(slot) && out.get(slot) !== value) return `\`${expr.text}\` uses ${slot} twice with different values`;
    out.set(slot, value);
  }
  return out;
}

/** What `expr` gives for an existing item; null when not provable. */
export async function evaluate(scan: RepoScan, g: Generator, expr: Node, item: CollectionItem): Promise<string | null> {
  const ps = await parts(scan, g, expr);
  if (typeof ps === 'string') return null;
  let out = '';
  for (const p of ps) {
    if ('lit' in p) out += p.lit;
    else if (p.slot === KEY) {
      if (item.key === null) return null;
      out += item.key;
    } else if (p.slot === VALUE) {
      const value = staticString(item.object);
      if (value === null) return null;
      out += value;
    } else {
      const elem = findObjectElem(item.object, p.slot);
      const value = elem ? await resolveString(scan, g.collection.file.dir, objectElemValue(elem)) : null;
      if (value === null) return null;
      out += value;
    }
  }
  return out;
}
