// The Cloudflare Terraform the installer renders (issue 15, items 4–6): an existing tunnel keeps its
// routes (no tunnel config resource, only DNS and Access), create_tunnel renders a tunnel of its own
// with config, DNS and a connector, the Access application's aud reaches the gateway by reference in
// one apply, and the provider constraints match the resource names used. Checked on the parse tree.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { CLOUDFLARED_IMAGE } from '../../src/templates/cloudflare/connector.js';
import { renderPlan, type Format, type RenderPlan } from '../../src/templates/index.js';
import type { Block } from './installer-hcl-eval.js';
import { VERSION, configFrom, table } from './installer-helpers.js';
import * as models from './installer-k8s-models.js';
import { blockTypes, resources, tfBlocks } from './installer-tf-blocks.js';

const AUD = 'ab'.repeat(32);
const ACCESS = { domain_suffix: 'example.com', auth_mode: 'both', cf_access_team: 'myteam', allowed_emails: ['a@example.com'] };
const APP_AUD = 'cloudflare_zero_trust_access_application.docker_mcp.aud';
const TUNNEL_CONFIG = 'cloudflare_zero_trust_tunnel_cloudflared_config';

function render(data: Record<string, unknown>, format: Format = 'both', singleFile = false): RenderPlan {
  return renderPlan(configFrom(data), table, { format, singleFile, version: VERSION });
}
const file = (plan: RenderPlan, path: string): string => {
  const f = plan.files.find((x) => x.path === path);
  expect(f, `${path} is rendered`).toBeDefined();
  return f!.contents;
};
/** The root module's files and the standalone cloudflare/ ones (the gateway module has no Cloudflare; variables.tf only
 * validations, whose functions the evaluator does not cover). */
const allTfBlocks = async (plan: RenderPlan): Promise<Block[]> =>
  (await Promise.all(plan.files.filter((f) => f.path.endsWith('.tf') && !f.path.includes('/modules/') && !f.path.endsWith('/variables.tf')).map((f) => tfBlocks(f.contents)))).flat();
const moduleCall = (blocks: Block[]): Block => blocks.find((b) => b.type === 'module' && b.labels[0] === 'docker_mcp_gateway')!;
const providerVersion = (blocks: Block[], name: string): unknown => {
  const tf = blocks.find((b) => b.type === 'terraform')!;
  const required = tf.blocks.find((b) => b.type === 'required_providers')!;
  return (required.attributes[name] as { version?: string } | undefined)?.version;
};

