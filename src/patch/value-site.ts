// Where the value of a collection reference is really written (review 1, finding 7): `local.x` in
// its `locals` block; `var.x` in the module-call argument that sets it (following `var.y`/`local.y`
// of the caller), else in the root's tfvars, else in the variable's `default`. An edit goes to that
// place: a value in tfvars is what Terraform uses, so editing the default would change nothing.
// Terraform's precedence (later wins): default < terraform.tfvars < *.auto.tfvars (lexical order)
// < -var-file/-var. A `.tfvars` file that is not auto-loaded is only used with -var-file, so the
// repo cannot show whether it applies: every place that may hold the value is returned then, and
// the planner asks for the item in each of them.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { formatHclErrors, parseHcl } from '../templates/hcl-parse.js';
import { attributeName, attributeValue, blockBody, blockLabels, bodyAttributes, findAttribute, namedChildren, unwrap } from './hcl-nodes.js';
import { topBlocks, type RepoScan, type TfFile } from './repo-scan.js';
import { callsOf } from './tf-lookup.js';
import { localDefinition } from './tf-values.js';

export interface ValueSite {
  file: TfFile;
  /** The `name = value` attribute (a locals entry, module argument, tfvars line or `default`). */
  attribute: Node;
  value: Node;
  /** The reference as the iteration writes it (`var.tunnel_services`). */
  ref: string;
  /** What kind of place: for people ("terraform.tfvars", "the default of variable "x""). */
  kind: 'local' | 'argument' | 'tfvars' | 'default';
}

export interface Sites {
  sites: ValueSite[];
  /**
   * Several places may hold the value and the repo does not show which one Terraform uses
   * (-var-file files, or a module called more than once): the item is needed in each (tfvars) or
   * the user chooses (module calls).
   */
  ambiguity: 'none' | 'tfvars' | 'calls';
  /** For the report: other files that set the value but lose to the one returned. */
  overridden?: string[];
}

const MAX_HOPS = 4;

/** A tfvars file read like a .tf file, so edits and node positions work the same way. */
async function readTfvars(scan: RepoScan, path: string, dir: string): Promise<TfFile> {
  const text = readFileSync(path, 'utf8');
  const parsed = await parseHcl(text);
  return { path, relPath: relative(scan.repoDir, path), dir, text, tree: parsed.tree, root: parsed.root, syntaxErrors: formatHclErrors(parsed.errors) };
}

function variableBlock(scan: RepoScan, dir: string, name: string): { file: TfFile; block: Node } | undefined {
  for (const file of scan.files.filter((f) => f.dir === dir)) {
    const block = topBlocks(file, 'variable').find((b) => blockLabels(b)[0] === name);
    if (block) return { file, block };
  }
  return undefined;
}

const at = (scan: RepoScan, file: TfFile, node: Node): string => `${relative(scan.repoDir, file.path)}:${node.startPosition.row + 1}`;

