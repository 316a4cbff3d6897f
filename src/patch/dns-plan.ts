// DNS for a literal tunnel config, the repo's own way (issue 17 behaviour 4), tried in this order:
// a record that already has the hostname's name (covers it, or blocks a CNAME: dns-existing.ts); the
// record an earlier run wrote for the old hostname (renamed in place); a wildcard record that already
// covers the hostname; one more record cloned from the repo's per-host records for this tunnel, only
// from one whose zone the repo proves to be the hostname's (dns-zone.ts, review 2 finding 5), or from
// the records the rules take their hostnames from (dns-record-host.ts); a label in a for_each or count
// list; otherwise a snippet whose every reference exists in the repo (its proven zone_id expression,
// its tunnel target, `value` or `content` as the repo writes them).
// The `services = [ … ]` list (our seed's layout) is handled before this, in plan-terraform.ts.
import type { Node } from 'web-tree-sitter';
import type { TextEdit } from './hcl-edits.js';
import { attributeValue, blockBody, blockLabels, findAttribute } from './hcl-nodes.js';
import type { DnsResource, RepoModel, TfTunnelConfig } from './model.js';
import { hclString } from './render.js';
import type { TfFile } from './repo-scan.js';
import type { Snippet } from './types.js';
import { zoneIdFromData } from './tf-data-sources.js';
import { countList, existingRecord, ownRecord } from './dns-existing.js';
import { inZone, recordViews, zoneRefFor, type RecordView } from './dns-zone.js';
import { recordHostRef, referencedRecords } from './dns-record-host.js';
import { labelList } from './dns-label-list.js';
import { resolveString } from './tf-values.js';

export interface DnsPlan {
  edits: { file: TfFile; edit: TextEdit }[];
  notes: string[];
  snippets: Snippet[];
  /** For docker-mcp.tf's status line: where the record comes from; null when the user must add it. */
  status: string | null;
}

const attrText = (block: Node, name: string): string | null => {
  const attr = findAttribute(blockBody(block), name);
  return attr ? (attributeValue(attr)?.text ?? null) : null;
};

/** `cloudflare_tunnel.homelab` from `tunnel_id = cloudflare_tunnel.homelab.id`; `var.tunnel_id` as is. */
export function tunnelRef(config: TfTunnelConfig): string | null {
  const id = attrText(config.block, 'tunnel_id');
  return id ? id.replace(/\.id$/, '') : null;
}

/** The whole reference: `cloudflare_tunnel.homelab` must not match `cloudflare_tunnel.homelab2.cname`. */
export const tunnelPattern = (ref: string): RegExp => new RegExp(`(^|[^\\w.-])${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`);

/** The written hostnames of the config's rules the repo does not resolve (`"grafana.${var.domain}"`). */
async function unresolvedHosts(model: RepoModel, config: TfTunnelConfig): Promise<string[]> {
  if (config.source.kind !== 'literal' || !model.scan) return [];
  const out: string[] = [];
  for (const rule of config.source.list.rules) {
    if (rule.hostname && (await resolveString(model.scan, config.file.dir, rule.hostname)) === null) out.push(rule.hostname.text);
  }
  return out;
}

/**
 * `ref`: the tunnel resource (`cloudflare_tunnel.home`) when `config` is not a tunnel config (sibling-config.ts).
 * `oldHost`: the hostname of the rule init wrote (marked) before this run changes it (a re-run with another
 * --domain-suffix / --tunnel-hostname), so the record an earlier run wrote for it is updated, not left stale.
 */
