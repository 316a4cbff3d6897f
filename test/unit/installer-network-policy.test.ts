// Who the rendered NetworkPolicy lets in and out, asked of a model of NetworkPolicy semantics
// (test/helpers/network-policy-fake.ts, itself tested against the Kubernetes docs) for both the raw
// YAML object and the Terraform module's (main.tf + network-policy.tf evaluated from the parse tree).
// Real cloudflared layouts: the official charts (cloudflare/helm-charts: cloudflare-tunnel labels its
// pods app.kubernetes.io/name: cloudflare-tunnel, cloudflare-tunnel-remote labels them pod: cloudflared),
// community charts (app.kubernetes.io/name: cloudflared), hand-written ones (app: cloudflare-tunnel).
import { describe, expect, it } from 'vitest';
import type { InstallConfig } from '../../src/config/schema.js';
import { kubernetesObjects } from '../../src/templates/kubernetes/objects.js';
import { renderPlan } from '../../src/templates/index.js';
import { connects, type Endpoint, type Policy } from '../helpers/network-policy-fake.js';
import { moduleObjects } from './installer-module-eval.js';
import { VERSION, configFrom, moduleVars, table } from './installer-helpers.js';

// The seed's Production Configuration, as far as the policy is concerned.
const PRODUCTION = { enable_network_policy: true, enable_metrics: true, domain_suffix: 'yourdomain.com' };
const ACCESS = { auth_mode: 'both', cf_access_team: 'myteam', cf_access_aud: 'ab'.repeat(32), allowed_email_domains: ['example.com'] };

async function policies(config: InstallConfig): Promise<{ source: string; policies: Policy[] }[]> {
  const plan = renderPlan(config, table, { format: 'both', singleFile: false, version: VERSION });
  const pick = (objects: Record<string, unknown>[]): Policy[] => objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as Policy[];
  const yaml = pick(kubernetesObjects(config, VERSION));
  const module = pick(await moduleObjects(plan.files, moduleVars(config)));
  expect(yaml).toHaveLength(1);
  expect(module).toEqual(yaml);
  return [{ source: 'YAML', policies: yaml }, { source: 'Terraform module', policies: module }];
}

const pod = (namespace: string, labels: Record<string, string>): Endpoint => ({ pod: { namespace, labels } });
const gatewayOf = (c: InstallConfig): Endpoint => pod(c.namespace, {
  app: 'docker-mcp-gateway', 'app.kubernetes.io/name': 'docker-mcp-gateway', 'app.kubernetes.io/instance': c.project_name,
});

/** Asks each rendering the same questions: `expectations` is [from, to, port, protocol?, allowed]. */
async function check(data: Record<string, unknown>, expectations: (c: InstallConfig, gw: Endpoint) => [Endpoint, Endpoint, number, 'TCP' | 'UDP', boolean, string][]): Promise<void> {
  const config = configFrom(data);
  for (const { source, policies: set } of await policies(config)) {
    for (const [from, to, port, protocol, allowed, what] of expectations(config, gatewayOf(config))) {
      expect(connects(set, from, to, { port, protocol }), `${source}: ${what}`).toBe(allowed);
    }
  }
}

