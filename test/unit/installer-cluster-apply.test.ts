// Applies that do not hang or hit the wrong cluster, and an image the cluster can pull (issue 15
// items 5, 7, 9): the root provider takes the recorded context, the Deployment exposes the rollout
// wait and timeouts, a missing tokens Secret fails the plan with a message naming it, pull Secrets
// are rendered, the provider is bounded, and NOTES.md orders the first apply so it works.
import { describe, expect, it } from 'vitest';
import type { VarValue } from '../../src/config/variables.js';
import { validateConfig } from '../../src/config/schema.js';
import { IMAGE_REF } from '../../src/config/validators.js';
import { detectKubeTarget } from '../../src/cli/io/kube-context.js';
import { explainFailure } from '../../src/lifecycle/terraform-errors.js';
import { kubernetesObjects } from '../../src/templates/kubernetes/objects.js';
import { renderPlan } from '../../src/templates/index.js';
import type { InstallConfig } from '../../src/config/schema.js';
import type { Scope, Value } from './installer-hcl-eval.js';
import { VERSION, configFrom, table } from './installer-helpers.js';
import { evaluateModule } from './installer-module-eval.js';
import { attributeNode, evalBody, evalExpr, findBlock, nestedBlocks, topBlocks } from './installer-tf-topblocks.js';

const render = (c: InstallConfig, format: 'both' | 'terraform' | 'yaml' = 'both', singleFile = false) =>
  renderPlan(c, table, { format, singleFile, version: VERSION });
const fileOf = (files: { path: string; contents: string }[], path: string): string => files.find((f) => f.path === path)!.contents;
const vars = (c: InstallConfig): Record<string, Value> => c as unknown as Record<string, Value>;

describe('root provider', () => {
  it('deploys to the recorded kube_context in kubeconfig_path, and the module never sees them', async () => {
    const c = configFrom({ kube_context: 'admin@homelab', kubeconfig_path: '/etc/rancher/k3s/k3s.yaml' });
    const { files } = render(c);
    const provider = findBlock(await topBlocks(fileOf(files, 'terraform/main.tf')), 'provider', 'kubernetes');
    const scope: Scope = { var: vars(c) };
    expect(evalExpr(attributeNode(provider.body, 'config_context'), scope)).toBe('admin@homelab');
    expect(evalExpr(attributeNode(provider.body, 'config_path'), scope)).toBe('/etc/rancher/k3s/k3s.yaml');
    // An empty context is left unset (null), so the provider falls back to the current one.
    expect(evalExpr(attributeNode(provider.body, 'config_context'), { var: { ...vars(c), kube_context: '' } })).toBeNull();
    const tfvars = fileOf(files, 'terraform/terraform.tfvars');
    expect(tfvars).toMatch(/^kube_context\s+= "admin@homelab"$/m);
    expect(tfvars).toMatch(/^kubeconfig_path\s+= "\/etc\/rancher\/k3s\/k3s.yaml"$/m);
    expect(fileOf(files, 'terraform/variables.tf')).toContain('variable "kube_context"');
    const module = files.filter((f) => f.path.startsWith('terraform/modules/')).map((f) => f.contents).join('\n');
    expect(module).not.toContain('kube_context');
    expect(fileOf(files, 'terraform/main.tf')).not.toMatch(/kube_context\s+= var\.kube_context/);
  });

  it('bounds the kubernetes provider below 4.0 in the module and starts the root on 3.x', () => {
    const { files } = render(configFrom({}));
    expect(fileOf(files, 'terraform/modules/docker-mcp-gateway/versions.tf')).toContain('version = ">= 2.25.0, < 4.0.0"');
    expect(fileOf(files, 'terraform/versions.tf')).toContain('version = ">= 3.0.0, < 4.0.0"');
  });
});

