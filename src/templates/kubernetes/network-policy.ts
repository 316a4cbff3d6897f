// The gateway's NetworkPolicy as data. The Terraform module writes the same object
// (terraform/network-policy.tf.ts); test/unit/installer-parity checks they agree, and
// test/unit/installer-network-policy evaluates both with a model of NetworkPolicy semantics.
//
// Ingress: cloudflared (one peer: its namespace AND its pod labels) on the http port, the metrics
// scraper on the metrics port, and network_policy_extra_ingress. Egress is default-deny except:
// - DNS (53/UDP and 53/TCP) to any address. Where the resolver lives differs by cluster: CoreDNS pods
//   behind the kube-dns ClusterIP (kubeadm, kind, k3s, talos), NodeLocal DNSCache on the node at
//   169.254.20.10 (hostNetwork, so no pod selector matches it), Talos' host DNS at 169.254.116.108,
//   and CNIs differ on whether a policy sees the Service IP or the DNAT'ed pod IP. A port-only rule
//   works in all of them; the cost is that DNS to outside resolvers is allowed too.
// - With Cloudflare Access validation, 443/TCP to public addresses: the team's certs endpoint
//   (<team>.cloudflareaccess.com) is on Cloudflare's anycast ranges, and a NetworkPolicy cannot
//   name a host.
// - network_policy_extra_egress.
// The Docker socket is a unix socket on a hostPath volume: no IP traffic, no NetworkPolicy.
import type { InstallConfig } from '../../config/schema.js';
import type { PeerItem } from '../../config/network-policy-items.js';
import { extraEgress, extraIngress } from '../../config/network-policy-items.js';
import { selectorLabels, tunnelRendered, usesAccess } from '../model.js';
import { CONNECTOR_YAML } from '../cloudflare/connector.js';
import type { K8sObject } from './objects.js';

/** Not "the internet": RFC 1918, loopback, link-local (cloud metadata, node-local DNS), CGNAT. */
export const NON_PUBLIC_IPV4 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '100.64.0.0/10'];
/** ULA, link-local, loopback. */
export const NON_PUBLIC_IPV6 = ['fc00::/7', 'fe80::/10', '::1/128'];

type Rule = Record<string, unknown>;
const NAMESPACE_LABEL = 'kubernetes.io/metadata.name';

const namespacePeer = (namespace: string, podLabels: Record<string, string>): Rule => ({
  namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: namespace } },
  // An empty pod selector would mean the same (every pod), but is left out as the module does.
  ...(Object.keys(podLabels).length ? { podSelector: { matchLabels: podLabels } } : {}),
});

/** One escape-hatch item as a peer (the module's dynamic blocks build the same). */
function peer(item: PeerItem): Rule {
  if (item.cidr !== null) return { ipBlock: { cidr: item.cidr } };
  return {
    namespaceSelector: item.namespace === '*' ? {} : { matchLabels: { [NAMESPACE_LABEL]: item.namespace } },
    ...(item.pod_labels ? { podSelector: { matchLabels: item.pod_labels } } : {}),
  };
}

function items(raw: string[], parse: typeof extraIngress.parse): PeerItem[] {
  return raw.map((r) => {
    const parsed = parse(r);
    if ('problem' in parsed) throw new Error(parsed.problem); // validateConfig() ran the same parse
    return parsed.item as PeerItem;
  });
}

const tcp = (port: number): Rule => ({ protocol: 'TCP', port });

/**
 * cloudflared in the gateway's own namespace (cloudflared_namespace empty) is a pod selector alone,
 * which means "in the policy's namespace": it keeps meaning that when a kustomize overlay's
 * `namespace:` or Flux's `targetNamespace` moves the objects, which rewrite metadata.namespace but
 * never a namespaceSelector. (Its labels cannot be empty there: validateConfig refuses that.)
 */
const cloudflaredPeer = (c: InstallConfig): Rule =>
  c.cloudflared_namespace ? namespacePeer(c.cloudflared_namespace, c.cloudflared_pod_labels) : { podSelector: { matchLabels: c.cloudflared_pod_labels } };

