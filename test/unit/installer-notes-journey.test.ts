// NOTES.md read as a newcomer runs it: top to bottom, every command pasted into one shell that
// starts in the output folder. A `cd` in one step breaks every later step's relative paths; a
// terraform command before the Cloudflare credentials are exported stops at "No value for required
// variable"; a kubectl without --context lands on whatever cluster is current.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderPlan } from '../../src/templates/index.js';
import { buildProgram } from '../../src/cli/program.js';
import { VERSION, configFrom, table } from './installer-helpers.js';

type Format = 'both' | 'terraform' | 'yaml';

function notes(data: Record<string, unknown>, format: Format = 'both', singleFile = false): string {
  const plan = renderPlan(configFrom(data), table, { format, singleFile, version: VERSION });
  return plan.files.find((f) => f.path === 'NOTES.md')!.contents;
}

/** The inline and fenced commands of the numbered steps, in order. */
function commands(text: string): string[] {
  const steps = text.slice(text.indexOf('## Next steps'), text.indexOf('\n## ', text.indexOf('## Next steps') + 5));
  const fenced = [...steps.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n').map((l) => l.trim()).filter(Boolean));
  const inline = [...steps.replace(/```sh\n[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
  return [...inline, ...fenced];
}

const VARIANTS: [string, Record<string, unknown>, Format, boolean][] = [
  ['production', { replicas: 2, cpu_limit: '1000m', memory_limit: '1Gi', enable_network_policy: true, domain_suffix: 'yourdomain.com', enable_metrics: true }, 'both', false],
  ['access', { auth_mode: 'both', cf_access_team: 't', allowed_email_domains: ['example.com'], domain_suffix: 'example.com' }, 'both', false],
  ['create-tunnel', { create_tunnel: true, domain_suffix: 'example.com' }, 'both', false],
  ['yaml only', { auth_mode: 'both', cf_access_team: 't', allowed_email_domains: ['example.com'], domain_suffix: 'example.com' }, 'yaml', false],
  ['single file', { auth_mode: 'both', cf_access_team: 't', allowed_email_domains: ['example.com'], domain_suffix: 'example.com', create_tunnel: true }, 'yaml', true],
  ['terraform only', { domain_suffix: 'example.com', image_pull_secrets: ['regcred'], docker_image: 'registry.local/docker-mcp-gateway:1' }, 'terraform', false],
];

describe.each(VARIANTS)('NOTES.md commands (%s)', (_name, data, format, singleFile) => {
  it('never `cd`: every command runs from the output folder, whatever ran before it', () => {
    const text = notes(data, format, singleFile);
    expect(commands(text).filter((c) => /(^|&&\s*)cd\s/.test(c))).toEqual([]);
  });

  it('exports the Cloudflare credentials before the first terraform command that needs them', () => {
    const text = notes(data, format, singleFile);
    const credentials = text.indexOf('export CLOUDFLARE_API_TOKEN=');
    expect(credentials).toBeGreaterThan(0);
    const firstTerraform = text.search(/`terraform -chdir=/);
    expect(firstTerraform).toBeGreaterThan(0);
    expect(credentials).toBeLessThan(firstTerraform);
  });

  it('aims every kubectl at the recorded kube context', () => {
    const text = notes({ ...data, kube_context: 'homelab-admin' }, format, singleFile);
    const kubectls = commands(text).flatMap((c) => c.split(/\|\s*|&&\s*|\$\(/)).map((c) => c.trim()).filter((c) => c.startsWith('kubectl '))
      // Prose that names the command (`kubectl apply` would set this label…), not one to run.
      .filter((c) => !/^kubectl apply( -k)?$/.test(c));
    expect(kubectls.length).toBeGreaterThan(0);
    expect(kubectls.filter((c) => !c.startsWith('kubectl --context homelab-admin '))).toEqual([]);
  });
});

