// The NetworkPolicy's inputs and outputs beyond its semantics: bad items are refused with the flag
// and the item syntax named, flags split items on commas, the rendered policy passes the official
// schema and `kubectl kustomize`, the module's files pass terraform fmt, and NOTES.md says who
// is admitted and how to check it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Node } from 'web-tree-sitter';
import { validateConfig } from '../../src/config/schema.js';
import { resolveInputs } from '../../src/config/sources.js';
import { renderPlan } from '../../src/templates/index.js';
import { kubernetesObjects } from '../../src/templates/kubernetes/objects.js';
import { parseHcl } from '../../src/templates/hcl-parse.js';
import { renderNotes, renderWarnings } from '../../src/templates/notes.js';
import { evaluate } from './installer-hcl-eval.js';
import { VERSION, configFrom, moduleVars, table } from './installer-helpers.js';
import * as models from './installer-k8s-models.js';

function problems(flags: Record<string, unknown>): string[] {
  const resolved = resolveInputs(table, { flags, env: {} });
  for (const spec of table) resolved.values[spec.name] ??= structuredClone(spec.default);
  const result = validateConfig(table, resolved.values);
  return [...resolved.problems, ...(result.ok ? [] : result.problems)];
}

const FULL = {
  enable_network_policy: true, enable_metrics: true, domain_suffix: 'example.com',
  auth_mode: 'both', cf_access_team: 'myteam', cf_access_aud: 'ab'.repeat(32), allowed_email_domains: ['example.com'],
  cloudflared_namespace: 'cloudflared', cloudflared_pod_labels: { 'app.kubernetes.io/name': 'cloudflare-tunnel' },
  metrics_pod_labels: { 'app.kubernetes.io/name': 'prometheus' },
  network_policy_extra_ingress: ['apps/app=n8n+tier=web', '*/mcp-client=true:http', 'observability:metrics', '192.168.1.0/24', 'fd00:1::/64:metrics'],
  network_policy_extra_egress: ['192.168.1.10/32:2376', '2001:db8::/32', 'auth/app.kubernetes.io/name=dex:5556'],
};

