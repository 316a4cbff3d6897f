// Which zone each DNS record is in, as far as the repo PROVES it (review 2, findings 5 and 7).
// A record's zone_id is an opaque id (`var.net_zone_id`); its domain is proven only by:
// - the record's own name paired with the tunnel's rules: `name = "wiki"` when `wiki.example.net` is
//   the only rule host with that first label (or `name = "wiki.example.net"`, a full name);
// - another record with the same zone_id expression proven that way (zone ids are per zone);
// - `zone_id = data.cloudflare_zone.x.id` whose data source selects the zone by a literal name.
// Two records named `grafana` under two zone ids while rules serve both grafana.example.com and
// grafana.example.net prove nothing: the zone is then unknown, and nothing is cloned into it.
// When the rules write `"grafana.${var.domain}"` with var.domain unknown, the zone is `${var.domain}`
// (a symbolic domain): not the answers' domain, but enough to see that a record `docker-mcp` in that
// zone has the name the rules would give docker-mcp (ZD-v4-unresolved-domain-existing).
import { attributeValue, blockBody, findAttribute, staticString, unwrap } from './hcl-nodes.js';
import type { DnsResource, RepoModel } from './model.js';
import { zoneName } from './tf-data-sources.js';
import { resolveString } from './tf-values.js';

export interface RecordView {
  dns: DnsResource;
  /** The resolved `name`; null when the repo does not prove it (`local.hosts[count.index]`). */
  name: string | null;
  /** The zone_id expression as written, e.g. `var.zone_id`. */
  zoneRef: string | null;
  /** The proven zone: a domain (`example.com`), a symbolic one (`${var.domain}`), or null. */
  zone: string | null;
  /** The record's full name under that zone (`docker-mcp.${var.domain}` when symbolic); null when unknown. */
  fqdn: string | null;
  /** `CNAME`, `A`, … as written; null when not a literal. */
  recordType: string | null;
  /** Its value/content is this tunnel. */
  toTunnel: boolean;
  /** One record per resource: no for_each, no count over a list. */
  perHost: boolean;
  /** `cloudflare_record.mcp (main.tf:59)`, for people. */
  where: string;
}

/** `"grafana.${var.domain}"` with var.domain unresolved: the label and the symbolic domain. */
const SYMBOLIC = /^"([A-Za-z0-9-]+)\.(\$\{[^{}"]+\})"$/;

export function symbolicHost(written: string): { label: string; domain: string } | null {
  const m = SYMBOLIC.exec(written.trim());
  return m ? { label: m[1]!.toLowerCase(), domain: m[2]! } : null;
}

const attrNode = (dns: DnsResource, name: string) => {
  const attr = findAttribute(blockBody(dns.block), name);
  return attr ? attributeValue(attr) : undefined;
};