describe('NOTES.md check step', () => {
  it('gives status and doctor this install\'s namespace, context and hostname, with flags those commands have', () => {
    const text = notes({ namespace: 'ai', kube_context: 'homelab-admin', domain_suffix: 'example.com' });
    const status = commands(text).find((c) => c.startsWith('docker-mcp status '));
    const doctor = commands(text).find((c) => c.startsWith('docker-mcp doctor '));
    expect(status).toBe('docker-mcp status --namespace ai --context homelab-admin');
    expect(doctor).toBe('docker-mcp doctor --namespace ai --context homelab-admin --hostname docker-mcp.example.com --url https://docker-mcp.example.com');
    const program = buildProgram();
    for (const line of [status!, doctor!]) {
      const command = program.commands.find((c) => c.name() === line.split(' ')[1])!;
      const known = command.options.map((o) => o.long);
      expect(line.match(/--[a-z-]+/g)!.filter((f) => !known.includes(f))).toEqual([]);
    }
  });
});

describe('NOTES.md with both formats, for whoever applies the YAML', () => {
  it.each([
    ['existing tunnel, v5', { domain_suffix: 'example.com' }],
    ['existing tunnel, v4', { domain_suffix: 'example.com', cloudflare_provider_version: 4 }],
    ['Access', { domain_suffix: 'example.com', auth_mode: 'both', cf_access_team: 't', allowed_email_domains: ['example.com'] }],
    ['new tunnel', { domain_suffix: 'example.com', create_tunnel: true }],
  ])('%s: creates every Cloudflare resource of terraform/cloudflare.tf alone, initialised, before the AUD and the apply', (_n, data) => {
    const plan = renderPlan(configFrom(data), table, { format: 'both', singleFile: false, version: VERSION });
    const text = plan.files.find((f) => f.path === 'NOTES.md')!.contents;
    const tf = plan.files.find((f) => f.path === 'terraform/cloudflare.tf')!.contents;
    const addresses = [...tf.matchAll(/^(resource|data) "(\w+)" "(\w+)"/gm)].map((m) => `${m[1] === 'data' ? 'data.' : ''}${m[2]}.${m[3]}`);
    expect(addresses.length).toBeGreaterThan(0);
    const step = commands(text).find((c) => c.includes('-target=cloudflare_'))!;
    expect(step).toMatch(/^terraform -chdir=terraform init && terraform -chdir=terraform apply -target=/);
    expect(step.match(/-target=(\S+)/g)!.map((t) => t.slice('-target='.length)).sort()).toEqual(addresses.sort());
    expect(text.indexOf(step)).toBeLessThan(text.indexOf('Apply: '));
    const aud = text.indexOf('output -raw access_aud');
    if (aud > 0) expect(text.indexOf(step)).toBeLessThan(aud);
  });

  it.each([
    ['new tunnel', { domain_suffix: 'example.com', create_tunnel: true }],
    ['new tunnel, v4', { domain_suffix: 'example.com', create_tunnel: true, cloudflare_provider_version: 4 }],
    ['Access', { domain_suffix: 'example.com', auth_mode: 'both', cf_access_team: 't', allowed_email_domains: ['example.com'] }],
  ])('%s: every output NOTES reads after that targeted apply refers only to targeted blocks (else it is not in the state)', (_n, data) => {
    const plan = renderPlan(configFrom(data), table, { format: 'both', singleFile: false, version: VERSION });
    const text = plan.files.find((f) => f.path === 'NOTES.md')!.contents;
    const tf = plan.files.find((f) => f.path === 'terraform/cloudflare.tf')!.contents;
    const targets = commands(text).find((c) => c.includes('-target=cloudflare_'))!.match(/-target=(\S+)/g)!.map((t) => t.slice('-target='.length));
    const read = [...text.matchAll(/terraform -chdir=terraform output -raw (\w+)/g)].map((m) => m[1]!);
    expect(read.length).toBeGreaterThan(0);
    for (const name of new Set(read)) {
      const block = tf.slice(tf.indexOf(`output "${name}"`), tf.indexOf('\n}', tf.indexOf(`output "${name}"`)));
      expect(block.length).toBeGreaterThan(0);
      const refs = [...block.matchAll(/\b((?:data\.)?cloudflare_\w+\.\w+)/g)].map((m) => m[1]!);
      expect(refs.length).toBeGreaterThan(0);
      expect(refs.filter((r) => !targets.includes(r))).toEqual([]);
    }
  });

  it('says nothing of it when only the Terraform is rendered', () => {
    expect(notes({ domain_suffix: 'example.com' }, 'terraform')).not.toContain('-target=cloudflare_');
  });
});

