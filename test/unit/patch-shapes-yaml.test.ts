// Issue 17, YAML shapes 7–11 (test/fixtures/repos/shape07…shape11, each README says what the
// correct patch is): found wherever the ingress list lives, the rule placed where cloudflared will
// actually pick it, the rest of each file byte-for-byte, and the follow-ups named in repo terms.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parseDocument } from 'yaml';
import { applyRepoPatch, planRepoPatch, renderPatchReport } from '../../src/patch/index.js';
import { input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
type Rule = { hostname?: string; service: string };
const hostsOf = (rules: Rule[]): string[] => rules.map((r) => r.hostname ?? r.service);

/** Plans, applies, and checks a second run plans nothing. */
async function patchTwice(dir: string): Promise<Awaited<ReturnType<typeof planRepoPatch>>> {
  const plan = await planRepoPatch(dir, input());
  expect(plan.refused, renderPatchReport(plan)).toBeNull();
  await applyRepoPatch(plan);
  expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  return plan;
}

describe('shape 7: Namespace + ConfigMap + Deployment in one file', () => {
  it('edits only the block scalar and says how to restart cloudflared in its namespace', async () => {
    const dir = copy('shape07-yaml-multidoc-namespace');
    const path = join(dir, 'apps/cloudflared/cloudflared.yaml');
    const before = readFileSync(path, 'utf8');
    const plan = await patchTwice(dir);
    const after = readFileSync(path, 'utf8');
    const docs = parseAllDocuments(after).map((d) => d.toJS() as { kind: string; data?: Record<string, string> });
    const config = parseDocument(docs[1]!.data!['config.yaml']!).toJS() as { ingress: Rule[] };
    expect(hostsOf(config.ingress)).toEqual(['home.example.com', 'vaultwarden.example.com', 'docker-mcp.example.com', 'http_status:404']);
    expect(after.slice(after.indexOf('---\napiVersion: apps/v1'))).toBe(before.slice(before.indexOf('---\napiVersion: apps/v1')));
    expect(after.slice(0, after.indexOf('data:'))).toBe(before.slice(0, before.indexOf('data:')));
    const report = renderPatchReport(plan);
    expect(report).toContain('kubectl -n cloudflared rollout restart deployment/cloudflared');
    expect(report).toContain('app.kubernetes.io/name: cloudflared');
    expect(report).toContain('cloudflared tunnel route dns homelab docker-mcp.example.com');
  });
});

describe('shape 8: kustomize ConfigMap with comments and multi-key originRequest', () => {
  it('keeps every comment, blank line and originRequest key; restart names namespace and label', async () => {
    const dir = copy('shape08-kustomize-configmap-comments');
    const path = join(dir, 'infrastructure/cloudflare-tunnel/configmap.yaml');
    const before = readFileSync(path, 'utf8');
    const plan = await patchTwice(dir);
    const after = readFileSync(path, 'utf8');
    const beforeLines = before.split('\n');
    // Every original line survives, in order; only our two lines and the marker are new.
    const added = after.split('\n').filter((l) => !beforeLines.includes(l));
    expect(added.map((l) => l.trim())).toEqual([
      '# docker-mcp: managed by docker-mcp init; re-run it to change this rule',
      '- hostname: docker-mcp.example.com',
      'service: http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080',
    ]);
    expect(after.indexOf('docker-mcp.example.com')).toBeLessThan(after.indexOf('# Default rule - catch all'));
    expect(after.indexOf('docker-mcp.example.com')).toBeGreaterThan(after.indexOf('originServerName: www.example.com'));
    const report = renderPatchReport(plan);
    expect(report).toContain('kubectl -n cloudflare-tunnel rollout restart deployment/cloudflare-tunnel');
    expect(report).toContain('pods labelled app: cloudflare-tunnel');
    const built = spawnSync('kubectl', ['kustomize', join(dir, 'infrastructure/cloudflare-tunnel')], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout).toContain('- hostname: docker-mcp.example.com');
  });
});

describe('shape 9: config.yaml without tunnel:, configMapGenerator, wildcard rule', () => {
  it('is recognised and gets the rule above the *.example.com wildcard, which would catch it first', async () => {
    const dir = copy('shape09-kustomize-generator-wildcard');
    const path = join(dir, 'k8s/cloudflared/config.yaml');
    const plan = await patchTwice(dir);
    const text = readFileSync(path, 'utf8');
    expect(hostsOf((parseDocument(text).toJS() as { ingress: Rule[] }).ingress)).toEqual([
      'ssh.example.com', 'docker-mcp.example.com', '*.example.com', 'http_status:404',
    ]);
    // The comment that introduces the wildcard stays with it.
    expect(text).toMatch(/service: http:\/\/homelab-docker-mcp-gateway[^\n]*\n {2}# everything else is routed by traefik\n {2}- hostname: "\*\.example\.com"/);
    expect(text).toContain('# cloudflared gets the tunnel from TUNNEL_TOKEN');
    const report = renderPatchReport(plan);
    expect(report).toMatch(/"\*\.example\.com" would catch docker-mcp\.example\.com first/);
    expect(report).toContain('cloudflared tunnel route dns <tunnel> docker-mcp.example.com');
    expect(report).toContain('kubectl -n cloudflared rollout restart deployment/cloudflared');
    // The real kustomize build still works and its generated ConfigMap carries the rule (a new hash
    // suffix, so the Deployment rolls on apply).
    const built = spawnSync('kubectl', ['kustomize', join(dir, 'k8s/cloudflared')], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    const cm = parseAllDocuments(built.stdout).map((d) => d.toJS() as { kind: string; data?: Record<string, string> }).find((d) => d.kind === 'ConfigMap')!;
    expect(hostsOf((parseDocument(cm.data!['config.yaml']!).toJS() as { ingress: Rule[] }).ingress)).toContain('docker-mcp.example.com');
  });

  it('refuses an existing docker-mcp rule below the wildcard: it can never match', async () => {
    const dir = copy('shape09-kustomize-generator-wildcard');
    const path = join(dir, 'k8s/cloudflared/config.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, readFileSync(path, 'utf8').replace('  - service: http_status:404', '  - hostname: docker-mcp.example.com\n    service: http://x:8080\n  - service: http_status:404'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toMatch(/can never match: the rule for "\*\.example\.com" above it catches docker-mcp\.example\.com first/);
  });
});

describe('shape 10: Flux HelmRelease with the config in values.configMaps', () => {
  it('edits the block scalar inside the values, above the wildcard, and nothing else', async () => {
    const dir = copy('shape10-flux-helmrelease-values');
    const path = join(dir, 'kubernetes/apps/network/cloudflared/app/helmrelease.yaml');
    const before = readFileSync(path, 'utf8');
    const plan = await patchTwice(dir);
    const after = readFileSync(path, 'utf8');
    const values = (parseAllDocuments(after)[0]!.toJS() as { spec: { values: { configMaps: { config: { data: Record<string, string> } } } } }).spec.values;
    const config = parseDocument(values.configMaps.config.data['config.yaml']!).toJS() as { ingress: Rule[]; originRequest: unknown };
    expect(hostsOf(config.ingress)).toEqual(['example.com', 'docker-mcp.example.com', '*.example.com', 'http_status:404']);
    expect(config.originRequest).toEqual({ originServerName: 'external.example.com' });
    const tail = '    persistence:';
    expect(after.slice(after.indexOf(tail))).toBe(before.slice(before.indexOf(tail)));
    expect(after.slice(0, after.indexOf('          config.yaml: |'))).toBe(before.slice(0, before.indexOf('          config.yaml: |')));
    expect(renderPatchReport(plan)).toMatch(/Helm values: the rule takes effect when the release is upgraded/);
  });
});

describe('shape 11: values of the cloudflare-tunnel chart', () => {
  it('appends to cloudflare.ingress without a catch-all (the chart adds it) and names the tunnel', async () => {
    const dir = copy('shape11-helm-chart-values');
    const path = join(dir, 'cloudflare-tunnel/values.yaml');
    const plan = await patchTwice(dir);
    const text = readFileSync(path, 'utf8');
    const values = parseDocument(text).toJS() as { cloudflare: { ingress: Rule[] }; resources: unknown };
    expect(hostsOf(values.cloudflare.ingress)).toEqual(['grafana.example.com', 'argocd.example.com', 'docker-mcp.example.com']);
    expect(values.resources).toEqual({ limits: { cpu: '100m', memory: '128Mi' } });
    expect(text).toContain('# secret comes from sops, see secret.sops.yaml');
    const report = renderPatchReport(plan);
    expect(report).toContain('helm upgrade');
    expect(report).toContain('cloudflared tunnel route dns homelab docker-mcp.example.com');
  });

  it('refuses a catch-all in chart values: the chart appends its own, so ours would never be reached', async () => {
    const dir = copy('shape11-helm-chart-values');
    const path = join(dir, 'cloudflare-tunnel/values.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, readFileSync(path, 'utf8').replace('        noTLSVerify: true\n', '        noTLSVerify: true\n    - service: http_status:404\n'));
    expect((await planRepoPatch(dir, input())).refused).toMatch(/the chart appends its own catch-all/);
  });
});

describe('doctor reads the same YAML shapes', () => {
  it('chart values have no catch-all and that is right; a HelmRelease config is found', async () => {
    const { ingressFacts } = await import('../../src/lifecycle/ingress-check.js');
    const chart = await ingressFacts(copy('shape11-helm-chart-values'), 'grafana');
    expect(chart).toMatchObject({ catchAllLast: true, ruleCount: 2, ruleHasAccess: false });
    const flux = await ingressFacts(copy('shape10-flux-helmrelease-values'), 'docker-mcp');
    expect(flux).toMatchObject({ catchAllLast: true, ruleCount: 3, ruleHasAccess: null });
  });
});