/** Whether `count` makes several records (`count = length(local.hosts)`), not a 0/1 switch. */
export function countsOverList(dns: DnsResource): boolean {
  const count = unwrap(attrNode(dns, 'count'))?.text ?? '';
  return /^length\(/.test(count.trim());
}

/** `domain` is the zone of `fqdn`'s kind: `lab.example.com` holds `x.lab.example.com`. */
export const inZone = (fqdn: string, zone: string): boolean => fqdn === zone || fqdn.endsWith(`.${zone}`);

/**
 * Every DNS record of the repo with its proven zone. `ruleHosts`: the rules' proven hostnames;
 * `symbolic`: the written hostnames of rules the repo does not resolve (`"grafana.${var.domain}"`).
 */
export async function recordViews(model: RepoModel, ruleHosts: string[], symbolic: string[], tunnel: RegExp | null): Promise<RecordView[]> {
  const scan = model.scan!;
  const hosts = ruleHosts.map((h) => h.toLowerCase());
  const symbols = symbolic.map(symbolicHost).filter((s): s is { label: string; domain: string } => s !== null);
  const base = await Promise.all(
    model.dns.map(async (dns) => {
      const nameNode = attrNode(dns, 'name');
      const name = nameNode ? ((await resolveString(scan, dns.file.dir, nameNode))?.toLowerCase() ?? null) : null;
      const zoneRef = unwrap(attrNode(dns, 'zone_id'))?.text.trim() ?? null;
      // What the record's name alone says about its zone.
      const own = new Set<string>();
      if (name && name !== '@') {
        for (const host of hosts) {
          // A full name: the apex when other rule hosts sit below it (`example.com` beside
          // `api.example.com`), else its parent; never a bare TLD (no zone is "com").
          if (host === name && name.includes('.')) {
            const apex = hosts.some((h) => h.endsWith(`.${name}`));
            const parent = name.slice(name.indexOf('.') + 1);
            if (apex || parent.includes('.')) own.add(apex ? name : parent);
          }
          else if (host.startsWith(`${name}.`)) own.add(host.slice(name.length + 1));
        }
        for (const s of symbols) if (s.label === name) own.add(s.domain);
        // A full name that is no rule's (`*.example.com`): its zone is what follows its first label,
        // when the rules show that domain (so `grafana.lab`, relative to some zone, proves nothing).
        const rest = name.slice(name.indexOf('.') + 1);
        if (!own.size && name.includes('.') && hosts.some((h) => h.endsWith(`.${rest}`))) own.add(rest);
      }
      const data = zoneRef ? await zoneName(scan, dns.file.dir, zoneRef.replace(/\.id$/, '.name'), 0) : null;
      if (data && zoneRef?.endsWith('.id')) own.add(data);
      const perHost = !dns.forEach && !countsOverList(dns);
      const typeNode = attrNode(dns, 'type');
      return {
        dns, name, zoneRef, own, perHost,
        recordType: typeNode ? (staticString(typeNode)?.toUpperCase() ?? null) : null,
        toTunnel: tunnel !== null && dns.target !== null && tunnel.test(dns.target),
        where: `${dns.type}.${dns.name} (${dns.file.relPath}:${dns.block.startPosition.row + 1})`,
      };
    }),
  );
  // Zone ids are per zone: a zone_id expression (per module) proven by one record holds for all.
  const byRef = new Map<string, Set<string>>();
  const key = (b: (typeof base)[number]): string | null => (b.zoneRef ? `${b.dns.file.dir}\0${b.zoneRef}` : null);
  for (const b of base) {
    const k = key(b);
    if (!k || b.own.size !== 1) continue;
    const set = byRef.get(k) ?? new Set<string>();
    set.add([...b.own][0]!);
    byRef.set(k, set);
  }
  return base.map((b): RecordView => {
    const k = key(b);
    const refZones = k ? byRef.get(k) : undefined;
    const zone = refZones ? (refZones.size === 1 ? [...refZones][0]! : null) : !k && b.own.size === 1 ? [...b.own][0]! : null;
    return { dns: b.dns, name: b.name, zoneRef: b.zoneRef, zone, fqdn: fullName(b.name, zone), recordType: b.recordType, toTunnel: b.toTunnel, perHost: b.perHost, where: b.where };
  });
}

/** `@` is the apex; a name ending in the zone is already full (Cloudflare accepts both forms). */
function fullName(name: string | null, zone: string | null): string | null {
  if (!name) return null;
  if (!zone) return name.includes('.') ? name : null;
  if (name === '@') return zone;
  return inZone(name, zone) ? name : `${name}.${zone}`;
}

/**
 * Whether `view` has `host`'s name: 'yes' when proven; 'maybe' when the record's name is the host's
 * label under a zone the repo does not prove to be another one (symbolic, or unknown); else 'no'.
 */
export function sameName(view: RecordView, host: string): 'yes' | 'maybe' | 'no' {
  const h = host.toLowerCase();
  if (view.fqdn === h) return 'yes';
  const label = h.split('.')[0]!;
  if (view.zone?.startsWith('${')) return view.fqdn === `${label}.${view.zone}` ? 'maybe' : 'no';
  if (view.zone === null && view.name === label) return 'maybe';
  return 'no';
}

/** The zone_id expression whose zone is proven to hold `host` (one only), and a record showing it. */
export function zoneRefFor(views: RecordView[], host: string, dir: string): string | null {
  const refs = new Set(views.filter((v) => v.dns.file.dir === dir && v.zone && !v.zone.startsWith('${') && inZone(host, v.zone) && host !== v.zone && v.zoneRef).map((v) => v.zoneRef!));
  return refs.size === 1 ? [...refs][0]! : null;
}
