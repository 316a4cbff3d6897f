// Terraform mode: find the tunnel config, the services list and the root module, then compute
// edits. Any doubt refuses the whole plan (no partial patches) with snippets to paste by hand.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { parseHcl } from '../templates/hcl-parse.js';
import { blockLabels } from './hcl-nodes.js';
import { applyTextEdits, insertRule, servicesEdits, updateRule, type TextEdit } from './hcl-edits.js';
import {
  TUNNEL_CONFIG_TYPES,
  hostnameLabel,
  isCatchAll,
  ownRules,
  readIngress,
  serviceHost,
  siblingSuffix,
  type IngressList,
} from './ingress-hcl.js';
import { desiredAccess, hclString, type DesiredRule } from './render.js';
import { blockAddress, findRootModule, topBlocks, type RepoScan, type TfFile } from './repo-scan.js';
import { dnsRecordSnippet, ingressSnippets, moduleSnippet, servicesSnippet } from './snippets.js';
import { findServicesLists, resolveVariable } from './tf-lookup.js';
import type { FileEdit, RepoPatchInput, RepoPatchPlan } from './types.js';

export const MODULE_FILE = 'docker-mcp.tf';

/** Hostname in the style of the sibling rules (`"x.${var.domain_suffix}"`) when that is provably right. */
async function hostnameExpr(scan: RepoScan, list: IngressList, others: IngressList['rules'], fqdn: string, notes: string[]): Promise<string> {
  const suffix = siblingSuffix(others);
  const dot = fqdn.indexOf('.');
  if (!suffix || dot === -1) return hclString(fqdn);
  const label = fqdn.slice(0, dot);
  const rest = fqdn.slice(dot + 1);
  const templated = `"${label}.${suffix}"`;
  const variable = /^\$\{var\.([A-Za-z_][\w-]*)\}$/.exec(suffix)?.[1];
  const resolved = variable ? await resolveVariable(scan, list.file.dir, variable) : null;
  if (resolved === rest) {
    notes.push(`The docker-mcp rule follows the other rules' style, ${templated} (${suffix} is "${rest}").`);
    return templated;
  }
  if (resolved !== null) {
    notes.push(`The other rules use ${suffix}, which is "${resolved}", not "${rest}"; the docker-mcp rule uses the literal hostname ${fqdn}.`);
    return hclString(fqdn);
  }
  notes.push(`The docker-mcp rule follows the other rules' style, ${templated}; make sure ${suffix} is "${rest}".`);
  return templated;
}

function refuse(plan: RepoPatchPlan, reason: string, desired: DesiredRule, input: RepoPatchInput, version: 'v4' | 'v5' | 'both', where: string): RepoPatchPlan {
  const label = input.hostname.split('.')[0] ?? input.serviceName;
  return {
    ...plan,
    edits: [],
    refused: reason,
    snippets: [
      ...ingressSnippets(desired, version, where),
      servicesSnippet(label, 'the `services = [ … ]` list your DNS records iterate over'),
      moduleSnippet(input.moduleCallHcl, `${MODULE_FILE} next to your root main.tf`),
    ],
  };
}

function tunnelConfigs(scan: RepoScan): { file: TfFile; block: Node }[] {
  return scan.files.flatMap((file) =>
    topBlocks(file, 'resource')
      .filter((b) => TUNNEL_CONFIG_TYPES.includes(blockLabels(b)[0] ?? ''))
      .map((block) => ({ file, block })),
  );
}

export function hasTunnelConfig(scan: RepoScan): boolean {
  return tunnelConfigs(scan).length > 0;
}

