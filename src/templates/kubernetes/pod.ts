// Pod settings beyond the container itself: scheduling (co-location or spread, node selection,
// tolerations, priority), the rollout strategy and the shutdown timing. The module's main.tf
// expresses the same (test/unit/installer-parity checks it).
import { HOSTNAME_LABEL, type InstallConfig } from '../../config/schema.js';
import { nodeAffinityItem, tolerationItem } from '../../config/scheduling.js';
import type { ModuleItem, StructuredList } from '../../config/variables.js';
import { settingsTable } from '../../contract/settings.js';
import { selectorLabels } from '../model.js';

/**
 * preStop pause: after the pod is marked terminating, endpoints and kube-proxy rules (which the
 * tunnel's cloudflared reaches the Service through) take a moment to drop it; requests routed to it
 * meanwhile are still served normally. Only then does SIGTERM start the gateway's drain (new
 * requests get 503). An exec of node, because the image may have no shell or `sleep`, and the
 * Kubernetes `sleep` action is not in the Terraform provider's lifecycle handler (checked in
 * hashicorp/terraform-provider-kubernetes kubernetes/schema_container.go, v2.23.0 to v3.2.1: only
 * exec, http_get and tcp_socket).
 */
export const PRE_STOP_SECONDS = 5;
export const PRE_STOP_COMMAND: readonly string[] = ['node', '-e', `setTimeout(() => {}, ${PRE_STOP_SECONDS * 1000})`];

/** The gateway's drain after SIGTERM (shutdown_grace_seconds, which the installer leaves at its default). */
export const DRAIN_SECONDS = Number(settingsTable.find((s) => s.key === 'shutdown_grace_seconds')!.default);

/** The grace period counts from the start of preStop: it must cover the pause, the drain and the exit. */
export const TERMINATION_GRACE_SECONDS = 30;

/**
 * Replicas sharing the node's Docker socket must run on one node (each node has its own daemon).
 * Required pod affinity to their own selector does that through the scheduler. The first replica
 * is not stuck waiting for a peer: kube-scheduler lets a pod whose affinity term matches itself
 * schedule when no pod matches the term yet (pkg/scheduler/framework/plugins/interpodaffinity/
 * filtering.go, satisfyPodAffinity: "This pod may be the first pod in a series that have affinity to
 * themselves"). Rolling updates keep the label set, so new pods join the old ones' node.
 */
export const coLocated = (c: InstallConfig): boolean => c.replicas > 1 && c.enable_docker_socket;
/** Without the socket (a remote daemon) the replicas are independent: spread them across nodes. */
export const spread = (c: InstallConfig): boolean => c.replicas > 1 && !c.enable_docker_socket;
/** node_name, or a node_selector on the hostname label, puts every replica on that one node. */
export const pinnedToOneNode = (c: InstallConfig): boolean => c.node_name !== '' || HOSTNAME_LABEL in c.node_selector;
/**
 * A PodDisruptionBudget only for spread replicas that are free to leave a node. Co-located replicas
 * are all on the drained node and their replacements cannot schedule elsewhere (the affinity follows
 * the old pods); pinned ones cannot either (the node selector). A minAvailable budget would then
 * block `kubectl drain` forever without protecting anything.
 */
export const wantsPdb = (c: InstallConfig): boolean => spread(c) && !pinnedToOneNode(c);

const items = (list: StructuredList, raw: string[]): ModuleItem[] =>
  raw.map((r) => {
    const parsed = list.parse(r);
    if ('problem' in parsed) throw new Error(parsed.problem);
    return parsed.item;
  });
/** Drop the attributes an item leaves unset, as the provider does with null. */
const compact = (item: ModuleItem): Record<string, unknown> => Object.fromEntries(Object.entries(item).filter(([, v]) => v !== null));

/** node_name as a node selector on kubernetes.io/hostname, merged with node_selector. */
export function nodeSelector(c: InstallConfig): Record<string, string> {
  return { ...c.node_selector, ...(c.node_name ? { [HOSTNAME_LABEL]: c.node_name } : {}) };
}

const hostTerm = (c: InstallConfig): Record<string, unknown> => ({ labelSelector: { matchLabels: selectorLabels(c) }, topologyKey: HOSTNAME_LABEL });

function affinity(c: InstallConfig): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (c.node_affinity.length) {
    out.nodeAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: items(nodeAffinityItem, c.node_affinity).map(compact) }] },
    };
  }
  if (coLocated(c)) out.podAffinity = { requiredDuringSchedulingIgnoredDuringExecution: [hostTerm(c)] };
  if (spread(c)) out.podAntiAffinity = { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: hostTerm(c) }] };
  return Object.keys(out).length ? out : undefined;
}

/** Pod spec fields for scheduling; absent fields are left out. */
export function podScheduling(c: InstallConfig): Record<string, unknown> {
  const selector = nodeSelector(c);
  const aff = affinity(c);
  return {
    ...(c.priority_class_name ? { priorityClassName: c.priority_class_name } : {}),
    ...(Object.keys(selector).length ? { nodeSelector: selector } : {}),
    ...(aff ? { affinity: aff } : {}),
    ...(c.tolerations.length ? { tolerations: items(tolerationItem, c.tolerations).map(compact) } : {}),
  };
}

/**
 * Co-located replicas replace one pod at a time without an extra one: the others keep serving, and
 * the node they share needs no room for a surge pod (with the seed's 1Gi request a surge would need a
 * third 1Gi on that node, and a full node would hang the rollout until rollout_timeout). A single
 * replica, or spread ones, get their replacement Ready first (one extra pod, any node that fits).
 */
export function rolloutStrategy(c: InstallConfig): Record<string, unknown> {
  const rollingUpdate = coLocated(c) ? { maxSurge: 0, maxUnavailable: 1 } : { maxSurge: 1, maxUnavailable: 0 };
  return { type: 'RollingUpdate', rollingUpdate };
}
