// `data.cloudflare_zone.<n>.name` as a proven string (review 1, finding 10): repos write hostnames as
// `"grafana.${data.cloudflare_zone.main.name}"`. The zone's name is known without the API only when
// the data source selects it by a literal name:
// - provider v4: `name = "example.com"` (data source arguments `name`/`zone_id`/`account_id`);
// - provider v5: `filter = { name = "example.com" }` — checked in cloudflare/terraform-provider-cloudflare
//   internal/services/zone/data_source_schema.go: `filter` (name, account, status, match, order,
//   direction) or `zone_id`, exactly one; `name`, `id` computed. A filter name may carry an operator
//   (`starts_with:…`) and `match = "any"` widens the search, so only a plain name under the default
//   match is taken as the zone's name.
import type { Node } from 'web-tree-sitter';
import { attributeValue, blockBody, blockLabels, findAttribute, findObjectElem, isObject, objectElemValue, unwrap } from './hcl-nodes.js';
import { topBlocks, type RepoScan } from './repo-scan.js';
import { resolveString } from './tf-values.js';

const ZONE_NAME = /^data\.cloudflare_zone\.([A-Za-z_][\w-]*)\.name$/;

/** The `data "cloudflare_zone" "<name>"` block of the module at `dir`, if exactly one. */
export function zoneDataBlock(scan: RepoScan, dir: string, name: string): Node | undefined {
  const found = scan.files
    .filter((f) => f.dir === dir)
    .flatMap((f) => topBlocks(f, 'data').filter((b) => blockLabels(b)[0] === 'cloudflare_zone' && blockLabels(b)[1] === name));
  return found.length === 1 ? found[0] : undefined;
}

/** The domain `data.cloudflare_zone.<n>.name` is, when the data source proves it; otherwise null. */
export async function zoneName(scan: RepoScan, dir: string, text: string, depth: number): Promise<string | null> {
  const ref = ZONE_NAME.exec(text.trim());
  const block = ref ? zoneDataBlock(scan, dir, ref[1]!) : undefined;
  if (!block) return null;
  const body = blockBody(block);
  if (findAttribute(body, 'zone_id')) return null;
  const v4 = findAttribute(body, 'name');
  if (v4) return domain(await resolveString(scan, dir, attributeValue(v4), depth + 1));
  const filterAttr = findAttribute(body, 'filter');
  const filter = unwrap(filterAttr ? attributeValue(filterAttr) : undefined);
  if (!isObject(filter)) return null;
  const match = findObjectElem(filter, 'match');
  if (match && (await resolveString(scan, dir, objectElemValue(match), depth + 1)) !== 'all') return null;
  const name = findObjectElem(filter, 'name');
  return name ? domain(await resolveString(scan, dir, objectElemValue(name), depth + 1)) : null;
}

/** A plain domain name; `starts_with:ex` (a v5 filter operator) or anything else is not. */
const domain = (value: string | null): string | null => (value && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value) ? value.toLowerCase() : null);

/**
 * `data.cloudflare_zone.<n>.id` for the zone that holds `host`, when exactly one zone data source of
 * the module proves it. `id` is the zone's identifier in both providers (v4 SDK sets it to the zone
 * id; v5 `id` is computed "Identifier", while v5 `zone_id` stays null when `filter` selects the zone).
 */
export async function zoneIdFromData(scan: RepoScan, dir: string, host: string): Promise<string | null> {
  const found: string[] = [];
  for (const file of scan.files.filter((f) => f.dir === dir)) {
    for (const block of topBlocks(file, 'data').filter((b) => blockLabels(b)[0] === 'cloudflare_zone')) {
      const name = blockLabels(block)[1];
      const zone = name ? await zoneName(scan, dir, `data.cloudflare_zone.${name}.name`, 0) : null;
      if (zone && host.toLowerCase().endsWith(`.${zone}`)) found.push(`data.cloudflare_zone.${name}.id`);
    }
  }
  return found.length === 1 ? found[0]! : null;
}
