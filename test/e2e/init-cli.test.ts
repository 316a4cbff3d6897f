// Black-box: the built bin, as a user runs it. Needs `npm run build` (npm test does it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const BIN = resolve('bin/docker-mcp.js');
let cwd: string;

function init(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, 'init', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const out = (path: string): string => join(cwd, 'docker-mcp', path);

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'dmcp-init-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

describe('docker-mcp init (black-box)', () => {
  it('`init --yes` renders the default deployment into ./docker-mcp, then says up to date', () => {
    const first = init(['--yes']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('create  terraform/modules/docker-mcp-gateway/main.tf');
    expect(first.stderr).toMatch(/Cloudflare Tunnel pieces skipped: .*domain_suffix is empty/);
    expect(existsSync(out('kubernetes/deployment.yaml'))).toBe(true);
    expect(existsSync(out('cloudflare'))).toBe(false);
    const second = init(['--yes']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/up to date/);
  });

  it('is non-interactive without a TTY even without --yes', () => {
    const result = init([], { CI: '' });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(out('NOTES.md'))).toBe(true);
  });

  it('reports every invalid input at once, exits 2 and writes nothing', () => {
    const result = init(['--yes', '--port', '0', '--namespace', 'Bad_NS', '--replicas', '2', '--cpu-limit', 'x'], {
      DOCKER_MCP_INIT_ENVIRONMENT: 'prod"uction',
    });
    expect(result.code).toBe(2);
    for (const part of ['--port', '--namespace', '--cpu-limit', 'quotes']) expect(result.stderr).toContain(part);
    expect(existsSync(join(cwd, 'docker-mcp'))).toBe(false);
  });

  it('--dry-run prints a unified diff, exits 3 and writes nothing', () => {
    const result = init(['--yes', '--dry-run']);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('+++ b/kubernetes/deployment.yaml');
    expect(existsSync(join(cwd, 'docker-mcp'))).toBe(false);
    init(['--yes']);
    const change = init(['--yes', '--dry-run', '--enable-metrics']);
    expect(change.code).toBe(3);
    expect(change.stdout).toMatch(/^\+\s+- name: metrics$/m);
    expect(init(['--yes', '--dry-run']).code).toBe(0);
  });

  it('never overwrites a hand-edited file without --force, and writes nothing else either', () => {
    init(['--yes']);
    const service = out('kubernetes/service.yaml');
    writeFileSync(service, `${readFileSync(service, 'utf8')}# mine\n`);
    const refused = init(['--yes', '--enable-metrics']);
    expect(refused.code).toBe(4);
    expect(refused.stdout).toContain('-# mine');
    expect(readFileSync(service, 'utf8')).toContain('# mine');
    expect(readFileSync(out('kubernetes/deployment.yaml'), 'utf8')).not.toContain('metrics');
    const forced = init(['--yes', '--enable-metrics', '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(service, 'utf8')).not.toContain('# mine');
  });

  it('re-runs read the answers file and remove files no longer rendered', () => {
    init(['--yes', '--enable-network-policy', '--domain-suffix', 'example.com']);
    expect(existsSync(out('kubernetes/networkpolicy.yaml'))).toBe(true);
    expect(readFileSync(out('docker-mcp.yaml'), 'utf8')).toContain('domain_suffix: example.com');
    expect(init(['--yes']).stdout).toMatch(/up to date/);
    const off = init(['--yes', '--enable-network-policy=false']);
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toContain('remove  kubernetes/networkpolicy.yaml');
    expect(existsSync(out('kubernetes/networkpolicy.yaml'))).toBe(false);
  });

  it('does not remove a .tf file whose Terraform state still tracks what it created (a format switch), unless --force', () => {
    expect(init(['--yes', '--format', 'yaml', '--domain-suffix', 'example.com']).code).toBe(0);
    expect(existsSync(out('cloudflare/main.tf'))).toBe(true);
    writeFileSync(out('cloudflare/terraform.tfstate'), '{"version": 4, "resources": [{"type": "cloudflare_dns_record"}]}\n');
    const refused = init(['--yes', '--format', 'both']);
    expect(refused.code).toBe(4);
    expect(refused.stdout + refused.stderr).toContain('cloudflare/terraform.tfstate still tracks what it created');
    expect(existsSync(out('cloudflare/main.tf'))).toBe(true);
    expect(existsSync(out('terraform/main.tf'))).toBe(false);
    expect(init(['--yes', '--format', 'both', '--force']).code).toBe(0);
    expect(existsSync(out('cloudflare/main.tf'))).toBe(false);
  });

  it('--json gives a machine-readable result, also for invalid input', () => {
    const ok = init(['--yes', '--json', '--format', 'yaml', '--single-file']);
    const data = JSON.parse(ok.stdout) as { status: string; files: { path: string; action: string }[] };
    expect(data.status).toBe('written');
    expect(data.files.map((f) => f.path)).toContain('kubernetes/docker-mcp-gateway.yaml');
    expect(data.files.some((f) => f.path.startsWith('terraform/'))).toBe(false);
    const bad = init(['--yes', '--json', '--replicas', '0']);
    expect(bad.code).toBe(2);
    expect((JSON.parse(bad.stdout) as { status: string; problems: string[] }).problems[0]).toContain('--replicas');
  });

  it('rejects an unknown --format as a usage error', () => {
    expect(init(['--yes', '--format', 'helm']).code).toBe(2);
  });
});
