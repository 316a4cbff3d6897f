// Review 3 (findings 5, 6, 10, 11 and the no-op run): doctor judges what init patches, with init's
// own model and shadow check; cloudflared-tf labels; quoted config.yaml scalars; custom chart values.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { adoptCloudflared } from '../../src/cli/commands/repo-cloudflared.js';
import type { InstallConfig } from '../../src/config/schema.js';
import { variablesTable } from '../../src/config/variables.js';
import { renderChecks, runDoctor } from '../../src/lifecycle/doctor.js';
import { ingressFacts, type IngressFacts } from '../../src/lifecycle/ingress-check.js';
import { reachCheck } from '../../src/lifecycle/ingress-reach.js';
import { applyRepoPatch, planRepoPatch, renderPatchReport } from '../../src/patch/index.js';
import { input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();

async function facts(dir: string, host = 'docker-mcp.example.com'): Promise<IngressFacts> {
  const result = await ingressFacts(dir, host);
  if (typeof result === 'string') throw new Error(result);
  return result;
}

async function patched(name: string): Promise<string> {
  const dir = copy(name);
  const plan = await planRepoPatch(dir, input());
  expect(plan.refused, name).toBeNull();
  await applyRepoPatch(plan);
  return dir;
}

describe('review 3, finding 5: doctor passes configs init just patched', () => {
  for (const name of ['shape02-v4-dynamic-locals-list', 'shape04-v5-root-for-map', 'review1-f7-tfvars', 'review1-v4-static-wildcard-before-dynamic', 'review1-v5-concat-wildcard-ahead', 'review1-f10-sibling-k8s']) {
    it(`${name}: unpatched → no docker-mcp rule; patched by init → rule found and reachable`, async () => {
      const unpatched = copy(name);
      const before = await ingressFacts(unpatched, 'docker-mcp.example.com');
      expect(typeof before === 'string' ? before : before.ruleHasAccess, name).toBeNull();
      // The doctor run itself: the right advice, never "not a list literal" nor "add docker-mcp to the collection".
      const { checks } = await runDoctor({ namespace: 'homelab', kubeconfig: join(unpatched, 'no-kubeconfig'), terraformDir: unpatched, socket: join(unpatched, 'no.sock') });
      expect(checks.find((c) => c.id === 'access'), name).toMatchObject({ status: 'fail', fix: 'docker-mcp init --terraform-dir <repo> adds it' });
      expect(checks.find((c) => c.id === 'reach'), name).toMatchObject({ status: 'skip' });
      for (const host of ['docker-mcp.example.com', 'docker-mcp']) {
        const after = await facts(await patched(name), host);
        expect(after.ruleHasAccess, `${name} ${host}`).toBe(false);
        expect(reachCheck(after).status, `${name} ${host}: ${reachCheck(after).detail}`).toBe('pass');
        expect(after.catchAllLast, name).not.toBe(false);
      }
    });
  }
});

describe('review 3, finding 5: doctor finds the cloudflared config elsewhere in the git repo, as init does', () => {
  it('--terraform-dir repo/terraform with the config in repo/k8s: unpatched → no rule; patched by init → found and reachable', async () => {
    const dir = copy('review1-f10-sibling-k8s');
    spawnSync('git', ['init', '-q', dir]);
    const tf = join(dir, 'terraform');
    expect((await facts(tf)).ruleHasAccess).toBeNull();
    const plan = await planRepoPatch(tf, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.edits.map((e) => e.relPath)).toContain('../k8s/cloudflared.yaml');
    await applyRepoPatch(plan);
    const after = await facts(tf);
    expect(after.source).toBe('../k8s/cloudflared.yaml');
    expect(after.ruleHasAccess).toBe(false);
    expect(reachCheck(after).status).toBe('pass');
  });
});

describe('review 3, finding 5: doctor with an empty or garbage kubeconfig', () => {
  it('says what is wrong with the file in one line, not the client library\'s TypeError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmcp-kc-'));
    try {
      for (const [text, said] of [['', 'the file is empty'], ['a: [b', 'the file is not valid YAML']] as const) {
        const file = join(dir, 'config');
        writeFileSync(file, text);
        const { checks } = await runDoctor({ namespace: 'homelab', kubeconfig: file, socket: join(dir, 'no.sock') });
        const kube = checks.find((c) => c.id === 'kube-context')!;
        expect(kube.status).toBe('fail');
        expect(kube.detail).toContain(`could not read the kubeconfig ${file} (${said}`);
        expect(kube.detail).not.toContain('Cannot read properties');
        expect(renderChecks([kube]).split('\n')[0]).toContain(said);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('review 3, finding 6: cloudflared run by Terraform with labels from a local', () => {
  const table = variablesTable('0.0.0-test');
  const defaults = Object.fromEntries(table.map((s) => [s.name, s.default])) as unknown as InstallConfig;

  it('`labels = local.x` is resolved like a string local: namespace and both labels carried', async () => {
    const plan = await planRepoPatch(copy('review3-tf-cloudflared-local-labels'), input());
    expect(plan.refused).toBeNull();
    expect(plan.cloudflared).toEqual({ namespace: 'cloudflare', labels: { app: 'cloudflared', 'app.kubernetes.io/part-of': 'tunnel' }, where: 'Deployment cloudflared in cloudflared.tf' });
  });

  it('unproven labels carry neither half, the note says so, and the report never shows the defaults as the repo\'s', async () => {
    const dir = copy('review3-tf-cloudflared-local-labels');
    const path = join(dir, 'cloudflared.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace('labels = local.cloudflared_labels\n      }\n      spec', 'labels = merge(local.cloudflared_labels, var.extra_labels)\n      }\n      spec').replace('match_labels = local.cloudflared_labels', 'match_labels = var.selector'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toBeNull();
    expect(plan.cloudflared).toMatchObject({ namespace: null, labels: {} });
    expect(plan.notes.join('\n')).toContain('its pod labels are not literals the repo proves, so the NetworkPolicy values cloudflared_namespace / cloudflared_pod_labels are left as they are');
    expect(adoptCloudflared({ ...defaults, namespace: 'homelab' }, table, plan.cloudflared!)).toBeNull();
    // A YAML workload with a namespace but no selector: the namespace alone is not carried either.
    expect(adoptCloudflared({ ...defaults, namespace: 'homelab' }, table, { namespace: 'cloudflare', labels: {}, where: 'Deployment cloudflared in k8s/d.yaml' })).toBeNull();
  });
});

describe('review 3, smaller: a no-op run says so', () => {
  for (const name of ['shape07-yaml-multidoc-namespace', 'seed-v4']) {
    it(`${name}: the second run neither "updates" the rule nor prints the restart command`, async () => {
      const dir = await patched(name);
      const first = await planRepoPatch(copy(name), input());
      const again = await planRepoPatch(dir, input());
      expect(again.edits).toEqual([]);
      const report = renderPatchReport(again);
      expect(report).not.toMatch(/updating the existing/);
      expect(report).toContain('already there as it should be');
      expect(report).not.toContain('Restart cloudflared');
      expect(report).not.toContain('rollout restart');
      if (name.startsWith('shape07')) expect(renderPatchReport(first)).toContain('rollout restart');
    });
  }
});

describe('review 3, finding 10: a quoted config.yaml scalar', () => {
  const configOf = (text: string): unknown => (parseDocument(text).toJS() as { data: Record<string, string> }).data['config.yaml'];
  const SERVICE = input().serviceUrl;

  for (const style of ['double', 'single'] as const) {
    it(`${style}-quoted: only that scalar is re-written in its style; it reads back as the same rules plus docker-mcp's; second run no-op`, async () => {
      const dir = copy('review3-yaml-double-quoted');
      const path = join(dir, 'cloudflared.yaml');
      const original = readFileSync(path, 'utf8');
      let value = configOf(original) as string;
      if (style === 'single') {
        // Single quotes have no escapes: a line break is a blank line and continuation lines lose their
        // indentation, so only a config whose ingress is a flow list can be written that way.
        const flow = `ingress: [{hostname: grafana.example.com, service: "http://grafana.monitoring.svc.cluster.local:3000"}, {service: "http_status:404"}]`;
        writeFileSync(path, original.replace(/ {2}config\.yaml: .*\n/, `  config.yaml: 'tunnel: home\n\n    metrics: 0.0.0.0:2000\n\n    ${flow}\n\n    '\n`));
      }
      const before = readFileSync(path, 'utf8');
      value = configOf(before) as string;
      const plan = await planRepoPatch(dir, input());
      expect(plan.refused, renderPatchReport(plan)).toBeNull();
      await applyRepoPatch(plan);
      const after = readFileSync(path, 'utf8');
      // Every line outside the scalar is kept; the scalar keeps its quote character.
      const head = before.slice(0, before.indexOf('config.yaml:'));
      expect(after.startsWith(head)).toBe(true);
      expect(after.slice(head.length)).toMatch(style === 'double' ? /^config\.yaml: "[^\n]*"\n$/ : /^config\.yaml: '/);
      const rules = (parseDocument(configOf(after) as string).toJS() as { ingress: { hostname?: string; service: string }[] }).ingress;
      const old = (parseDocument(value).toJS() as { ingress: unknown[] }).ingress;
      expect(rules).toEqual([old[0], { hostname: 'docker-mcp.example.com', service: SERVICE }, old[1]]);
      if (style === 'double') expect((configOf(after) as string).replace(/# docker-mcp: managed[^\n]*\n- hostname: docker-mcp[^\n]*\n[^\n]*\n/, '')).toBe(value);
      expect((await planRepoPatch(dir, input())).edits).toEqual([]);
    });
  }
});

describe('review 3, finding 11: values of a chart of the repo\'s own whose template appends the catch-all', () => {
  it('the rule goes at the end of the values\' ingress list; a re-run is a no-op; doctor passes', async () => {
    const dir = copy('review3-own-chart-catch-all');
    spawnSync('git', ['init', '-q', dir]);
    const values = join(dir, 'charts', 'cloudflared', 'values.yaml');
    const before = readFileSync(values, 'utf8');
    const plan = await planRepoPatch(join(dir, 'terraform'), input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.notes.join('\n')).toContain('its templates/configmap.yaml appends the catch-all');
    await applyRepoPatch(plan);
    const after = readFileSync(values, 'utf8');
    expect(after).toBe(`${before}  # docker-mcp: managed by docker-mcp init; re-run it to change this rule\n  - hostname: docker-mcp.example.com\n    service: ${input().serviceUrl}\n`);
    expect((await planRepoPatch(join(dir, 'terraform'), input())).edits).toEqual([]);
    const found = await facts(join(dir, 'terraform'));
    expect(found.catchAllLast).toBe(true);
    expect(reachCheck(found).status).toBe('pass');
  });

  it('without the template\'s catch-all line the values are a plain config and the catch-all refusal stands', async () => {
    const dir = copy('review3-own-chart-catch-all');
    const template = join(dir, 'charts', 'cloudflared', 'templates', 'configmap.yaml');
    writeFileSync(template, readFileSync(template, 'utf8').replace('      - service: http_status:404\n', ''));
    const plan = await planRepoPatch(join(dir, 'charts'), input());
    expect(plan.refused).toContain('needs exactly one catch-all');
  });
});

describe('review 3, finding 5: doctor\'s reachable check on a collection is the planner\'s', () => {
  it('a docker-mcp item below a "*.example.com" item fails, naming that item\'s file:line', async () => {
    const dir = await patched('shape02-v4-dynamic-locals-list');
    const path = join(dir, 'locals.tf');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace('  ingress_rules = [\n', '  ingress_rules = [\n    {\n      hostname = "*.${local.domain}"\n      service  = "http://traefik.kube-system.svc.cluster.local:80"\n    },\n'));
    const check = reachCheck(await facts(dir));
    expect(check.status).toBe('fail');
    expect(check.detail).toBe('the rule for "*.example.com" at locals.tf:6 comes first and catches docker-mcp.example.com');
  });
});