describe('init records the cluster kubectl points at', () => {
  const base = (): Record<string, VarValue> => ({ kube_context: '', kubeconfig_path: '~/.kube/config' });

  it('fills kube_context from the current context when not given, and a single-file KUBECONFIG path', () => {
    const values = base();
    const seen: string[] = [];
    detectKubeTarget(values, { kube_context: 'default', kubeconfig_path: 'default' }, { KUBECONFIG: '/etc/rancher/k3s/k3s.yaml' }, (k) => {
      seen.push(k);
      return 'default';
    });
    expect(values).toEqual({ kube_context: 'default', kubeconfig_path: '/etc/rancher/k3s/k3s.yaml' });
    expect(seen).toEqual(['/etc/rancher/k3s/k3s.yaml']);
  });

  it('accepts the context names real clusters use', () => {
    for (const name of ['k3s-home', 'kind-kind', 'admin@homelab', 'gke_my-project_europe-west1_lab', 'arn:aws:eks:eu-west-1:123456789012:cluster/lab']) {
      expect(configFrom({ kube_context: name }).kube_context).toBe(name);
    }
  });

  it('never replaces what the user gave', () => {
    const values = { kube_context: 'prod', kubeconfig_path: '/k' };
    detectKubeTarget(values, { kube_context: 'flag', kubeconfig_path: 'config' }, { KUBECONFIG: '/other' }, () => 'current');
    expect(values).toEqual({ kube_context: 'prod', kubeconfig_path: '/k' });
  });

  it('leaves it empty without a current context (NOTES then warns)', () => {
    const values = base();
    detectKubeTarget(values, { kube_context: 'default', kubeconfig_path: 'default' }, {}, () => '');
    expect(values.kube_context).toBe('');
    const notes = fileOf(render(configFrom({})).files, 'NOTES.md');
    expect(notes).toMatch(/Warning: no kube_context was recorded .* uses whatever context is current/);
  });
});

describe('the Deployment does not hang', () => {
  it('waits for the rollout for rollout_timeout, both settable', async () => {
    const c = configFrom({ wait_for_rollout: false, rollout_timeout: '90s' });
    const main = fileOf(render(c).files, 'terraform/modules/docker-mcp-gateway/main.tf');
    const { scope } = await evaluateModule(render(c).files, vars(c));
    const deployment = evalBody(findBlock(await topBlocks(main), 'resource', 'kubernetes_deployment_v1', 'gateway').body, scope);
    expect(deployment.attributes.wait_for_rollout).toBe(false);
    expect(deployment.blocks.find((b) => b.type === 'timeouts')?.attributes).toEqual({ create: '90s', update: '90s' });
  });

  it('refuses a rollout_timeout Terraform cannot parse, naming the flag', () => {
    const values = Object.fromEntries(table.map((s) => [s.name, structuredClone(s.default)])) as Record<string, VarValue>;
    for (const bad of ['5 minutes', '5', '', 'm']) {
      const result = validateConfig(table, { ...values, rollout_timeout: bad });
      expect(result.ok, bad).toBe(false);
      if (!result.ok) expect(result.problems.join('\n')).toContain('--rollout-timeout');
    }
    for (const good of ['90s', '5m', '1h30m', '10m30s']) expect(validateConfig(table, { ...values, rollout_timeout: good }).ok, good).toBe(true);
  });
});

