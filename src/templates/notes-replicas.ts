// What several replicas protect against, for NOTES.md and the module README (one text, two places).
import type { InstallConfig } from '../config/schema.js';
import { coLocated } from './kubernetes/pod.js';

/** Co-located replicas (the socket mounted): the same facts the module README states in general. */
export const CO_LOCATED_REPLICAS =
  'Replicas that mount the node\'s Docker socket must all run on one node (each node has its own daemon): they ' +
  'get a required pod affinity to each other on `kubernetes.io/hostname`, so the scheduler keeps them together ' +
  '(`node_name` or `node_selector` choose the node; otherwise the scheduler does). They protect against a crashed ' +
  'or OOM-killed pod, a stuck process (the liveness probe restarts it while another replica serves) and downtime ' +
  'during rollouts (one pod at a time, maxSurge 0 and maxUnavailable 1, so the shared node needs no room for an ' +
  'extra pod while the others serve). They do not protect ' +
  'against node failure or a drain, nor a Docker daemon restart: all replicas share one node and one daemon. ' +
  'Hence no PodDisruptionBudget: every replica sits on the drained node and their replacements cannot schedule ' +
  'elsewhere (the affinity follows the old pods), so a minAvailable budget would only block `kubectl drain` forever.';

export const SPREAD_REPLICAS =
  'Without the socket (a remote Docker daemon) the replicas are independent: a preferred pod anti-affinity spreads ' +
  'them over nodes and a PodDisruptionBudget (minAvailable 1) keeps one running through a drain, unless ' +
  '`node_name` or a `kubernetes.io/hostname` node selector pins them all to one node: then no budget, since their ' +
  'replacements could not leave a drained node and the budget would block the drain forever. A rollout starts ' +
  'each replacement before stopping an old pod (maxSurge 1, maxUnavailable 0).';

/** The NOTES.md section for this configuration, or nothing for one replica. */
export function replicaNotes(c: InstallConfig): string {
  if (c.replicas < 2) return '';
  return `\n## Replicas\n\n${c.replicas} replicas. ${coLocated(c) ? CO_LOCATED_REPLICAS : SPREAD_REPLICAS}\n`;
}
