// Step 1 of the patcher: read the repo ONCE into a model. Nothing here decides what to do; the
// classifier (classify.ts) names the shape, a planner (planners.ts) plans the edit for that shape.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { ignoredConfig } from './config-guards.js';
import { templateConfigs } from './file-config.js';
import { findCloudflared, type CloudflaredWorkload } from './cloudflared-scan.js';
import { cloudflaredInTerraform } from './cloudflared-tf.js';
import { attributeValue, blockBody, blockLabels, bodyBlocks, findAttribute, findObjectElem, isObject, objectElemValue, unwrap } from './hcl-nodes.js';
import { TUNNEL_CONFIG_TYPES, readIngress, type IngressList } from './ingress-hcl.js';
import { blockAddress, scanRepo, topBlocks, type RepoScan, type TfFile } from './repo-scan.js';
import { applyKustomizeView, type KustomizeView } from './kustomize-view.js';
import { siblingYamlConfigs } from './sibling-config.js';
import { findTerragrunt, type TerragruntHit } from './terragrunt-find.js';
import { findYamlConfigs, type YamlConfig } from './yaml-scan.js';

/** Where a Terraform tunnel config's ingress rules come from. */
export type HclIngressSource =
  | { kind: 'literal'; list: IngressList }
  /** v4 `dynamic "ingress_rule" { for_each = <collection> }`. */
  | { kind: 'dynamic'; collection: string; node: Node }
  /** v5 `ingress = <expression>`: a for expression, concat(…), or a module variable. */
  | { kind: 'expression'; expression: string; node: Node }
  | { kind: 'unreadable'; reason: string };

export interface TfTunnelConfig {
  file: TfFile;
  block: Node;
  /** `resource.<type>.<name> in <file>`, for people. */
  address: string;
  version: 'v4' | 'v5';
  source: HclIngressSource;
}

export interface DnsResource {
  file: TfFile;
  block: Node;
  type: 'cloudflare_record' | 'cloudflare_dns_record';
  name: string;
  /** The `for_each` expression, or null for a per-host record. */
  forEach: string | null;
  /** v4 `cloudflare_record` takes `value` (older) or `content`; v5 `cloudflare_dns_record` `content`. */
  targetField: 'value' | 'content' | null;
  /** The text of that field, e.g. `cloudflare_tunnel.homelab.cname`. */
  target: string | null;
}

export interface RepoModel {
  repoDir: string;
  /** --cloudflared-configmap pointed at one file. */
  isFile: boolean;
  /** Parsed .tf files; null when the target is a single file. Call disposeModel when done. */
  scan: RepoScan | null;
  tunnelConfigs: TfTunnelConfig[];
  dns: DnsResource[];
  yamlConfigs: YamlConfig[];
  cloudflared: CloudflaredWorkload[];
  /** Kustomize's view of yamlConfigs: notes for the report, or a refusal (the flag named an overridden base). */
  kustomize: KustomizeView;
  /** A Terragrunt unit whose module holds the tunnel config (never patched: terragrunt-plan.ts). */
  terragrunt: TerragruntHit | null;
}

const NO_VIEW: KustomizeView = { notes: [], refused: null };

function hclSource(file: TfFile, block: Node): HclIngressSource {
  const ignored = ignoredConfig(file, block);
  if (ignored) return { kind: 'unreadable', reason: ignored };
  const body = blockBody(block);
  if (bodyBlocks(body, 'dynamic').some((d) => blockLabels(d)[0] === 'config')) {
    return { kind: 'unreadable', reason: 'its `config` is a `dynamic "config"` block; the patcher edits a written-out `config { … }` only' };
  }
  const config = bodyBlocks(body, 'config')[0];
  const dynamic = config ? bodyBlocks(blockBody(config), 'dynamic')[0] : undefined;
  if (dynamic && blockLabels(dynamic)[0] === 'ingress_rule') {
    const forEach = findAttribute(blockBody(dynamic), 'for_each');
    return { kind: 'dynamic', collection: attributeValue(forEach!)?.text ?? '?', node: dynamic };
  }
  const configAttr = findAttribute(body, 'config');
  const obj = configAttr ? unwrap(attributeValue(configAttr)) : undefined;
  const ingress = isObject(obj) ? findObjectElem(obj, 'ingress') : undefined;
  const value = ingress ? unwrap(objectElemValue(ingress)) : undefined;
  if (value && value.type !== 'tuple') return { kind: 'expression', expression: value.text, node: value };
  const list = readIngress(file, block);
  return typeof list === 'string' ? { kind: 'unreadable', reason: list } : { kind: 'literal', list };
}

