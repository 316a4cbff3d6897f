// Finds the DNS services list and, where it is cheap and certain, the value of a variable, so the
// patcher can write hostnames in the repo's own style without guessing wrongly.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { parseHcl } from '../templates/hcl-parse.js';
import {
  attributeName,
  attributeValue,
  blockBody,
  blockLabels,
  blockType,
  bodyAttributes,
  findAttribute,
  isTuple,
  namedChildren,
  staticString,
  tupleElements,
  unwrap,
} from './hcl-nodes.js';
import { moduleCallsOf, topBlocks, type RepoScan, type TfFile } from './repo-scan.js';
import { dnsIterates, listFeedsDns, stringListType } from './services-dns.js';

export interface ServicesList {
  file: TfFile;
  attribute: Node;
  tuple: Node;
  where: string;
}

function allAttributes(node: Node, out: Node[] = []): Node[] {
  for (const c of namedChildren(node)) {
    if (c.type === 'attribute') out.push(c);
    if (c.type === 'body' || c.type === 'block') allAttributes(c, out);
  }
  return out;
}

function literalList(attr: Node): Node | undefined {
  const tuple = unwrap(attributeValue(attr));
  if (!isTuple(tuple)) return undefined;
  return tupleElements(tuple).every((e) => staticString(e) !== null) ? tuple : undefined;
}

function inVariableBlock(attr: Node): boolean {
  for (let p = attr.parent; p; p = p.parent) if (p.type === 'block' && blockType(p) === 'variable') return true;
  return false;
}

/**
 * The `services = [ … ]` list of string literals that feeds the tunnel's DNS records, by
 * precedence: an argument of the module call, then the tunnel module's own files, then its
 * `variable "services"` default, then anywhere else in the repo. Several in the winning tier is
 * ambiguous and refused. A list counts only when a DNS record provably iterates over it (review 3,
 * finding 2: a firewall module's `services = ["ssh", "https"]` is not DNS) and, where a variable
 * receives it, that variable is a list of strings (a `list(object)` default must never get a string).
 */
export function findServicesLists(scan: RepoScan, tunnelDir: string): { tier: ServicesList[]; tierName: string } {
  const tiers: [string, ServicesList[]][] = [
    ['module call argument', []],
    ['tunnel module', []],
    ['variable default', []],
    ['elsewhere in the repo', []],
  ];
  // Nodes are fresh wrapper objects on every access: key them by file and position.
  const calls = new Set(moduleCallsOf(scan, tunnelDir).map((c) => `${c.file.path}:${c.block.startIndex}`));
  for (const file of scan.files) {
    for (const attr of allAttributes(file.root)) {
      const name = attributeName(attr);
      const block = attr.parent?.parent;
      if (name === 'default' && block && blockType(block) === 'variable' && blockLabels(block)[0] === 'services') {
        const tuple = literalList(attr);
        const feedsDns = stringListType(block) && dnsIterates(scan, file.dir, 'var.services');
        if (tuple && feedsDns && file.dir === tunnelDir) tiers[2]![1].push({ file, attribute: attr, tuple, where: 'variable "services" default' });
        continue;
      }
      if (name !== 'services' || inVariableBlock(attr)) continue;
      const tuple = literalList(attr);
      if (!tuple || !block || !listFeedsDns(scan, file, block)) continue;
      const entry = { file, attribute: attr, tuple, where: `${file.relPath}:${attr.startPosition.row + 1}` };
      if (calls.has(`${file.path}:${block.startIndex}`)) tiers[0]![1].push(entry);
      else if (file.dir === tunnelDir) tiers[1]![1].push(entry);
      else tiers[3]![1].push(entry);
    }
  }
  const found = tiers.find(([, list]) => list.length > 0);
  return found ? { tierName: found[0], tier: found[1] } : { tierName: 'none', tier: [] };
}

/**
 * The directory's terraform.tfvars / *.auto.tfvars value of `name`, as Terraform sees it: files load
 * in that order (auto files lexically) and the last one that sets it wins; null when that one is not
 * a string literal. undefined when no file sets it (the default applies).
 */