export async function planDns(model: RepoModel, config: TfTunnelConfig, host: string, ruleHosts: string[], ref = tunnelRef(config), oldHost: string | null = null): Promise<DnsPlan> {
  const out: DnsPlan = { edits: [], notes: [], snippets: [], status: null };
  const refPattern = ref ? tunnelPattern(ref) : null;
  const moved = oldHost && oldHost !== host ? oldHost : null;
  // The old hostname does not pair with records: the run that wrote it may have been wrong about its zone.
  const views = await recordViews(model, ruleHosts, await unresolvedHosts(model, config), refPattern);
  // init's record from an earlier run: the old hostname's, or (that run's answers already in the
  // rule) a record init named (freeName) with our label, to this tunnel, still in the old zone.
  // Only in a zone the repo proves to be another one: a record in an unknown zone may be the host's own.
  const ours = (v: RecordView): boolean =>
    /^docker_mcp(_gateway(_\d+)?)?$/.test(v.dns.name) && v.name === host.split('.')[0] && v.zone !== null && !v.zone.startsWith('${') && !inZone(host, v.zone);
  const oldLabel = moved?.toLowerCase().split('.')[0];
  const wasOurs = (v: RecordView): boolean => v.fqdn === moved!.toLowerCase() || (v.zone === null && v.name === oldLabel && /^docker_mcp(_gateway(_\d+)?)?$/.test(v.dns.name));
  const own = oldHost ? views.find((v) => v.perHost && v.toTunnel && (moved ? wasOurs(v) : ours(v))) : undefined;
  if (existingRecord(views.filter((v) => v !== own && v.perHost), host, out)) return out;
  const named = views.filter((v) => v.toTunnel);
  if (own && ownRecord(views, own, host, out)) return out;
  if (own) {
    out.snippets.push(dnsSnippet(model, config, host, ref, zoneRefFor(views, host, config.file.dir), named.find((n) => n.dns.targetField)?.dns));
    return out;
  }
  const covering = named.find((n) => n.perHost && n.fqdn && recordCovers(n.fqdn, host));
  const deep = named.find((n) => n.perHost && n.fqdn && recordCovers(n.fqdn, host, true));
  if (!covering && deep) {
    out.notes.push(
      `${deep.dns.type}.${deep.dns.name} (${deep.fqdn}) answers DNS for ${host}, but Cloudflare's Universal SSL certificate covers one level of subdomain only; ` +
        `so it is not counted as covering ${host}; proxied HTTPS for ${host} needs an advanced or custom edge certificate (a record alone does not give one).`,
    );
  }
  if (covering) {
    out.status = `from ${covering.dns.type}.${covering.dns.name} in ${covering.dns.file.relPath}`;
    out.notes.push(`DNS: ${covering.dns.type}.${covering.dns.name} (${covering.dns.file.relPath}) already covers ${host}.`);
    return out;
  }
  // Only a record whose zone the repo proves to be the host's (finding 5): cloned elsewhere, the
  // record would be docker-mcp.<another zone> while the rule and public_url say the host.
  const siblings = named.filter((n) => n.perHost && n.name && !n.name.startsWith('*') && n.zone && !n.zone.startsWith('${') && inZone(host, n.zone) && host !== n.zone);
  // An apex record (`@`, or the zone's own name) says nothing about how the repo writes a subdomain's name.
  const sibling = siblings.find((n) => n.name !== '@' && n.name !== n.zone) ?? siblings[0];
  if (sibling) {
    const zone = { zone: sibling.zone!, fqdn: inZone(sibling.name!, sibling.zone!) && sibling.name !== sibling.zone };
    const nameValue = attributeValue(findAttribute(blockBody(sibling.dns.block), 'name')!)!;
    cloneRecord(model, sibling, cloneName(nameValue.text, sibling.name!, zone, host, host.slice(0, -zone.zone.length - 1)), out);
    return out;
  }
  // Rules written `hostname = cloudflare_record.home.hostname` (Z4): the docker-mcp rule takes the
  // clone's hostname (plan-terraform.ts), so the record is cloned even when its zone is not proven;
  // the rule and the record cannot disagree, and the note says what the public URL assumes.
  const styled = recordHostRef(model, config, host, freeName(model, 'cloudflare_record', config.file.dir));
  const referenced = referencedRecords(model, config);
  const base = styled && !styled.exists ? named.find((n) => n.perHost && n.name && referenced.includes(n.dns)) : undefined;
  if (base) {
    const first = host.split('.')[0]!;
    cloneRecord(model, base, hclString(first), out);
    // As existingRecord says it on the next run (the status line must not change: a no-op re-run).
    out.status += ` (if its zone_id is the zone of ${host})`;
    out.notes.push(
      `The rules take their hostnames from their records, so the docker-mcp rule takes ${styled!.ref}; the repo does not prove that zone_id ${base.zoneRef} is ${host.slice(first.length + 1)}'s zone: ` +
        `if it is another zone, the record and the rule are ${first}.<that zone>, and the gateway's public URL must be changed to match (--domain-suffix <that zone>).`,
    );
    return out;
  }
  const unproven = named.filter((n) => n.perHost && n.name && !n.zone);
  if (unproven.length) {
    out.notes.push(`Not cloned from ${unproven.map((n) => n.where).join(', ')}: the repo does not prove which zone ${unproven.length > 1 ? 'their zone_id expressions are' : 'its zone_id is'}, so a copy could land in another zone than ${host}'s.`);
  }
  for (const { dns, zone } of named.filter((n) => n.dns.forEach)) {
    const listed = await labelList(model, dns, host, ruleHosts, zone);
    if (!listed) continue;
    if (typeof listed === 'string') {
      out.notes.push(listed);
      continue;
    }
    out.edits.push(...listed.edits.map((edit) => ({ file: listed.file, edit })));
    out.status = `from ${dns.type}.${dns.name} (its for_each list ${listed.ref}${listed.assumedZone ? `, if its zone_id is the zone of ${listed.assumedZone}` : ''})`;
    const done = listed.edits.length ? 'added to' : 'is already in';
    const where = listed.ref.startsWith('local.') ? `${listed.ref} (${listed.file.relPath}), which ${dns.type}.${dns.name} iterates over` : `the for_each list of ${dns.type}.${dns.name} (${listed.file.relPath})`;
    out.notes.push(`DNS: "${listed.label}" ${done} ${where}.`);
    return out;
  }
  if (countList(model, views, host, ruleHosts, moved, out)) return out;
  const dataZone = await zoneIdFromData(model.scan!, config.file.dir, host);
  out.snippets.push(dnsSnippet(model, config, host, ref, dataZone ?? zoneRefFor(views, host, config.file.dir), named.find((n) => n.dns.targetField)?.dns));
  out.notes.push(`No DNS record in this repo covers ${host}, and none could be added in its style; add the record below yourself.`);
  return out;
}

