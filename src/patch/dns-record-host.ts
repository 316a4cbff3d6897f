// Rules that take their hostname from a DNS record (review 2, finding 16, Z4-v4-hostname-from-record):
// `hostname = cloudflare_record.home.hostname`. Provider v4's cloudflare_record exports `hostname`,
// "The FQDN of the record" (terraform-provider-cloudflare v4 docs, resources/record.md, attributes);
// v5's cloudflare_dns_record has no such attribute, so only cloudflare_record is followed. The
// docker-mcp rule is written the same way, from the record planDns clones (or an earlier run's), so
// its hostname and its DNS name are one value by construction.
import type { Node } from 'web-tree-sitter';
import { attributeValue, blockBody, findAttribute, staticString, unwrap } from './hcl-nodes.js';
import { isCatchAll } from './ingress-hcl.js';
import type { DnsResource, RepoModel, TfTunnelConfig } from './model.js';

const REF = /^cloudflare_record\.([A-Za-z_][\w-]*)\.hostname$/;

const nameOf = (dns: DnsResource): string | null => {
  const attr = findAttribute(blockBody(dns.block), 'name');
  return attr ? (staticString(attributeValue(attr))?.toLowerCase() ?? null) : null;
};

/** The per-host `cloudflare_record`s of the config's module that its rules take hostnames from. */
export function referencedRecords(model: RepoModel, config: TfTunnelConfig): DnsResource[] {
  if (config.source.kind !== 'literal') return [];
  const names = config.source.list.rules
    .filter((r) => !isCatchAll(r) && r.hostname)
    .map((r) => REF.exec(unwrap(r.hostname as Node)?.text.trim() ?? '')?.[1])
    .filter((n): n is string => n !== undefined);
  return model.dns.filter((d) => d.type === 'cloudflare_record' && d.file.dir === config.file.dir && names.includes(d.name) && !d.forEach);
}

/**
 * The record whose `hostname` the docker-mcp rule takes: one named with the host's first label
 * (written by an earlier run), else `fresh` (the resource name planDns will give its clone); null
 * when the rules do not take their hostnames from records.
 */
export function recordHostRef(model: RepoModel, config: TfTunnelConfig, host: string, fresh: string): { ref: string; exists: boolean } | null {
  const referenced = referencedRecords(model, config);
  if (!referenced.length) return null;
  const label = host.toLowerCase().split('.')[0]!;
  // Only a record pointing where the referenced ones do (this tunnel): an A record of that name is not it.
  const targets = new Set(referenced.map((d) => d.target));
  const mine = model.dns.find((d) => d.type === 'cloudflare_record' && d.file.dir === config.file.dir && !d.forEach && targets.has(d.target) && (nameOf(d) === label || nameOf(d) === host.toLowerCase()));
  return mine ? { ref: `cloudflare_record.${mine.name}.hostname`, exists: true } : { ref: `cloudflare_record.${fresh}.hostname`, exists: false };
}
