// Step 2: name the shape of the repo's tunnel config. One case per shape; a new shape is one more
// case here and one more planner in planners.ts.
import type { IngressList } from './ingress-hcl.js';
import type { RepoModel, TfTunnelConfig } from './model.js';
import { TUNNEL_CONFIG_TYPES } from './ingress-hcl.js';
import type { TerragruntHit } from './terragrunt-find.js';
import type { RepoPatchInput } from './types.js';
import type { YamlConfig } from './yaml-scan.js';
import { ambiguousYamlReason } from './yaml-notes.js';

export type Shape =
  /** Rules written out: v4 `ingress_rule` blocks or a v5 list of objects (shapes 1, 5, 6). */
  | { kind: 'hcl-literal'; config: TfTunnelConfig; list: IngressList }
  /** Rules generated from a collection: `dynamic` (shape 2) or a for/concat/variable expression (3, 4). */
  | { kind: 'hcl-generated'; config: TfTunnelConfig }
  | { kind: 'hcl-unreadable'; config: TfTunnelConfig; reason: string }
  /** A cloudflared ingress list in YAML: ConfigMap, plain file, HelmRelease values, chart values (7–11). */
  | { kind: 'yaml-list'; config: YamlConfig }
  /** A Terragrunt unit sources the module holding the tunnel config: never patched (terragrunt-plan.ts). */
  | { kind: 'terragrunt'; hit: TerragruntHit }
  /** `configs`: several Terraform tunnel configs, the user's choice (tunnel-choice.ts). */
  | { kind: 'none' | 'ambiguous'; mode: 'terraform' | 'yaml'; reason: string; configs?: TfTunnelConfig[] };

function yamlShape(model: RepoModel, target: string): Shape {
  const found = model.yamlConfigs;
  if (found.length === 1) return { kind: 'yaml-list', config: found[0]! };
  if (found.length === 0) {
    return {
      kind: 'none',
      mode: 'yaml',
      reason: `no cloudflared config found: expected a ConfigMap whose data["config.yaml"] has an \`ingress:\` list (or a cloudflared config file, HelmRelease values or cloudflare-tunnel chart values with one) under ${target}`,
    };
  }
  return { kind: 'ambiguous', mode: 'yaml', reason: ambiguousYamlReason(model, found) };
}

export function classify(model: RepoModel, input: RepoPatchInput, target: string): Shape {
  // --cloudflared-configmap named a base that an overlay replaces: not what kustomize deploys.
  if (model.kustomize.refused) return { kind: 'none', mode: 'yaml', reason: model.kustomize.refused };
  if (model.terragrunt) return { kind: 'terragrunt', hit: model.terragrunt };
  const mode = input.mode ?? 'auto';
  if (mode === 'yaml' || (mode === 'auto' && model.isFile)) return yamlShape(model, target);
  const configs = model.tunnelConfigs;
  if (configs.length === 0) {
    // A repo with no Terraform tunnel but a cloudflared config in YAML gets the YAML patch.
    if (mode === 'auto' && model.yamlConfigs.length > 0) return yamlShape(model, target);
    const expected = `a \`${TUNNEL_CONFIG_TYPES.join('` or `')}\` resource`;
    const links = model.scan?.outsideLinks ?? [];
    // A tunnel module behind a link that leaves the git root is not read (review 2 finding 17): say so.
    const skipped = links.length ? ` (symlinks leaving the git root are not followed: ${links.join(', ')})` : '';
    return { kind: 'none', mode: 'terraform', reason: `no tunnel configuration found: expected ${expected} in a .tf file under ${model.repoDir}${skipped}` };
  }
  if (configs.length > 1) {
    const found = configs.map((c) => c.address.replace(' in ', ' (') + ')').join(', ');
    return { kind: 'ambiguous', mode: 'terraform', reason: `ambiguous: more than one tunnel configuration (${found}); patch the right one by hand`, configs };
  }
  return configShape(configs[0]!);
}

/** The shape of one Terraform tunnel config (also the one the user chose among several). */
export function configShape(config: TfTunnelConfig): Shape {
  switch (config.source.kind) {
    case 'literal':
      return { kind: 'hcl-literal', config, list: config.source.list };
    case 'dynamic':
    case 'expression':
      return { kind: 'hcl-generated', config };
    case 'unreadable':
      return { kind: 'hcl-unreadable', config, reason: config.source.reason };
  }
}
