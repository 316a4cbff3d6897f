// Whether a `services = [ … ]` list really feeds DNS (review 3, finding 2). The name alone proves
// nothing: `module "firewall" { services = ["ssh", "https"] }` is a port list, and appending
// "docker-mcp" to it would change the firewall and create no record. A list counts only when a
// cloudflare_record / cloudflare_dns_record iterates over it (`for_each`/`count` names it), directly,
// through a local built from it, or through the variable of a module call it is passed to.
import type { Node } from 'web-tree-sitter';
import { attributeName, attributeValue, blockBody, blockLabels, blockType, bodyAttributes, findAttribute, unwrap } from './hcl-nodes.js';
import { moduleCallsOf, moduleSource, topBlocks, type RepoScan, type TfFile } from './repo-scan.js';

/** Both record types: v4 `cloudflare_record`, v5 `cloudflare_dns_record` (checked in REFERENCE.md). */
const DNS_TYPES = new Set(['cloudflare_record', 'cloudflare_dns_record']);
const MAX_HOPS = 3;

/** `ref` as a whole reference in `text` (`var.services`, not `var.services_extra`). */
function mentions(text: string, ref: string): boolean {
  return new RegExp(`(^|[^\\w.])${ref.replace(/\./g, '\\.')}(?![\\w-])`).test(text);
}

/**
 * The directory a module block calls, by the name the scan read its files under (a `source` through
 * a symlink: repo-scan.ts moduleCallsOf knows how), or undefined for a registry/git source.
 */
function calledDir(scan: RepoScan, file: TfFile, block: Node): string | undefined {
  if (!moduleSource(block)) return undefined;
  return scan.dirs.find((d) => moduleCallsOf(scan, d).some((c) => c.file.path === file.path && c.block.startIndex === block.startIndex));
}

/** Whether a DNS record in the module at `dir` iterates over `ref` (or over what is built from it). */
export function dnsIterates(scan: RepoScan, dir: string, ref: string, hops = 0): boolean {
  if (hops > MAX_HOPS) return false;
  const files = scan.files.filter((f) => f.dir === dir);
  for (const file of files) {
    for (const block of topBlocks(file, 'resource')) {
      if (!DNS_TYPES.has(blockLabels(block)[0] ?? '')) continue;
      const body = blockBody(block);
      const over = findAttribute(body, 'for_each') ?? findAttribute(body, 'count');
      if (over && mentions(attributeValue(over)?.text ?? '', ref)) return true;
    }
  }
  for (const file of files) {
    // A local built from it (`names = toset(var.services)`), then iterated.
    for (const block of topBlocks(file, 'locals')) {
      for (const attr of bodyAttributes(blockBody(block))) {
        if (mentions(attributeValue(attr)?.text ?? '', ref) && dnsIterates(scan, dir, `local.${attributeName(attr)}`, hops + 1)) return true;
      }
    }
    // Passed on to a module whose records iterate over that variable.
    for (const block of topBlocks(file, 'module')) {
      const called = calledDir(scan, file, block);
      if (!called) continue;
      for (const attr of bodyAttributes(blockBody(block))) {
        if (unwrap(attributeValue(attr))?.text.trim() !== ref) continue;
        if (dnsIterates(scan, called, `var.${attributeName(attr)}`, hops + 1)) return true;
      }
    }
  }
  return false;
}

/** A variable block whose type takes a list of strings (no type: the literal default decides). */
export function stringListType(variable: Node): boolean {
  const type = findAttribute(blockBody(variable), 'type');
  if (!type) return true;
  return /^(list|set)\((string)?\)$|^list$/.test((attributeValue(type)?.text ?? '').replace(/\s+/g, ''));
}

/** Whether the `services = [ … ]` attribute in `block` (a `locals` or `module` block) feeds DNS. */
export function listFeedsDns(scan: RepoScan, file: TfFile, block: Node): boolean {
  const type = blockType(block);
  if (type === 'locals') return dnsIterates(scan, file.dir, 'local.services');
  if (type !== 'module') return false;
  const dir = calledDir(scan, file, block);
  if (!dir) return false;
  const declared = scan.files.filter((f) => f.dir === dir).flatMap((f) => topBlocks(f, 'variable')).find((b) => blockLabels(b)[0] === 'services');
  if (declared && !stringListType(declared)) return false;
  return dnsIterates(scan, dir, 'var.services');
}