describe('NetworkPolicy ingress: cloudflared where it really runs', () => {
  it('the seed\'s layout by default: app=cloudflared in the gateway\'s namespace on the http port only', () =>
    check(PRODUCTION, (c, gw) => [
      [pod(c.namespace, { app: 'cloudflared' }), gw, c.port, 'TCP', true, 'cloudflared in homelab'],
      [pod(c.namespace, { app: 'cloudflared' }), gw, c.metrics_port, 'TCP', false, 'cloudflared on the metrics port'],
      [pod(c.namespace, { app: 'web' }), gw, c.port, 'TCP', false, 'a neighbour in homelab'],
      [pod('cloudflared', { app: 'cloudflared' }), gw, c.port, 'TCP', false, 'app=cloudflared in another namespace'],
      [pod('monitoring', { app: 'prometheus' }), gw, c.metrics_port, 'TCP', true, 'the scraper on the metrics port'],
      [pod('monitoring', { app: 'prometheus' }), gw, c.port, 'TCP', false, 'the scraper on the http port'],
    ]));

  it('the official cloudflare-tunnel chart in namespace cloudflared', () =>
    check({ ...PRODUCTION, cloudflared_namespace: 'cloudflared', cloudflared_pod_labels: { 'app.kubernetes.io/name': 'cloudflare-tunnel' } }, (c, gw) => [
      [pod('cloudflared', { 'app.kubernetes.io/name': 'cloudflare-tunnel', 'app.kubernetes.io/instance': 'tunnel' }), gw, c.port, 'TCP', true, 'chart pod'],
      [pod('cloudflared', { 'app.kubernetes.io/name': 'cloudflare-tunnel' }), gw, c.metrics_port, 'TCP', false, 'chart pod on the metrics port'],
      [pod('cloudflared', { 'app.kubernetes.io/name': 'something-else' }), gw, c.port, 'TCP', false, 'another pod of ns cloudflared'],
      [pod(c.namespace, { 'app.kubernetes.io/name': 'cloudflare-tunnel' }), gw, c.port, 'TCP', false, 'same labels in the gateway namespace'],
      [pod(c.namespace, { app: 'cloudflared' }), gw, c.port, 'TCP', false, 'the default labels no longer count'],
    ]));

  it('the official cloudflare-tunnel-remote chart, a community chart, and app=cloudflare-tunnel in namespace cloudflare-tunnel', async () => {
    await check({ ...PRODUCTION, cloudflared_namespace: 'network', cloudflared_pod_labels: { pod: 'cloudflared' } }, (c, gw) => [
      [pod('network', { pod: 'cloudflared' }), gw, c.port, 'TCP', true, 'remote chart pod'],
      [pod('network', { app: 'traefik' }), gw, c.port, 'TCP', false, 'traefik next to it'],
    ]);
    await check({ ...PRODUCTION, cloudflared_namespace: 'cloudflared', cloudflared_pod_labels: { 'app.kubernetes.io/name': 'cloudflared' } }, (c, gw) => [
      [pod('cloudflared', { 'app.kubernetes.io/name': 'cloudflared' }), gw, c.port, 'TCP', true, 'community chart pod'],
    ]);
    await check({ ...PRODUCTION, cloudflared_namespace: 'cloudflare-tunnel', cloudflared_pod_labels: { app: 'cloudflare-tunnel' } }, (c, gw) => [
      [pod('cloudflare-tunnel', { app: 'cloudflare-tunnel' }), gw, c.port, 'TCP', true, 'app=cloudflare-tunnel'],
      [pod('cloudflare-tunnel', { app: 'other' }), gw, c.port, 'TCP', false, 'another pod there'],
      [pod('cloudflared', { app: 'cloudflare-tunnel' }), gw, c.port, 'TCP', false, 'same labels, other namespace'],
    ]);
  });

  it('a dedicated cloudflared namespace may admit all its pods (empty labels)', () =>
    check({ ...PRODUCTION, cloudflared_namespace: 'cloudflared', cloudflared_pod_labels: {} }, (c, gw) => [
      [pod('cloudflared', { anything: 'x' }), gw, c.port, 'TCP', true, 'any pod of ns cloudflared'],
      [pod(c.namespace, {}), gw, c.port, 'TCP', false, 'a pod of the gateway namespace'],
    ]));

  it('metrics_pod_labels narrows the scraper; extra ingress peers are admitted, on their port only', () =>
    check({
      ...PRODUCTION,
      metrics_pod_labels: { 'app.kubernetes.io/name': 'prometheus' },
      network_policy_extra_ingress: ['observability/app.kubernetes.io/name=vmagent+team=ops:metrics', 'apps/app=n8n', '*/mcp-client=true', '192.168.1.0/24'],
    }, (c, gw) => [
      [pod('monitoring', { 'app.kubernetes.io/name': 'prometheus' }), gw, c.metrics_port, 'TCP', true, 'prometheus'],
      [pod('monitoring', { 'app.kubernetes.io/name': 'grafana' }), gw, c.metrics_port, 'TCP', false, 'grafana next to it'],
      [pod('observability', { 'app.kubernetes.io/name': 'vmagent', team: 'ops' }), gw, c.metrics_port, 'TCP', true, 'vmagent'],
      [pod('observability', { 'app.kubernetes.io/name': 'vmagent' }), gw, c.metrics_port, 'TCP', false, 'vmagent without team=ops'],
      [pod('observability', { 'app.kubernetes.io/name': 'vmagent', team: 'ops' }), gw, c.port, 'TCP', false, 'vmagent on http'],
      [pod('apps', { app: 'n8n' }), gw, c.port, 'TCP', true, 'n8n on http (the default port)'],
      [pod('apps', { app: 'n8n' }), gw, c.metrics_port, 'TCP', false, 'n8n on metrics'],
      [pod('apps', { app: 'other' }), gw, c.port, 'TCP', false, 'another app'],
      [pod('anywhere', { 'mcp-client': 'true' }), gw, c.port, 'TCP', true, 'a labelled client in any namespace'],
      [{ ip: '192.168.1.20' }, gw, c.port, 'TCP', true, 'the LAN'],
      [{ ip: '192.168.2.20' }, gw, c.port, 'TCP', false, 'outside the LAN range'],
    ]));
});

