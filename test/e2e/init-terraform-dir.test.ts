// Black-box `docker-mcp init --terraform-dir` on copies of the fixture repos: the module lands where
// docker-mcp.tf's `source` points, the tunnel rule and DNS entry are added, every .tf file parses
// and passes the real `terraform fmt -check`, a second run writes nothing, --dry-run writes
// nothing, and a repo the patcher must refuse exits 5 with a snippet and no writes.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { binPath, ensureBuilt } from '../helpers/build.js';
import { useFixtureCopies, fmtClean, hclErrors } from '../unit/patch-helpers.js';

const copy = useFixtureCopies();

function init(cwd: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [binPath, 'init', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file with its contents and mtime, to prove a run wrote nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[p.slice(dir.length + 1)] = `${statSync(p).mtimeMs} ${readFileSync(p, 'utf8')}`;
    }
  };
  walk(dir);
  return out;
}

const tfFiles = (dir: string): string[] => Object.keys(snapshot(dir)).filter((p) => p.endsWith('.tf'));
const SUFFIX = ['--domain-suffix', 'example.com'];
const SERVICE = 'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080';

beforeAll(() => ensureBuilt(), 180_000);

describe('docker-mcp init --terraform-dir (black box)', () => {
  it('wires the gateway into the seed repo; the result parses and is terraform fmt clean; a second run is a no-op', async () => {
    const repo = copy('seed-v4');
    const first = init(repo, ['--yes', '--terraform-dir', repo, ...SUFFIX]);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout).toContain('docker-mcp.tf');

    const call = readFileSync(join(repo, 'docker-mcp.tf'), 'utf8');
    expect(call).toMatch(/module "docker_mcp_gateway" \{\n {2}source = "\.\/modules\/docker-mcp-gateway"/);
    expect(call).toMatch(/domain_suffix += "example\.com"/);
    for (const f of ['versions.tf', 'variables.tf', 'main.tf', 'outputs.tf', 'README.md']) {
      expect(statSync(join(repo, 'modules/docker-mcp-gateway', f)).isFile(), f).toBe(true);
    }
    const tunnel = readFileSync(join(repo, 'modules/cloudflare-tunnel/main.tf'), 'utf8');
    const rule = tunnel.indexOf(`service  = "${SERVICE}"`);
    expect(rule).toBeGreaterThan(0);
    expect(tunnel.indexOf('http_status:404')).toBeGreaterThan(rule);
    expect(tunnel).toContain('hostname = "docker-mcp.${var.domain_suffix}"');
    expect(tunnel).toMatch(/"n8n",\n\s+"docker-mcp"\n/);
    for (const file of tfFiles(repo)) {
      const text = readFileSync(join(repo, file), 'utf8');
      expect(await hclErrors(text), file).toBe('');
      expect(fmtClean(text), `${file} is not terraform fmt clean`).toBe(true);
    }

    const before = snapshot(repo);
    const second = init(repo, ['--yes', '--terraform-dir', repo, ...SUFFIX]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/up to date/);
    expect(snapshot(repo)).toEqual(before);

    // A changed port updates the existing rule and the module call; the module itself is unchanged.
    const moved = init(repo, ['--yes', '--json', '--terraform-dir', repo, ...SUFFIX, '--port', '9000']);
    expect(moved.code, moved.stderr).toBe(0);
    const files = (JSON.parse(moved.stdout) as { files: { path: string; action: string }[] }).files.filter((f) => f.action !== 'unchanged');
    expect(files.map((f) => f.path).sort()).toEqual(['docker-mcp.tf', 'modules/cloudflare-tunnel/main.tf']);
    const patched = readFileSync(join(repo, 'modules/cloudflare-tunnel/main.tf'), 'utf8');
    expect(patched.match(/docker-mcp-gateway\.homelab\.svc\.cluster\.local/g)).toHaveLength(1);
    expect(patched).toContain('.svc.cluster.local:9000"');
    expect(readFileSync(join(repo, 'docker-mcp.tf'), 'utf8')).toMatch(/\n {2}port +?= 9000\n/);
  });

  it('--dry-run shows the combined diff, exits 3 and writes nothing', () => {
    const repo = copy('seed-v4');
    const before = snapshot(repo);
    const result = init(repo, ['--yes', '--dry-run', '--terraform-dir', repo, ...SUFFIX]);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toContain('+++ b/modules/docker-mcp-gateway/main.tf');
    expect(result.stdout).toContain('--- a/modules/cloudflare-tunnel/main.tf');
    expect(result.stdout).toContain('+++ b/docker-mcp.tf');
    expect(result.stdout).not.toMatch(/^====/m);
    expect(snapshot(repo)).toEqual(before);
  });

  it('refuses a repo it does not understand: exit 5, the reason and a snippet, nothing written', () => {
    const repo = copy('refuse-dynamic');
    const before = snapshot(repo);
    const result = init(repo, ['--yes', '--terraform-dir', repo, ...SUFFIX]);
    expect(result.code).toBe(5);
    expect(result.stdout).toMatch(/Nothing was changed: .*dynamic "config"/);
    expect(result.stdout).toContain(SERVICE);
    expect(result.stdout).toContain('module "docker_mcp_gateway"');
    // The printed module call says the rule is not there, and how to get the module it points at.
    expect(result.stdout).toContain('# Tunnel: the docker-mcp ingress rule is NOT in the tunnel config');
    expect(result.stdout.replace(/\s+/g, ' ')).toContain('The module call points at ./modules/docker-mcp-gateway, which was not written either.');
    expect(result.stdout.replace(/\s+/g, ' ')).toContain('copy <dir>/terraform/modules/docker-mcp-gateway to ./modules/docker-mcp-gateway');
    expect(snapshot(repo)).toEqual(before);
  });

  it('--json on a v5 repo with Cloudflare Access puts access on the rule itself', async () => {
    const repo = copy('v5');
    const aud = 'ab'.repeat(32);
    const result = init(repo, [
      '--yes', '--json', '--terraform-dir', repo, ...SUFFIX, '--auth-mode', 'both', '--cf-access-team', 'myteam',
      '--cf-access-aud', aud, '--allowed-emails', 'me@example.com',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { status: string; mode: string; files: { path: string; action: string }[] };
    expect(json).toMatchObject({ status: 'written', mode: 'terraform' });
    expect(json.files).toContainEqual({ path: 'docker-mcp.tf', action: 'create' });
    const tunnel = readFileSync(join(repo, 'modules/tunnel/tunnel.tf'), 'utf8');
    expect(tunnel).toMatch(new RegExp(`origin_request = \\{\\s+access = \\{\\s+required\\s+= true\\s+team_name = "myteam"\\s+aud_tag\\s+= \\["${aud}"\\]`));
    expect(readFileSync(join(repo, 'docker-mcp.tf'), 'utf8')).toMatch(/\n {2}auth_mode +?= "both"\n/);
    for (const file of tfFiles(repo)) {
      const text = readFileSync(join(repo, file), 'utf8');
      expect(await hclErrors(text), file).toBe('');
      expect(fmtClean(text), `${file} is not terraform fmt clean`).toBe(true);
    }
  });

  it('YAML mode: --cloudflared-configmap gets the rule before the catch-all; docker-mcp.tf goes to the repo root', () => {
    const repo = copy('k8s-yaml');
    const file = resolve(repo, 'cloudflared.yaml');
    const result = init(repo, ['--yes', '--terraform-dir', repo, '--cloudflared-configmap', file, ...SUFFIX]);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const configMap = parseAllDocuments(readFileSync(file, 'utf8'))[0]!.toJS() as { data: Record<string, string> };
    const inner = parse(Object.values(configMap.data).find((v) => v.includes('ingress'))!) as { ingress: { hostname?: string; service: string }[] };
    expect(inner.ingress.at(-2)).toEqual({ hostname: 'docker-mcp.example.com', service: SERVICE });
    expect(inner.ingress.at(-1)!.service).toBe('http_status:404');
    expect(readFileSync(join(repo, 'docker-mcp.tf'), 'utf8')).toContain('source = "./modules/docker-mcp-gateway"');
    const again = init(repo, ['--yes', '--terraform-dir', repo, '--cloudflared-configmap', file, ...SUFFIX]);
    expect(again.stdout).toMatch(/up to date/);
  });

  it('a repo whose cloudflared runs from YAML in its own namespace: the manifests command admits it (issue 17, shape 7)', () => {
    const repo = copy('shape07-yaml-multidoc-namespace');
    const result = init(repo, ['--yes', '--terraform-dir', repo, '--enable-network-policy', ...SUFFIX]);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    // No .tf file in the repo: no docker-mcp.tf (review 2 finding 10); what cloudflared runs as goes
    // into the `init --output-dir` command instead.
    expect(Object.keys(snapshot(repo)).filter((p) => p === 'docker-mcp.tf' || p.startsWith('modules/'))).toEqual([]);
    expect(result.stdout).toContain('Next: docker-mcp init --output-dir <dir> --format yaml --cloudflared-namespace cloudflared --cloudflared-pod-labels app.kubernetes.io/name=cloudflared');
    expect(result.stdout).toContain('The NetworkPolicy admits cloudflared as the repo runs it (Deployment cloudflared in apps/cloudflared/cloudflared.yaml): namespace cloudflared, pods app.kubernetes.io/name=cloudflared');
    expect(result.stdout).not.toContain('in docker-mcp.tf');
    expect(result.stdout).toContain('kubectl -n cloudflared rollout restart deployment/cloudflared');
    const again = init(repo, ['--yes', '--terraform-dir', repo, '--enable-network-policy', ...SUFFIX]);
    expect(again.stdout).toMatch(/up to date/);
  });

  it('review 2 finding 10: a Flux repo without Terraform gets the YAML patch only and a true Next line', () => {
    const repo = copy('review2-flux-secret-domain');
    const before = snapshot(repo);
    const result = init(repo, ['--yes', '--terraform-dir', repo, ...SUFFIX]);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const after = snapshot(repo);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(Object.keys(after).filter((p) => after[p] !== before[p])).toEqual(['kubernetes/apps/network/cloudflared/app/configs/config.yaml']);
    expect(result.stdout).toContain('No Terraform root here');
    expect(result.stdout).toContain('Next: docker-mcp init --output-dir <dir> --format yaml (the same answers), then `docker-mcp plan --target kubectl` in <dir>');
    expect(result.stdout).not.toContain('--target terraform');
    const again = init(repo, ['--yes', '--terraform-dir', repo, ...SUFFIX]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/up to date/);
  });

  it('rejects inputs it cannot use with exit 2 before touching anything', () => {
    const repo = copy('seed-v4');
    const before = snapshot(repo);
    const noDomain = init(repo, ['--yes', '--terraform-dir', repo]);
    expect(noDomain.code).toBe(2);
    expect(noDomain.stderr).toContain('--domain-suffix');
    const alone = init(repo, ['--yes', '--cloudflared-configmap', 'x.yaml']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--cloudflared-configmap needs --terraform-dir');
    const noTty = init(repo, ['--terraform-dir', repo, ...SUFFIX]);
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toContain('--yes');
    expect(snapshot(repo)).toEqual(before);
  });
});
