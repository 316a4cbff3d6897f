// Black-box `docker-mcp init --terraform-dir` on review 1 finding 7's shapes: the item lands where the
// collection's value is written (terraform.tfvars, not the variable block), the result is
// `terraform fmt -check` clean and a second run changes nothing; a refusal (merge of two look-alike
// maps) exits 5 writing nothing, and pasting its snippet where it says makes the next run succeed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { runInit, snapshotTree } from '../helpers/init-run.js';
import { FIXTURES, fmtClean, useFixtureCopies } from '../unit/patch-helpers.js';

const copy = useFixtureCopies();
const ARGS = ['--yes', '--domain-suffix', 'example.com'];

const init = (repo: string): ReturnType<typeof runInit> => runInit(repo, ['--terraform-dir', repo, ...ARGS]);

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
    const before = snapshotTree(repo);
    const second = init(repo);
    expect(second.code, second.out).toBe(0);
    expect(snapshotTree(repo)).toEqual(before);
  });

  it('merge of two look-alike maps: exit 5, nothing written; the printed item pasted into one map makes the re-run succeed, then a no-op', () => {
    const repo = copy('review1-f7-merge');
    const path = join(repo, 'services.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace('http://192.168.1.20:5000', 'http://nas.storage.svc.cluster.local:5000'));
    const untouched = snapshotTree(repo);
    const refused = init(repo);
    expect(refused.code, refused.out).toBe(5);
    expect(refused.out).toContain('local.tunnel_services (services.tf:3) and local.extra_services (services.tf:18)');
    expect(snapshotTree(repo)).toEqual(untouched);
    // The snippet as printed, under its "# (services.tf:3, in local.tunnel_services)" header.
    const snippet = /# \(services\.tf:3, in local\.tunnel_services\)\n([\s\S]*?\n\})\n/.exec(refused.out)?.[1];
    expect(snippet, refused.out).toBeDefined();
    writeFileSync(path, readFileSync(path, 'utf8').replace('    "home" = {', `${snippet!.replace(/^/gm, '    ')}\n    "home" = {`));
    const after = init(repo);
    expect(after.code, after.out).toBe(0);
    expect(readFileSync(join(repo, 'docker-mcp.tf'), 'utf8')).toContain('module "docker_mcp_gateway"');
    const written = snapshotTree(repo);
    expect(init(repo).code).toBe(0);
    expect(snapshotTree(repo)).toEqual(written);
  });
});