describe('NOTES.md route for an existing tunnel', () => {
  it('comes before the apply, since choosing --terraform-dir instead means not applying this DNS record', () => {
    const text = notes({ domain_suffix: 'example.com' });
    const route = text.indexOf('through your existing tunnel');
    expect(route).toBeGreaterThan(0);
    expect(route).toBeLessThan(text.search(/\d+\. Apply: /));
  });
});

describe('--create-tunnel with the NetworkPolicy', () => {
  const plan = (data: Record<string, unknown>) =>
    renderPlan(configFrom({ domain_suffix: 'example.com', create_tunnel: true, enable_network_policy: true, ...data }), table, { format: 'both', singleFile: false, version: VERSION });

  it('runs the connector where the policy looks, says so, and warns of no 502s', () => {
    for (const data of [{}, { cloudflared_namespace: 'cloudflared' }, { cloudflared_pod_labels: { 'app.kubernetes.io/name': 'cloudflare-tunnel' } }]) {
      const rendered = plan(data);
      const notes = rendered.files.find((f) => f.path === 'NOTES.md')!.contents;
      expect(notes).toContain('so the NetworkPolicy admits it');
      expect(rendered.warnings.join('\n')).not.toMatch(/502/);
      const connector = parse(rendered.files.find((f) => f.path === 'cloudflare/cloudflared.yaml')!.contents) as { metadata: { namespace: string } };
      expect(connector.metadata.namespace).toBe('cloudflared_namespace' in data ? 'cloudflared' : 'homelab');
    }
  });
});

describe('secrets in NOTES.md commands', () => {
  it('never put a secret Terraform output on a command line (ps shows it to every local user)', () => {
    for (const data of VARIANTS.map((v) => v[1])) {
      const text = notes({ ...data, create_tunnel: true });
      expect(text).not.toMatch(/--from-literal=\w+=\$\(terraform[^)]*(tunnel_token|client_secret)/);
    }
    // What runs instead, checked with the real kubectl: the token arrives through stdin.
    const text = notes({ domain_suffix: 'example.com', create_tunnel: true });
    const line = commands(text).find((c) => c.includes('output -raw tunnel_token'))!;
    const [, kubectlPart] = line.split(' | ');
    const yaml = execFileSync('sh', ['-c', `printf sekrit | ${kubectlPart} --dry-run=client -o yaml`], { encoding: 'utf8' });
    expect(yaml).toContain(`token: ${Buffer.from('sekrit').toString('base64')}`);
  });
});

describe('namespace before anything created in it', () => {
  it.each([
    ['Access only, single file', { auth_mode: 'cloudflare-access', cf_access_team: 't', allowed_email_domains: ['example.com'], domain_suffix: 'example.com' }, 'yaml', true],
    ['bearer, kustomize', { domain_suffix: 'example.com' }, 'yaml', false],
    ['pull secret, Access only', { auth_mode: 'cloudflare-access', cf_access_team: 't', allowed_email_domains: ['example.com'], domain_suffix: 'example.com', image_pull_secrets: ['regcred'], docker_image: 'r.local/g:1' }, 'both', false],
  ] as [string, Record<string, unknown>, Format, boolean][])('%s: every `kubectl -n NS create` comes after the step that creates NS', (_n, data, format, singleFile) => {
    const text = notes(data, format, singleFile);
    const created = text.indexOf('Create the namespace on its own first');
    const creates = [...text.matchAll(/kubectl -n homelab create /g)].map((m) => m.index);
    expect(creates.length).toBeGreaterThan(0);
    expect(created).toBeGreaterThan(0);
    for (const at of creates) expect(at).toBeGreaterThan(created);
  });
});