describe.each([4, 5] as const)('Cloudflare provider v%i', (v) => {
  const dns = v === 4 ? 'cloudflare_record' : 'cloudflare_dns_record';

  describe('an existing tunnel (the default) keeps its routes', () => {
    it.each(['both', 'yaml'] as const)('renders no tunnel config resource, only DNS to the given tunnel (--format %s)', async (format) => {
      const plan = render({ ...ACCESS, cloudflare_provider_version: v }, format);
      const blocks = await allTfBlocks(plan);
      expect(blockTypes(blocks, 'resource')).not.toContain(TUNNEL_CONFIG);
      expect(blockTypes(blocks, 'resource')).not.toContain('cloudflare_zero_trust_tunnel_cloudflared');
      const [record] = resources(blocks, dns);
      expect(record!.attributes.content).toBe('var.cloudflare_tunnel_id.cfargotunnel.com');
      // Review: a tunnel NAME given as the id applied cleanly and pointed the CNAME nowhere.
      const tf = file(plan, format === 'yaml' ? 'cloudflare/main.tf' : 'terraform/cloudflare.tf');
      const check = /condition += can\(regex\("([^"]+)", var\.cloudflare_tunnel_id\)\)/.exec(tf);
      expect(check, 'cloudflare_tunnel_id has a validation').not.toBeNull();
      const re = new RegExp(check![1]!);
      expect(re.test('c0ffee00-1234-4abc-8def-0123456789ab')).toBe(true);
      expect(re.test('homelab-tunnel')).toBe(false);
      // The rule for the user's own cloudflared, catch-all last, and the way to patch a Terraform repo.
      const ingress = parse(file(plan, 'cloudflare/cloudflared-ingress.yaml')) as { ingress: { service: string }[] };
      expect(ingress.ingress.at(-1)).toEqual({ service: 'http_status:404' });
      expect(file(plan, 'NOTES.md')).toContain('`docker-mcp init --terraform-dir <repo>`');
      expect(plan.files.map((f) => f.path)).not.toContain('cloudflare/cloudflared.yaml');
      // A token-run (dashboard-managed) tunnel ignores a local ingress list, and its Public Hostname
      // form makes the CNAME: NOTES.md says so and how to import that record (<zone_id>/<record_id>).
      expect(file(plan, 'NOTES.md')).toContain('add the hostname and service as a Public Hostname');
      expect(file(plan, 'NOTES.md')).toContain(`terraform -chdir=${format === 'yaml' ? 'cloudflare' : 'terraform'} import ${dns}.${record!.labels[1]} <zone id>/<record id>`);
    });
  });

  describe('create_tunnel renders a tunnel the render owns', () => {
    const data = { ...ACCESS, cloudflare_provider_version: v, create_tunnel: true };

    it('tunnel, its config (our rule, catch-all last), DNS to it and a sensitive token output', async () => {
      const plan = render(data);
      const blocks = await tfBlocks(file(plan, 'terraform/cloudflare.tf'));
      const [tunnel] = resources(blocks, 'cloudflare_zero_trust_tunnel_cloudflared');
      expect(tunnel!.attributes).toMatchObject({ account_id: 'var.cloudflare_account_id', config_src: 'cloudflare' });
      const tunnelId = 'cloudflare_zero_trust_tunnel_cloudflared.docker_mcp.id';
      const [config] = resources(blocks, TUNNEL_CONFIG);
      expect(config!.attributes.tunnel_id).toBe(tunnelId);
      const rules = v === 4
        ? config!.blocks[0]!.blocks.map((b) => ({ ...b.attributes, access: b.blocks[0]?.blocks[0]?.attributes }))
        : ((config!.attributes.config as { ingress: Record<string, unknown>[] }).ingress).map((r) => ({ ...r, access: (r.origin_request as { access?: unknown } | undefined)?.access }));
      expect(rules).toHaveLength(2);
      expect(rules[0]).toMatchObject({ hostname: 'docker-mcp.example.com', service: 'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080' });
      expect(rules[0]!.access).toMatchObject({ required: true, team_name: 'myteam', aud_tag: [APP_AUD] });
      expect(rules[1]).toMatchObject({ service: 'http_status:404' });
      expect(resources(blocks, dns)[0]!.attributes.content).toBe(`${tunnelId}.cfargotunnel.com`);
      expect(blocks.some((b) => b.type === 'variable' && b.labels[0] === 'cloudflare_tunnel_id')).toBe(false);
      const token = blocks.find((b) => b.type === 'output' && b.labels[0] === 'tunnel_token')!;
      expect(token.attributes.sensitive).toBe(true);
      if (v === 4) {
        // v4's tunnel needs its secret: 32 random bytes, base64.
        expect(tunnel!.attributes.secret).toBe('random_id.tunnel_secret.b64_std');
        expect(resources(blocks, 'random_id')[0]!.attributes.byte_length).toBe(32);
        expect(token.attributes.value).toBe(`cloudflare_zero_trust_tunnel_cloudflared.docker_mcp.tunnel_token`);
        expect(providerVersion(await tfBlocks(file(plan, 'terraform/versions.tf')), 'random')).toBe('>= 3.0.0, < 4.0.0');
      } else {
        expect(token.attributes.value).toBe('data.cloudflare_zero_trust_tunnel_cloudflared_token.docker_mcp.token');
      }
    });

    it('a pinned, locked-down connector the NetworkPolicy admits, valid against the Kubernetes schemas', () => {
      const plan = render({ ...data, enable_network_policy: true });
      expect(plan.files.map((f) => f.path)).not.toContain('cloudflare/cloudflared-ingress.yaml');
      const docs = parseAllDocuments(file(plan, 'cloudflare/cloudflared.yaml')).map((d) => d.toJS() as Record<string, unknown> & { kind: string });
      expect(docs).toHaveLength(1);
      const dep = docs[0]! as never as {
        kind: string; metadata: { namespace: string };
        spec: { template: { metadata: { labels: Record<string, string> }; spec: {
          securityContext: Record<string, unknown>; volumes: { secret?: { secretName: string } }[];
          containers: { image: string; args: string[]; readinessProbe: { httpGet: { path: string; port: string } }; ports: { name: string; containerPort: number }[]; securityContext: Record<string, unknown> }[] } } };
      };
      expect(() => models.validate(dep as never)).not.toThrow();
      // Admitted by the gateway's policy: same namespace, its podSelector's labels.
      const policy = render({ ...data, enable_network_policy: true }).files.find((f) => f.path === 'kubernetes/networkpolicy.yaml')!;
      const from = (parse(policy.contents) as { spec: { ingress: { from: { podSelector?: { matchLabels: Record<string, string> } }[] }[] } }).spec.ingress[0]!.from[0]!;
      expect(dep.metadata.namespace).toBe('homelab');
      expect(dep.spec.template.metadata.labels).toMatchObject(from.podSelector!.matchLabels);
      const pod = dep.spec.template.spec;
      const [c] = pod.containers;
      expect(c!.image).toBe(CLOUDFLARED_IMAGE);
      expect(c!.image).toMatch(/^cloudflare\/cloudflared:\d{4}\.\d+\.\d+$/);
      // 2026.8.0 and 2026.8.1 mangle request paths.
      expect(c!.image).not.toMatch(/:2026\.8\.[01]$/);
      expect(c!.args.slice(0, 2)).toEqual(['tunnel', '--no-autoupdate']);
      expect(c!.args).toContain('run');
      expect(c!.readinessProbe.httpGet.path).toBe('/ready');
      expect(c!.ports.find((p) => p.name === c!.readinessProbe.httpGet.port)).toBeDefined();
      expect(c!.args.join(' ')).toContain(`--metrics 0.0.0.0:${c!.ports[0]!.containerPort}`);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
      expect(c!.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      // The token Secret is the one NOTES.md creates from the Terraform output.
      const secret = pod.volumes.find((x) => x.secret)!.secret!.secretName;
      expect(file(plan, 'NOTES.md')).toContain(`terraform -chdir=terraform output -raw tunnel_token | kubectl -n homelab create secret generic ${secret} --from-file=token=/dev/stdin`);
    });

    it('the connector runs where the NetworkPolicy looks for cloudflared: cloudflared_namespace and cloudflared_pod_labels', () => {
      // Review: with --cloudflared-namespace/--cloudflared-pod-labels the connector stayed in the gateway's
      // namespace labelled app=cloudflared, which the rendered policy refuses (every request a 502).
      const plan = render({ ...data, enable_network_policy: true, cloudflared_namespace: 'cloudflared', cloudflared_pod_labels: { app: 'cloudflare-tunnel', tier: 'edge' } });
      const dep = parse(file(plan, 'cloudflare/cloudflared.yaml')) as {
        metadata: { namespace: string };
        spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } };
      };
      const policy = parse(file(plan, 'kubernetes/networkpolicy.yaml')) as {
        spec: { ingress: { from: { namespaceSelector: { matchLabels: Record<string, string> }; podSelector: { matchLabels: Record<string, string> } }[] }[] };
      };
      const [peer] = policy.spec.ingress[0]!.from;
      expect(peer!.namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe(dep.metadata.namespace);
      expect(dep.spec.template.metadata.labels).toMatchObject(peer!.podSelector.matchLabels);
      // The Deployment's selector still selects its own pods.
      expect(dep.spec.template.metadata.labels).toMatchObject(dep.spec.selector.matchLabels);
      // NOTES.md creates the token Secret where the connector runs.
      expect(file(plan, 'NOTES.md')).toContain('kubectl -n cloudflared create secret generic cloudflared-token');
      expect(file(plan, 'NOTES.md')).toContain('`kubectl create namespace cloudflared` (unless it exists)');
      expect(file(render({ ...data, enable_network_policy: true }), 'NOTES.md')).not.toContain('kubectl create namespace');
    });
  });

  it('the DNS record names the same host as the ingress rule and the Access application, also under a subdomain of the zone', async () => {
    // Review: v4 wrote the record's name as the bare label, which Cloudflare qualifies with the ZONE
    // name: with domain_suffix lab.example.com in zone example.com the record was docker-mcp.example.com.
    const plan = render({ ...ACCESS, domain_suffix: 'lab.example.com', cloudflare_provider_version: v, create_tunnel: true });
    const blocks = await tfBlocks(file(plan, 'terraform/cloudflare.tf'));
    const host = 'docker-mcp.lab.example.com';
    expect(resources(blocks, dns)[0]!.attributes.name).toBe(host);
    expect(resources(blocks, 'cloudflare_zero_trust_access_application')[0]!.attributes.domain).toBe(host);
    expect(file(plan, 'terraform/cloudflare.tf')).toContain(`hostname = "${host}"`);
  });

  describe('Access in one pass', () => {
    it('renders without --cf-access-aud; the module gets the application\'s aud by reference', async () => {
      const plan = render({ ...ACCESS, cloudflare_provider_version: v });
      const root = await tfBlocks(file(plan, 'terraform/main.tf'));
      expect(moduleCall(root).attributes.cf_access_aud).toBe(APP_AUD);
      const cf = await tfBlocks(file(plan, 'terraform/cloudflare.tf'));
      expect(resources(cf, 'cloudflare_zero_trust_access_application')).toHaveLength(1);
      // The Cloudflare resources live in the root, so the root declares the provider.
      expect(providerVersion(await tfBlocks(file(plan, 'terraform/versions.tf')), 'cloudflare')).toBeDefined();
      expect(plan.files.map((f) => f.path)).not.toContain('cloudflare/main.tf');
    });

    it('with --cf-access-aud: no Access application, policies or service token; the module gets the given AUD', async () => {
      for (const create_tunnel of [false, true]) {
        const plan = render({ ...ACCESS, cf_access_aud: AUD, cloudflare_provider_version: v, create_tunnel });
        const blocks = await allTfBlocks(plan);
        expect(blockTypes(blocks, 'resource').filter((t) => t.includes('access'))).toEqual([]);
        expect(moduleCall(blocks).attributes.cf_access_aud).toBe('var.cf_access_aud');
        expect(file(plan, 'terraform/terraform.tfvars')).toMatch(new RegExp(`cf_access_aud +\\= "${AUD}"`));
        if (create_tunnel) expect(file(plan, 'terraform/cloudflare.tf')).toContain(`aud_tag   = ["${AUD}"]`);
      }
      // Review: the emails feed only the allow policy of an application the render creates; with an
      // existing application they were still required, and then unused.
      const { allowed_emails: _unused, ...noEmails } = ACCESS;
      expect(() => render({ ...noEmails, cf_access_aud: AUD, cloudflare_provider_version: v })).not.toThrow();
      expect(() => render({ ...noEmails, cloudflare_provider_version: v })).toThrow(/--allowed-emails\/--allowed-email-domains: at least one is required/);
    });

    it('--format yaml: a standalone cloudflare/main.tf with DNS and Access and its own provider block', async () => {
      const plan = render({ ...ACCESS, cloudflare_provider_version: v }, 'yaml');
      const blocks = await tfBlocks(file(plan, 'cloudflare/main.tf'));
      expect(resources(blocks, 'cloudflare_zero_trust_access_application')).toHaveLength(1);
      expect(resources(blocks, dns)).toHaveLength(1);
      expect(providerVersion(blocks, 'cloudflare')).toBe(v === 4 ? '>= 4.40.0, < 5.0.0' : '>= 5.6.0, < 6.0.0');
    });
  });

  it('constrains the provider to the releases that have every name used, one naming family', async () => {
    // 4.40.0 added the cloudflare_zero_trust_* names (4.39.0 cloudflare_record.content); the v5
    // tunnel token data source has `token` from 5.2.0, but the tunnel config's schema defaulted
    // `source` to "local" (which the API answers "cloudflare" for a remotely managed tunnel, so the
    // first apply fails with an inconsistent result) and made origin_request/path computed until
    // 5.6.0 (docs/installer.md, "Provider versions").
    const plan = render({ ...ACCESS, cloudflare_provider_version: v, create_tunnel: true });
    expect(providerVersion(await tfBlocks(file(plan, 'terraform/versions.tf')), 'cloudflare')).toBe(v === 4 ? '>= 4.40.0, < 5.0.0' : '>= 5.6.0, < 6.0.0');
    const types = [...blockTypes(await allTfBlocks(plan), 'resource'), ...blockTypes(await allTfBlocks(plan), 'data')].filter((t) => t.startsWith('cloudflare_'));
    expect(types.filter((t) => t !== dns && !t.startsWith('cloudflare_zero_trust_'))).toEqual([]);
    expect(types.some((t) => /^cloudflare_(access|tunnel)_/.test(t))).toBe(false);
  });
});

