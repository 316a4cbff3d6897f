// DNS records that are already there (review 2, findings 6, 7 and 16), before planDns clones one:
// - a record with the host's name (any type): a CNAME to this tunnel covers it; anything else
//   blocks the CNAME (Cloudflare: "A CNAME record cannot exist on the same name as any other record
//   type", developers.cloudflare.com/dns/manage-dns-records/troubleshooting/records-with-same-name/),
//   so the DNS part is refused naming it while the tunnel rule is still written;
// - the record an earlier run wrote for the old hostname (re-run with another --domain-suffix or
//   --tunnel-hostname): renamed in place, never left stale beside a new clone;
// - `count = length(local.hosts)` with `name = local.hosts[count.index]`: the label goes into that list.
import { servicesEdits } from './hcl-edits.js';
import type { DnsPlan } from './dns-plan.js';
import { inZone, sameName, zoneRefFor, type RecordView } from './dns-zone.js';
import { attributeValue, blockBody, findAttribute, isTuple, staticString, tupleElements, unwrap } from './hcl-nodes.js';
import type { RepoModel } from './model.js';
import { hclString } from './render.js';
import { localDefinition } from './tf-values.js';

const label = (host: string): string => host.split('.')[0]!;
const shown = (v: RecordView): string => `${v.where}, type ${v.recordType ?? '?'}${v.dns.target ? `, ${v.dns.targetField} ${v.dns.target}` : ''}`;

/** true when a record already has the host's name: covered, or the DNS part refused (notes say which). */
export function existingRecord(views: RecordView[], host: string, out: DnsPlan): boolean {
  for (const proof of ['yes', 'maybe'] as const) {
    const found = views.filter((v) => sameName(v, host) === proof);
    if (!found.length) continue;
    const cname = found.find((v) => v.toTunnel && v.recordType === 'CNAME');
    const zone = found[0]!.zone;
    const unsure = proof === 'maybe' ? (zone ? `if ${zone} is the zone of ${host}` : `if its zone_id is the zone of ${host}`) : '';
    if (cname && found.length === 1) {
      out.status = `from ${cname.dns.type}.${cname.dns.name} in ${cname.dns.file.relPath}${unsure ? ` (${unsure})` : ''}`;
      out.notes.push(
        unsure
          ? `DNS: ${cname.where} is named "${cname.name}" in zone_id ${cname.zoneRef}, a CNAME to this tunnel; ${unsure}, it already is the record for ${host}, so none was added (the repo does not prove that zone).`
          : `DNS: ${cname.where} already is the record for ${host}, a CNAME to this tunnel; none was added.`,
      );
      return true;
    }
    const other = found.find((v) => v !== cname)!;
    out.notes.push(
      `DNS NOT added: a record ${label(host)} already exists${unsure ? ` ${unsure}` : ''} (${shown(other)}); Cloudflare rejects a CNAME beside another record of the same name. ` +
        `The tunnel rule was written; make that record a CNAME to this tunnel (proxied) or remove it, then run init again.`,
    );
    return true;
  }
  return false;
}

/**
 * The record an earlier run wrote for `own.fqdn` (the old hostname): renamed (and moved to the
 * host's zone when another record proves that zone's id) in place. false when the repo shows no
 * zone for the new host: the notes say exactly what to change, and planDns prints the record.
 */
