// Issue 17 behaviour 7 for cloudflared run by an app-template HelmRelease (shape 10) or by Terraform
// (kubernetes_deployment_v1): `init --terraform-dir` writes the namespace and pod labels it found into
// docker-mcp.tf's cloudflared_namespace / cloudflared_pod_labels (or, in a repo without Terraform, into
// the `init --output-dir` command it prints), so the NetworkPolicy admits them.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { binPath, ensureBuilt } from '../helpers/build.js';
import { useFixtureCopies } from '../unit/patch-helpers.js';

const copy = useFixtureCopies();

function init(cwd: string): { code: number | null; out: string } {
  const result = spawnSync(process.execPath, [binPath, 'init', '--yes', '--terraform-dir', '.', '--domain-suffix', 'example.com'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout + result.stderr };
}

beforeAll(() => ensureBuilt(), 180_000);

describe('cloudflared namespace and pod labels carried into docker-mcp.tf', () => {
  it('app-template 4.0.1 HelmRelease with targetNamespace and two controllers', () => {
    const repo = copy('yaml-apptemplate-v4-two-controllers');
    const run = init(repo);
    expect(run.code, run.out).toBe(0);
    // A Flux repo with no .tf file gets no docker-mcp.tf (review 2 #10): the namespace and labels go into
    // the `init --output-dir` command it is told to run for the manifests.
    expect(existsSync(join(repo, 'docker-mcp.tf'))).toBe(false);
    expect(run.out).toMatch(
      /Next: docker-mcp init --output-dir <dir> --format yaml --cloudflared-namespace edge --cloudflared-pod-labels app\.kubernetes\.io\/name=edge-tunnel,app\.kubernetes\.io\/instance=edge-tunnel,app\.kubernetes\.io\/controller=cloudflared /,
    );
    expect(run.out).toContain('Deployment edge-tunnel-cloudflared');
    expect(init(repo).code).toBe(0);
  });

  it('kubernetes_deployment_v1 in the Terraform root', () => {
    const repo = copy('review1-f11-tf-cloudflared-deployment');
    const run = init(repo);
    expect(run.code, run.out).toBe(0);
    const call = readFileSync(join(repo, 'docker-mcp.tf'), 'utf8');
    expect(call).toContain('cloudflared_namespace = "cloudflare"');
    expect(call).toMatch(/app += "cloudflared"\n +"app\.kubernetes\.io\/part-of" = "tunnel"/);
  });
});