describe('NetworkPolicy inputs', () => {
  it('flags and env take items comma separated, labels joined by +', () => {
    expect(problems({ networkPolicyExtraIngress: 'apps/app=n8n+tier=web,192.168.1.0/24:metrics', networkPolicyExtraEgress: '10.0.0.0/8:443,fd00::/8' })).toEqual([]);
    const resolved = resolveInputs(table, { flags: { networkPolicyExtraIngress: 'apps/app=n8n+tier=web,*' }, env: {} });
    expect(resolved.values.network_policy_extra_ingress).toEqual(['apps/app=n8n+tier=web', '*']);
  });

  it.each([
    ['networkPolicyExtraIngress', 'Apps', /--network-policy-extra-ingress\[0\]: "Apps" is neither a namespace name.*an item is `NAMESPACE/],
    ['networkPolicyExtraIngress', 'apps/app', /"app" is not a label key=value/],
    ['networkPolicyExtraIngress', 'apps/app=n8n:9090', /the port must be `http` or `metrics`/],
    ['networkPolicyExtraIngress', '10.0.0.0/33', /10\.0\.0\.0\/33 is not a CIDR/],
    ['networkPolicyExtraIngress', 'apps/app=a b', /"a b" is not a label value/],
    ['networkPolicyExtraEgress', '10.0.0.1/32:http', /--network-policy-extra-egress\[0\]: the port must be a number from 1 to 65535/],
    ['networkPolicyExtraEgress', '10.0.0.1/32:70000', /the port must be a number/],
    ['networkPolicyExtraEgress', 'example.com:443', /neither a namespace name/],
    ['networkPolicyExtraEgress', '192.168.1.10:2376', /an address needs a prefix length, e\.g\. 192\.168\.1\.10\/32/],
    ['networkPolicyExtraIngress', 'fd00::1', /an address needs a prefix length, e\.g\. fd00::1\/128/],
  ])('%s %s is refused with the flag and the syntax', (flag, value, message) => {
    expect(problems({ [flag]: value }).join('\n')).toMatch(message);
  });

  it('refuses empty cloudflared_pod_labels in the gateway\'s own namespace (every neighbour would get in), allows them in a namespace of its own', () => {
    expect(problems({ enableNetworkPolicy: true, cloudflaredPodLabels: '' }).join('\n'))
      .toMatch(/--cloudflared-pod-labels: empty would let every pod of namespace homelab reach the gateway/);
    expect(problems({ enableNetworkPolicy: true, cloudflaredPodLabels: '', cloudflaredNamespace: 'homelab' })).not.toEqual([]);
    expect(problems({ enableNetworkPolicy: true, cloudflaredPodLabels: '', cloudflaredNamespace: 'cloudflared' })).toEqual([]);
    expect(problems({ cloudflaredPodLabels: 'app.kubernetes.io/name=cloudflare-tunnel', cloudflaredNamespace: 'cloudflare-tunnel' })).toEqual([]);
  });
});

describe('NetworkPolicy warning', () => {
  it('init warns that only the seed\'s cloudflared layout is admitted until cloudflared_namespace is given', () => {
    const warned = (data: Record<string, unknown>): boolean => renderWarnings(configFrom(data)).some((w) => w.includes('tunnel gets 502s'));
    expect(warned({ enable_network_policy: true, domain_suffix: 'example.com' })).toBe(true);
    expect(renderWarnings(configFrom({ enable_network_policy: true, domain_suffix: 'example.com' })).join('\n'))
      .toContain('pods labelled app=cloudflared in namespace "homelab"');
    expect(warned({ enable_network_policy: true, domain_suffix: 'example.com', cloudflared_namespace: 'homelab' })).toBe(false);
    expect(warned({ enable_network_policy: false, domain_suffix: 'example.com' })).toBe(false);
    expect(warned({ enable_network_policy: true })).toBe(false); // no tunnel rendered
  });
});

describe('NetworkPolicy output', () => {
  const config = configFrom(FULL);
  const plan = renderPlan(config, table, { format: 'both', singleFile: false, version: VERSION });
  const policy = kubernetesObjects(config, VERSION).find((o) => o.kind === 'NetworkPolicy')!;

  it('passes the official schema (kubernetes-models)', () => {
    expect(() => models.validate(policy)).not.toThrow();
    expect(() => models.validate(kubernetesObjects(configFrom({ enable_network_policy: true }), VERSION).find((o) => o.kind === 'NetworkPolicy')!)).not.toThrow();
  });

  it('survives a real `kubectl kustomize` unchanged, and the module\'s files pass terraform fmt', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmcp-netpol-'));
    try {
      for (const f of plan.files) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), f.contents);
      }
      const out = execFileSync('kubectl', ['kustomize', join(dir, 'kubernetes')], { encoding: 'utf8' });
      const docs = parseAllDocuments(out).map((d) => d.toJS() as { kind: string });
      expect(docs.find((d) => d.kind === 'NetworkPolicy')).toEqual(policy);
      expect(() => execFileSync('terraform', ['fmt', '-check', '-recursive', '-diff', join(dir, 'terraform')], { stdio: 'pipe' })).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the module declares the new variables with the types Terraform users expect', () => {
    const variables = plan.files.find((f) => f.path.endsWith('modules/docker-mcp-gateway/variables.tf'))!.contents;
    expect(variables).toMatch(/variable "cloudflared_pod_labels" \{[^}]*type\s+= map\(string\)/);
    expect(variables).toMatch(/variable "network_policy_extra_ingress" \{[^}]*type\s+= list\(object\(\{ namespace = optional\(string\), pod_labels = optional\(map\(string\)\)/);
    const tfvars = plan.files.find((f) => f.path === 'terraform/terraform.tfvars')!.contents;
    expect(tfvars).toContain('"app.kubernetes.io/name" = "dex"');
    expect(plan.files.some((f) => f.path.endsWith('modules/docker-mcp-gateway/network-policy.tf'))).toBe(true);
    const readme = plan.files.find((f) => f.path.endsWith('modules/docker-mcp-gateway/README.md'))!.contents;
    expect(readme).toContain('## NetworkPolicy');
    expect(readme).toContain('cloudflared_pod_labels = { "app.kubernetes.io/name" = "cloudflare-tunnel" }');
  });

  it('NOTES.md says which cloudflared gets in, what goes out, and how to check the selector', () => {
    const notes = renderNotes(config, VERSION, plan.files.map((f) => f.path));
    expect(notes).toContain('pods labelled `app.kubernetes.io/name=cloudflare-tunnel` in namespace `cloudflared`');
    expect(notes).toContain('`kubectl get pods -n cloudflared -l app.kubernetes.io/name=cloudflare-tunnel`');
    expect(notes).toContain('`kubectl get pods -A --show-labels | grep -i cloudflare`');
    expect(notes).toContain('https://myteam.cloudflareaccess.com/cdn-cgi/access/certs');
    expect(notes).toContain('`192.168.1.10/32:2376`');
    const seed = configFrom({ enable_network_policy: true });
    const seedNotes = renderNotes(seed, VERSION, []);
    expect(seedNotes).toContain('pods labelled `app=cloudflared` in namespace `homelab`');
    expect(seedNotes).not.toContain('cloudflareaccess.com');
    expect(renderNotes(configFrom({}), VERSION, [])).not.toContain('NetworkPolicy:');
  });
});

describe('NetworkPolicy checks in the module (Terraform users pass objects, not strings)', () => {
  const files = renderPlan(configFrom(FULL), table, { format: 'both', singleFile: false, version: VERSION }).files;
  const variablesTf = files.find((f) => f.path.endsWith('modules/docker-mcp-gateway/variables.tf'))!.contents;
  const tfvars = files.find((f) => f.path === 'terraform/terraform.tfvars')!.contents;

  // Variable validations need no provider, so a real `terraform plan` of variables.tf alone runs offline.
  function plan(vars: string[]): { ok: boolean; output: string } {
    const dir = mkdtempSync(join(tmpdir(), 'dmcp-netpol-tf-'));
    try {
      writeFileSync(join(dir, 'variables.tf'), variablesTf);
      writeFileSync(join(dir, 'terraform.tfvars'), tfvars);
      const run = (args: string[]): string => execFileSync('terraform', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, TF_IN_AUTOMATION: '1', NO_COLOR: '1' } });
      run(['init', '-input=false', '-backend=false']);
      // -var overrides terraform.tfvars.
      return { ok: true, output: run(['plan', '-input=false', '-no-color', ...vars.flatMap((v) => ['-var', v])]) };
    } catch (error) {
      return { ok: false, output: String((error as { stderr?: string }).stderr ?? error) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('accepts what init renders and refuses malformed items with a clear message', () => {
    expect(plan([])).toMatchObject({ ok: true });
    const cases: [string, RegExp][] = [
      ['network_policy_extra_ingress = [{ namespace = "apps", cidr = "10.0.0.0/8" }]', /either namespace \(pods\) or cidr/],
      ['network_policy_extra_ingress = [{ cidr = "10.0.0.0/33" }]', /cidr must be a CIDR/],
      ['network_policy_extra_ingress = [{ namespace = "Apps" }]', /namespace must be a namespace name/],
      ['network_policy_extra_ingress = [{ namespace = "apps", port = "8080" }]', /port must be http or metrics/],
      ['network_policy_extra_ingress = [{ cidr = "10.0.0.0/8", pod_labels = { app = "x" } }]', /with pod_labels needs a namespace/],
      ['network_policy_extra_egress = [{ namespace = "apps", pod_labels = { "bad key!" = "x" } }]', /pod_labels entry must be a valid label/],
      ['network_policy_extra_egress = [{ cidr = "10.0.0.1/32", port = "http" }]', /port must be a number from 1 to 65535/],
      ['network_policy_extra_egress = [{ cidr = "10.0.0.1/32", port = "0" }]', /port must be a number from 1 to 65535/],
    ];
    for (const [line, message] of cases) {
      const result = plan([line.replace(/^(\w+) = /, '$1=')]);
      expect(result.ok, line).toBe(false);
      expect(result.output.replace(/\s*│\s*/g, ' '), line).toMatch(message);
    }
  });

  it('the precondition refuses empty cloudflared_pod_labels in the gateway namespace, as init does', async () => {
    const source = files.find((f) => f.path.endsWith('modules/docker-mcp-gateway/network-policy.tf'))!.contents;
    const { root } = await parseHcl(source);
    const children = (node: Node): Node[] => node.namedChildren.filter((n): n is Node => n !== null);
    // The one precondition block, wherever it is nested, and its `condition` attribute.
    const blocks = (node: Node): Node[] => children(node).flatMap((n) =>
      (n.type === 'block' && n.namedChildren[0]?.text === 'precondition' ? [n] : n.type === 'body' || n.type === 'block' ? blocks(n) : []));
    const [precondition] = blocks(root);
    const condition = children(children(precondition!).find((n) => n.type === 'body')!)
      .find((n) => n.type === 'attribute' && n.namedChildren[0]?.text === 'condition')!;
    const holds = (data: Record<string, unknown>): boolean => {
      const resolved = resolveInputs(table, { flags: {}, env: {}, configFile: { path: 't', data } });
      for (const spec of table) resolved.values[spec.name] ??= structuredClone(spec.default);
      const vars = moduleVars(resolved.values as never);
      return evaluate(condition.namedChildren[1]!, { var: vars, local: {} }) as boolean;
    };
    expect(holds({})).toBe(true);
    expect(holds({ cloudflared_pod_labels: {} })).toBe(false);
    expect(holds({ cloudflared_pod_labels: {}, cloudflared_namespace: 'homelab' })).toBe(false);
    expect(holds({ cloudflared_pod_labels: {}, cloudflared_namespace: 'cloudflared' })).toBe(true);
  });
});
