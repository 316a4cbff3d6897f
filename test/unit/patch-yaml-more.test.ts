// Review 1 leftovers, YAML: every literal block scalar variant (`|-`, `|+`, `|2`, `|2+`…) holding a
// cloudflared config is spliced byte for byte (the `|2` indicator sets the body's indentation, not its
// first line); folded `>` configs are refused with the reason, never edited.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { applyRepoPatch, planRepoPatch, renderPatchReport } from '../../src/patch/index.js';
import { input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
const SERVICE = 'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080';

async function patchTwice(dir: string): Promise<void> {
  const plan = await planRepoPatch(dir, input());
  expect(plan.refused, renderPatchReport(plan)).toBeNull();
  await applyRepoPatch(plan);
  expect((await planRepoPatch(dir, input())).edits).toEqual([]);
}

/** data["config.yaml"] of the file's first document, as cloudflared reads it. */
const configOf = (text: string): string => (parseAllDocuments(text)[0]!.toJS() as { data: Record<string, string> }).data['config.yaml']!;

describe('literal block scalar variants are spliced byte for byte', () => {
  it('`|-` (no trailing newline): the rule goes above the catch-all, the value still has no trailing newline', async () => {
    const dir = copy('yaml-block-scalar-strip');
    const path = join(dir, 'k8s/cloudflared.yaml');
    const before = readFileSync(path, 'utf8');
    await patchTwice(dir);
    const after = readFileSync(path, 'utf8');
    const ours = `      # docker-mcp: managed by docker-mcp init; re-run it to change this rule\n      - hostname: docker-mcp.example.com\n        service: ${SERVICE}\n`;
    expect(after).toBe(before.replace('      - service: http_status:404', `${ours}      - service: http_status:404`));
    expect(configOf(after)).toBe(configOf(before).replace('  - service: http_status:404', `  # docker-mcp: managed by docker-mcp init; re-run it to change this rule\n  - hostname: docker-mcp.example.com\n    service: ${SERVICE}\n  - service: http_status:404`));
    expect(configOf(after).endsWith('http_status:404')).toBe(true);
  });

  it('`|2+` whose first line is indented deeper: the body indentation comes from the indicator (was spliced 2 columns too deep)', async () => {
    const dir = copy('yaml-block-scalar-indent-indicator');
    const path = join(dir, 'k8s/cloudflared-config.yaml');
    const before = readFileSync(path, 'utf8');
    await patchTwice(dir);
    const after = readFileSync(path, 'utf8');
    const ours = `    # docker-mcp: managed by docker-mcp init; re-run it to change this rule\n    - hostname: docker-mcp.example.com\n      service: ${SERVICE}\n`;
    expect(after).toBe(before.replace('    - service: http_status:404', `${ours}    - service: http_status:404`));
    // The indented first comment and the kept trailing blank line are still part of the value.
    expect(configOf(after).startsWith('  # tunnel for the homelab cluster\ntunnel: homelab\n')).toBe(true);
    expect(configOf(after).endsWith('- service: http_status:404\n\n')).toBe(true);
  });

  for (const header of ['|-', '|+', '|2', '|-2', '|2-', '|4']) {
    it(`k8s-yaml with \`config.yaml: ${header}\`: one inserted chunk, a second run is a no-op`, async () => {
      const dir = copy('k8s-yaml');
      const path = join(dir, 'cloudflared.yaml');
      const original = readFileSync(path, 'utf8');
      // `|4` means the body is at 6 columns: indent it two more so the file stays the same config.
      const before = header === '|4'
        ? original.replace(/config\.yaml: \|\n((?: {4}.*\n|\n)+)/, (_m, body: string) => `config.yaml: |4\n${body.replace(/^(?=.)/gm, '  ')}`)
        : original.replace('config.yaml: |\n', `config.yaml: ${header}\n`);
      expect(before).not.toBe(original);
      writeFileSync(path, before);
      await patchTwice(dir);
      const after = readFileSync(path, 'utf8');
      const indent = header === '|4' ? '        ' : '      ';
      const ours = `${indent}# docker-mcp: managed by docker-mcp init; re-run it to change this rule\n${indent}- hostname: docker-mcp.example.com\n${indent}  service: ${SERVICE}\n`;
      expect(after).toBe(before.replace(`${indent}# Everything else\n`, `${ours}${indent}# Everything else\n`));
    });
  }
});

describe('folded block scalars are refused with the reason', () => {
  const reason = 'is a folded block scalar (`>`), which joins lines with spaces, so a rule added there would not read as written; make it a literal block (`|`, same body)';

  it('a `>` config (keys kept apart by blank lines) is refused, nothing written, snippet above the catch-all', async () => {
    const dir = copy('yaml-block-scalar-folded');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toContain(`k8s/cloudflared.yaml: ConfigMap cloudflared-config data."config.yaml" ${reason}`);
    expect(plan.edits).toEqual([]);
    expect(renderPatchReport(plan)).toContain('directly above the catch-all');
  });

  it('a `>` config that folding turned into one line is still recognised, and refused for that reason', async () => {
    const dir = copy('yaml-block-scalar-folded');
    const path = join(dir, 'k8s/cloudflared.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/(tunnel: homelab|credentials\.json)\n\n/g, '$1\n'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toContain(reason);
  });
});

describe('an app-template HelmRelease running cloudflared: its pods go to the NetworkPolicy values', () => {
  it('shape 10 (app-template 3.7.1, one controller): namespace network, name/instance/component labels, restart command', async () => {
    const dir = copy('shape10-flux-helmrelease-values');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.cloudflared).toEqual({
      namespace: 'network',
      labels: { 'app.kubernetes.io/name': 'cloudflared', 'app.kubernetes.io/instance': 'cloudflared', 'app.kubernetes.io/component': 'cloudflared' },
      where: 'Deployment cloudflared in kubernetes/apps/network/cloudflared/app/helmrelease.yaml',
    });
  });

  it('app-template 4.0.1, targetNamespace, two controllers: release edge-tunnel in edge, app.kubernetes.io/controller, Deployment edge-tunnel-cloudflared', async () => {
    const dir = copy('yaml-apptemplate-v4-two-controllers');
    await patchTwice(dir);
    const plan = await planRepoPatch(dir, input());
    expect(plan.cloudflared).toEqual({
      namespace: 'edge',
      labels: { 'app.kubernetes.io/name': 'edge-tunnel', 'app.kubernetes.io/instance': 'edge-tunnel', 'app.kubernetes.io/controller': 'cloudflared' },
      where: 'Deployment edge-tunnel-cloudflared in kubernetes/apps/network/tunnel/app/helmrelease.yaml',
    });
  });

  it('chartRef to an OCIRepository (newer Flux): the chart and its version come from that OCIRepository', async () => {
    const dir = copy('yaml-apptemplate-v4-two-controllers');
    const app = join(dir, 'kubernetes/apps/network/tunnel/app');
    const release = readFileSync(join(app, 'helmrelease.yaml'), 'utf8');
    const chart = / {2}chart:\n(?: {4}.*\n)+/.exec(release)![0];
    writeFileSync(join(app, 'helmrelease.yaml'), release.replace(chart, '  chartRef:\n    kind: OCIRepository\n    name: app-template\n'));
    writeFileSync(
      join(dir, 'kubernetes/apps/network/tunnel/ocirepository.yaml'),
      'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: app-template\nspec:\n  interval: 15m\n  url: oci://ghcr.io/bjw-s-labs/helm/app-template\n  ref:\n    tag: 3.7.3\n',
    );
    const plan = await planRepoPatch(dir, input());
    expect(plan.cloudflared?.labels).toEqual({ 'app.kubernetes.io/name': 'edge-tunnel', 'app.kubernetes.io/instance': 'edge-tunnel', 'app.kubernetes.io/component': 'cloudflared' });
  });

  it('a version range: only name + instance (the controller label key depends on the exact version)', async () => {
    const dir = copy('yaml-apptemplate-v4-two-controllers');
    const path = join(dir, 'kubernetes/apps/network/tunnel/app/helmrelease.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('version: 4.0.1', 'version: ">=3.0.0"'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.cloudflared?.labels).toEqual({ 'app.kubernetes.io/name': 'edge-tunnel', 'app.kubernetes.io/instance': 'edge-tunnel' });
  });
});

describe('several cloudflared configs: the refusal names --cloudflared-configmap per file', () => {
  it('a file holding two configs is not offered (naming it again could not choose); the one-config file is', async () => {
    const dir = copy('review1-f11-two-overlays');
    const staging = join(dir, 'k8s/cloudflared/overlays/staging/config.yaml');
    const cm = (name: string): string =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  config.yaml: |\n    ingress:\n      - hostname: a.example.com\n        service: http://a:80\n      - service: http_status:404\n`;
    writeFileSync(staging, `${cm('one')}---\n${cm('two')}`);
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toMatch(/^ambiguous: 3 cloudflared configs \(/);
    expect(plan.refused).toMatch(/run init again with the one this gateway's tunnel uses: --cloudflared-configmap \S*k8s\/cloudflared\/overlays\/prod\/config\.yaml$/);
    expect(plan.edits).toEqual([]);
    // Pointed at the two-config file itself: no flag to suggest.
    const again = await planRepoPatch(staging, input({ mode: 'yaml' }));
    expect(again.refused).toContain('ambiguous: 2 cloudflared configs');
    expect(again.refused).toContain('keep one cloudflared config per file, or add the rule by hand');
  });
});