const DNS_IPS = ['10.96.0.10', '10.43.0.10', '169.254.20.10', '169.254.116.108'];
const PUBLIC = ['104.16.132.229', '172.67.1.1', '2606:4700::6810:84e5'];
const PRIVATE = ['10.0.0.5', '172.16.3.4', '192.168.1.10', '127.0.0.1', '169.254.169.254', '100.64.0.1', 'fd00::1', 'fe80::1', '::1'];

describe('NetworkPolicy egress: default deny, DNS, HTTPS for Access only', () => {
  it('without Access: DNS anywhere the resolver runs, nothing else (not even the API server)', () =>
    check(PRODUCTION, (_c, gw) => [
      ...DNS_IPS.flatMap((ip) => [
        [gw, { ip }, 53, 'UDP', true, `DNS/UDP to ${ip}`], [gw, { ip }, 53, 'TCP', true, `DNS/TCP to ${ip}`],
      ] as [Endpoint, Endpoint, number, 'TCP' | 'UDP', boolean, string][]),
      [gw, pod('kube-system', { 'k8s-app': 'kube-dns' }), 53, 'UDP', true, 'CoreDNS pod'],
      ...[...PUBLIC, ...PRIVATE].map((ip) => [gw, { ip }, 443, 'TCP', false, `443 to ${ip}`] as [Endpoint, Endpoint, number, 'TCP', boolean, string]),
      [gw, { ip: '10.96.0.1' }, 443, 'TCP', false, 'the Kubernetes API'],
      [gw, { ip: '8.8.8.8' }, 80, 'TCP', false, 'plain HTTP out'],
    ]));

  for (const auth_mode of ['cloudflare-access', 'both']) {
    it(`with ${auth_mode}: also 443 to public addresses (the team's certs endpoint), never to private ones`, () =>
      check({ ...PRODUCTION, ...ACCESS, auth_mode }, (_c, gw) => [
        ...PUBLIC.map((ip) => [gw, { ip }, 443, 'TCP', true, `443 to ${ip}`] as [Endpoint, Endpoint, number, 'TCP', boolean, string]),
        ...PRIVATE.map((ip) => [gw, { ip }, 443, 'TCP', false, `443 to ${ip}`] as [Endpoint, Endpoint, number, 'TCP', boolean, string]),
        [gw, { ip: '104.16.132.229' }, 80, 'TCP', false, 'port 80 to a public address'],
        [gw, pod('default', { app: 'x' }), 443, 'TCP', false, 'an in-cluster pod on 443'],
        [gw, { ip: '10.96.0.10' }, 53, 'UDP', true, 'DNS still'],
      ]));
  }

  it('network_policy_extra_egress opens exactly what it names (a remote Docker daemon, an OAuth issuer)', () =>
    check({ ...PRODUCTION, network_policy_extra_egress: ['192.168.1.10/32:2376', 'fd00:10::/64', 'auth/app.kubernetes.io/name=dex:5556'] }, (_c, gw) => [
      [gw, { ip: '192.168.1.10' }, 2376, 'TCP', true, 'dockerd over TLS'],
      [gw, { ip: '192.168.1.10' }, 2375, 'TCP', false, 'dockerd without TLS'],
      [gw, { ip: '192.168.1.11' }, 2376, 'TCP', false, 'the next host'],
      [gw, { ip: 'fd00:10::7' }, 8443, 'TCP', true, 'any port in a range without one'],
      [gw, pod('auth', { 'app.kubernetes.io/name': 'dex' }), 5556, 'TCP', true, 'dex'],
      [gw, pod('auth', { 'app.kubernetes.io/name': 'dex' }), 5557, 'TCP', false, 'dex, another port'],
    ]));

  it('the Docker socket is a unix socket on a hostPath volume, so egress rules never apply to it', () => {
    const objects = kubernetesObjects(configFrom(PRODUCTION), VERSION);
    const cm = objects.find((o) => o.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
    expect(cm.data.DOCKER_MCP_DOCKER_HOST).toBe('unix:///var/run/docker.sock');
    const spec = (objects.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: { volumes: { hostPath?: { type: string } }[] } } } }).spec;
    expect(spec.template.spec.volumes.some((v) => v.hostPath?.type === 'Socket')).toBe(true);
  });
});