/** One more record exactly like `sibling`, named `name`, at the end of its file. */
function cloneRecord(model: RepoModel, sibling: RecordView, name: string, out: DnsPlan): void {
  const block = sibling.dns.block;
  const labels = blockLabels(block);
  const nameValue = attributeValue(findAttribute(blockBody(block), 'name')!)!;
  const text = sibling.dns.file.text;
  const free = freeName(model, sibling.dns.type, sibling.dns.file.dir);
  const clone = `${text.slice(block.startIndex, nameValue.startIndex)}${name}${text.slice(nameValue.endIndex, block.endIndex)}`.replace(`"${labels[1]}"`, `"${free}"`);
  const end = text.length;
  const gap = text.endsWith('\n') ? '\n' : '\n\n';
  out.edits.push({ file: sibling.dns.file, edit: { start: end, end, text: `${gap}${clone}\n` } });
  out.status = `from ${sibling.dns.type}.${free} in ${sibling.dns.file.relPath}`;
  out.notes.push(`DNS: a ${sibling.dns.type} "${free}" like ${sibling.dns.type}.${labels[1]} (${sibling.dns.file.relPath}), name ${name}.`);
}

/**
 * The clone's `name` in the sibling's style: `"grafana.${data.cloudflare_zone.main.name}"` (resolved
 * to grafana.example.com, so the `${…}` is proven to be the zone) gives `"docker-mcp.${…}"`;
 * otherwise the literal FQDN or label the sibling's kind of name takes.
 */
function cloneName(written: string, resolved: string, zone: { zone: string; fqdn: boolean }, host: string, label: string): string {
  if (!zone.fqdn) return hclString(label);
  const styled = /^"([A-Za-z0-9-]+)\.(\$\{[^{}"]+\})"$/.exec(written.trim());
  const proven = styled && resolved === `${styled[1]}.${zone.zone}` && host.endsWith(`.${zone.zone}`);
  return proven ? `"${host.slice(0, -zone.zone.length - 1)}.${styled[2]}"` : hclString(host);
}

/**
 * Whether a record named `pattern` serves `host` through Cloudflare's proxy (review 1, finding 11).
 * A wildcard's DNS answer is multi-level ("A record *.example.com … would cover abc.example.com as
 * well as 123.abc.example.com", developers.cloudflare.com/dns/manage-dns-records/reference/
 * wildcard-dns-records/), but the proxied name also needs an edge certificate, and Universal SSL
 * covers "the root domain … and first-level subdomains"; "deeper subdomains … will not serve a
 * valid certificate" (developers.cloudflare.com/ssl/edge-certificates/universal-ssl/limitations/).
 * So `*.example.com` covers exactly one more label; `dnsOnly` answers the DNS question alone.
 */
