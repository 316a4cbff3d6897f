// Planner for Terraform configs whose rules are written out (v4 `ingress_rule` blocks, v5 list of
// objects): shapes 1, 5, 6 and our own fixtures. Any doubt refuses the whole plan (no partial
// patches) with snippets to paste by hand.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseHcl } from '../templates/hcl-parse.js';
import { blockLabels } from './hcl-nodes.js';
import { applyTextEdits, insertRule, servicesEdits, updateRule, type TextEdit } from './hcl-edits.js';
import { hostnameLabel, isCatchAll, type IngressList, type Rule } from './ingress-hcl.js';
import { findOwnRule } from './own-rule.js';
import { firstShadowing } from './match.js';
import type { RepoModel, TfTunnelConfig } from './model.js';
import { hostnameExpr, ruleViews } from './hcl-hostnames.js';
import { type DesiredRule } from './render.js';
import { emptyPlan, literalRule, MODULE_FILE, refuseTerraform } from './refuse.js';
import { findRootModule, topBlocks, type RepoScan, type TfFile } from './repo-scan.js';
import { withTunnelStatus } from './module-status.js';
import { freeName, planDns } from './dns-plan.js';
import { recordHostRef } from './dns-record-host.js';
import { findServicesLists } from './tf-lookup.js';
import { multiInstance } from './call-choice.js';
import { resolveString } from './tf-values.js';
import type { FileEdit, RepoPatchInput, RepoPatchPlan } from './types.js';

/**
 * `generated`: a v4 `dynamic "ingress_rule"` block among the rules (see readAroundDynamic). Its rules
 * are unknown, so it counts as a rule that may catch the hostname (ours goes above it), and the
 * catch-all may be one of them.
 */
