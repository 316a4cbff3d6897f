// A FAKE of Kubernetes NetworkPolicy semantics (networking.k8s.io/v1), small enough to read in one
// sitting, for asserting who a rendered policy lets in and out. It follows the rules written in
// https://kubernetes.io/docs/concepts/services-networking/network-policies/ and nothing a CNI adds:
// - a policy applies to the pods its podSelector matches in its own namespace ({} = all of them);
// - policyTypes defaults to Ingress, plus Egress when the policy has egress rules;
// - a pod is isolated for a direction once any policy applying to it names that direction, and then
//   only what some rule of those policies allows gets through (the union: OR across policies and rules);
// - a rule without `from`/`to` matches every peer, without `ports` every port;
// - within one peer, namespaceSelector AND podSelector; podSelector alone means the policy's namespace;
// - every namespace carries kubernetes.io/metadata.name = its name;
// - a connection between two pods needs the source's egress AND the target's ingress to allow it.
// Simplifications, all on the strict side: ipBlock matches only addresses outside the cluster (the
// docs leave ipBlock vs pod IPs to the implementation), selectors never match an address, named
// ports resolve only against the target's declared ports, and anything unknown throws.
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export type Labels = Record<string, string>;
export interface Pod { namespace: string; labels: Labels; namespaceLabels?: Labels; ports?: Record<string, number> }
export type Endpoint = { pod: Pod } | { ip: string };
export interface Traffic { port: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }

interface Selector { matchLabels?: Labels; matchExpressions?: { key: string; operator: string; values?: string[] }[] }
interface Peer { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: { cidr: string; except?: string[] } }
interface Port { protocol?: string; port?: number | string; endPort?: number }
interface Rule { from?: Peer[]; to?: Peer[]; ports?: Port[] }
interface Spec { podSelector: Selector; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] }
export interface Policy { kind?: string; metadata: { namespace?: string }; spec: Spec }

export function selects(selector: Selector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const ok = e.operator === 'In' ? has && e.values!.includes(labels[e.key]!)
      : e.operator === 'NotIn' ? !has || !e.values!.includes(labels[e.key]!)
        : e.operator === 'Exists' ? has
          : e.operator === 'DoesNotExist' ? !has
            : (() => { throw new Error(`operator ${e.operator}`); })();
    if (!ok) return false;
  }
  return true;
}

const namespaceLabels = (pod: Pod): Labels => ({ ...pod.namespaceLabels, 'kubernetes.io/metadata.name': pod.namespace });

function inCidr(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/') as [string, string];
  const family = isIPv4(net) ? 'ipv4' : isIPv6(net) ? 'ipv6' : undefined;
  if (!family) throw new Error(`not a CIDR: ${cidr}`);
  if ((family === 'ipv4') !== isIPv4(ip)) return false;
  const list = new BlockList();
  list.addSubnet(net, Number(bits), family);
  return list.check(ip, family);
}

function peerMatches(peer: Peer, policyNamespace: string, other: Endpoint): boolean {
  const keys = Object.keys(peer).filter((k) => (peer as Record<string, unknown>)[k] !== undefined);
  if (keys.some((k) => !['podSelector', 'namespaceSelector', 'ipBlock'].includes(k))) throw new Error(`peer field ${keys.join()}`);
  if (peer.ipBlock) {
    if (peer.podSelector || peer.namespaceSelector) throw new Error('ipBlock cannot be combined with selectors');
    return 'ip' in other && inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(other.ip, c));
  }
  if (!('pod' in other)) return false;
  const { pod } = other;
  const namespaceOk = peer.namespaceSelector ? selects(peer.namespaceSelector, namespaceLabels(pod)) : pod.namespace === policyNamespace;
  return namespaceOk && (!peer.podSelector || selects(peer.podSelector, pod.labels));
}

function portMatches(port: Port, traffic: Traffic, target: Endpoint | undefined): boolean {
  if ((port.protocol ?? 'TCP') !== (traffic.protocol ?? 'TCP')) return false;
  if (port.port === undefined) return true;
  let number = port.port;
  if (typeof number === 'string') {
    const named = target && 'pod' in target ? target.pod.ports?.[number] : undefined;
    if (named === undefined) return false;
    number = named;
  }
  return port.endPort !== undefined ? traffic.port >= number && traffic.port <= port.endPort : traffic.port === number;
}

function types(spec: Spec): string[] {
  return spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])];
}

/** Does the direction `kind` allow traffic for `pod` (the policies' subject) with `other` at the far end? */
function allows(policies: Policy[], kind: 'Ingress' | 'Egress', pod: Pod, other: Endpoint, traffic: Traffic): boolean {
  const applying = policies.filter((p) => (p.kind ?? 'NetworkPolicy') === 'NetworkPolicy'
    && (p.metadata.namespace ?? 'default') === pod.namespace && selects(p.spec.podSelector, pod.labels) && types(p.spec).includes(kind));
  if (!applying.length) return true; // not isolated in this direction
  const target: Endpoint | undefined = kind === 'Ingress' ? { pod } : other;
  return applying.some((p) => (kind === 'Ingress' ? p.spec.ingress : p.spec.egress)?.some((rule) => {
    const peers = kind === 'Ingress' ? rule.from : rule.to;
    const peerOk = !peers?.length || peers.some((peer) => peerMatches(peer, p.metadata.namespace ?? 'default', other));
    const portOk = !rule.ports?.length || rule.ports.some((port) => portMatches(port, traffic, target));
    return peerOk && portOk;
  }) ?? false);
}

/** A connection from `from` to `to`: the source pod's egress and the target pod's ingress must both allow it. */
export function connects(policies: Policy[], from: Endpoint, to: Endpoint, traffic: Traffic): boolean {
  const out = 'pod' in from ? allows(policies, 'Egress', from.pod, to, traffic) : true;
  const into = 'pod' in to ? allows(policies, 'Ingress', to.pod, from, traffic) : true;
  return out && into;
}
