// Review 3, findings 9, 13 and 3 through the CLI: the last line of a YAML refusal says what really
// happened, docker-mcp.tf records the --cloudflared-configmap file relative to the --terraform-dir (it is
// committed: never an absolute path) with the overlay's cloudflared namespace and labels, and a base
// an overlay replaces is refused with the file to pass instead.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { binPath, ensureBuilt } from '../helpers/build.js';
import { useFixtureCopies } from '../unit/patch-helpers.js';

const copy = useFixtureCopies();
const SUFFIX = ['--domain-suffix', 'example.com'];

function init(cwd: string, args: string[]): { code: number | null; out: string } {
  const result = spawnSync(process.execPath, [binPath, 'init', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout + result.stderr };
}

beforeAll(() => ensureBuilt(), 180_000);

describe('init --terraform-dir, review 3 config findings', () => {
  it('a recognised but refused YAML config: the module call is offered and the last line says refused, not "not recognised"', () => {
    const repo = copy('review3-f9-yaml-own-rule-shadowed');
    const run = init(repo, ['--yes', '--terraform-dir', '.', ...SUFFIX]);
    expect(run.code, run.out).toBe(5);
    expect(run.out).toContain('# The docker-mcp module call, in its own file');
    expect(run.out).toContain('which was not written either');
    const last = run.out.trimEnd().split('\n').at(-1)!;
    expect(last).toContain('refused: cm.yaml: the docker-mcp rule can never match');
    expect(last).not.toContain('not recognised');
  });

  it('--cloudflared-configmap on an overlay: docker-mcp.tf has a relative path and the overlay namespace; the restart command is printed', () => {
    const repo = copy('review3-f4-staging-tunnel');
    mkdirSync(join(repo, '.git'));
    const args = ['--yes', '--terraform-dir', 'terraform', '--cloudflared-configmap', 'k8s/overlays/staging/config.yaml', ...SUFFIX];
    const run = init(repo, args);
    expect(run.code, run.out).toBe(0);
    const tf = readFileSync(join(repo, 'terraform/docker-mcp.tf'), 'utf8');
    expect(tf).toContain('../k8s/overlays/staging/config.yaml');
    expect(tf).not.toContain(repo);
    expect(tf).toContain('cloudflared_namespace = "cloudflared-staging"');
    expect(tf).toMatch(/"app\.kubernetes\.io\/name" = "cloudflared"/);
    expect(run.out).toContain('kubectl -n cloudflared-staging rollout restart deployment/cloudflared');
    expect(run.out).toContain('cloudflared tunnel route dns home-staging docker-mcp.example.com');
    const again = init(repo, args);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toContain('up to date');
  });

  it('--cloudflared-configmap naming a base the overlay replaces is refused with the file to pass', () => {
    const repo = copy('review3-f3-overlay-patch');
    mkdirSync(join(repo, '.git'));
    const run = init(repo, ['--yes', '--terraform-dir', 'terraform', '--cloudflared-configmap', 'k8s/base/configmap.yaml', ...SUFFIX]);
    expect(run.code, run.out).toBe(5);
    expect(run.out).toContain('run init again with --cloudflared-configmap k8s/overlays/prod/configmap-patch.yaml');
    const next = init(repo, ['--yes', '--terraform-dir', 'terraform', '--cloudflared-configmap', 'k8s/overlays/prod/configmap-patch.yaml', ...SUFFIX]);
    expect(next.code, next.out).toBe(0);
    expect(readFileSync(join(repo, 'k8s/overlays/prod/configmap-patch.yaml'), 'utf8')).toContain('hostname: docker-mcp.example.com');
  });
});