export function ownRecord(views: RecordView[], own: RecordView, host: string, out: DnsPlan): boolean {
  const nameAttr = findAttribute(blockBody(own.dns.block), 'name');
  const zoneAttr = findAttribute(blockBody(own.dns.block), 'zone_id');
  const nameValue = nameAttr ? attributeValue(nameAttr) : undefined;
  const zoneValue = zoneAttr ? attributeValue(zoneAttr) : undefined;
  const sameZone = own.zone && !own.zone.startsWith('${') && inZone(host, own.zone) && host !== own.zone ? own.zone : null;
  const otherRef = sameZone ? null : zoneRefFor(views, host, own.dns.file.dir);
  const zone = sameZone ?? views.find((v) => v.zoneRef === otherRef && v.dns.file.dir === own.dns.file.dir)?.zone ?? null;
  if (!nameValue || !zoneValue || !zone) {
    out.notes.push(
      `DNS NOT updated: ${own.where} is the record for ${own.fqdn} (the docker-mcp rule's old hostname), in zone_id ${own.zoneRef}; ` +
        `the repo does not show the zone id of ${host}. Set its zone_id to that zone and its name to ${hclString(host)} (or remove it and add the record below), then run init again.`,
    );
    return false;
  }
  // Full name or label, as the record wrote it before.
  const full = own.name !== null && own.zone !== null && inZone(own.name, own.zone) && own.name !== '@';
  const name = full ? hclString(host) : hclString(host.slice(0, -zone.length - 1));
  const file = own.dns.file;
  out.edits.push({ file, edit: { start: nameValue.startIndex, end: nameValue.endIndex, text: name } });
  if (otherRef) out.edits.push({ file, edit: { start: zoneValue.startIndex, end: zoneValue.endIndex, text: otherRef } });
  out.status = `from ${own.dns.type}.${own.dns.name} in ${file.relPath}`;
  out.notes.push(`DNS: ${own.where}, the record for the old hostname ${own.fqdn}, now has name ${name}${otherRef ? ` and zone_id ${otherRef} (the zone of ${host})` : ''}.`);
  return true;
}

/**
 * `count = length(local.x)` with `name = local.x[count.index]`: the host's label appended to local.x,
 * at the END. count addresses records by position (`cloudflare_record.tunnel[2]`): an element inserted
 * in the middle shifts every later index, and Terraform would destroy and re-create those records.
 */
export function countList(model: RepoModel, views: RecordView[], host: string, ruleHosts: string[], oldHost: string | null, out: DnsPlan): boolean {
  for (const v of views.filter((r) => r.toTunnel && !r.perHost && !r.dns.forEach)) {
    const count = /^length\(\s*local\.([A-Za-z_][\w-]*)\s*\)$/.exec(unwrap(attributeValue(findAttribute(blockBody(v.dns.block), 'count')!))?.text.trim() ?? '');
    const nameAttr = findAttribute(blockBody(v.dns.block), 'name');
    if (!count || unwrap(nameAttr ? attributeValue(nameAttr) : undefined)?.text.replace(/\s/g, '') !== `local.${count[1]}[count.index]`) continue;
    const def = localDefinition(model.scan!, v.dns.file.dir, count[1]!);
    const tuple = unwrap(def?.value);
    const labels = isTuple(tuple) ? tupleElements(tuple).map((e) => staticString(e)) : [];
    if (!def || !isTuple(tuple) || !labels.length || labels.some((l) => l === null)) continue;
    // The zone: every label of the list is the first label of a rule host under one domain.
    const zones = new Set(labels.flatMap((l) => ruleHosts.filter((h) => h.startsWith(`${l}.`)).map((h) => h.slice(l!.length + 1))));
    const zone = v.zone && !v.zone.startsWith('${') ? v.zone : zones.size === 1 ? [...zones][0]! : null;
    if (!zone || !inZone(host, zone) || host === zone) continue;
    const wanted = host.slice(0, -zone.length - 1);
    const old = oldHost && inZone(oldHost, zone) && oldHost !== host ? oldHost.slice(0, -zone.length - 1) : null;
    const edits = servicesEdits(def.file.text, tuple, wanted, old);
    out.edits.push(...edits.map((edit) => ({ file: def.file, edit })));
    out.status = `from ${v.dns.type}.${v.dns.name} (count over local.${count[1]})`;
    out.notes.push(
      edits.length
        ? `DNS: "${wanted}" ${old && labels.includes(old) ? `replaces "${old}" in` : 'added at the end of'} local.${count[1]} (${def.file.relPath}), which ${v.dns.type}.${v.dns.name} counts over (at the end, so no other record's count.index changes).`
        : `DNS: "${wanted}" is already in local.${count[1]} (${def.file.relPath}), which ${v.dns.type}.${v.dns.name} counts over.`,
    );
    return true;
  }
  return false;
}
