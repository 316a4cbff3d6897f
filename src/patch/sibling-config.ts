// Tunnel and DNS in Terraform, cloudflared's config in Kubernetes YAML next to it (review 1, finding
// 10 part 3): repo/terraform has `cloudflare_tunnel.home` and its `cloudflare_record`s but no tunnel
// config resource (cloudflared reads a local config), and the ConfigMap lives in repo/k8s. With
// --terraform-dir repo/terraform the config is searched for from the git root (dot directories,
// node_modules and vendor skipped, as repo-scan's walk does; bounded by its file limit), the YAML gets
// the rule, and the DNS record is added in Terraform the repo's way (dns-plan.ts), not printed as
// `cloudflared tunnel route dns`.
import { dirname, relative, resolve } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { isSeq } from 'yaml';
import { applyTextEdits, type TextEdit } from './hcl-edits.js';
import { planDns } from './dns-plan.js';
import { attributeValue, blockBody, blockLabels, findAttribute, staticString } from './hcl-nodes.js';
import type { RepoModel, TfTunnelConfig } from './model.js';
import { withTunnelStatus } from './module-status.js';
import { blockAddress, enclosingGitRoot, topBlocks, type RepoScan, type TfFile } from './repo-scan.js';
import type { RepoPatchInput, RepoPatchPlan } from './types.js';
import { findYamlConfigs, ruleValue, type YamlConfig } from './yaml-scan.js';

const TUNNEL_TYPES = ['cloudflare_tunnel', 'cloudflare_zero_trust_tunnel_cloudflared'];
const MAX_UP = 8;

/** The nearest directory at or above `dir` holding `.git`; null when there is none close by. */
export const gitRoot = (dir: string): string | null => enclosingGitRoot(dir, MAX_UP);

function tunnels(scan: RepoScan): { file: TfFile; block: Node }[] {
  return scan.files.flatMap((file) => topBlocks(file, 'resource').filter((b) => TUNNEL_TYPES.includes(blockLabels(b)[0] ?? '')).map((block) => ({ file, block })));
}

/** DNS records pointing at a tunnel (`<uuid>.cfargotunnel.com`): a Terraform root for a tunnel made elsewhere (review 4 #7). */
function tunnelRecords(scan: RepoScan): boolean {
  return scan.files.some((f) => topBlocks(f, 'resource').some((b) => ['cloudflare_record', 'cloudflare_dns_record'].includes(blockLabels(b)[0] ?? '') && /\.cfargotunnel\.com/.test(f.text.slice(b.startIndex, b.endIndex))));
}

/** cloudflared configs elsewhere in the git repo, when the Terraform root has a tunnel but no config for it. */
export function siblingYamlConfigs(repoDir: string, scan: RepoScan): { root: string; configs: YamlConfig[] } | null {
  const root = gitRoot(repoDir);
  if (!root || root === repoDir || (!tunnels(scan).length && !tunnelRecords(scan))) return null;
  try {
    return { root, configs: findYamlConfigs(root) };
  } catch {
    // More files than the walk's limit: not searched, as if there were none.
    return null;
  }
}

const tunnelName = (block: Node): string | null => {
  const name = findAttribute(blockBody(block), 'name');
  return name === undefined ? null : (staticString(attributeValue(name)) ?? null);
};

/**
 * The Terraform tunnel the YAML config runs: the one whose `name` is its `tunnel:`; with no `tunnel:`
 * (the id comes from the environment) the only one. A `tunnel:` no Terraform tunnel is named (another
 * tunnel, e.g. home-staging, or a UUID: Terraform's ids are known only after apply) proves nothing, so
 * no record is pointed at a Terraform tunnel (review 3 #4): the `cloudflared tunnel route dns` line stays.
 */
export function tunnelFor(model: RepoModel, cand: Pick<YamlConfig, 'tunnel'>, notes: string[] = []): TfTunnelConfig | null {
  const all = tunnels(model.scan!);
  // A `${tunnel_id}` placeholder (a .tftpl read by templatefile()) is filled in by Terraform itself, so
  // like a missing `tunnel:` it names the repo's only tunnel.
  const given = cand.tunnel !== null && cand.tunnel.includes('${') ? null : cand.tunnel;
  const named = all.filter(({ block }) => tunnelName(block) === given);
  const pick = named.length === 1 ? named[0]! : given === null && all.length === 1 ? all[0]! : null;
  if (!pick) {
    if (given !== null && all.length) {
      const names = all.map(({ block }) => `${blockAddress(block)}${tunnelName(block) ? ` (name "${tunnelName(block)}")` : ''}`).join(', ');
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(given);
      notes.push(
        `The cloudflared config runs tunnel ${given}, ${uuid ? 'an id that cannot be matched to' : 'which is none of'} the Terraform tunnels (${names}); ` +
          `no DNS record was added in Terraform: route the hostname to ${given} with the command below.`,
      );
    }
    return null;
  }
  // The record type follows the repo's own records; the tunnel type alone does not say (v4 ≥ 4.40
  // also has cloudflare_zero_trust_tunnel_cloudflared).
  const v5 = model.dns.some((d) => d.type === 'cloudflare_dns_record') || (!model.dns.length && blockLabels(pick.block)[0] !== 'cloudflare_tunnel');
  return { file: pick.file, block: pick.block, address: `${blockAddress(pick.block)} in ${pick.file.relPath}`, version: v5 ? 'v5' : 'v4', source: { kind: 'unreadable', reason: 'a tunnel, not its config' } };
}

/**
 * Paths in the report and in docker-mcp.tf are relative to the --terraform-dir (review 3 #13): with
 * --cloudflared-configmap the model's repoDir is the file itself, and docker-mcp.tf is committed, so
 * it must never record an absolute machine path.
 */
export function reportBase(model: RepoModel, input: RepoPatchInput): string {
  return input.terraformDir ? resolve(input.terraformDir) : model.isFile ? dirname(model.repoDir) : model.repoDir;
}

/** After the YAML plan: the DNS record in Terraform instead of the `cloudflared tunnel route dns` line. */
export async function terraformDnsForYaml(model: RepoModel, cand: YamlConfig, input: RepoPatchInput, plan: RepoPatchPlan): Promise<void> {
  const tunnel = model.scan && !plan.refused ? tunnelFor(model, cand, plan.notes) : null;
  if (!tunnel) return;
  const seq = cand.inner.getIn(cand.ingressPath, true);
  const hosts = (isSeq(seq) ? seq.items : []).map((i) => ruleValue(cand.inner, i)?.hostname).filter((h): h is string => typeof h === 'string');
  const ref = `${blockLabels(tunnel.block)[0]}.${blockLabels(tunnel.block)[1]}`;
  const dns = await planDns(model, tunnel, input.hostname, hosts, ref);
  const byFile = new Map<TfFile, TextEdit[]>();
  for (const { file, edit } of dns.edits) byFile.set(file, [...(byFile.get(file) ?? []), edit]);
  const base = reportBase(model, input);
  for (const [file, edits] of byFile) plan.edits.push({ path: file.path, relPath: relative(base, file.path), before: file.text, after: applyTextEdits(file.text, edits) });
  plan.notes.push(...dns.notes);
  plan.snippets = [...plan.snippets.filter((s) => s.title !== 'DNS: route the hostname to the tunnel'), ...dns.snippets];
  const rel = relative(base, cand.path);
  plan.moduleCall = withTunnelStatus(input.moduleCallHcl, { ruleIn: `${rel} (${cand.where})`, dns: dns.status });
}