describe('socket group step', () => {
  it('says what to do when the group differs', () => {
    expect(notes({ docker_socket_gid: 998 })).toMatch(/must print 998 \(docker_socket_gid\); if it prints another number, re-run init with `--docker-socket-gid <that number>`/);
  });
});

// Walk of the combined result (issue 15): steps a literal reader runs top to bottom.
describe('NOTES.md order for a literal reader', () => {
  it.each([
    ['both formats, v5', { domain_suffix: 'example.com' }, 'both', false],
    ['both formats, v4', { domain_suffix: 'example.com', cloudflare_provider_version: 4 }, 'both', false],
    ['YAML, Access', { domain_suffix: 'example.com', auth_mode: 'both', cf_access_team: 't', allowed_email_domains: ['example.com'] }, 'yaml', false],
    ['single file', { domain_suffix: 'example.com', create_namespace: false, namespace: 'shared' }, 'yaml', true],
  ] as [string, Record<string, unknown>, Format, boolean][])('%s: the existing-tunnel route (use --terraform-dir instead, import a dashboard record) comes before any command that creates the DNS record', (_n, data, format, singleFile) => {
    const text = notes(data, format, singleFile);
    const route = text.indexOf('through your existing tunnel');
    expect(route).toBeGreaterThan(0);
    // (The namespace-only apply creates no DNS record.)
    const applies = commands(text).filter((c) => /terraform -chdir=\w+ apply/.test(c) && !c.includes('-target=module.'));
    expect(applies.length).toBeGreaterThan(0);
    for (const cmd of applies) expect(route).toBeLessThan(text.indexOf(`\`${cmd}\``));
  });

  it.each([['both'], ['yaml']] as [Format][])('--create-tunnel (%s): no "check the selector finds your cloudflared, else re-run init" before the connector it renders is running', (format) => {
    const text = notes({ domain_suffix: 'example.com', create_tunnel: true, enable_network_policy: true, cloudflared_namespace: 'cloudflared', cloudflared_pod_labels: { 'app.kubernetes.io/name': 'cloudflared' } }, format);
    const connector = text.indexOf('apply -f cloudflare/cloudflared.yaml');
    expect(connector).toBeGreaterThan(0);
    for (const m of text.matchAll(/get pods -n cloudflared|re-run init with `--cloudflared-namespace`/g)) expect(m.index).toBeGreaterThan(connector);
  });

  it('names the Terraform plan as a reason to create the namespace first only when there is one that reads the Secret', () => {
    expect(notes({ domain_suffix: 'example.com' }, 'yaml')).not.toContain('Terraform plan stops');
    expect(notes({ domain_suffix: 'example.com' }, 'yaml', true)).not.toContain('Terraform plan stops');
    expect(notes({ domain_suffix: 'example.com', verify_tokens_secret: false })).not.toContain('Terraform plan stops');
    expect(notes({ domain_suffix: 'example.com' })).toContain('Terraform plan stops');
  });

  it('speaks of Terraform refusing an existing namespace only when a Terraform module is rendered', () => {
    expect(notes({ domain_suffix: 'example.com' }, 'yaml')).not.toContain('Terraform stops');
    expect(notes({ domain_suffix: 'example.com' }, 'yaml', true)).not.toContain('Terraform stops');
    expect(notes({ domain_suffix: 'example.com' })).toContain('Terraform stops with "namespaces ... already exists"');
  });
});
