// Black-box `docker-mcp init --terraform-dir` on review 1 finding 7's shapes: the item lands where the
// collection's value is written (terraform.tfvars, not the variable block), the result is
// `terraform fmt -check` clean and a second run changes nothing; a refusal (merge of two look-alike
// maps) exits 5 writing nothing, and pasting its snippet where it says makes the next run succeed.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { binPath, ensureBuilt } from '../helpers/build.js';
import { FIXTURES, fmtClean, useFixtureCopies } from '../unit/patch-helpers.js';

const copy = useFixtureCopies();
const ARGS = ['--yes', '--domain-suffix', 'example.com'];

function init(repo: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [binPath, 'init', '--terraform-dir', repo, ...ARGS], {
    cwd: repo,
    env: { PATH: process.env.PATH ?? '', HOME: repo, CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

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

beforeAll(() => ensureBuilt(), 180_000);

describe('init --terraform-dir on collections outside locals (review 1, finding 7)', () => {
  it('terraform.tfvars gets the item; fmt clean; a second run writes nothing', () => {
    const repo = copy('review1-f7-tfvars');
    const first = init(repo);
    expect(first.code, first.out).toBe(0);
    const tfvars = readFileSync(join(repo, 'terraform.tfvars'), 'utf8');
    expect(tfvars).toContain('  "docker-mcp" = {\n    service = "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080"\n  }\n}');
    expect(readFileSync(join(repo, 'services.tf'), 'utf8')).toBe(readFileSync(join(FIXTURES, 'review1-f7-tfvars/services.tf'), 'utf8'));
    for (const f of ['terraform.tfvars', 'main.tf', 'docker-mcp.tf']) expect(fmtClean(readFileSync(join(repo, f), 'utf8')), f).toBe(true);
    const before = snapshot(repo);
    const second = init(repo);
    expect(second.code, second.out).toBe(0);
    expect(snapshot(repo)).toEqual(before);
  });

  it('merge of two look-alike maps: exit 5, nothing written; the printed item pasted into one map makes the re-run succeed, then a no-op', () => {
    const repo = copy('review1-f7-merge');
    const path = join(repo, 'services.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace('http://192.168.1.20:5000', 'http://nas.storage.svc.cluster.local:5000'));
    const untouched = snapshot(repo);
    const refused = init(repo);
    expect(refused.code, refused.out).toBe(5);
    expect(refused.out).toContain('local.tunnel_services (services.tf:3) and local.extra_services (services.tf:18)');
    expect(snapshot(repo)).toEqual(untouched);
    // The snippet as printed, under its "# (services.tf:3, in local.tunnel_services)" header.
    const snippet = /# \(services\.tf:3, in local\.tunnel_services\)\n([\s\S]*?\n\})\n/.exec(refused.out)?.[1];
    expect(snippet, refused.out).toBeDefined();
    writeFileSync(path, readFileSync(path, 'utf8').replace('    "home" = {', `${snippet!.replace(/^/gm, '    ')}\n    "home" = {`));
    const after = init(repo);
    expect(after.code, after.out).toBe(0);
    expect(readFileSync(join(repo, 'docker-mcp.tf'), 'utf8')).toContain('module "docker_mcp_gateway"');
    const written = snapshot(repo);
    expect(init(repo).code).toBe(0);
    expect(snapshot(repo)).toEqual(written);
  });
});
