// Black-box: `node bin/docker-mcp.js plan|apply|destroy --target terraform` against the real
// terraform binary (run `npm run build` first). Providers cannot be downloaded here, so the happy
// path uses the built-in terraform_data resource, and the seed repo shows the offline init error.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES } from '../unit/patch-helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'docker-mcp.js');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'dmcp-tf-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const OFFLINE_OK = 'resource "terraform_data" "marker" {\n  input = "docker-mcp"\n}\n';

describe('terraform target, real terraform binary', () => {
  it('plan exits 3 when there are changes, apply --yes applies, then plan exits 0 and destroy --yes cleans up', async () => {
    const dir = tempDir({ 'main.tf': OFFLINE_OK });
    const plan = await cli(['plan', '--target', 'terraform', '--dir', dir]);
    expect(plan.code, plan.stderr).toBe(3);
    expect(plan.stdout).toContain('terraform_data.marker will be created');
    const apply = await cli(['apply', '--target', 'terraform', '--dir', dir, '--yes']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/Apply complete! Resources: 1 added/);
    expect((await cli(['plan', '--dir', dir])).code).toBe(0);
    const destroy = await cli(['destroy', '--dir', dir, '--yes']);
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(destroy.stdout).toMatch(/Resources: 0 added, 0 changed, 1 destroyed/);
  });

  it('apply without --yes and without a terminal refuses (exit 2) and changes nothing', async () => {
    const dir = tempDir({ 'main.tf': OFFLINE_OK });
    const apply = await cli(['apply', '--dir', dir]);
    expect(apply.code).toBe(2);
    expect(apply.stderr).toMatch(/re-run with --yes/);
    expect((await cli(['plan', '--dir', dir])).code).toBe(3);
  });

  it('the seed repo: init fails offline and says the provider registry is unreachable', async () => {
    const dir = tempDir();
    cpSync(join(FIXTURES, 'seed-v4'), dir, { recursive: true });
    const plan = await cli(['plan', '--target', 'terraform', '--dir', dir]);
    expect(plan.code).toBe(1);
    // terraform's own error is streamed, then ours explains it.
    expect(plan.stderr).toMatch(/Failed to query available provider packages/);
    expect(plan.stderr).toMatch(/terraform init failed: no provider registry is reachable/);
    expect(plan.stderr).toMatch(/terraform providers mirror/);
  });

  it('configuration errors are reported with terraform\'s first error and location', async () => {
    const dir = tempDir({ 'main.tf': 'output "url" {\n  value = var.not_declared\n}\n' });
    const plan = await cli(['plan', '--dir', dir]);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/Terraform rejected the configuration: Reference to undeclared input variable \(main\.tf line 2/);
  });

  it('missing required variables are named', async () => {
    const dir = tempDir({ 'main.tf': 'variable "domain_suffix" {\n  type = string\n}\n\noutput "d" {\n  value = var.domain_suffix\n}\n' });
    const plan = await cli(['plan', '--dir', dir]);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/required variables have no value \(domain_suffix\)/);
  });

  it('a missing terraform binary is a clear error', async () => {
    const dir = tempDir({ 'main.tf': OFFLINE_OK });
    const plan = await cli(['plan', '--dir', dir], { DOCKER_MCP_TERRAFORM: '/nonexistent/terraform' });
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/terraform was not found .*Install Terraform >= 1.0/);
  });

  it('a bad --dir is a usage error', async () => {
    const res = await cli(['plan', '--dir', '/nonexistent/dir']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--dir \/nonexistent\/dir is not a directory/);
  });
});
