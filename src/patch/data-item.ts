// The new item of a data-driven collection, written like its siblings (one line or one attribute
// per line, attribute order, numbers bare), and the DNS resource that derives from the collection.
import { attributeName, blockBody, bodyAttributes, findAttribute, attributeValue, objectElemKey, objectElemValue, objectElems, staticString, unwrap, findObjectElem, isObject } from './hcl-nodes.js';
import { evaluateFilter, inclusionOf, type FilterItem } from './dns-filter.js';
import type { Node } from 'web-tree-sitter';
import type { CollectionItem, Generator } from './generator.js';
import { KEY, VALUE } from './invert.js';
import type { RepoModel } from './model.js';
import { alignedAttributes, desiredAccess, hclString, markerComment } from './render.js';
import { moduleCallsOf, type RepoScan } from './repo-scan.js';
import { resolveString } from './tf-values.js';
import type { RepoPatchInput } from './types.js';

export interface ItemValue {
  /** The plain value (a hostname, a port, a label). */
  text: string;
  /** HCL to write instead of the quoted text (e.g. `"docker-mcp.${local.domain}"`). */
  hcl?: string;
  isHostname?: boolean;
  /** This attribute carries the Access settings (origin_request). */
  access?: boolean;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function valueHcl(g: Generator, attr: string, v: ItemValue, input: RepoPatchInput): string {
  if (v.access) {
    const a = desiredAccess(input.access)!;
    return `{ access = { required = ${a.required}, team_name = ${a.teamName}, aud_tag = ${a.audTag} } }`;
  }
  if (v.hcl) return v.hcl;
  // Numbers stay numbers when the siblings write them bare (`port = 80`).
  const sibling = g.collection.items.map((i) => findObjectElem(i.object, attr)).find(Boolean);
  const bare = sibling && /^\d+$/.test(unwrap(objectElemValue(sibling))?.text ?? '');
  return bare && /^\d+$/.test(v.text) ? v.text : hclString(v.text);
}

/** The item (list element, or `key = {…}` for a map) at `indent`, optionally with our marker comment. */
export function renderItem(g: Generator, values: Map<string, ItemValue>, input: RepoPatchInput, indent: string, withMarker = false): string {
  const model = g.collection.items.find((i) => objectElems(i.object).length > 1) ?? g.collection.items[0];
  const order = model ? objectElems(model.object).map(objectElemKey) : [];
  const attrs = [...order.filter((a) => values.has(a)), ...[...values.keys()].filter((a) => a !== KEY && !order.includes(a))];
  const pairs: [string, string][] = attrs.map((a) => [a, valueHcl(g, a, values.get(a)!, input)]);
  const oneLine = model ? model.object.startPosition.row === model.object.endPosition.row : false;
  const body = oneLine
    ? `{ ${pairs.map(([k, v]) => `${k} = ${v}`).join(', ')} }`
    : ['{', ...alignedAttributes(pairs, `${indent}  `), `${indent}}`].join('\n');
  const key = values.get(KEY)?.text;
  const head = g.collection.isMap ? `${key && IDENT.test(key) ? key : hclString(key ?? '')} = ` : '';
  const marker = withMarker ? `${indent}${markerComment}\n` : '';
  // A plain (string) item is just the value.
  const item = g.collection.scalar ? hclString(values.get(VALUE)?.text ?? '') : body;
  return `${marker}${indent}${head}${item}`;
}

/**
 * The DNS resource whose for_each iterates over the collection, and whether it provably makes a
 * record for `item` (its `if` filter evaluated with the item's values; null: not proven either way).
 * References are compared whole (`local.tunnel_services` never matches `local.tunnel_services_public`).
 */
export function derivedDns(model: RepoModel, g: Generator, item: FilterItem): { name: string; included: boolean | null } | null {
  for (const dns of model.dns) {
    const forEach = findAttribute(blockBody(dns.block), 'for_each');
    if (!forEach || !model.scan) continue;
    // The collection itself, or a module's `var.x` where the call passes this collection as x.
    // A literal module argument is the child's `var.x` itself (review 3 finding 1: b5).
    const refs = dns.file.dir === g.collection.file.dir || (g.collection.kind === 'argument' && g.dir === dns.file.dir) ? [g.collection.ref] : [];
    for (const call of moduleCallsOf(model.scan, dns.file.dir)) {
      if (call.file.dir !== g.collection.file.dir) continue;
      for (const arg of bodyAttributes(blockBody(call.block))) {
        if (unwrap(attributeValue(arg))?.text.trim() === g.collection.ref) refs.push(`var.${attributeName(arg)}`);
      }
    }
    for (const ref of refs) {
      const inc = inclusionOf(attributeValue(forEach), ref);
      if (!inc) continue;
      const name = `${dns.type}.${dns.name}`;
      return { name, included: inc === 'all' ? true : evaluateFilter(model.scan, dns.file.dir, inc, item) };
    }
  }
  return null;
}

/** A literal's value for a DNS filter: strings, numbers, bools, null; undefined for anything else. */
function literalOf(node: Node | undefined): string | number | boolean | null | undefined {
  const n = unwrap(node);
  if (!n) return undefined;
  const s = staticString(n);
  if (s !== null) return s;
  const t = n.text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'null') return null;
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : undefined;
}

/** An item already in the collection, as a DNS `if` filter sees it (`"x.${local.domain}"` resolved). */
export async function existingItem(scan: RepoScan, dir: string, item: CollectionItem): Promise<FilterItem> {
  const values = new Map<string, string | number | boolean | null | undefined>();
  for (const elem of isObject(item.object) ? objectElems(item.object) : []) {
    const value = objectElemValue(elem);
    values.set(objectElemKey(elem), (await resolveString(scan, dir, value)) ?? literalOf(value));
  }
  return { key: item.key, has: (name) => values.has(name), attr: (name) => values.get(name) };
}

/** The item about to be added (or null when it could not be built: nothing is proven then). */
export function newItem(values: Map<string, ItemValue> | null): FilterItem {
  return {
    key: values?.get(KEY)?.text ?? null,
    has: (name) => (values ? values.has(name) : null),
    attr: (name) => {
      const v = values?.get(name);
      if (!v || v.access) return undefined;
      return /^\d+$/.test(v.text) && !v.isHostname ? Number(v.text) : v.text;
    },
  };
}
