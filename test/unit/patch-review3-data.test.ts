// Review 3, findings 1, 2, 8, 12 (docs/dev/ISSUE17-REVIEW-3.md): a module called twice never gets an
// edit inside it; a `services` list is DNS only when a record iterates over it; a module argument
// resolves through the caller's locals; an edit to a gitignored tfvars says so.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport, type RepoPatchInput } from '../../src/patch/index.js';
import { fmtClean, hclErrors, input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
const SERVICE = 'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080';
const ITEM = `    # docker-mcp: managed by docker-mcp init; re-run it to change this rule\n    "docker-mcp" = "${SERVICE}"\n`;

/** Plans, applies, checks fmt/parse and that every original line is kept and a second run is a no-op. */
async function patch(dir: string, overrides: Partial<RepoPatchInput> = {}): Promise<{ notes: string; before: Map<string, string> }> {
  const plan = await planRepoPatch(dir, input(overrides));
  expect(plan.refused, renderPatchReport(plan)).toBeNull();
  const before = new Map(plan.edits.filter((e) => e.before !== null).map((e) => [e.relPath, e.before!]));
  await applyRepoPatch(plan);
  for (const [rel, text] of before) {
    const after = readFileSync(join(dir, rel), 'utf8');
    for (const line of text.split('\n')) expect(after.split('\n')).toContain(line);
    expect(await hclErrors(after)).toBe('');
    if (rel.endsWith('.tf')) expect(fmtClean(after)).toBe(true);
  }
  expect((await planRepoPatch(dir, input(overrides))).edits).toEqual([]);
  return { notes: plan.notes.join('\n'), before };
}

const read = (dir: string, rel: string): string => readFileSync(join(dir, rel), 'utf8');

describe('finding 1: a tunnel module called twice', () => {
  it('b5: the item goes into the services argument of the one call whose domain makes the host; nothing inside the module', async () => {
    const dir = copy('review3-f1-module-twice');
    const child = read(dir, 'modules/tunnel/main.tf');
    const { notes } = await patch(dir);
    expect(read(dir, 'modules/tunnel/main.tf')).toBe(child);
    const main = read(dir, 'main.tf');
    expect(main).toContain(`    grafana = "http://grafana.monitoring.svc.cluster.local:3000"\n${ITEM}  }\n}\n\nmodule "tunnel_lab"`);
    expect(main.split(ITEM)).toHaveLength(2);
    expect(notes).toContain('only the arguments of module "tunnel" (main.tf:20) make docker-mcp.example.com (not module "tunnel_lab" (main.tf:30))');
    // The child's for_each = var.services makes the record: no snippet, and docker-mcp.tf says so.
    expect(notes).toContain('adding one item for docker-mcp, which also gives its DNS record (cloudflare_record.this)');
  });

  it('b5: docker-mcp.lab.example.com goes to module "tunnel_lab"', async () => {
    const dir = copy('review3-f1-module-twice');
    await patch(dir, { hostname: 'docker-mcp.lab.example.com' });
    expect(read(dir, 'main.tf')).toContain(`    test = "http://test.lab.svc.cluster.local:80"\n${ITEM}  }\n}\n`);
    expect(read(dir, 'modules/tunnel/main.tf')).not.toContain('docker-mcp');
  });

  it('b4: the domain comes from a local of the caller (domain = local.zone, "lab.${local.zone}")', async () => {
    const dir = copy('review3-f1-module-twice-local');
    await patch(dir);
    expect(read(dir, 'main.tf')).toContain(`    grafana = "http://grafana.monitoring.svc.cluster.local:3000"\n${ITEM}  }\n}\n\nmodule "tunnel_lab"`);
    expect(read(dir, 'modules/tunnel/main.tf')).not.toContain('docker-mcp');
  });

  it('both calls make the host: refuses naming each call with its item in the map shape, writes nothing', async () => {
    const dir = copy('review3-f1-module-twice');
    writeFileSync(join(dir, 'main.tf'), read(dir, 'main.tf').replace('"lab.example.com"', '"example.com"'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toContain('module "tunnel" (main.tf:20), module "tunnel_lab" (main.tf:30)');
    expect(plan.refused).toContain('nothing is written inside a module instantiated more than once');
    expect(plan.edits).toEqual([]);
    const items = plan.snippets.filter((s) => s.title.startsWith('One more item'));
    expect(items.map((s) => s.title)).toEqual([
      'One more item for module "tunnel" (main.tf:20), in its collection\'s own item shape',
      'One more item for module "tunnel_lab" (main.tf:30), in its collection\'s own item shape',
    ]);
    for (const s of items) expect(s.text).toBe(ITEM);
    expect(items.map((s) => s.where)).toEqual(['main.tf:27: directly above that line, in the collection module "tunnel" (main.tf:20) passes', 'main.tf:37: directly above that line, in the collection module "tunnel_lab" (main.tf:30) passes']);
    // No written-out ingress_rule snippet for the shared child.
    expect(plan.snippets.some((s) => s.text.includes('ingress_rule {'))).toBe(false);
  });

  it('a written-out config in a module called twice is refused, not edited', async () => {
    const dir = copy('review3-f1-module-twice');
    const dynamic = '    dynamic "ingress_rule" {\n      for_each = var.services\n      content {\n        hostname = "${ingress_rule.key}.${var.domain}"\n        service  = ingress_rule.value\n      }\n    }\n';
    const written = '    ingress_rule {\n      hostname = "grafana.example.com"\n      service  = "http://grafana.monitoring.svc.cluster.local:3000"\n    }\n';
    const child = read(dir, 'modules/tunnel/main.tf').replace(dynamic, written);
    expect(child).not.toContain('dynamic');
    writeFileSync(join(dir, 'modules/tunnel/main.tf'), child);
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toContain('is in a module instantiated more than once (modules/tunnel)');
    expect(plan.edits).toEqual([]);
  });
});

describe('finding 8: var.domain passed from a local of the caller', () => {
  it('b1: proves var.domain = local.zone = "example.com": the item goes to local.services, DNS follows', async () => {
    const dir = copy('review3-f8-modarg-local');
    const child = read(dir, 'modules/tunnel/main.tf');
    const plan = await planRepoPatch(dir, input());
    expect(plan.snippets.filter((s) => s.text.includes('resource "cloudflare_record"'))).toEqual([]);
    const { notes } = await patch(dir);
    expect(read(dir, 'modules/tunnel/main.tf')).toBe(child);
    expect(read(dir, 'main.tf')).toContain(`    wiki    = "http://wiki.apps.svc.cluster.local:80" # docs\n${ITEM}  }\n}\n`);
    expect(notes).toContain('adding one item for docker-mcp, which also gives its DNS record (cloudflare_record.this)');
  });
});

describe('finding 2: a services list is DNS only when a record iterates over it', () => {
  it('s1: the firewall module\'s services list is left alone; the per-host record is cloned', async () => {
    const dir = copy('review3-f2-services-firewall');
    const { notes } = await patch(dir);
    const main = read(dir, 'main.tf');
    expect(main).toContain('  services = ["ssh", "https"]\n');
    expect(main).toContain('resource "cloudflare_record" "docker_mcp" {\n  zone_id = var.zone_id\n  name    = "docker-mcp"\n  value   = cloudflare_tunnel.home.cname\n');
    expect(read(dir, 'modules/firewall/main.tf')).not.toContain('docker-mcp');
    expect(notes + read(dir, 'docker-mcp.tf')).not.toMatch(/services` list/);
  });

  it('t1: a list(object) variable default never gets a string list', async () => {
    const dir = copy('review3-f2-services-objects');
    await patch(dir);
    const main = read(dir, 'main.tf');
    expect(main).toContain('  default = []\n');
    expect(main).not.toContain('["docker-mcp"]');
  });
});

describe('finding 12: the value file is ignored by git', () => {
  const NOTE = 'terraform.tfvars is ignored by git (.gitignore), so this change stays on this machine and never reaches CI or other clones; add the same item to terraform.tfvars.example';

  it('a7 (no git work tree: .gitignore read directly): edits terraform.tfvars and names the example file', async () => {
    const dir = copy('review3-f12-gitignored-tfvars');
    const { notes } = await patch(dir);
    expect(read(dir, 'terraform.tfvars')).toContain(`  {\n    name    = "docker-mcp"\n    service = "${SERVICE}"\n  },\n]`);
    expect(notes).toContain(NOTE);
  });

  it('a7 in a git work tree: git check-ignore decides; a committed (not ignored) tfvars gets no note', async () => {
    const dir = copy('review3-f12-gitignored-tfvars');
    execFileSync('git', ['init', '-q', dir]);
    expect((await planRepoPatch(dir, input())).notes.join('\n')).toContain(NOTE);
    writeFileSync(join(dir, '.gitignore'), '.terraform/\n');
    expect((await planRepoPatch(dir, input())).notes.join('\n')).not.toContain('ignored by git');
  });
});