describe('the AUD in the YAML path', () => {
  const kustomize = (dir: string): { ok: boolean; out: string } => {
    try {
      return { ok: true, out: execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
    } catch (error) {
      return { ok: false, out: String((error as { stderr?: string }).stderr) };
    }
  };

  it('is not in the main ConfigMap; kustomize generates its own ConfigMap from access.env, and fails clearly without it', () => {
    const plan = render(ACCESS, 'yaml');
    const main = parse(file(plan, 'kubernetes/configmap.yaml')) as { data: Record<string, string> };
    expect(main.data).not.toHaveProperty('DOCKER_MCP_CF_ACCESS_AUD');
    expect(plan.files.map((f) => f.path)).not.toContain('kubernetes/access.env');
    const dir = mkdtempSync(join(tmpdir(), 'dmcp-kz-'));
    try {
      for (const f of plan.files) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), f.contents);
      }
      const missing = kustomize(join(dir, 'kubernetes'));
      expect(missing.ok).toBe(false);
      expect(missing.out).toMatch(/access\.env.*no such file or directory/);
      // What NOTES.md says to run, with the Terraform output stubbed.
      expect(file(plan, 'NOTES.md')).toContain('aud=$(terraform -chdir=cloudflare output -raw access_aud) && echo "DOCKER_MCP_CF_ACCESS_AUD=$aud" > kubernetes/access.env');
      writeFileSync(join(dir, 'kubernetes/access.env'), `DOCKER_MCP_CF_ACCESS_AUD=${AUD}\n`);
      const built = kustomize(join(dir, 'kubernetes'));
      expect(built.ok, built.out).toBe(true);
      const objects = parseAllDocuments(built.out).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace: string }; data?: Record<string, string>; spec?: unknown });
      const access = objects.find((o) => o.kind === 'ConfigMap' && o.data?.DOCKER_MCP_CF_ACCESS_AUD)!;
      expect(access.data).toEqual({ DOCKER_MCP_CF_ACCESS_AUD: AUD });
      expect(access.metadata.namespace).toBe('homelab');
      expect(access.metadata.name).toMatch(/^homelab-docker-mcp-gateway-access-[a-z0-9]+$/);
      const dep = objects.find((o) => o.kind === 'Deployment')! as never as { spec: { template: { spec: { containers: { envFrom: { configMapRef: { name: string } }[] }[] } } } };
      expect(dep.spec.template.spec.containers[0]!.envFrom.map((e) => e.configMapRef.name)).toEqual(['homelab-docker-mcp-gateway-config', access.metadata.name]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--single-file: NOTES.md creates the ConfigMap from the output; with --cf-access-aud it is in the file', () => {
    const unknown = render(ACCESS, 'yaml', true);
    expect(file(unknown, 'kubernetes/docker-mcp-gateway.yaml')).not.toContain('DOCKER_MCP_CF_ACCESS_AUD');
    expect(file(unknown, 'NOTES.md')).toContain('kubectl -n homelab create configmap homelab-docker-mcp-gateway-access --from-literal=DOCKER_MCP_CF_ACCESS_AUD=$(terraform -chdir=cloudflare output -raw access_aud)');
    const known = render({ ...ACCESS, cf_access_aud: AUD }, 'yaml', true);
    const docs = parseAllDocuments(file(known, 'kubernetes/docker-mcp-gateway.yaml')).map((d) => d.toJS() as { kind: string; metadata: { name: string }; data?: unknown });
    expect(docs.find((d) => d.metadata.name === 'homelab-docker-mcp-gateway-access')?.data).toEqual({ DOCKER_MCP_CF_ACCESS_AUD: AUD });
    expect(file(render({ ...ACCESS, cf_access_aud: AUD }, 'yaml'), 'kubernetes/access.env')).toBe(`DOCKER_MCP_CF_ACCESS_AUD=${AUD}\n`);
  });
});

