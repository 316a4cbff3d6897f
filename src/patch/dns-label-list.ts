// DNS from a label list (issue 17 behaviour 4): a record with `for_each = toset(local.x)` (or an
// inline `toset([…])`) over a list of strings gets one more item, the docker-mcp name. Used by
// dns-plan.ts for literal tunnel configs, and by dns-collection-list.ts for configs whose rules come
// from a collection while the DNS comes from a separate list (review 3, finding 14).
import type { Node } from 'web-tree-sitter';
import { servicesEdits, type TextEdit } from './hcl-edits.js';
import type { Generator } from './generator.js';
import { invert, KEY } from './invert.js';
import { attributeValue, blockBody, findAttribute, isTuple, namedChildren, staticString, tupleElements, unwrap } from './hcl-nodes.js';
import type { DnsResource, RepoModel } from './model.js';
import type { TfFile } from './repo-scan.js';
import { localDefinition } from './tf-values.js';

export interface LabelListEdit {
  ref: string;
  file: TfFile;
  label: string;
  edits: TextEdit[];
  /** The zone the label assumes, when neither the record nor the rules prove it (a status caveat). */
  assumedZone: string | null;
}

/** The zone's domain, from a list item that is a rule's hostname or its first labels. */
function zoneFromHosts(items: string[], hosts: string[]): string | null {
  for (const name of items) {
    for (const host of hosts) if (host.startsWith(`${name}.`)) return host.slice(name.length + 1);
  }
  return null;
}

/**
 * How a record named plainly `each.key`/`each.value` writes its names, from the list's OWN items
 * (review 3, finding 15): all bare labels (`grafana`) → a label; all FQDNs → an FQDN. Mixed or empty
 * lists say nothing, so the full hostname is written: Cloudflare reads a name in its zone either way,
 * and the FQDN never depends on which zone that is. The rules' hostnames never decide it (e3: a
 * wildcard rule `*.example.com` beside `toset(["grafana", "wiki"])` gave an FQDN among labels).
 */
export function plainNameIsLabel(items: string[]): boolean {
  const names = items.filter((i) => i !== '@');
  return names.length > 0 && names.every((i) => !i.includes('.'));
}

/**
 * A record with `for_each = toset(local.x)` over a list of strings: the label that makes its `name`
 * the hostname, and the edit adding it; a note when the list's names cannot give the hostname.
 * `zone`: the record's proven zone (dns-zone.ts), else null; `ruleHosts` only find a zone for labels.
 */
export async function labelList(model: RepoModel, dns: DnsResource, host: string, ruleHosts: string[], zone: string | null): Promise<LabelListEdit | string | null> {
  const local = /^(?:toset\()?\s*(local\.[A-Za-z_][\w-]*)\s*\)?$/.exec(dns.forEach ?? '')?.[1];
  const nameAttr = findAttribute(blockBody(dns.block), 'name');
  const def = local ? localDefinition(model.scan!, dns.file.dir, local.slice('local.'.length)) : inlineList(dns);
  const ref = local ?? 'toset([…])';
  const tuple = unwrap(def?.value);
  if (!def || !nameAttr || !isTuple(tuple) || !tupleElements(tuple).every((e) => staticString(e) !== null)) return null;
  const items = tupleElements(tuple).map((e) => staticString(e)!);
  // each.key and each.value are the same string for a set.
  const g = { keyVar: 'each.key', valueVar: 'each', dir: dns.file.dir } as unknown as Generator;
  const bound = await invert(model.scan!, g, attributeValue(nameAttr)!, host);
  const values = typeof bound === 'string' ? [] : [...bound.values()];
  const same = values.length > 0 && values.every((v) => v === values[0]);
  let label = same ? values[0] : undefined;
  let assumedZone: string | null = null;
  // `name = each.key` over ["grafana", "wiki"]: names relative to the record's zone; the label is
  // the host less that zone (proven by the record, else by a rule's hostname, else assumed).
  if (label === host && plainNameIsLabel(items)) {
    const known = zone && !zone.startsWith('${') ? zone : zoneFromHosts(items, ruleHosts);
    if (known) label = host.endsWith(`.${known}`) ? host.slice(0, -known.length - 1) : undefined;
    else {
      label = host.split('.')[0];
      assumedZone = host.slice(label!.length + 1);
    }
  }
  if (!label || (typeof bound !== 'string' && [...bound.keys()].some((k) => k !== KEY && k !== 'value' && k !== 'key'))) {
    return `${dns.type}.${dns.name} makes its names from ${ref} as ${attributeValue(nameAttr)!.text}, which cannot give ${host}; "${host.split('.')[0]}" was not added to ${ref}.`;
  }
  return { ref, file: def.file, label, edits: servicesEdits(def.file.text, tuple, label, null), assumedZone };
}

/** `for_each = toset(["grafana", "wiki"])` (one line or one label per line): the list in the record itself. */
function inlineList(dns: DnsResource): { file: TfFile; value: Node } | undefined {
  const forEach = findAttribute(blockBody(dns.block), 'for_each');
  const call = unwrap(forEach ? attributeValue(forEach) : undefined);
  if (call?.type !== 'function_call' || namedChildren(call)[0]?.text !== 'toset') return undefined;
  const args = namedChildren(namedChildren(call).find((c) => c.type === 'function_arguments')).filter((c) => c.type === 'expression');
  return args.length === 1 && isTuple(unwrap(args[0])) ? { file: dns.file, value: args[0]! } : undefined;
}
