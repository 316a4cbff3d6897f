// Install weight (issue 16 item 9): the package carries only what dist/bundle/ loads from
// node_modules (dockerode, web-tree-sitter and the HCL grammar); everything else is linked into the
// bundle. This walks the commands that load each lazily linked or external piece from an install of
// the packed tarball in an empty directory — the Kubernetes client (apply/status --target kubectl
// against the stand-in API server, which is a fake: there is no cluster here), the HCL parser
// (init --terraform-dir) — so a library left out of both the bundle and `dependencies` fails here,
// not on a user's machine.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { startStandInApiServer, type StandIn } from '../integration/kube-standin.js';
import { FIXTURES } from '../unit/patch-helpers.js';
import { npmEnv, packAndInstall, type PackedResult } from '../helpers/packed-install.js';
import { tempDir } from '../helpers/temp-dir.js';

const run = promisify(execFile);

let packed: PackedResult;
let api: StandIn | undefined;
let kubeconfig = '';

function installedBin(ctx: TestContext): string {
  if (!packed.ok) {
    process.stderr.write(`packed-tarball-commands: skipped: ${packed.skip}\n`);
    ctx.skip(packed.skip);
    throw new Error('unreachable');
  }
  return join(packed.install.dir, 'node_modules', '.bin', 'docker-mcp');
}

/** The installed bin, from the install directory, with nothing of this checkout on PATH. */
async function docker_mcp(ctx: TestContext, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = installedBin(ctx);
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: packed.ok ? packed.install.dir : '.', env: npmEnv(), timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  packed = await packAndInstall();
  if (!packed.ok) return;
  process.stderr.write(`packed-tarball-commands: npm install <tarball>: ${packed.install.installSeconds.toFixed(1)} s, node_modules ${packed.install.installedSize}\n`);
  api = await startStandInApiServer();
  kubeconfig = join(tempDir('dmcp-packed-kube-'), 'kubeconfig');
  api.kubeconfig(kubeconfig);
}, 600_000);

afterAll(async () => {
  await api?.close();
});

describe('an install of the packed tarball', () => {
  it('holds dockerode and the HCL parser, and none of the libraries the bundle links in', (ctx) => {
    const modules = join(installedBin(ctx), '..', '..');
    for (const needed of ['dockerode', 'web-tree-sitter', '@tree-sitter-grammars/tree-sitter-hcl']) {
      expect(existsSync(join(modules, needed)), needed).toBe(true);
    }
    for (const linked of ['@kubernetes', 'kubernetes-models', 'zod', '@modelcontextprotocol', 'handlebars', 'yaml', 'pino', 'commander', '@inquirer']) {
      expect(existsSync(join(modules, linked)), `${linked} was installed`).toBe(false);
    }
    // Only the bundle ships: tsc's unbundled output is for debugging a checkout.
    expect(readdirSync(join(modules, 'docker-mcp-gateway', 'dist'))).toEqual(['bundle']);
  });

  it('applies, reports status and plans init\'s rendered kubernetes folder with the linked-in Kubernetes client', async (ctx) => {
    const out = join(tempDir('dmcp-packed-render-'), 'out');
    const init = await docker_mcp(ctx, ['init', '--yes', '-o', out, '--format', 'yaml', '--namespace', 'homelab']);
    expect(init.stderr).not.toMatch(/Cannot find (package|module)/);
    expect(init.code, init.stderr).toBe(0);
    const dir = join(out, 'kubernetes');
    const apply = await docker_mcp(ctx, ['apply', '--target', 'kubectl', '--dir', dir, '--kubeconfig', kubeconfig, '--yes', '--timeout', '30']);
    expect(apply.code, `${apply.stdout}\n${apply.stderr}`).toBe(0);
    expect(api!.requests.some((r) => r.method === 'PATCH' && r.path.includes('/deployments/'))).toBe(true);
    const status = await docker_mcp(ctx, ['status', '--kubeconfig', kubeconfig, '--namespace', 'homelab', '--json']);
    expect(status.stderr).not.toMatch(/Cannot find (package|module)|at .+\.js:\d+/);
    const report = JSON.parse(status.stdout) as { objects: { kind: string }[] };
    expect(report.objects.map((o) => o.kind)).toContain('Deployment');
    const plan = await docker_mcp(ctx, ['plan', '--target', 'kubectl', '--dir', dir, '--kubeconfig', kubeconfig]);
    expect(plan.stderr).not.toMatch(/Cannot find (package|module)/);
    expect([0, 3], `${plan.stdout}\n${plan.stderr}`).toContain(plan.code);
  });

  it('patches an existing Terraform repo with the HCL parser loaded from node_modules', async (ctx) => {
    const repo = join(tempDir('dmcp-packed-repo-'), 'repo');
    cpSync(join(FIXTURES, 'v5'), repo, { recursive: true });
    const dry = await docker_mcp(ctx, ['init', '--terraform-dir', repo, '--yes', '--dry-run', '--domain-suffix', 'example.com']);
    expect(dry.stderr).not.toMatch(/Cannot find (package|module)|wasm|at .+\.js:\d+/);
    // --dry-run: 3 when the repo would change, which it must (the gateway is not in it yet).
    expect(dry.code, `${dry.stdout}\n${dry.stderr}`).toBe(3);
    // The rule went into the parsed tunnel config, before its catch-all: tree-sitter found it.
    expect(dry.stdout).toMatch(/\+\s+hostname = "docker-mcp\.example\.com"\n\+\s+service\s+= "http:\/\/homelab-docker-mcp-gateway\.homelab\.svc\.cluster\.local:8080"/);
    expect(dry.stdout).toContain('+module "docker_mcp_gateway" {');
  });
});
