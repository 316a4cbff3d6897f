// DNS for a rule added to a collection (`concat([for name, url in local.services : …], [404])`) when
// the repo's records come from a separate list (`for_each = toset(local.public_names)`): the label
// goes into that list, as dns-plan.ts does for written-out rules (review 3, finding 14). Without it
// the user got "No DNS record is generated from local.services" and a snippet beside the list the
// repo already keeps its public names in.
import type { TextEdit } from './hcl-edits.js';
import { labelList } from './dns-label-list.js';
import { planDns, tunnelPattern, tunnelRef } from './dns-plan.js';
import { recordViews } from './dns-zone.js';
import type { RepoModel, TfTunnelConfig } from './model.js';
import type { TfFile } from './repo-scan.js';
import type { Snippet } from './types.js';
import { callerTunnel } from './dns-caller.js';

export interface CollectionListDns {
  /** For docker-mcp.tf's status line; null when the user must add the record (a snippet). */
  status: string | null;
  notes: string[];
  snippets: Snippet[];
  /** Edits to files other than the collection's (those go into its own edit list). */
  others: (readonly [TfFile, TextEdit[]])[];
}

/**
 * The label list of a record to this tunnel, with the docker-mcp label added (or already there);
 * null when no such record or list proves the name (the caller prints a snippet then). Edits to
 * `file` (the collection's file) are pushed onto `edits`, so both land in one applied text.
 */
export async function collectionListDns(model: RepoModel, config: TfTunnelConfig, host: string, file: TfFile, edits: TextEdit[]): Promise<CollectionListDns | null> {
  const ref = tunnelRef(config);
  if (!ref || !model.scan) return null;
  const views = await recordViews(model, [], [], tunnelPattern(ref));
  for (const { dns, zone } of views.filter((v) => v.toTunnel && v.dns.forEach)) {
    const listed = await labelList(model, dns, host, [], zone);
    if (!listed || typeof listed === 'string') continue;
    const caveat = listed.assumedZone ? `, if its zone_id is the zone of ${listed.assumedZone}` : '';
    const done = listed.edits.length ? 'added to' : 'is already in';
    const where = listed.ref.startsWith('local.') ? `${listed.ref} (${listed.file.relPath}), which ${dns.type}.${dns.name} iterates over` : `the for_each list of ${dns.type}.${dns.name} (${listed.file.relPath})`;
    if (listed.file.path === file.path) edits.push(...listed.edits);
    return {
      status: `from ${dns.type}.${dns.name} (its for_each list ${listed.ref}${caveat})`,
      snippets: [],
      notes: [`DNS: "${listed.label}" ${done} ${where}${listed.assumedZone ? `; the list's names are labels, so the record is ${host} only if its zone_id is the zone of ${listed.assumedZone}` : ''}.`],
      others: listed.file.path === file.path || !listed.edits.length ? [] : [[listed.file, listed.edits] as const],
    };
  }
  // The list is a module argument: the caller's records, the caller's references.
  const caller = callerTunnel(model, config, file);
  if (!caller) return null;
  const dns = await planDns(model, caller.config, host, caller.hosts, caller.ref);
  const others = new Map<TfFile, TextEdit[]>();
  for (const { file: target, edit } of dns.edits) {
    if (target.path === file.path) edits.push(edit);
    else others.set(target, [...(others.get(target) ?? []), edit]);
  }
  return { status: dns.status, notes: dns.notes, snippets: dns.snippets, others: [...others].map(([f, e]) => [f, e] as const) };
}