export async function planHclLiteral(model: RepoModel, config: TfTunnelConfig, list: IngressList, input: RepoPatchInput, generated?: Rule): Promise<RepoPatchPlan> {
  const scan = model.scan!;
  const plan = emptyPlan(scan.repoDir, 'terraform', input);
  const { file, address, version } = config;
  // `placement`: where the snippet's rule really goes when not just above the catch-all (finding 8).
  const refuse = (reason: string, desired?: DesiredRule, where = file.relPath, placement?: string): RepoPatchPlan =>
    refuseTerraform(plan, input, { reason, version, where, desired, scan, tunnelDir: file.dir, ...(placement ? { placement } : {}) });
  // Review 3 finding 1: every instance would route the rule (and make the record): never written there.
  // Review 4 finding 1: instances through for_each/count on the call and through every ancestor call.
  const many = multiInstance(scan, file.dir);
  if (many) return refuse(`${address} is in a module instantiated more than once (${relative(scan.repoDir, file.dir)}): ${many}, so a rule written there would be in every instance's tunnel; add the docker-mcp rule where only the tunnel that should serve it gets it`, undefined, `not in ${file.relPath}, which every instance shares: in a tunnel config (or a per-instance collection) only the tunnel that should serve docker-mcp reads`);
  const catchAlls = list.rules.filter(isCatchAll);
  if (catchAlls.length === 0 && !generated) {
    return refuse(`${address} has no catch-all rule (one without hostname, e.g. service = "http_status:404") to insert before; cloudflared requires one, last`);
  }
  if (catchAlls.length && (!isCatchAll(list.rules.at(-1)!) || catchAlls.length > 1)) {
    return refuse(`${address}: the catch-all rule must be the last and only rule without a hostname; fix the order first`);
  }
  const label = input.hostname.split('.')[0] ?? input.serviceName;
  const own = await findOwnRule(scan, list, input, address);
  if ('refuse' in own) return refuse(own.refuse);
  if (own.note) plan.notes.push(own.note);
  const existing = own.rule;
  const others = list.rules.filter((r) => r !== existing && !isCatchAll(r));
  // Rules written `hostname = cloudflare_record.x.hostname` (review 2, finding 16): ours the same way.
  const fromRecord = recordHostRef(model, config, input.hostname, freeName(model, 'cloudflare_record', file.dir));
  const literalHost = async (): Promise<string> => hostnameExpr(scan, file.dir, others, input.hostname, plan.notes);
  const desired: DesiredRule = { ...literalRule(input), hostname: fromRecord ? fromRecord.ref : await literalHost() };

  // A rule below one that already takes every request for the hostname can never match.
  const views = await ruleViews(scan, file.dir, list.rules.filter((r) => r !== existing && !isCatchAll(r)));
  // `"docker-mcp.${var.x}"` with x unproven may be exactly our hostname: it may catch it.
  for (const v of views) if (v.hostname === null && v.rule.hostname && hostnameLabel(v.rule.hostname) === label) v.unknown = true;
  if (generated) {
    const at = views.findIndex((v) => v.rule.whole.startIndex > generated.whole.startIndex);
    const view = { rule: generated, hostname: null, unknown: true, hasPath: false, shown: `the rules the dynamic "ingress_rule" block generates` };
    views.splice(at === -1 ? views.length : at, 0, view);
  }
  const limit = existing ? views.findIndex((v) => v.rule.whole.startIndex > existing.whole.startIndex) : views.length;
  const shadow = firstShadowing(views, input.hostname, limit === -1 ? views.length : limit);
  const line = (n: { whole: { startPosition: { row: number } } }): number => n.whole.startPosition.row + 1;
  if (shadow && existing && !shadow.unknown) {
    return refuse(`${address}: the docker-mcp rule (line ${line(existing)}) can never match: the rule for "${shadow.shown}" (line ${line(shadow.rule)}) catches ${input.hostname} first; move the docker-mcp rule above it`, desired, file.relPath, `directly above the rule for "${shadow.shown}" (line ${line(shadow.rule)}), in place of the one at line ${line(existing)}`);
  }
  if (shadow && existing && shadow.why) {
    plan.notes.push(`The rule for ${shadow.shown} (line ${line(shadow.rule)}) is above the docker-mcp rule and ${shadow.why}; move the docker-mcp rule above it.`);
  } else if (shadow && existing) {
    plan.notes.push(`The rule for ${shadow.shown} (line ${line(shadow.rule)}) is above the docker-mcp rule and the repo does not prove its hostname: if it is a wildcard covering ${input.hostname}, move the docker-mcp rule above it.`);
  }
  const before = shadow && !existing ? shadow.rule : undefined;
  // Our full-host rule takes every path: above a `path` rule for the same host it would take that
  // route's requests. Below a proven catch-all-for-the-host that route was dead anyway; below a rule
  // that only MAY catch the host, it was not, so the order is the user's call.
  const pathRule = before && shadow?.unknown ? views.find((v) => v.hasPath && v.hostname === input.hostname && v.rule.whole.startIndex > before.whole.startIndex) : undefined;
  if (pathRule && shadow) {
    return refuse(`${address}: the rule for ${shadow.shown} (line ${line(shadow.rule)}) has a hostname the repo does not prove, so the docker-mcp rule would go above it, and then also above the \`path\` rule for ${input.hostname} (line ${line(pathRule.rule)}), taking its requests; put the docker-mcp rule where it belongs by hand`, desired);
  }
  if (shadow && before === generated && generated) {
    plan.notes.push(`The rules the dynamic "ingress_rule" block (line ${line(generated)}) generates are not known here; the docker-mcp rule goes directly above the block, so none of them can catch ${input.hostname} first.`);
  } else if (shadow && before) {
    plan.notes.push(
      shadow.why
        ? `The rule for ${shadow.shown} (line ${line(before)}) ${shadow.why}; the docker-mcp rule goes directly above it.`
        : shadow.unknown
        ? `The rule for ${shadow.shown} (line ${line(before)}) has a hostname the repo does not prove (it could be a wildcard that catches ${input.hostname}); the docker-mcp rule goes directly above it.`
        : `The rule for "${shadow.shown}" (line ${line(before)}) would catch ${input.hostname} first; the docker-mcp rule goes directly above it.`,
    );
  }

  const edits = new Map<TfFile, TextEdit[]>();
  const ruleEdits = existing ? updateRule(file.text, existing, desired, plan.notes) : insertRule(file.text, list, desired, before);
  if (typeof ruleEdits === 'string') return refuse(`${address}: ${ruleEdits}`, desired);
  edits.set(file, ruleEdits);
  if (list.topLevelAccess) {
    plan.notes.push(`${address} sets origin_request.access for the whole config; cloudflared ignores that, only per-rule access is enforced.`);
  }

  const services = findServicesLists(scan, file.dir);
  if (services.tier.length > 1) {
    return refuse(`ambiguous: several services lists (${services.tier.map((s) => s.where).join(', ')})`, desired);
  }
  const servicesList = services.tier[0];
  let dnsStatus: string | null = servicesList ? `from the \`services\` list in ${servicesList.file.relPath}` : null;
  if (servicesList) {
    const oldLabel = existing ? hostnameLabel(existing.hostname) : null;
    const more = servicesEdits(servicesList.file.text, servicesList.tuple, label, oldLabel === label ? null : oldLabel);
    if (more.length) edits.set(servicesList.file, [...(edits.get(servicesList.file) ?? []), ...more]);
  } else {
    const hosts = views.map((v) => v.hostname).filter((h): h is string => h !== null);
    // Our marked rule's hostname before this run: its record from an earlier run is renamed, not left stale.
    const oldHost = existing?.managed && existing.hostname ? await resolveString(scan, file.dir, existing.hostname) : null;
    const dns = await planDns(model, config, input.hostname, hosts, undefined, oldHost);
    // The record the rule's hostname names must exist: when the DNS part did not clone it, the literal hostname.
    const cloned = (name: string): boolean => dns.edits.some(({ edit }) => edit.text.includes(`resource "cloudflare_record" "${name}"`));
    if (fromRecord && !fromRecord.exists && !cloned(fromRecord.ref.split('.')[1]!)) {
      desired.hostname = await literalHost();
      const again = existing ? updateRule(file.text, existing, desired, plan.notes) : insertRule(file.text, list, desired, before);
      if (typeof again === 'string') return refuse(`${address}: ${again}`, desired);
      edits.set(file, again);
    }
    for (const { file: target, edit } of dns.edits) edits.set(target, [...(edits.get(target) ?? []), edit]);
    plan.notes.push(...dns.notes);
    plan.snippets.push(...dns.snippets);
    dnsStatus = dns.status;
  }
  plan.moduleCall = withTunnelStatus(input.moduleCallHcl, { ruleIn: `${address.split(' in ')[0]} (${file.relPath})`, dns: dnsStatus });

  const root = findRootModule(scan, file.dir);
  if ('problem' in root) return refuse(root.problem, desired);
  plan.rootModuleDir = root.dir;
  const moduleEdit = await moduleFileEdit(scan, root.dir, plan.moduleCall);
  if (typeof moduleEdit === 'string') return refuse(moduleEdit, desired);

  for (const [target, fileEdits] of edits) {
    if (!fileEdits.length) continue;
    const after = applyTextEdits(target.text, fileEdits);
    const reparsed = await parseHcl(after);
    const broken = reparsed.errors.length > 0;
    reparsed.tree.delete();
    if (broken) return refuse(`internal: the patched ${target.relPath} would not parse, so nothing was written`, desired, target.relPath);
    plan.edits.push({ path: target.path, relPath: target.relPath, before: target.text, after });
  }
  if (moduleEdit) plan.edits.push(moduleEdit);
  const where = before ? `adding the docker-mcp rule above line ${line(before)}` : 'adding the docker-mcp rule before the catch-all';
  plan.notes.unshift(
    `Tunnel config: ${address} (provider ${version}); ${existing ? (ruleEdits.length ? 'updating the existing docker-mcp rule' : 'the docker-mcp rule is already there as it should be') : before === generated && generated ? 'adding a written-out docker-mcp rule above its dynamic block' : where}.`,
    `Root module: ${relative(scan.repoDir, root.dir) || '.'}; the module call goes to ${MODULE_FILE}.`,
  );
  return plan;
}

/** The module call in its own file; refuses when another root file already declares that module. */
export async function moduleFileEdit(scan: RepoScan, rootDir: string, contents: string): Promise<FileEdit | null | string> {
  const parsed = await parseHcl(contents);
  const names = topBlocks({ root: parsed.root } as TfFile, 'module').map((b) => blockLabels(b)[0]);
  const broken = parsed.errors.length > 0;
  parsed.tree.delete();
  if (broken) return 'internal: the rendered module call does not parse';
  const path = join(rootDir, MODULE_FILE);
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
