// Review 4 (helper N), finding 4: a vendored chart's own values.yaml (Chart.yaml beside it) is the chart's
// defaults; the user's values file for the same chart is what runs, so only that one is a candidate. An
// empty `tunnelName: ""` is no tunnel name (never "runs tunnel , which…").
// Finding 2: a kustomize Component's patches replace a base like an overlay's (checked with kubectl kustomize),
// and the overlay's namespace is cloudflared's.
// Finding 7 (part): a Terraform root with tunnel DNS records but no tunnel resource finds the k8s/ config.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport } from '../../src/patch/index.js';
import { configsInText } from '../../src/patch/yaml-scan.js';
import { input as baseInput, MODULE_CALL, useFixtureCopies } from './patch-helpers.js';
import type { RepoPatchInput } from '../../src/patch/index.js';

const copy = useFixtureCopies();
const input = (o: Partial<RepoPatchInput> = {}): RepoPatchInput => baseInput({ moduleCallHcl: `# Tunnel: (status)\n${MODULE_CALL}`, ...o });

function repo(name: string): string {
  const dir = copy(name);
  mkdirSync(join(dir, '.git'));
  return dir;
}

describe('finding 4: a vendored chart\'s defaults are not a cloudflared config', () => {
  it('review4-v1-vendored-chart: the user\'s values file is patched, the chart defaults are left alone', async () => {
    const dir = repo('review4-v1-vendored-chart');
    const plan = await planRepoPatch(join(dir, 'terraform'), input());
    const report = renderPatchReport(plan);
    expect(plan.refused, report).toBeNull();
    expect(plan.edits.map((e) => e.relPath)).toContain('../k8s/cloudflare-tunnel-values.yaml');
    expect(plan.edits.map((e) => e.relPath).join(' ')).not.toContain('charts/');
    expect(report).not.toMatch(/tunnel ,/);
    await applyRepoPatch(plan);
    expect((await planRepoPatch(join(dir, 'terraform'), input())).edits).toEqual([]);
  });

  it('an empty tunnelName is absent, not a name', () => {
    const [cfg] = configsInText('/x/values.yaml', 'cloudflare:\n  tunnelName: ""\n  ingress: []\n');
    expect(cfg?.tunnel).toBeNull();
  });
});

describe('finding 2: a kustomize Component replacing the base config is followed', () => {
  it('review4-k1-components: the Component patch is edited, kubectl kustomize renders the rule, namespace cloudflared', async () => {
    const dir = repo('review4-k1-components');
    const tf = join(dir, 'terraform');
    const plan = await planRepoPatch(tf, input());
    const report = renderPatchReport(plan);
    expect(plan.refused, report).toBeNull();
    expect(plan.edits.map((e) => e.relPath)).toContain('../k8s/components/prod-routes/configmap-patch.yaml');
    expect(plan.edits.map((e) => e.relPath)).not.toContain('../k8s/base/configmap.yaml');
    expect(plan.cloudflared?.namespace, report).toBe('cloudflared');
    expect(report).toContain('kubectl -n cloudflared rollout restart');
    await applyRepoPatch(plan);
    const out = spawnSync('kubectl', ['kustomize', join(dir, 'k8s/overlays/prod')], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain('hostname: docker-mcp.example.com');
    expect((await planRepoPatch(tf, input())).edits).toEqual([]);
  });
});

describe('finding 7: DNS records in Terraform, no tunnel resource, cloudflared config in k8s/', () => {
  it('review4-d1-daemonset: from terraform/ the sibling k8s/ config is patched', async () => {
    const dir = repo('review4-d1-daemonset');
    const tf = join(dir, 'terraform');
    const plan = await planRepoPatch(tf, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.edits.map((e) => e.relPath)).toContain('../k8s/cloudflared/config.yaml');
    await applyRepoPatch(plan);
    expect((await planRepoPatch(tf, input())).edits).toEqual([]);
  });
});