it('every rendered .tf passes terraform fmt -check (provider v4/v5, existing/new tunnel, Access created/given, both/yaml)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dmcp-cf-fmt-'));
  try {
    let i = 0;
    for (const v of [4, 5]) for (const create_tunnel of [false, true]) for (const aud of ['', AUD]) for (const format of ['both', 'yaml'] as const) {
      const plan = render({ ...ACCESS, cf_access_aud: aud, cloudflare_provider_version: v, create_tunnel }, format);
      for (const f of plan.files.filter((x) => x.path.endsWith('.tf'))) {
        const path = join(dir, String(i), f.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, f.contents);
      }
      i++;
    }
    const run = (): string => execFileSync('terraform', ['fmt', '-check', '-diff', '-recursive', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(run).not.toThrow();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('--terraform-dir (which renders no Access application) still needs --cf-access-aud, and writes nothing without it', async () => {
  const { runRepoInit } = await import('../../src/cli/commands/init-repo.js');
  const repo = mkdtempSync(join(tmpdir(), 'dmcp-repo-'));
  try {
    const run = runRepoInit(configFrom(ACCESS), table, VERSION, { terraformDir: repo, yes: true }, () => undefined);
    await expect(run).rejects.toThrow(/--cf-access-aud: required with --terraform-dir when --auth-mode is both/);
    expect(execFileSync('ls', ['-A', repo], { encoding: 'utf8' })).toBe('');
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});
