// Issue 17 behaviour 7: the repo shows where cloudflared runs (namespace, pod labels); when the
// answers leave the NetworkPolicy's cloudflared_namespace / cloudflared_pod_labels at their
// defaults, the module call carries what the repo shows instead of a guess that admits nothing.
import type { InstallConfig } from '../../config/schema.js';
import type { VariableSpec } from '../../config/variables.js';
import type { RepoPatchPlan } from '../../patch/index.js';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function adoptCloudflared(c: InstallConfig, table: readonly VariableSpec[], found: NonNullable<RepoPatchPlan['cloudflared']>): { config: InstallConfig; note: string } | null {
  // No proven labels: carrying the namespace alone would pair it with the default labels, printed
  // below as "as the repo runs it" (review 3, finding 6). Both halves or neither.
  const byName = (n: string): unknown => table.find((s) => s.name === n)?.default;
  if (!Object.keys(found.labels).length && same(c.cloudflared_pod_labels, byName('cloudflared_pod_labels'))) return null;
  const namespace =
    same(c.cloudflared_namespace, byName('cloudflared_namespace')) && found.namespace && found.namespace !== c.namespace
      ? found.namespace
      : c.cloudflared_namespace;
  const labels =
    same(c.cloudflared_pod_labels, byName('cloudflared_pod_labels')) && Object.keys(found.labels).length ? found.labels : c.cloudflared_pod_labels;
  if (namespace === c.cloudflared_namespace && same(labels, c.cloudflared_pod_labels)) return null;
  const shown = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  const policy = c.enable_network_policy ? 'The NetworkPolicy admits' : 'With --enable-network-policy, the NetworkPolicy would admit';
  return {
    config: { ...c, cloudflared_namespace: namespace, cloudflared_pod_labels: labels },
    note: `${policy} cloudflared as the repo runs it (${found.where}): namespace ${namespace || c.namespace}, pods ${shown} (cloudflared_namespace / cloudflared_pod_labels in docker-mcp.tf).`,
  };
}