/** The value `file` gives the variable: undefined when it does not set it, null when not a literal. */
async function tfvarsEntry(path: string, name: string): Promise<string | null | undefined> {
  const parsed = await parseHcl(readFileSync(path, 'utf8'));
  try {
    const body = namedChildren(parsed.root).find((c) => c.type === 'body');
    const attr = bodyAttributes(body).find((a) => attributeName(a) === name);
    return attr ? staticString(attributeValue(attr)) : undefined;
  } finally {
    parsed.tree.delete();
  }
}

async function tfvarsValue(dir: string, name: string): Promise<string | null | undefined> {
  const auto = readdirSync(dir).filter((n) => n.endsWith('.auto.tfvars')).sort();
  const names = [...(readdirSync(dir).includes('terraform.tfvars') ? ['terraform.tfvars'] : []), ...auto];
  let found: string | null | undefined;
  for (const file of names) {
    const value = await tfvarsEntry(join(dir, file), name);
    if (value !== undefined) found = value;
  }
  return found;
}

/**
 * True when a tfvars file Terraform loads only with -var-file (prod.tfvars, lab.tfvars) sets the
 * variable to something else: which file applies is decided on the command line, so the value the
 * repo shows by default proves nothing (review 5, finding 4).
 */
async function varFileDisagrees(dir: string, name: string, value: string | null): Promise<boolean> {
  const varFiles = readdirSync(dir).filter((n) => n.endsWith('.tfvars') && n !== 'terraform.tfvars' && !n.endsWith('.auto.tfvars'));
  for (const file of varFiles) {
    const other = await tfvarsEntry(join(dir, file), name);
    if (other !== undefined && other !== value) return true;
  }
  return false;
}

function variableDefault(scan: RepoScan, dir: string, name: string): string | null {
  for (const file of scan.files.filter((f) => f.dir === dir)) {
    for (const block of topBlocks(file, 'variable')) {
      if (blockLabels(block)[0] !== name) continue;
      const attr = findAttribute(blockBody(block), 'default');
      return attr ? staticString(attributeValue(attr)) : null;
    }
  }
  return null;
}

/**
 * A view of the scan in which the module at `dir` has only the one call `call` (review 3, finding
 * 1): a module called twice is planned once per call, each with that call's arguments, so the
 * caller can see which call's domain proves the hostname. The view is a new object; the scan itself
 * is untouched.
 */
const pinned = new WeakMap<RepoScan, Map<string, ModuleCall>>();
export type ModuleCall = ReturnType<typeof moduleCallsOf>[number];

export function pinCall(scan: RepoScan, dir: string, call: ModuleCall): RepoScan {
  const view: RepoScan = { ...scan };
  pinned.set(view, new Map([...(pinned.get(scan) ?? []), [dir, call]]));
  return view;
}

/** moduleCallsOf, honouring a pinned call (pinCall). */
export function callsOf(scan: RepoScan, dir: string): ModuleCall[] {
  const pin = pinned.get(scan)?.get(dir);
  return pin ? [pin] : moduleCallsOf(scan, dir);
}

/** Resolves a caller's argument expression in the caller's directory (tf-values.ts resolveString). */
export type ArgResolver = (callerDir: string, expr: Node | undefined) => Promise<string | null>;

/**
 * The value of `var.<name>` as seen by the module in `dir`: the module-call argument (a literal, or
 * through `resolveArg`: the caller's locals, vars and its root's tfvars, review 3 finding 8), else
 * the caller's tfvars or the default. null when not certain.
 */
export async function resolveVariable(scan: RepoScan, dir: string, name: string, depth = 0, resolveArg?: ArgResolver): Promise<string | null> {
  const calls = callsOf(scan, dir);
  if (calls.length > 1) return null;
  const call = calls[0];
  if (call) {
    const arg = findAttribute(blockBody(call.block), name);
    if (!arg) return variableDefault(scan, dir, name);
    const literal = staticString(attributeValue(arg));
    if (literal !== null) return literal;
    if (resolveArg) return resolveArg(call.file.dir, attributeValue(arg));
    const ref = /^var\.([A-Za-z_][\w-]*)$/.exec(unwrap(attributeValue(arg))?.text ?? '');
    return ref && depth < 3 ? resolveVariable(scan, call.file.dir, ref[1]!, depth + 1) : null;
  }
  const fromTfvars = await tfvarsValue(dir, name);
  const value = fromTfvars === undefined ? variableDefault(scan, dir, name) : fromTfvars;
  return (await varFileDisagrees(dir, name, value)) ? null : value;
}
