// Refusals: nothing is edited, the reason is given, and everything needed to do it by hand is
// printed in the repo's own provider version (both only when the version is unknown).
import { relative } from 'node:path';
import { Document, isMap, isSeq } from 'yaml';
import { findRootModule, type RepoScan } from './repo-scan.js';
import { findServicesLists } from './tf-lookup.js';
import { desiredAccess, hclString, yamlRule, type DesiredRule } from './render.js';
import { ingressSnippets, moduleSnippet, servicesSnippet } from './snippets.js';
import { withTunnelStatus } from './module-status.js';
import { MANAGED_MARKER, type RepoPatchInput, type RepoPatchPlan, type Snippet } from './types.js';

export const MODULE_FILE = 'docker-mcp.tf';

export function emptyPlan(repoDir: string, mode: 'terraform' | 'yaml', input: RepoPatchInput): RepoPatchPlan {
  return { repoDir, mode, edits: [], notes: [], snippets: [], refused: null, moduleCall: input.moduleCallHcl };
}

/** The module call for a refusal: it must not claim a rule that was not added. */
export function refusedModuleCall(input: RepoPatchInput, reason: string): string {
  const short = reason.split('\n')[0]!;
  return withTunnelStatus(input.moduleCallHcl, { ruleIn: null, dns: null, refused: short.length > 160 ? `${short.slice(0, 157)}...` : short });
}

export function literalRule(input: RepoPatchInput): DesiredRule {
  return { hostname: hclString(input.hostname), service: hclString(input.serviceUrl), access: desiredAccess(input.access) };
}

/** The root module a refused plan would have used, when the repo says which it is. */
function rootOf(scan: RepoScan | null, tunnelDir: string | null): string | undefined {
  const root = scan && tunnelDir ? findRootModule(scan, tunnelDir) : null;
  return root && 'dir' in root ? root.dir : undefined;
}

function hasServicesList(r: TerraformRefusal): boolean {
  return r.scan !== null && r.tunnelDir !== null && findServicesLists(r.scan, r.tunnelDir).tier.length > 0;
}

export interface TerraformRefusal {
  reason: string;
  version: 'v4' | 'v5' | 'both';
  where: string;
  desired?: DesiredRule;
  scan: RepoScan | null;
  tunnelDir: string | null;
  /** Snippets that replace the generic ingress-rule snippets (e.g. one item in the collection's shape). */
  ruleSnippets?: Snippet[];
  /**
   * Where the written-out rule goes when not just above the catch-all, e.g. `directly above the rule
   * for "*.example.com" (line 12)` (review 1 finding 8): a snippet must name the real insertion point.
   */
  placement?: string;
  /**
   * No item of the collection can work (a map whose key order puts a catching wildcard first): offer
   * the written-out rule at `placement` instead of the shadowed item in `ruleSnippets`.
   */
  writtenOut?: boolean;
}

export function refuseTerraform(plan: RepoPatchPlan, input: RepoPatchInput, r: TerraformRefusal): RepoPatchPlan {
  const label = input.hostname.split('.')[0] ?? input.serviceName;
  const moduleCall = refusedModuleCall(input, r.reason);
  const root = rootOf(r.scan, r.tunnelDir);
  const dir = root && r.scan ? relative(r.scan.repoDir, root) || '.' : null;
  const rules = r.writtenOut ? undefined : r.ruleSnippets;
  return {
    ...plan,
    ...(root ? { rootModuleDir: root } : {}),
    edits: [],
    refused: r.reason,
    moduleCall,
    snippets: [
      ...(rules ?? ingressSnippets(r.desired ?? literalRule(input), r.version, r.where, r.placement)),
      // Only where the repo has such a list: a snippet must not name what does not exist.
      ...(rules || !hasServicesList(r) ? [] : [servicesSnippet(label, 'the `services = [ … ]` list your DNS records iterate over')]),
      moduleSnippet(moduleCall, dir ? `${dir}/${MODULE_FILE}` : `${MODULE_FILE} next to your root main.tf`),
    ],
  };
}

/** Where a YAML rule goes when the config is not known: above whatever catches the host first. */
export const YAML_PLACEMENT_UNKNOWN =
  'above the first rule that catches the hostname (e.g. `- hostname: "*.example.com"`), else directly above the catch-all (`- service: http_status:404`); in cloudflare-tunnel chart values (no catch-all) at the end of cloudflare.ingress';

/** `placement` names the real insertion point in the repo's list (review 1 finding 8). */
export function yamlSnippet(input: RepoPatchInput, where = 'ingress: in the cloudflared config', placement = YAML_PLACEMENT_UNKNOWN): Snippet {
  const doc = new Document([yamlRule(input.hostname, input.serviceUrl, input.access)]);
  const first = isSeq(doc.contents) ? doc.contents.items[0] : undefined;
  if (isMap(first)) first.commentBefore = ` docker-mcp: ${MANAGED_MARKER} init`;
  return { title: `Ingress rule, ${placement}`, where, language: 'yaml', text: doc.toString() };
}

export function refuseYaml(plan: RepoPatchPlan, input: RepoPatchInput, reason: string, placement?: string): RepoPatchPlan {
  // Behaviour 6 (review 3 finding 9): a YAML refusal offers the module call too, as HCL refusals do.
  const moduleCall = refusedModuleCall(input, reason);
  const call = moduleSnippet(moduleCall, `${MODULE_FILE} in the --terraform-dir, next to its modules/docker-mcp-gateway`);
  return { ...plan, refused: reason, edits: [], snippets: [yamlSnippet(input, undefined, placement), call], moduleCall };
}