export function networkPolicy(c: InstallConfig, metadata: K8sObject['metadata']): K8sObject {
  const ingress: Rule[] = [{ from: [cloudflaredPeer(c)], ports: [tcp(c.port)] }];
  if (c.enable_metrics) ingress.push({ from: [namespacePeer(c.metrics_namespace, c.metrics_pod_labels)], ports: [tcp(c.metrics_port)] });
  for (const item of items(c.network_policy_extra_ingress, extraIngress.parse)) {
    ingress.push({ from: [peer(item)], ports: [tcp(item.port === 'metrics' ? c.metrics_port : c.port)] });
  }
  const egress: Rule[] = [{ ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }];
  if (usesAccess(c)) {
    egress.push({
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: NON_PUBLIC_IPV4 } }, { ipBlock: { cidr: '::/0', except: NON_PUBLIC_IPV6 } }],
      ports: [tcp(443)],
    });
  }
  for (const item of items(c.network_policy_extra_egress, extraEgress.parse)) {
    egress.push({ to: [peer(item)], ...(item.port !== null ? { ports: [tcp(Number(item.port))] } : {}) });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata,
    spec: { podSelector: { matchLabels: selectorLabels(c) }, policyTypes: ['Ingress', 'Egress'], ingress, egress },
  };
}

export const selector = (labels: Record<string, string>): string => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');

/** The NOTES.md step: who gets in and out, and how to check that the cloudflared selector is right. */
/** `kubectl` is the command NOTES uses everywhere (with --context when init recorded one). */
export function networkPolicyNote(c: InstallConfig, kubectl = 'kubectl'): string {
  const ns = c.cloudflared_namespace || c.namespace;
  const labels = selector(c.cloudflared_pod_labels);
  const who = labels ? `pods labelled \`${labels}\` in namespace \`${ns}\`` : `every pod in namespace \`${ns}\``;
  const scraper = c.enable_metrics
    ? `; on ${c.metrics_port} only ${Object.keys(c.metrics_pod_labels).length ? `pods labelled \`${selector(c.metrics_pod_labels)}\` in` : 'pods of'} namespace \`${c.metrics_namespace}\``
    : '';
  const extraIn = c.network_policy_extra_ingress.length ? `, plus network_policy_extra_ingress (${c.network_policy_extra_ingress.map((i) => `\`${i}\``).join(' ')})` : '';
  const out = [
    'DNS (port 53, to any address: CoreDNS, a node-local cache and host resolvers all live elsewhere)',
    ...(usesAccess(c) ? [`HTTPS (443) to public addresses, for the Cloudflare Access keys at https://${c.cf_access_team}.cloudflareaccess.com/cdn-cgi/access/certs ` +
      '(a NetworkPolicy cannot name a host, so every public address; private, loopback, link-local and CGNAT ranges stay closed)'] : []),
    ...(c.network_policy_extra_egress.length ? [`network_policy_extra_egress (${c.network_policy_extra_egress.map((i) => `\`${i}\``).join(' ')})`] : []),
  ];
  return (
    `NetworkPolicy: the gateway admits on port ${c.port} only cloudflared, ${who}${scraper}${extraIn}. ` +
      'In-cluster clients (the in-cluster URL in NOTES.md) need an entry in network_policy_extra_ingress ' +
      '(`--network-policy-extra-ingress NAMESPACE[/KEY=VALUE]`). ' +
      `Outbound it may reach only ${out.join('; ')}. ` +
      'The Docker socket is a unix socket on a hostPath volume, which no NetworkPolicy filters' +
      (c.enable_docker_socket ? '' : '; a daemon over tcp:// needs `--network-policy-extra-egress CIDR:PORT`') +
      '. Only a CNI that implements NetworkPolicy enforces it (Calico, Cilium, k3s\'s built-in controller; flannel alone does not). ' +
      // With create_tunnel the connector is rendered right there and runs only after the apply: a
      // check here would find nothing yet and send the reader to re-run init for no reason.
      (c.create_tunnel && tunnelRendered(c)
        ? `The connector this render makes (${CONNECTOR_YAML}, run in a step below) gets that namespace and those labels, so the policy admits it.`
        : 'Check that the selector finds your cloudflared, and if it does not, find its namespace and labels ' +
          'and re-run init with `--cloudflared-namespace` and `--cloudflared-pod-labels`:\n\n' +
          `   \`${kubectl} get pods -n ${ns}${labels ? ` -l ${labels}` : ''}\`\n\n` +
          `   \`${kubectl} get pods -A --show-labels | grep -i cloudflare\``)
  );
}

/** Said at render time when cloudflared's place was not given, since only the seed's layout is admitted then. */
export function networkPolicyWarning(c: InstallConfig): string {
  return (
    `The NetworkPolicy admits cloudflared only as pods labelled ${selector(c.cloudflared_pod_labels) || '(any)'} in namespace "${c.namespace}" ` +
    '(the seed\'s layout); if yours runs elsewhere the tunnel gets 502s. Name its namespace with --cloudflared-namespace ' +
    '(which also silences this) and its labels with --cloudflared-pod-labels; NOTES.md shows how to find them.'
  );
}
