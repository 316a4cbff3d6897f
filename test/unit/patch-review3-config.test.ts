// Review 3, findings 3, 4, 13 and 9: cloudflared configs in kustomize next to a Terraform root.
// 3: a base config an overlay replaces is never deployed: not patched, not suggested, refused when named
//    (checked with `kubectl kustomize`: the file init edits is the one the overlay renders).
// 4: a YAML config's `tunnel:` is matched to the Terraform tunnels by name before DNS goes to Terraform.
// 13: with --cloudflared-configmap, the overlay's namespace and the base Deployment's labels are carried,
//     and paths are relative to the --terraform-dir (docker-mcp.tf is committed: never absolute).
// 9: a YAML refusal offers the module call and the module advice, as HCL refusals do.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport } from '../../src/patch/index.js';
import { input as baseInput, MODULE_CALL, useFixtureCopies } from './patch-helpers.js';
import type { RepoPatchInput } from '../../src/patch/index.js';

const copy = useFixtureCopies();
const HOST = 'docker-mcp.example.com';
// The module call as init renders it: with the status line the patcher rewrites (module-status.ts).
const input = (o: Partial<RepoPatchInput> = {}): RepoPatchInput => baseInput({ moduleCallHcl: `# Tunnel: (status)\n${MODULE_CALL}`, ...o });

/** A fixture copy that is its own git repo (the config is searched for from the git root). */
function repo(name: string): string {
  const dir = copy(name);
  mkdirSync(join(dir, '.git'));
  return dir;
}

function kustomize(dir: string): string {
  const out = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  return out.stdout;
}

const OVERLAYS = [
  { fixture: 'review3-f3-overlay-patch', base: 'k8s/base/configmap.yaml', deployed: 'k8s/overlays/prod/configmap-patch.yaml' },
  { fixture: 'review3-f3-overlay-generator-replace', base: 'k8s/base/config.yaml', deployed: 'k8s/overlays/prod/cloudflared-prod.yaml' },
];

describe('finding 3: a base config an overlay replaces is not what is deployed', () => {
  for (const { fixture, base, deployed } of OVERLAYS) {
    it(`${fixture}: auto mode patches ${deployed}, which kubectl kustomize renders; the base is left alone`, async () => {
      const dir = repo(fixture);
      expect(kustomize(join(dir, 'k8s/overlays/prod'))).not.toContain(HOST);
      const plan = await planRepoPatch(join(dir, 'terraform'), input());
      expect(plan.refused, renderPatchReport(plan)).toBeNull();
      expect(plan.edits.map((e) => e.relPath).sort()).toEqual([`../${deployed}`, 'main.tf']);
      expect(plan.notes.join('\n')).toContain(`../${base}`);
      expect(plan.notes.join('\n')).toContain('is not deployed as written');
      await applyRepoPatch(plan);
      expect(kustomize(join(dir, 'k8s/overlays/prod'))).toContain(`hostname: ${HOST}`);
      expect((await planRepoPatch(join(dir, 'terraform'), input())).edits).toEqual([]);
    });

    it(`${fixture}: --cloudflared-configmap ${base} is refused naming ${deployed}; following it, the overlay routes the host`, async () => {
      const dir = repo(fixture);
      const tf = join(dir, 'terraform');
      const refused = await planRepoPatch(join(dir, base), input({ mode: 'yaml', terraformDir: tf }));
      expect(refused.refused).toContain('is not what kustomize deploys');
      expect(refused.edits).toEqual([]);
      const named = /--cloudflared-configmap (\S+)/.exec(refused.refused ?? '')?.[1];
      expect(named?.endsWith(deployed)).toBe(true);
      const plan = await planRepoPatch(resolve(named!), input({ mode: 'yaml', terraformDir: tf }));
      expect(plan.refused, renderPatchReport(plan)).toBeNull();
      await applyRepoPatch(plan);
      expect(kustomize(join(dir, 'k8s/overlays/prod'))).toContain(`hostname: ${HOST}`);
      expect(readFileSync(join(dir, base), 'utf8')).not.toContain(HOST);
    });
  }
});

