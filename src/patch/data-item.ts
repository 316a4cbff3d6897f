// The new item of a data-driven collection, written like its siblings (one line or one attribute
// per line, attribute order, numbers bare), and the DNS resource that derives from the collection.
import { blockBody, findAttribute, attributeValue, objectElemKey, objectElemValue, objectElems, unwrap, findObjectElem } from './hcl-nodes.js';
import type { Generator } from './generator.js';
import { KEY, VALUE } from './invert.js';
import type { RepoModel } from './model.js';
import { alignedAttributes, desiredAccess, hclString, markerComment } from './render.js';
import { moduleCallsOf } from './repo-scan.js';
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

function valueHcl(g: Generator, attr: string, v: ItemValue, input: RepoPatchInput): string {
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

/** `cloudflare_dns_record.services` when a DNS resource iterates over the same collection. */
export function derivedDns(model: RepoModel, g: Generator): string | null {
  for (const dns of model.dns) {
    if (!dns.forEach) continue;
    if (dns.file.dir === g.collection.file.dir && dns.forEach.includes(g.collection.ref)) return `${dns.type}.${dns.name}`;
    // A module's DNS over `var.x`, where the call passes this collection as x.
    const variable = /var\.([A-Za-z_][\w-]*)/.exec(dns.forEach)?.[1];
    if (!variable || !model.scan) continue;
    const passes = moduleCallsOf(model.scan, dns.file.dir).some((call) => {
      const arg = findAttribute(blockBody(call.block), variable);
      return call.file.dir === g.collection.file.dir && unwrap(arg ? attributeValue(arg) : undefined)?.text.trim() === g.collection.ref;
    });
    if (passes) return `${dns.type}.${dns.name}`;
  }
  return null;
}
