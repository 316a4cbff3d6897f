// Review 1 findings 1 (YAML), 6, 8, 9: YAML edits are a splice of the new rule's text into the
// original bytes (every fixture, also converted to CRLF), the rule is docker-mcp's only for the full
// hostname without a path, refusal snippets name the real insertion point, and the chart/merge-key
// shapes are recognised.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parseDocument } from 'yaml';
import { applyRepoPatch, planRepoPatch, renderPatchReport, type RepoPatchPlan } from '../../src/patch/index.js';
import { input, insertedChunk, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
type Rule = { hostname?: string; path?: string; service: string; originRequest?: Record<string, unknown> };
const hostsOf = (rules: Rule[]): string[] => rules.map((r) => (r.path ? `${r.hostname}${r.path}` : (r.hostname ?? r.service)));


async function patchTwice(dir: string): Promise<RepoPatchPlan> {
  const plan = await planRepoPatch(dir, input());
  expect(plan.refused, renderPatchReport(plan)).toBeNull();
  await applyRepoPatch(plan);
  expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  return plan;
}

const YAML_FIXTURES: [string, string][] = [
  ['shape07-yaml-multidoc-namespace', 'apps/cloudflared/cloudflared.yaml'],
  ['shape08-kustomize-configmap-comments', 'infrastructure/cloudflare-tunnel/configmap.yaml'],
  ['shape09-kustomize-generator-wildcard', 'k8s/cloudflared/config.yaml'],
  ['shape10-flux-helmrelease-values', 'kubernetes/apps/network/cloudflared/app/helmrelease.yaml'],
  ['shape11-helm-chart-values', 'cloudflare-tunnel/values.yaml'],
  ['k8s-yaml', 'cloudflared.yaml'],
  ['yaml-zero-indent-list', 'cloudflared/config.yaml'],
  ['yaml-crlf-comments', 'cloudflared/config.yaml'],
  ['yaml-tabs-comments-between', 'cloudflared/config.yaml'],
  ['yaml-flow-list', 'cloudflared/config.yaml'],
  ['yaml-merge-keys', 'cloudflared/config.yaml'],
  ['yaml-other-zone-and-path-rules', 'cloudflared/config.yaml'],
  ['flux-helmrelease-cloudflare-tunnel-chart', 'cluster/apps/cloudflare/helmrelease.yaml'],
  ['chart-values-no-ingress', 'charts/values.yaml'],
];

describe('finding 6: the rest of the file is untouched, byte for byte', () => {
  for (const [name, file] of YAML_FIXTURES) {
    for (const eol of ['as written', 'CRLF'] as const) {
      it(`${name} (${eol}): one inserted chunk holding the rule, nothing else changed`, async () => {
        const dir = copy(name);
        const path = join(dir, file);
        if (eol === 'CRLF') writeFileSync(path, readFileSync(path, 'utf8').replace(/\r?\n/g, '\r\n'));
        const before = readFileSync(path, 'utf8');
        await patchTwice(dir);
        const chunk = insertedChunk(before, readFileSync(path, 'utf8'));
        expect(chunk).toContain('docker-mcp.example.com');
        expect(chunk).toContain('http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080');
        // In a CRLF file every line the patch adds ends in CRLF too.
        if (before.includes('\r\n')) expect(chunk.replace(/\r\n/g, '')).not.toContain('\n');
      });
    }
  }

  it('zero-indented list: the rule is written at column 0, directly above *.example.com', async () => {
    const dir = copy('yaml-zero-indent-list');
    const path = join(dir, 'cloudflared/config.yaml');
    await patchTwice(dir);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('\n- hostname: docker-mcp.example.com\n  service: http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080\n- hostname: "*.example.com"');
    expect(hostsOf((parseDocument(text).toJS() as { ingress: Rule[] }).ingress)).toEqual([
      '*.lab.example.net', 'grafana.example.com', 'docker-mcp.example.com', '*.example.com', 'https://traefik.traefik.svc.cluster.local:443',
    ]);
  });

  it('flow list: one flow map in the list\'s own quoting, still one line', async () => {
    const dir = copy('yaml-flow-list');
    const path = join(dir, 'cloudflared/config.yaml');
    await patchTwice(dir);
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')).toHaveLength(3);
    expect(text).toContain('{hostname: docker-mcp.example.com, service: "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080"}, {hostname: "*.example.com"');
    // No marker fits in a one-line flow list, so a later service change is refused like a hand-written rule.
    const moved = await planRepoPatch(dir, input({ serviceUrl: 'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:9000' }));
    expect(moved.refused).toMatch(/a rule docker-mcp did not write; update it by hand/);
  });

  it('comments between items: below a deeper comment of the item before, directly above the catch-all', async () => {
    const dir = copy('yaml-tabs-comments-between');
    const path = join(dir, 'cloudflared/config.yaml');
    await patchTwice(dir);
    expect(readFileSync(path, 'utf8')).toMatch(/ {6}# indented comment\n {2}# docker-mcp: managed[^\n]*\n {2}- hostname: docker-mcp\.example\.com\n {4}service: [^\n]*\n {2}- service: http_status:503 # catch all\n$/);
  });
});

describe('finding 6: more list styles, written inline', () => {
  const variants: [string, string, string][] = [
    ['multi-line flow list', 'ingress: [\n  {hostname: ssh.example.com, service: "ssh://h:22"},\n  {service: "http_status:404"}\n]\n',
      '  {hostname: docker-mcp.example.com, service: "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080"},\n  {service'],
    ['block list of flow maps', 'ingress:\n  - { hostname: ssh.example.com, service: ssh://h:22 }\n  - { service: http_status:404 }\n',
      '  - { hostname: docker-mcp.example.com, service: http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080 }\n  - { service'],
    ['chart values with ingress: []', 'cloudflare:\n  tunnelName: homelab\n  ingress: []\n',
      '  ingress: [{hostname: docker-mcp.example.com, service: http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080}]\n'],
  ];
  for (const [name, text, expected] of variants) {
    it(`${name}: one inserted chunk, in the list's style`, async () => {
      const dir = copy('yaml-flow-list');
      const path = join(dir, 'cloudflared/config.yaml');
      writeFileSync(path, text);
      await patchTwice(dir);
      const after = readFileSync(path, 'utf8');
      insertedChunk(text, after);
      expect(after).toContain(expected);
    });
  }
});

describe('finding 6: a flow list inside a CRLF ConfigMap block scalar, with Access', () => {
  it('splices one flow map (nested access unspaced like the list) into the `|-` body; nothing else changes', async () => {
    const dir = copy('yaml-flow-list');
    const path = join(dir, 'cloudflared/config.yaml');
    const text = 'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: cloudflared\r\ndata:\r\n  config.yaml: |-\r\n    tunnel: t\r\n    ingress: [{hostname: a.example.com, service: "http://a:80"}, {service: "http_status:404"}]\r\n  other: x\r\n';
    writeFileSync(path, text);
    const access = { access: { teamName: 'team', audTag: 'aud' } };
    const plan = await planRepoPatch(dir, input(access));
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    await applyRepoPatch(plan);
    const ours = '{hostname: docker-mcp.example.com, service: "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080", originRequest: {access: {required: true, teamName: team, audTag: [aud]}}}, ';
    expect(readFileSync(path, 'utf8')).toBe(text.replace('{service: "http_status:404"}', `${ours}{service: "http_status:404"}`));
    expect((await planRepoPatch(dir, input(access))).edits).toEqual([]);
  });
});

describe('finding 6: adding Access to its own rule later', () => {
  it('rewrites only that rule (marker and CRLF kept), and a third run is a no-op', async () => {
    const dir = copy('yaml-crlf-comments');
    const path = join(dir, 'cloudflared/config.yaml');
    await patchTwice(dir);
    const before = readFileSync(path, 'utf8');
    const access = input({ access: { teamName: 'team', audTag: 'aud' } });
    await applyRepoPatch(await planRepoPatch(dir, access));
    const after = readFileSync(path, 'utf8');
    const rule = '  - hostname: docker-mcp.example.com\r\n    service: http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080\r\n';
    expect(after).toBe(before.replace(rule, `${rule}    originRequest:\r\n      access:\r\n        required: true\r\n        teamName: team\r\n        audTag:\r\n          - aud\r\n`));
    expect((await planRepoPatch(dir, access)).edits).toEqual([]);
  });
});

describe('finding 1 (YAML): docker-mcp\'s rule is the full hostname without a path', () => {
  it('keeps another zone\'s docker-mcp rule and a /legacy path rule, and adds its own above the catch-all', async () => {
    const dir = copy('yaml-other-zone-and-path-rules');
    const path = join(dir, 'cloudflared/config.yaml');
    await patchTwice(dir);
    const rules = (parseDocument(readFileSync(path, 'utf8')).toJS() as { ingress: Rule[] }).ingress;
    expect(hostsOf(rules)).toEqual(['docker-mcp.lab.example.net', 'docker-mcp.example.com^/legacy', 'grafana.example.com', 'docker-mcp.example.com', 'http_status:404']);
    expect(rules[0]!.service).toBe('http://192.168.1.30:8080');
    expect(rules[1]!.service).toBe('http://192.168.1.31:9000');
    expect(rules[3]!.service).toBe('http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080');
  });

  it('updates only the service of its own rule, in place', async () => {
    const dir = copy('yaml-other-zone-and-path-rules');
    await patchTwice(dir);
    const path = join(dir, 'cloudflared/config.yaml');
    const before = readFileSync(path, 'utf8');
    const plan = await planRepoPatch(dir, input({ serviceUrl: 'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:9000' }));
    await applyRepoPatch(plan);
    const after = readFileSync(path, 'utf8');
    expect(after).toBe(before.replace('svc.cluster.local:8080', 'svc.cluster.local:9000'));
    // The replaced target stays on record in the report.
    expect(renderPatchReport(plan)).toContain('its service was http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080');
  });
});

describe('finding 1c (YAML): same host, another service, a rule docker-mcp did not write', () => {
  it('is refused "update by hand" with file:line, like the HCL planners; nothing written', async () => {
    const dir = copy('shape09-kustomize-generator-wildcard');
    const path = join(dir, 'k8s/cloudflared/config.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('  - hostname: ssh.example.com', '  - hostname: docker-mcp.example.com\n    service: http://old-mcp.tools.svc.cluster.local:9000\n  - hostname: ssh.example.com'));
    const line = readFileSync(path, 'utf8').split('\n').indexOf('  - hostname: docker-mcp.example.com') + 1;
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toBe(
      `k8s/cloudflared/config.yaml:${line} already routes docker-mcp.example.com to http://old-mcp.tools.svc.cluster.local:9000, a rule docker-mcp did not write; update it by hand (service: http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080) or remove it, then run again`,
    );
    expect(plan.snippets[0]!.title).toBe(`Ingress rule, in place of the rule for docker-mcp.example.com (k8s/cloudflared/config.yaml:${line})`);
  });

  it('a rule it wrote (marker) follows a changed hostname, in place', async () => {
    const dir = copy('yaml-other-zone-and-path-rules');
    await patchTwice(dir);
    const path = join(dir, 'cloudflared/config.yaml');
    const before = readFileSync(path, 'utf8');
    await applyRepoPatch(await planRepoPatch(dir, input({ hostname: 'mcp.example.com' })));
    expect(readFileSync(path, 'utf8')).toBe(before.replace('- hostname: docker-mcp.example.com\n    service: http://homelab', '- hostname: mcp.example.com\n    service: http://homelab'));
  });
});

describe('finding 9: chart values in a HelmRelease, chart values without ingress, merge keys', () => {
  it('Flux HelmRelease of the cloudflare-tunnel chart: rule above the wildcard, Flux note, tunnelName', async () => {
    const dir = copy('flux-helmrelease-cloudflare-tunnel-chart');
    const path = join(dir, 'cluster/apps/cloudflare/helmrelease.yaml');
    const plan = await patchTwice(dir);
    const release = parseAllDocuments(readFileSync(path, 'utf8'))[1]!.toJS() as { spec: { values: { cloudflare: { ingress: Rule[] } } } };
    expect(hostsOf(release.spec.values.cloudflare.ingress)).toEqual(['docker-mcp.example.com', '*.example.com']);
    const report = renderPatchReport(plan);
    expect(report).toContain('Flux upgrades the release');
    // The chart's pods (selector labels of cloudflare-tunnel's _helpers.tpl) go to the NetworkPolicy.
    expect(plan.cloudflared).toMatchObject({
      namespace: 'cloudflare',
      labels: { 'app.kubernetes.io/name': 'cloudflare-tunnel', 'app.kubernetes.io/instance': 'cloudflare-tunnel' },
    });
    expect(report).toContain('cloudflared tunnel route dns homelab docker-mcp.example.com');
  });

  it('chart values with cloudflare: but no ingress: get the list', async () => {
    const dir = copy('chart-values-no-ingress');
    const path = join(dir, 'charts/values.yaml');
    const plan = await patchTwice(dir);
    const values = parseDocument(readFileSync(path, 'utf8')).toJS() as { cloudflare: { ingress: Rule[]; tunnelName: string }; image: unknown };
    expect(hostsOf(values.cloudflare.ingress)).toEqual(['docker-mcp.example.com']);
    expect(values.image).toEqual({ tag: '2025.2.0' });
    expect(renderPatchReport(plan)).toContain('cloudflared tunnel route dns homelab docker-mcp.example.com');
  });

  it('external-dns values with cloudflare.secretName are not taken for tunnel chart values', async () => {
    const dir = copy('chart-values-no-ingress');
    const path = join(dir, 'charts/values.yaml');
    writeFileSync(path, 'provider: cloudflare\ncloudflare:\n  secretName: cloudflare-api-token\n  proxied: true\n');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toMatch(/no (cloudflared config|tunnel configuration) found/);
    expect(plan.edits).toEqual([]);
  });

  it('merge keys: items whose service comes from <<: *anchor are rules', async () => {
    const dir = copy('yaml-merge-keys');
    const path = join(dir, 'cloudflared/config.yaml');
    await patchTwice(dir);
    const rules = (parseDocument(readFileSync(path, 'utf8'), { merge: true }).toJS() as { ingress: Rule[] }).ingress;
    expect(hostsOf(rules)).toEqual(['grafana.example.com', 'docker-mcp.example.com', '*.example.com', 'http_status:404']);
  });
});

describe('finding 8: refusal snippets name the real insertion point', () => {
  it('an existing docker-mcp rule below a wildcard: "directly above" that wildcard', async () => {
    const dir = copy('shape09-kustomize-generator-wildcard');
    const path = join(dir, 'k8s/cloudflared/config.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('  - service: http_status:404', '  - hostname: docker-mcp.example.com\n    service: http://x:8080\n  - service: http_status:404'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toMatch(/can never match/);
    expect(plan.snippets[0]!.title).toBe('Ingress rule, directly above `- hostname: *.example.com`');
  });

  it('chart values (no catch-all): above the wildcard, never above a catch-all that does not exist', async () => {
    const dir = copy('flux-helmrelease-cloudflare-tunnel-chart');
    const path = join(dir, 'cluster/apps/cloudflare/helmrelease.yaml');
    writeFileSync(path, `${readFileSync(path, 'utf8')}        - hostname: docker-mcp.example.com\n          service: http://x:8080\n`);
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toMatch(/can never match/);
    expect(plan.snippets[0]!.title).toBe('Ingress rule, directly above `- hostname: *.example.com`');
    expect(renderPatchReport(plan)).not.toContain('http_status:404');
  });

  it('chart values with no wildcard: at the end of cloudflare.ingress (the chart adds the catch-all)', async () => {
    const dir = copy('shape11-helm-chart-values');
    const path = join(dir, 'cloudflare-tunnel/values.yaml');
    // Two rules for our host make it ambiguous: the refusal points at the end of the chart's list.
    writeFileSync(path, readFileSync(path, 'utf8').replace('hostname: grafana.example.com', 'hostname: docker-mcp.example.com').replace('hostname: argocd.example.com', 'hostname: docker-mcp.example.com'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toMatch(/ambiguous/);
    expect(plan.snippets[0]!.title).toBe('Ingress rule, at the end of cloudflare.ingress');
  });
});
