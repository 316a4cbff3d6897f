// The NetworkPolicy's escape hatches (network_policy_extra_ingress / _extra_egress) as structured
// list variables: one compact string per item on the command line, one object per item in the
// module. Items never contain commas (flags split lists on commas), so the separators are `/`
// (namespace from labels, as in a label key's own prefix), `+` (between labels, a character no
// label key or value can hold) and `:` (the port, which no namespace or label can hold).
import { isIPv4, isIPv6 } from 'node:net';
import type { ModuleItem, StructuredList } from './variables.js';
import { DNS1123_LABEL, LABEL_KEY, LABEL_VALUE } from './validators.js';

/** A peer: pods by namespace (`*` = every namespace) and optional labels, or an address range. */
export interface PeerItem extends ModuleItem {
  namespace: string | null;
  pod_labels: Record<string, string> | null;
  cidr: string | null;
  /** Ingress: `http` or `metrics` (the gateway's two ports); egress: a port number. */
  port: string | null;
}

type Parsed = { item: PeerItem } | { problem: string };

function parseCidr(text: string): string | undefined {
  const m = /^([0-9A-Fa-f.:]+)\/(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const bits = Number(m[2]);
  if (isIPv4(m[1]!) && bits <= 32) return text;
  if (isIPv6(m[1]!) && bits <= 128) return text.toLowerCase();
  return undefined;
}

function parseLabels(text: string): Record<string, string> | string {
  const labels: Record<string, string> = {};
  for (const pair of text.split('+')) {
    const eq = pair.indexOf('=');
    const [key, value] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    if (eq < 0 || !new RegExp(LABEL_KEY).test(key)) return `"${pair}" is not a label key=value`;
    if (!new RegExp(LABEL_VALUE).test(value) || value.length > 63) return `"${value}" is not a label value`;
    labels[key] = value;
  }
  return labels;
}

function parsePeer(raw: string, portOf: (port: string) => string | undefined, portHint: string): Parsed {
  // A CIDR first: IPv6 ones hold colons, and `/<prefix length>` ends them before any `:port`.
  const cidrForm = /^([0-9A-Fa-f.:]+\/\d{1,3})(?::([^:]+))?$/.exec(raw);
  if (cidrForm && (isIPv4(cidrForm[1]!.split('/')[0]!) || isIPv6(cidrForm[1]!.split('/')[0]!))) {
    const cidr = parseCidr(cidrForm[1]!);
    if (!cidr) return { problem: `${cidrForm[1]} is not a CIDR (prefix length up to 32 for IPv4, 128 for IPv6)` };
    const port = cidrForm[2] === undefined ? null : portOf(cidrForm[2]);
    if (port === undefined) return { problem: `the port must be ${portHint}` };
    return { item: { namespace: null, pod_labels: null, cidr, port } };
  }
  if (isIPv4(raw) || isIPv6(raw)) return { problem: `an address needs a prefix length, e.g. ${raw}/${isIPv6(raw) ? 128 : 32}` };
  const colon = raw.lastIndexOf(':');
  const [peer, portText] = colon < 0 ? [raw, undefined] : [raw.slice(0, colon), raw.slice(colon + 1)];
  const port = portText === undefined ? null : portOf(portText);
  if (port === undefined) return { problem: `the port must be ${portHint}` };
  if (isIPv4(peer)) return { problem: `an address needs a prefix length, e.g. ${peer}/32` };
  const slash = peer.indexOf('/');
  const [namespace, labelText] = slash < 0 ? [peer, undefined] : [peer.slice(0, slash), peer.slice(slash + 1)];
  if (namespace !== '*' && !(new RegExp(DNS1123_LABEL).test(namespace) && namespace.length <= 63)) {
    return { problem: `"${namespace}" is neither a namespace name, * (every namespace) nor a CIDR` };
  }
  const labels = labelText === undefined ? null : parseLabels(labelText);
  if (typeof labels === 'string') return { problem: labels };
  return { item: { namespace, pod_labels: labels, cidr: null, port } };
}

/**
 * The same rules as parsePeer() over the module's objects. Terraform's || does not short-circuit, so
 * a null attribute is replaced (coalesce, merge) or the call wrapped in can()/try().
 */
function peerValidations(ref: string, quote: (s: string) => string, name: string, port: { condition: string; hint: string }): { condition: string; message: string }[] {
  const each = (test: string): string => `alltrue([for i in ${ref} : ${test}])`;
  const labels = 'merge({}, i.pod_labels)'; // merge() skips a null argument
  return [
    { condition: each('(i.namespace == null) != (i.cidr == null)'),
      message: `Each ${name} item sets either namespace (pods) or cidr (addresses), not both.` },
    { condition: each(`i.namespace == null || can(regex(${quote('^(\\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$')}, i.namespace))`),
      message: `Each ${name} namespace must be a namespace name or * (every namespace).` },
    { condition: each('i.pod_labels == null || i.namespace != null'), message: `Each ${name} item with pod_labels needs a namespace.` },
    { condition: each(`alltrue([for k, v in ${labels} : can(regex(${quote(LABEL_KEY)}, k)) && can(regex(${quote(LABEL_VALUE)}, v))])`),
      message: `Each ${name} pod_labels entry must be a valid label key and value.` },
    { condition: each('i.cidr == null || can(cidrhost(i.cidr, 0))'), message: `Each ${name} cidr must be a CIDR like 192.168.1.0/24 or fd00::/8.` },
    { condition: each(port.condition), message: `Each ${name} port must be ${port.hint}.` },
  ];
}

const PEER_TYPE = 'namespace = optional(string), pod_labels = optional(map(string)), cidr = optional(string), port = optional(string)';

/** Who else may connect to the gateway: a metrics scraper, an in-cluster client. */
export const extraIngress: StructuredList = {
  hclType: `list(object({ ${PEER_TYPE} }))`,
  syntax: '`NAMESPACE[/KEY=VALUE[+KEY=VALUE…]][:http|metrics]` (NAMESPACE `*` = every namespace) or `CIDR[:http|metrics]`',
  parse: (raw) => parsePeer(raw, (p) => (p === 'http' || p === 'metrics' ? p : undefined), '`http` or `metrics` (the gateway\'s two ports; default http)'),
  validations: (ref, quote) => peerValidations(ref, quote, 'network_policy_extra_ingress', {
    condition: 'contains(["http", "metrics"], coalesce(i.port, "http"))', hint: 'http or metrics (or unset: http)',
  }),
};

/** What else the gateway may connect to: a remote Docker daemon over tcp://, an OAuth issuer. */
export const extraEgress: StructuredList = {
  hclType: `list(object({ ${PEER_TYPE} }))`,
  syntax: '`CIDR[:PORT]` or `NAMESPACE[/KEY=VALUE[+KEY=VALUE…]][:PORT]` (no port = every port)',
  parse: (raw) => parsePeer(raw, (p) => (/^\d{1,5}$/.test(p) && Number(p) >= 1 && Number(p) <= 65535 ? String(Number(p)) : undefined), 'a number from 1 to 65535'),
  validations: (ref, quote) => peerValidations(ref, quote, 'network_policy_extra_egress', {
    condition: 'i.port == null || try(can(regex("^[0-9]+$", i.port)) && tonumber(i.port) >= 1 && tonumber(i.port) <= 65535, false)',
    hint: 'a number from 1 to 65535 (or unset: every port)',
  }),
};
