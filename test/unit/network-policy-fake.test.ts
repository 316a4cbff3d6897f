// The NetworkPolicy fake (test/helpers/network-policy-fake.ts) against the examples and the
// statements of https://kubernetes.io/docs/concepts/services-networking/network-policies/, so the
// installer tests that rely on it rely on documented behaviour.
import { describe, expect, it } from 'vitest';
import { connects, type Policy, type Pod } from '../helpers/network-policy-fake.js';

const pod = (namespace: string, labels: Record<string, string> = {}, namespaceLabels: Record<string, string> = {}): { pod: Pod } =>
  ({ pod: { namespace, labels, namespaceLabels } });
const policy = (spec: Policy['spec'], namespace = 'default'): Policy => ({ kind: 'NetworkPolicy', metadata: { namespace }, spec });
const tcp = (port: number) => ({ port, protocol: 'TCP' as const });

describe('NetworkPolicy fake: the documented example "test-network-policy"', () => {
  const example = policy({
    podSelector: { matchLabels: { role: 'db' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{
      from: [
        { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
        { namespaceSelector: { matchLabels: { project: 'myproject' } } },
        { podSelector: { matchLabels: { role: 'frontend' } } },
      ],
      ports: [{ protocol: 'TCP', port: 6379 }],
    }],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] }],
  });
  const db = pod('default', { role: 'db' });

  it('admits role=frontend in its namespace, any pod of a project=myproject namespace, and the ipBlock minus except, on TCP 6379', () => {
    expect(connects([example], pod('default', { role: 'frontend' }), db, tcp(6379))).toBe(true);
    expect(connects([example], pod('other', {}, { project: 'myproject' }), db, tcp(6379))).toBe(true);
    expect(connects([example], { ip: '172.17.0.9' }, db, tcp(6379))).toBe(true);
    expect(connects([example], { ip: '172.17.2.1' }, db, tcp(6379))).toBe(true);
  });

  it('refuses the except range, other pods, other namespaces, other ports and UDP', () => {
    expect(connects([example], { ip: '172.17.1.7' }, db, tcp(6379))).toBe(false);
    expect(connects([example], pod('default', { role: 'backend' }), db, tcp(6379))).toBe(false);
    expect(connects([example], pod('other', { role: 'frontend' }), db, tcp(6379))).toBe(false);
    expect(connects([example], pod('default', { role: 'frontend' }), db, tcp(6380))).toBe(false);
    expect(connects([example], pod('default', { role: 'frontend' }), db, { port: 6379, protocol: 'UDP' })).toBe(false);
  });

  it('lets db out only to 10.0.0.0/24 on TCP 5978, and leaves pods it does not select alone', () => {
    expect(connects([example], db, { ip: '10.0.0.200' }, tcp(5978))).toBe(true);
    expect(connects([example], db, { ip: '10.0.1.1' }, tcp(5978))).toBe(false);
    expect(connects([example], db, { ip: '10.0.0.200' }, tcp(443))).toBe(false);
    expect(connects([example], pod('default', { role: 'web' }), { ip: '8.8.8.8' }, tcp(443))).toBe(true);
    expect(connects([example], { ip: '1.2.3.4' }, pod('default', { role: 'web' }), tcp(80))).toBe(true);
  });
});