export function recordCovers(pattern: string, host: string, dnsOnly = false): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return true;
  if (!p.startsWith('*.') || !h.endsWith(p.slice(1))) return false;
  const labels = h.slice(0, h.length - p.length + 1);
  return labels.length > 0 && (dnsOnly || !labels.includes('.'));
}

/**
 * A resource name no record of that type in the module uses yet (review 1, finding 3): a second
 * `resource "cloudflare_record" "docker_mcp"` is a Terraform error ("Duplicate resource").
 */
export function freeName(model: RepoModel, type: DnsResource['type'], dir: string): string {
  const taken = new Set(model.dns.filter((d) => d.type === type && d.file.dir === dir).map((d) => d.name));
  for (const name of ['docker_mcp', 'docker_mcp_gateway']) if (!taken.has(name)) return name;
  let n = 2;
  while (taken.has(`docker_mcp_gateway_${n}`)) n++;
  return `docker_mcp_gateway_${n}`;
}

/**
 * A record in the repo's terms: its resource type, zone_id expression and tunnel target; the full name.
 * `zone`: the zone_id expression proven to be the host's zone (dns-zone.ts), or null for a
 * placeholder; undefined (callers that have not proven it): the repo's one zone_id expression when
 * every record uses the same, else a placeholder — never a zone of another domain (finding 5).
 * `like`: a record of this tunnel, whose target the snippet writes the same way (`….cname`, finding 16).
 */
export function dnsSnippet(model: RepoModel, config: TfTunnelConfig, host: string, ref: string | null = tunnelRef(config), zone?: string | null, given?: DnsResource): Snippet {
  const v5 = config.version === 'v5';
  // Callers without a record in hand (plan-data.ts): a record of the repo pointing at this tunnel.
  const like = given ?? (ref ? model.dns.find((d) => d.target !== null && tunnelPattern(ref).test(d.target)) : undefined);
  const type = like?.type ?? (v5 ? 'cloudflare_dns_record' : 'cloudflare_record');
  const sameType = model.dns.filter((d) => d.type === type);
  const refs = new Set(sameType.map((d) => attrText(d.block, 'zone_id')).filter((z): z is string => z !== null));
  const zoneId = zone !== undefined ? zone : refs.size === 1 ? [...refs][0]! : null;
  const field = like?.targetField ?? sameType.find((d) => d.targetField)?.targetField ?? 'content';
  // The tunnel id exactly as the config itself writes it (`cloudflare_tunnel.x.id`, `var.tunnel_id`).
  // A module output (dns-caller.ts) is already the id.
  const id = attrText(config.block, 'tunnel_id') ?? (ref ? (ref.startsWith('module.') ? ref : `${ref}.id`) : null);
  const target = like?.target ?? (id ? `"\${${id}}.cfargotunnel.com"` : '"<tunnel id>.cfargotunnel.com"');
  const lines = [
    `resource "${type}" "${freeName(model, type, config.file.dir)}" {`,
    `  zone_id = ${zoneId ?? '"<zone id of the zone that holds ' + host + '>"'}`,
    `  name    = ${hclString(host)}`,
    '  type    = "CNAME"',
    `  ${field.padEnd(7)} = ${target}`,
    ...(type === 'cloudflare_dns_record' ? ['  ttl     = 1'] : []),
    '  proxied = true',
    '}',
  ];
  const note = zoneId?.startsWith('data.cloudflare_zone.')
    ? `zone_id from ${zoneId.replace(/\.id$/, '')}, whose name is proven to be ${host}'s zone`
    : zoneId && zone
      ? `zone_id ${zoneId}, proven by the repo's records to be the zone of ${host}`
      : zoneId
        ? `zone_id as the repo's other records set it (${zoneId}); it must be the zone of ${host}`
        : refs.size
          ? `the repo does not prove that ${refs.size > 1 ? `any of its zone_id expressions (${[...refs].join(', ')})` : `its zone_id ${[...refs][0]!}`} is the zone of ${host}`
          : 'no record in the repo to copy the zone from';
  return { title: `DNS record for ${host} (${note})`, where: `next to ${config.address}`, language: 'hcl', text: `${lines.join('\n')}\n` };
}