function tunnelConfigs(scan: RepoScan): TfTunnelConfig[] {
  return scan.files.flatMap((file) =>
    topBlocks(file, 'resource')
      .filter((b) => TUNNEL_CONFIG_TYPES.includes(blockLabels(b)[0] ?? ''))
      .map((block) => {
        const source = file.syntaxErrors ? ({ kind: 'unreadable', reason: `${file.relPath} does not parse:\n${file.syntaxErrors}` } as const) : hclSource(file, block);
        const v5 = source.kind === 'literal' ? source.list.v5 : findAttribute(blockBody(block), 'config') !== undefined;
        return { file, block, address: `${blockAddress(block)} in ${file.relPath}`, version: v5 ? 'v5' : 'v4', source };
      }),
  );
}

function dnsResources(scan: RepoScan): DnsResource[] {
  return scan.files.flatMap((file) =>
    topBlocks(file, 'resource').flatMap((block): DnsResource[] => {
      const [type, name] = blockLabels(block);
      if (type !== 'cloudflare_record' && type !== 'cloudflare_dns_record') return [];
      const body = blockBody(block);
      const field = findAttribute(body, 'content') ? 'content' : findAttribute(body, 'value') ? 'value' : null;
      const forEach = findAttribute(body, 'for_each');
      return [{
        file, block, type, name: name ?? '',
        forEach: forEach ? (attributeValue(forEach)?.text ?? null) : null,
        targetField: field,
        target: field ? (attributeValue(findAttribute(body, field)!)?.text ?? null) : null,
      }];
    }),
  );
}

/** Reads everything the planners may need. `mode` only skips the half the user ruled out. */
/** `terraformDir` (mode 'yaml' only): a Terraform root read for DNS alone; its tunnel configs are not patched. */
export async function buildModel(target: string, mode: 'auto' | 'terraform' | 'yaml', terraformDir?: string, depth: 'repo' | 'module' = 'repo'): Promise<RepoModel> {
  const model = await readFiles(target, mode, terraformDir);
  // What kustomize really deploys (review 3 #3, #13): overridden bases dropped, the overlay's cloudflared.
  model.kustomize = applyKustomizeView(model, terraformDir);
  // Terragrunt units sourcing a module with the tunnel config (a module read for it does not look again).
  model.terragrunt = depth === 'repo' ? await findTerragrunt(model) : null;
  return model;
}

async function readFiles(target: string, mode: 'auto' | 'terraform' | 'yaml', terraformDir?: string): Promise<RepoModel> {
  const repoDir = resolve(target);
  const isFile = existsSync(repoDir) && statSync(repoDir).isFile();
  if (mode === 'yaml' && terraformDir) {
    const model = await readFiles(target, mode);
    const scan = await scanRepo(resolve(terraformDir));
    return { ...model, scan, dns: dnsResources(scan) };
  }
  const scan = isFile || mode === 'yaml' ? null : await scanRepo(repoDir);
  const configs = scan ? tunnelConfigs(scan) : [];
  // YAML configs matter only when Terraform has no tunnel config (or YAML was asked for); where
  // cloudflared runs is a bonus, so a YAML tree too big to read never fails a Terraform patch.
  let yamlConfigs = mode === 'yaml' || (mode === 'auto' && configs.length === 0) ? findYamlConfigs(repoDir) : [];
  // A tunnel in Terraform whose cloudflared config is YAML elsewhere in the repo (repo/k8s next to
  // repo/terraform): searched from the git root (sibling-config.ts).
  const sibling = mode === 'auto' && scan && configs.length === 0 && yamlConfigs.length === 0 ? siblingYamlConfigs(repoDir, scan) : null;
  if (sibling) yamlConfigs = sibling.configs;
  else if (mode === 'auto' && scan && configs.length === 0 && yamlConfigs.length === 0) yamlConfigs = templateConfigs(scan);
  let cloudflared: CloudflaredWorkload[] = [];
  try {
    cloudflared = mode === 'terraform' ? [] : findCloudflared(sibling ? sibling.root : isFile ? resolve(repoDir, '..') : repoDir);
  } catch {
    cloudflared = [];
  }
  // A kubernetes_deployment[_v1] running cloudflared in the Terraform itself (cloudflared-tf.ts).
  if (scan) cloudflared.push(...(await cloudflaredInTerraform(scan)));
  return { repoDir, isFile, scan, tunnelConfigs: configs, dns: scan ? dnsResources(scan) : [], yamlConfigs, cloudflared, kustomize: NO_VIEW, terragrunt: null };
}

export function disposeModel(model: RepoModel): void {
  for (const file of model.scan?.files ?? []) file.tree.delete();
  model.terragrunt?.models.forEach(disposeModel);
}