/** The root module's own places for `var.<name>`: tfvars files, else the default. */
async function rootSites(scan: RepoScan, dir: string, name: string, ref: string): Promise<Sites | string> {
  const names = readdirSync(dir).filter((n) => n.endsWith('.tfvars') || n.endsWith('.tfvars.json'));
  const auto: ValueSite[] = [];
  const other: ValueSite[] = [];
  // Load order: terraform.tfvars first, then *.auto.tfvars by byte order, as Go sorts (a later file wins).
  const order = (n: string): string => (n === 'terraform.tfvars' ? '' : n);
  for (const n of names.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))) {
    if (n.endsWith('.json')) {
      const text = readFileSync(join(dir, n), 'utf8');
      if (text.includes(`"${name}"`)) return `${relative(scan.repoDir, join(dir, n))} may set ${name}, and the patcher does not edit JSON tfvars`;
      continue;
    }
    const file = await readTfvars(scan, join(dir, n), dir);
    const attribute = bodyAttributes(namedChildren(file.root).find((c) => c.type === 'body')).find((a) => attributeName(a) === name);
    if (!attribute) continue;
    if (file.syntaxErrors) return `${file.relPath} sets ${name} but does not parse`;
    const site: ValueSite = { file, attribute, value: attributeValue(attribute)!, ref, kind: 'tfvars' };
    (n === 'terraform.tfvars' || n.endsWith('.auto.tfvars') ? auto : other).push(site);
  }
  const declared = variableBlock(scan, dir, name);
  const defaultAttr = declared ? findAttribute(blockBody(declared.block), 'default') : undefined;
  const fallback: ValueSite[] = defaultAttr ? [{ file: declared!.file, attribute: defaultAttr, value: attributeValue(defaultAttr)!, ref, kind: 'default' }] : [];
  // The last auto-loaded file wins over earlier ones and over the default.
  const used = auto.length ? [auto.at(-1)!] : fallback;
  if (!other.length) {
    const overridden = [...auto.slice(0, -1), ...(auto.length ? fallback : [])].map((x) => at(scan, x.file, x.attribute));
    if (used.length) return { sites: used, ambiguity: 'none', ...(overridden.length ? { overridden } : {}) };
    const where = declared ? at(scan, declared.file, declared.block) : `module ${relative(scan.repoDir, dir) || '.'}`;
    return `${ref} (variable at ${where}) has no default and no terraform.tfvars or *.auto.tfvars sets it, so its value comes from -var, -var-file or TF_VAR_${name}, which the repo does not show`;
  }
  // -var-file files: which one applies is decided on the command line.
  return { sites: [...used, ...other], ambiguity: 'tfvars' };
}

/** Every place the value of `ref` (`local.x` / `var.x`) of the module at `dir` is written. */
export async function valueSites(scan: RepoScan, dir: string, ref: string, hops = 0): Promise<Sites | string> {
  const parsed = /^(local|var)\.([A-Za-z_][\w-]*)$/.exec(ref.trim());
  if (!parsed) return `it iterates over \`${ref}\`, not a \`local\` or \`var\` the patcher can edit`;
  const [, kind, name] = parsed as unknown as [string, 'local' | 'var', string];
  if (hops > MAX_HOPS) return `${ref} is passed through more than ${MAX_HOPS} modules`;
  if (kind === 'local') {
    const def = localDefinition(scan, dir, name);
    if (!def) return `\`${ref}\` is not set in exactly one \`locals\` block of the module`;
    return { sites: [{ ...def, ref, kind: 'local' }], ambiguity: 'none' };
  }
  // callsOf: a pinned call (tf-lookup.ts pinCall) stands for all of them.
  const calls = callsOf(scan, dir);
  if (!calls.length) return rootSites(scan, dir, name, ref);
  const sites: ValueSite[] = [];
  for (const call of calls) {
    const arg = findAttribute(blockBody(call.block), name);
    const passed = arg ? unwrap(attributeValue(arg))?.text.trim() ?? '' : '';
    let found: Sites | string;
    if (!arg) {
      const declared = variableBlock(scan, dir, name);
      const def = declared ? findAttribute(blockBody(declared.block), 'default') : undefined;
      if (!def) return `module "${blockLabels(call.block)[0]}" (${at(scan, call.file, call.block)}) does not set ${name}`;
      found = { sites: [{ file: declared!.file, attribute: def, value: attributeValue(def)!, ref, kind: 'default' }], ambiguity: 'none' };
    } else if (/^(var|local)\.[A-Za-z_][\w-]*$/.test(passed)) {
      // The caller passes its own variable or local on: the value is where that one is written.
      found = await valueSites(scan, call.file.dir, passed, hops + 1);
    } else {
      found = { sites: [{ file: call.file, attribute: arg, value: attributeValue(arg)!, ref, kind: 'argument' }], ambiguity: 'none' };
    }
    if (typeof found === 'string') return found;
    if (found.ambiguity !== 'none' && calls.length === 1) return found;
    sites.push(...found.sites);
  }
  return { sites, ambiguity: calls.length > 1 ? 'calls' : 'none' };
}

/** How a site is named in notes and refusals. */
export function siteName(scan: RepoScan, site: ValueSite): string {
  const where = at(scan, site.file, site.attribute);
  if (site.kind === 'default') return `the default of ${site.ref} (${where})`;
  if (site.kind === 'argument') return `the module argument ${attributeName(site.attribute)} (${where})`;
  return where;
}