describe('a missing tokens Secret fails the plan', () => {
  async function precondition(data: Record<string, unknown>) {
    const c = configFrom(data);
    const { files } = render(c);
    const blocks = await topBlocks(fileOf(files, 'terraform/modules/docker-mcp-gateway/main.tf'));
    const deployment = findBlock(blocks, 'resource', 'kubernetes_deployment_v1', 'gateway');
    const checks = nestedBlocks(nestedBlocks(deployment.body, 'lifecycle')[0]!, 'precondition');
    const check = checks.find((b) => attributeNode(b, 'condition').text.includes('data.kubernetes_secret_v1.tokens'))!;
    const { scope } = await evaluateModule(files, vars(c));
    return { blocks, condition: attributeNode(check, 'condition').text, message: evalExpr(attributeNode(check, 'error_message'), scope) as string };
  }

  it('reads the Secret by name in var.namespace, only with bearer auth', async () => {
    const { blocks, condition } = await precondition({});
    const data = findBlock(blocks, 'data', 'kubernetes_secret_v1', 'tokens');
    expect(attributeNode(data.body, 'count').text).toBe('local.bearer && var.verify_tokens_secret ? 1 : 0');
    const metadata = nestedBlocks(data.body, 'metadata')[0]!;
    expect(attributeNode(metadata, 'name').text).toBe('local.tokens_secret');
    expect(attributeNode(metadata, 'namespace').text).toBe('var.namespace');
    expect(condition).toBe('!local.bearer || !var.verify_tokens_secret || can(data.kubernetes_secret_v1.tokens[0].data["tokens"])');
  });

  it('says what the check costs (the Secret in the Terraform state) where the Secret is created, and can be turned off', () => {
    const tokensStep = (data: Record<string, unknown>, format: 'both' | 'yaml' = 'both'): string =>
      fileOf(render(configFrom(data), format).files, 'NOTES.md').split(/\n(?=\d+\. )/).find((l) => /^\d+\. Create the tokens Secret/.test(l))!;
    expect(tokensStep({})).toMatch(/the Terraform state holds what is in it: the digests written above, never plain `token:` entries/);
    expect(tokensStep({ verify_tokens_secret: false })).not.toContain('Terraform state');
    expect(tokensStep({}, 'yaml')).not.toContain('Terraform state');
  });

  it('names the Secret, the namespace, the kubectl command, and the namespace-first order', async () => {
    const { message } = await precondition({ namespace: 'tools', token_secret_name: 'mcp-tokens' });
    expect(message).toBe(
      'The tokens Secret does not exist (or has no tokens key): mcp-tokens in namespace tools. The pods mount it and could ' +
        'never start. Create it first (NOTES.md shows how to write tokens.yaml): kubectl -n tools create secret generic ' +
        'mcp-tokens --from-file=tokens=./tokens.yaml. The namespace is created by this module: create it first with ' +
        'terraform apply -target=module.docker_mcp_gateway.kubernetes_namespace_v1.gateway, then the Secret, then apply again.',
    );
    const shared = await precondition({ create_namespace: false });
    expect(shared.message).toMatch(/--from-file=tokens=\.\/tokens\.yaml\.$/);
  });

  it('explainFailure turns the precondition, the 2.25-2.28 data source error and an existing namespace into the fix', () => {
    const wrapped = 'Error: Resource precondition failed\n\n  on modules/x/main.tf line 290:\n\nThe tokens Secret does not\nexist (or has no tokens key): homelab-docker-mcp-gateway-tokens in namespace\nhomelab.';
    const missing = explainFailure(wrapped);
    expect(missing?.id).toBe('tokens-secret-missing');
    expect(missing?.message).toContain('homelab-docker-mcp-gateway-tokens');
    expect(missing?.message).toContain('terraform apply -target=module.docker_mcp_gateway.kubernetes_namespace_v1.gateway');
    const old = explainFailure('Error: secrets "my-tokens" not found\n');
    expect(old?.id).toBe('tokens-secret-missing');
    expect(old?.message).toContain('my-tokens');
    const exists = explainFailure('Error: namespaces "homelab" already exists\n\n  with module.docker_mcp_gateway.kubernetes_namespace_v1.gateway[0]');
    expect(exists?.id).toBe('namespace-exists');
    expect(exists?.message).toContain('create_namespace = false');
    expect(exists?.message).toContain("terraform import 'module.docker_mcp_gateway.kubernetes_namespace_v1.gateway[0]' homelab");
  });
});