export async function planTerraform(scan: RepoScan, input: RepoPatchInput): Promise<RepoPatchPlan> {
  const plan: RepoPatchPlan = { repoDir: scan.repoDir, mode: 'terraform', edits: [], notes: [], snippets: [], refused: null };
  const access = desiredAccess(input.access);
  const literal: DesiredRule = { hostname: hclString(input.hostname), service: hclString(input.serviceUrl), access };
  const configs = tunnelConfigs(scan);
  const expected = `a \`${TUNNEL_CONFIG_TYPES.join('` or `')}\` resource`;
  if (configs.length === 0) {
    return refuse(plan, `no tunnel configuration found: expected ${expected} in a .tf file under ${scan.repoDir}`, literal, input, 'both', 'inside the tunnel config resource');
  }
  if (configs.length > 1) {
    const found = configs.map((c) => `${blockAddress(c.block)} (${c.file.relPath})`).join(', ');
    return refuse(plan, `ambiguous: more than one tunnel configuration (${found}); patch the right one by hand`, literal, input, 'both', 'inside the right tunnel config resource');
  }
  const { file, block } = configs[0]!;
  const address = `${blockAddress(block)} in ${file.relPath}`;
  if (file.syntaxErrors) return refuse(plan, `${file.relPath} does not parse:\n${file.syntaxErrors}`, literal, input, 'both', file.relPath);
  const list = readIngress(file, block);
  if (typeof list === 'string') return refuse(plan, `${address} was not recognised: ${list}`, literal, input, 'both', file.relPath);
  const version = list.v5 ? 'v5' : 'v4';
  const catchAlls = list.rules.filter(isCatchAll);
  if (catchAlls.length === 0) {
    return refuse(plan, `${address} has no catch-all rule (one without hostname, e.g. service = "http_status:404") to insert before; cloudflared requires one, last`, literal, input, version, file.relPath);
  }
  if (!isCatchAll(list.rules.at(-1)!) || catchAlls.length > 1) {
    return refuse(plan, `${address}: the catch-all rule must be the last and only rule without a hostname; fix the order first`, literal, input, version, file.relPath);
  }
  const label = input.hostname.split('.')[0] ?? input.serviceName;
  const own = ownRules(list, [input.serviceName, label], serviceHost(input.serviceUrl));
  if (own.length > 1) {
    return refuse(plan, `ambiguous: ${own.length} ingress rules in ${address} look like docker-mcp's (lines ${own.map((r) => r.whole.startPosition.row + 1).join(', ')}); keep one`, literal, input, version, file.relPath);
  }
  const existing = own[0];
  const others = list.rules.filter((r) => r !== existing && !isCatchAll(r));
  const desired: DesiredRule = { ...literal, hostname: await hostnameExpr(scan, list, others, input.hostname, plan.notes) };

  const edits = new Map<TfFile, TextEdit[]>();
  const ruleEdits = existing ? updateRule(file.text, existing, desired, plan.notes) : insertRule(file.text, list, desired);
  if (typeof ruleEdits === 'string') return refuse(plan, `${address}: ${ruleEdits}`, desired, input, version, file.relPath);
  edits.set(file, ruleEdits);
  if (list.topLevelAccess) {
    plan.notes.push(`${address} sets origin_request.access for the whole config; cloudflared ignores that, only per-rule access is enforced.`);
  }

  const services = findServicesLists(scan, file.dir);
  if (services.tier.length > 1) {
    return refuse(plan, `ambiguous: several services lists (${services.tier.map((s) => s.where).join(', ')})`, desired, input, version, file.relPath);
  }
  const servicesList = services.tier[0];
  if (servicesList) {
    const oldLabel = existing ? hostnameLabel(existing.hostname) : null;
    const more = servicesEdits(servicesList.file.text, servicesList.tuple, label, oldLabel === label ? null : oldLabel);
    if (more.length) edits.set(servicesList.file, [...(edits.get(servicesList.file) ?? []), ...more]);
  } else {
    plan.notes.push('No `services = [ … ]` list of string literals was found for the DNS records; add a DNS record yourself (snippet below).');
    plan.snippets.push(dnsRecordSnippet(list.v5 ? input.hostname : label, list.v5, `next to ${address}`));
  }

  const root = findRootModule(scan, file.dir);
  if ('problem' in root) return refuse(plan, root.problem, desired, input, version, file.relPath);
  plan.rootModuleDir = root.dir;
  const moduleEdit = await moduleFileEdit(scan, root.dir, input.moduleCallHcl);
  if (typeof moduleEdit === 'string') return refuse(plan, moduleEdit, desired, input, version, file.relPath);

  for (const [target, fileEdits] of edits) {
    if (!fileEdits.length) continue;
    const after = applyTextEdits(target.text, fileEdits);
    const reparsed = await parseHcl(after);
    if (reparsed.errors.length) {
      return refuse(plan, `internal: the patched ${target.relPath} would not parse, so nothing was written`, desired, input, version, target.relPath);
    }
    plan.edits.push({ path: target.path, relPath: target.relPath, before: target.text, after });
  }
  if (moduleEdit) plan.edits.push(moduleEdit);
  plan.notes.unshift(
    `Tunnel config: ${address} (provider ${version}); ${existing ? 'updating the existing docker-mcp rule' : 'adding the docker-mcp rule before the catch-all'}.`,
    `Root module: ${relative(scan.repoDir, root.dir) || '.'}; the module call goes to ${MODULE_FILE}.`,
  );
  return plan;
}

/** The module call in its own file; refuses when another root file already declares that module. */
async function moduleFileEdit(scan: RepoScan, rootDir: string, contents: string): Promise<FileEdit | null | string> {
  const parsed = await parseHcl(contents);
  if (parsed.errors.length) return 'internal: the rendered module call does not parse';
  const path = join(rootDir, MODULE_FILE);
  const names = topBlocks({ root: parsed.root } as TfFile, 'module').map((b) => blockLabels(b)[0]);
  for (const file of scan.files.filter((f) => f.dir === rootDir && f.path !== path)) {
    const clash = topBlocks(file, 'module').find((b) => names.includes(blockLabels(b)[0]));
    if (clash) {
      return `${file.relPath} already declares module "${blockLabels(clash)[0]}" (line ${clash.startPosition.row + 1}); remove it or rename it, then run again (the docker-mcp module call lives in ${MODULE_FILE})`;
    }
  }
  const before = existsSync(path) ? readFileSync(path, 'utf8') : null;
  if (before === contents) return null;
  return { path, relPath: relative(scan.repoDir, path), before, after: contents };
}
