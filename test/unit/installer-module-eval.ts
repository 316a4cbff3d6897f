// The rendered Terraform module as Kubernetes objects: main.tf is parsed with the real grammar and
// evaluated (installer-hcl-eval.ts) with a configuration's values. Shared by the parity test and the
// seam test, which starts the real gateway with the module's ConfigMap.
import { expect } from 'vitest';
import type { Node } from 'web-tree-sitter';
import { parseHcl } from '../../src/templates/hcl-parse.js';
import { evalBody, type Block, type Scope, type Value } from './installer-hcl-eval.js';

const KINDS: Record<string, [string, string]> = {
  kubernetes_namespace_v1: ['v1', 'Namespace'],
  kubernetes_service_account_v1: ['v1', 'ServiceAccount'],
  kubernetes_config_map_v1: ['v1', 'ConfigMap'],
  kubernetes_deployment_v1: ['apps/v1', 'Deployment'],
  kubernetes_service_v1: ['v1', 'Service'],
  kubernetes_network_policy_v1: ['networking.k8s.io/v1', 'NetworkPolicy'],
  kubernetes_pod_disruption_budget_v1: ['policy/v1', 'PodDisruptionBudget'],
};
/** Blocks the provider repeats, and the API's (plural) list field each one fills; everything else is a single nested object. */
const REPEATED: Record<string, string> = {
  container: 'containers', port: 'ports', volume: 'volumes', volume_mount: 'volumeMounts', ingress: 'ingress', from: 'from',
  ports: 'ports', env_from: 'envFrom', egress: 'egress', to: 'to', toleration: 'tolerations', node_selector_term: 'nodeSelectorTerms',
  match_expressions: 'matchExpressions', image_pull_secrets: 'imagePullSecrets',
};
/** Repeated only under pod (anti-)affinity; under node_affinity the API has one NodeSelector object. */
const AFFINITY_TERMS = new Set(['required_during_scheduling_ignored_during_execution', 'preferred_during_scheduling_ignored_during_execution']);
/** Module files that declare no resources. */
const NOT_RESOURCES = /\/(variables|outputs|versions)\.tf$/;
/** Provider settings on a resource that are not Kubernetes fields (how Terraform waits, for how long). */
const PROVIDER_ONLY_ATTRIBUTES = new Set(['count', 'wait_for_rollout']);
/** Resource-level blocks that are Terraform's (preconditions, timeouts); a container's lifecycle is the API's. */
const PROVIDER_ONLY_BLOCKS = new Set(['lifecycle', 'timeouts']);
/** An evaluated resource as Terraform exposes it to references: nested blocks are lists. */
function asReference(block: { attributes: Record<string, Value>; blocks: Block[] }): Value {
  const out: Record<string, Value> = { ...block.attributes };
  for (const child of block.blocks) ((out[child.type] ??= []) as Value[]).push(asReference(child));
  return out;
}

/** Provider attributes that are strings where the Kubernetes API has integers. */
const NUMERIC = new Set(['replicas', 'runAsUser', 'runAsGroup', 'fsGroup', 'minAvailable', 'maxSurge', 'maxUnavailable']);
const camel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function toK8s(block: { attributes: Record<string, Value>; blocks: Block[] }, path: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(block.attributes)) {
    if (value === null || PROVIDER_ONLY_ATTRIBUTES.has(key)) continue;
    const k = camel(key);
    if (k === 'supplementalGroups' && Array.isArray(value) && value.length === 0) continue;
    if (NUMERIC.has(k) && typeof value === 'string') out[k] = Number(value);
    else if (k === 'defaultMode' && typeof value === 'string') out[k] = parseInt(value, 8);
    // NetworkPolicy ports take a string in the provider (int-or-string in the API).
    else if (k === 'port' && path.at(-1) === 'ports' && typeof value === 'string' && /^\d+$/.test(value)) out[k] = Number(value);
    else out[k] = value;
  }
  for (const child of block.blocks) {
    if (PROVIDER_ONLY_BLOCKS.has(child.type) && path.length === 0) continue;
    const value = toK8s(child, [...path, child.type]);
    const list = REPEATED[child.type] ?? (AFFINITY_TERMS.has(child.type) && path.at(-1) !== 'node_affinity' ? camel(child.type) : undefined);
    if (list) ((out[list] ??= []) as unknown[]).push(value);
    else out[camel(child.type)] = value;
  }
  return out;
}

export async function moduleObjects(files: { path: string; contents: string }[], vars: Record<string, Value>): Promise<Record<string, unknown>[]> {
  return (await evaluateModule(files, vars)).objects;
}

/** The objects, and the scope they were evaluated in (locals, resources) for tests of other blocks. */
export async function evaluateModule(
  files: { path: string; contents: string }[],
  vars: Record<string, Value>,
): Promise<{ objects: Record<string, unknown>[]; scope: Scope }> {
  // main.tf first (its locals), then the module's other resource files (network-policy.tf, …).
  const module = files.filter((f) => /modules\/docker-mcp-gateway\/[^/]+\.tf$/.test(f.path) && !NOT_RESOURCES.test(f.path))
    .sort((a, b) => Number(!a.path.endsWith('/main.tf')) - Number(!b.path.endsWith('/main.tf')));
  expect(module[0]?.path).toMatch(/\/main\.tf$/);
  const bodies: Node[] = [];
  for (const file of module) {
    const { root, errors } = await parseHcl(file.contents);
    expect(errors, file.path).toEqual([]);
    bodies.push(root.namedChildren.find((n) => n?.type === 'body')!);
  }
  const scope: Scope = { var: vars, local: {} };
  const objects: Record<string, unknown>[] = [];
  for (const item of bodies.flatMap((body) => body.namedChildren)) {
    if (item?.type !== 'block') continue;
    const [typeNode, ...rest] = item.namedChildren;
    const inner = rest.find((n) => n?.type === 'body') ?? null;
    if (typeNode!.text === 'locals') {
      // Locals in file order; each may use the ones before it.
      for (const attr of inner!.namedChildren) {
        if (attr?.type !== 'attribute') continue;
        const single = evalBody({ namedChildren: [attr] } as never, scope);
        Object.assign(scope.local as Record<string, Value>, single.attributes);
      }
      continue;
    }
    // Data sources read the cluster (the tokens Secret for a precondition); they describe no object.
    if (typeNode!.text === 'data') continue;
    const labels = rest.filter((n) => n?.type === 'string_lit').map((n) => n.text.slice(1, -1));
    const evaluated = evalBody(inner, scope);
    // Later blocks may refer to this one (`kubernetes_namespace_v1.gateway[0].metadata[0].name`).
    const counted = 'count' in evaluated.attributes;
    const instances = counted ? (evaluated.attributes.count === 0 ? [] : [asReference(evaluated)]) : asReference(evaluated);
    scope[labels[0]!] = { ...(scope[labels[0]!] as Record<string, Value> | undefined), [labels[1]!]: instances };
    if (evaluated.attributes.count === 0) continue;
    if (labels[0] === 'kubernetes_manifest') {
      objects.push(evaluated.attributes.manifest as Record<string, unknown>);
      continue;
    }
    const [apiVersion, kind] = KINDS[labels[0]!]!;
    objects.push({ apiVersion, kind, ...toK8s(evaluated) });
  }
  return { objects, scope };
}