describe('image pull Secrets', () => {
  it('are rendered in the YAML and, identically, in the module', async () => {
    const c = configFrom({ image_pull_secrets: ['regcred', 'ghcr-pull'], docker_image: 'registry.local:5000/docker-mcp-gateway:0.1.0' });
    const yaml = kubernetesObjects(c, VERSION).find((o) => o.kind === 'Deployment')!;
    const pod = (yaml.spec as { template: { spec: { imagePullSecrets?: unknown } } }).template.spec;
    expect(pod.imagePullSecrets).toEqual([{ name: 'regcred' }, { name: 'ghcr-pull' }]);
    const { objects } = await evaluateModule(render(c).files, vars(c));
    expect(objects.find((o) => o.kind === 'Deployment')).toEqual(yaml);
    const none = kubernetesObjects(configFrom({}), VERSION).find((o) => o.kind === 'Deployment')!;
    expect(JSON.stringify(none)).not.toContain('imagePullSecrets');
  });

  it('accepts registry references and digests as docker_image', () => {
    const re = new RegExp(IMAGE_REF);
    const digest = `sha256:${'a'.repeat(64)}`;
    for (const ok of ['registry:5000/ns/name:tag', `name@${digest}`, `name:tag@${digest}`, 'ghcr.io/me/docker-mcp-gateway:0.1.0']) expect(re.test(ok), ok).toBe(true);
    for (const bad of ['Name:tag', 'name@sha256:abc', 'registry:5000/ns/name:ta g']) expect(re.test(bad), bad).toBe(false);
  });
});

describe('NOTES.md: a first apply that works', () => {
  const steps = (text: string): string[] => text.split('\n').filter((l) => /^\d+\. /.test(l));
  const at = (list: string[], re: RegExp): number => list.findIndex((l) => re.test(l));

  it.each([['both', false], ['terraform', false], ['yaml', false], ['yaml', true]] as const)(
    'creates the namespace, then the Secrets, then applies (%s, single file %s)',
    (format, singleFile) => {
      const c = configFrom({ image_pull_secrets: ['regcred'], docker_image: 'registry.local:5000/docker-mcp-gateway:0.1.0' });
      const list = steps(fileOf(render(c, format, singleFile).files, 'NOTES.md'));
      const ns = at(list, /^\d+\. Create the namespace on its own first/);
      const pull = at(list, /^\d+\. Create the image pull Secret/);
      const tokens = at(list, /^\d+\. Create the tokens Secret/);
      const apply = at(list, /^\d+\. Apply: /);
      expect(ns).toBeGreaterThanOrEqual(0);
      expect([ns < pull, pull < tokens, tokens < apply]).toEqual([true, true, true]);
      if (format !== 'yaml') expect(list[ns]).toContain('terraform apply -target=module.docker_mcp_gateway.kubernetes_namespace_v1.gateway');
      if (format !== 'terraform' && !singleFile) expect(list[ns]).toContain('kubectl apply -f kubernetes/namespace.yaml');
      if (singleFile) expect(list[ns]).toContain('kubectl create namespace homelab');
    },
  );

  it('aims every kubectl command at the recorded context', () => {
    const notes = fileOf(render(configFrom({ kube_context: 'k3s-home' })).files, 'NOTES.md');
    // Every command (the prose mention of plain `kubectl apply` aside).
    const commands = [...notes.matchAll(/(?<!--target )kubectl [^`\n]*/g)].map((m) => m[0]).filter((cmd) => cmd !== 'kubectl apply');
    expect(commands.length).toBeGreaterThan(2);
    for (const cmd of commands) expect(cmd).toMatch(/^kubectl --context k3s-home /);
    expect(notes).toMatch(/Terraform deploys to kubeconfig context `k3s-home`/);
  });

  it('explains how a locally built image reaches a containerd node, and the registry way', () => {
    const notes = fileOf(render(configFrom({})).files, 'NOTES.md');
    expect(notes).toContain(`\`docker save docker-mcp-gateway:${VERSION} | sudo k3s ctr images import -\``);
    expect(notes).toContain(`\`kind load docker-image docker-mcp-gateway:${VERSION}\``);
    expect(notes).toContain(`\`minikube image load docker-mcp-gateway:${VERSION}\``);
    expect(notes).toMatch(/Talos: .*push to a registry/);
    expect(notes).toContain('`docker-mcp image build --tag REGISTRY/docker-mcp-gateway:VERSION --push`');
    const registry = fileOf(render(configFrom({ docker_image: 'registry.local:5000/docker-mcp-gateway:0.1.0' })).files, 'NOTES.md');
    expect(registry).not.toContain('k3s ctr');
    expect(registry).toContain('`docker-mcp image build --tag registry.local:5000/docker-mcp-gateway:0.1.0 --push`');
  });
});