describe('NetworkPolicy fake: selectors, AND within a peer, OR across peers', () => {
  const target = pod('default', { app: 'db' });
  const and = policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [
    { namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } },
  ] }] });
  const or = policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [
    { namespaceSelector: { matchLabels: { user: 'alice' } } }, { podSelector: { matchLabels: { role: 'client' } } },
  ] }] });

  it('one element with both selectors: role=client pods in user=alice namespaces only', () => {
    expect(connects([and], pod('a', { role: 'client' }, { user: 'alice' }), target, tcp(1))).toBe(true);
    expect(connects([and], pod('a', { role: 'other' }, { user: 'alice' }), target, tcp(1))).toBe(false);
    expect(connects([and], pod('default', { role: 'client' }), target, tcp(1))).toBe(false);
  });

  it('two elements: role=client in the local namespace, or any pod of a user=alice namespace', () => {
    expect(connects([or], pod('a', { role: 'other' }, { user: 'alice' }), target, tcp(1))).toBe(true);
    expect(connects([or], pod('default', { role: 'client' }), target, tcp(1))).toBe(true);
    expect(connects([or], pod('b', { role: 'client' }), target, tcp(1))).toBe(false);
  });

  it('kubernetes.io/metadata.name names every namespace; matchExpressions work', () => {
    const byName = policy({ podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tools' } } }] }] });
    expect(connects([byName], pod('tools'), target, tcp(1))).toBe(true);
    expect(connects([byName], pod('toolz'), target, tcp(1))).toBe(false);
    const expr = policy({ podSelector: {}, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] } }] }] });
    expect(connects([expr], pod('default', { tier: 'b' }), target, tcp(1))).toBe(true);
    expect(connects([expr], pod('default', { tier: 'c' }), target, tcp(1))).toBe(false);
  });
});

describe('NetworkPolicy fake: defaults, policyTypes and ports', () => {
  const web = pod('default', { app: 'web' });
  it('default deny ingress ({} selector, no rules) and allow all ({} rule); policies add up', () => {
    const deny = policy({ podSelector: {}, policyTypes: ['Ingress'] });
    const allowAll = policy({ podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] });
    expect(connects([deny], pod('default'), web, tcp(80))).toBe(false);
    expect(connects([deny, allowAll], pod('x'), web, tcp(80))).toBe(true);
    expect(connects([deny], web, { ip: '1.1.1.1' }, tcp(443))).toBe(true); // egress not isolated
  });

  it('policyTypes defaults to Ingress, with Egress only when egress rules exist', () => {
    const ingressOnly = policy({ podSelector: {}, ingress: [] });
    expect(connects([ingressOnly], web, { ip: '1.1.1.1' }, tcp(443))).toBe(true);
    expect(connects([ingressOnly], pod('default'), web, tcp(80))).toBe(false);
    const egressRules = policy({ podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] });
    expect(connects([egressRules], web, { ip: '1.1.1.1' }, tcp(443))).toBe(false);
    expect(connects([egressRules], web, { ip: '1.1.1.1' }, { port: 53, protocol: 'UDP' })).toBe(true);
    const denyEgress = policy({ podSelector: {}, policyTypes: ['Egress'] });
    expect(connects([denyEgress], web, { ip: '10.0.0.1' }, tcp(53))).toBe(false);
  });

  it('a pod-to-pod connection needs both the egress and the ingress side', () => {
    const client = pod('default', { app: 'client' });
    const denyEgress = policy({ podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'] });
    expect(connects([denyEgress], client, web, tcp(80))).toBe(false);
    expect(connects([], client, web, tcp(80))).toBe(true);
  });

  it('endPort ranges, named ports, IPv6 blocks', () => {
    const range = policy({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }] });
    expect(connects([range], web, { ip: '10.0.0.1' }, tcp(32768))).toBe(true);
    expect(connects([range], web, { ip: '10.0.0.1' }, tcp(32769))).toBe(false);
    const named = policy({ podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] });
    expect(connects([named], pod('x'), { pod: { ...web.pod, ports: { http: 8080 } } }, tcp(8080))).toBe(true);
    expect(connects([named], pod('x'), { pod: { ...web.pod, ports: { http: 8080 } } }, tcp(9090))).toBe(false);
    const v6 = policy({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '::/0', except: ['fc00::/7'] } }] }] });
    expect(connects([v6], web, { ip: '2606:4700::1' }, tcp(443))).toBe(true);
    expect(connects([v6], web, { ip: 'fd12::1' }, tcp(443))).toBe(false);
    expect(connects([v6], web, { ip: '1.1.1.1' }, tcp(443))).toBe(false);
  });
});