describe('finding 3: a base only some overlays replace', () => {
  it('stays a candidate, and the refusal says which overlay replaces it', async () => {
    const dir = repo('review3-f3-overlay-patch');
    mkdirSync(join(dir, 'k8s/overlays/staging'));
    writeFileSync(join(dir, 'k8s/overlays/staging/kustomization.yaml'), 'resources:\n  - ../../base\n');
    const plan = await planRepoPatch(join(dir, 'terraform'), input());
    expect(plan.refused).toContain('ambiguous: 2 cloudflared configs');
    expect(plan.refused).toContain('../k8s/base/configmap.yaml (ConfigMap cloudflared data."config.yaml") is replaced by ../k8s/overlays/prod/configmap-patch.yaml in some overlays');
  });
});

describe('findings 4 and 13: --cloudflared-configmap on a kustomize overlay next to Terraform', () => {
  const STAGING = 'k8s/overlays/staging/config.yaml';

  it('tunnel home-staging is no Terraform tunnel: no record for cloudflare_tunnel.home, `cloudflared tunnel route dns home-staging`', async () => {
    const dir = repo('review3-f4-staging-tunnel');
    const tf = join(dir, 'terraform');
    const plan = await planRepoPatch(join(dir, STAGING), input({ mode: 'yaml', terraformDir: tf }));
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.edits.map((e) => e.relPath)).toEqual([`../${STAGING}`]);
    const snippets = plan.snippets.map((s) => s.text).join('\n');
    expect(snippets).toContain(`cloudflared tunnel route dns home-staging ${HOST}`);
    expect(snippets).not.toContain('cloudflare_tunnel.home');
    expect(plan.notes.join('\n')).toContain('none of the Terraform tunnels');
  });

  it('tunnel home is cloudflare_tunnel.home (name "home"): the label goes into its toset list', async () => {
    const dir = repo('review3-f4-staging-tunnel');
    const tf = join(dir, 'terraform');
    const plan = await planRepoPatch(join(dir, 'k8s/overlays/prod/config.yaml'), input({ mode: 'yaml', terraformDir: tf }));
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    const main = plan.edits.find((e) => e.relPath === 'main.tf');
    expect(main?.after).toContain('"docker-mcp",');
    expect(plan.snippets.map((s) => s.text).join('\n')).not.toContain('cloudflared tunnel route dns');
  });

  it('the overlay namespace and the base Deployment labels are carried; paths relative to the --terraform-dir, none absolute', async () => {
    const dir = repo('review3-f4-staging-tunnel');
    const tf = join(dir, 'terraform');
    const plan = await planRepoPatch(join(dir, STAGING), input({ mode: 'yaml', terraformDir: tf }));
    expect(plan.cloudflared).toEqual({
      namespace: 'cloudflared-staging',
      labels: { 'app.kubernetes.io/name': 'cloudflared' },
      where: 'Deployment cloudflared in ../k8s/base/deployment.yaml',
    });
    const restart = plan.snippets.find((s) => s.title.startsWith('Restart cloudflared'));
    expect(restart?.text).toBe('kubectl -n cloudflared-staging rollout restart deployment/cloudflared\n');
    expect(plan.moduleCall).toContain(`../${STAGING}`);
    expect(plan.moduleCall).not.toContain(dir);
    expect(renderPatchReport(plan)).not.toContain(dir);
  });
});

describe('finding 9: a YAML refusal offers the module call and the module advice', () => {
  it('init\'s own rule below *.example.com: refused, with docker-mcp.tf saying the rule is NOT there', async () => {
    const dir = copy('review3-f9-yaml-own-rule-shadowed');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toContain('can never match');
    const call = plan.snippets.find((s) => s.title === 'The docker-mcp module call, in its own file');
    expect(call?.text).toContain('module "docker_mcp_gateway"');
    expect(call?.where).toContain('docker-mcp.tf');
    const report = renderPatchReport(plan);
    expect(report).toContain('modules/docker-mcp-gateway in the --terraform-dir, which was not written either');
    expect(report).toContain('docker-mcp init --output-dir');
  });
});
