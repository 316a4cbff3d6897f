// Review 1, finding 7: collections whose value is not a `local` — a variable default, terraform.tfvars,
// a module argument — and `merge(…)` / `keys(…)` iterations. The data edit goes where the value is
// really written; where the repo cannot show that, the refusal names every place, and following its
// advice literally makes the re-run succeed.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport } from '../../src/patch/index.js';
import { FIXTURES, fmtClean, hclErrors, input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
const URL = 'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080';
const ENTRY = `    # docker-mcp: managed by docker-mcp init; re-run it to change this rule\n    "docker-mcp" = {\n      service = "${URL}"\n    }\n`;

/** Every original line is still there, the file parses and is fmt-clean. */
async function keptAndClean(dir: string, fixture: string, file: string): Promise<string> {
  const text = readFileSync(join(dir, file), 'utf8');
  const kept = new Set(text.split('\n'));
  expect(readFileSync(join(FIXTURES, fixture, file), 'utf8').split('\n').filter((l) => !kept.has(l))).toEqual([]);
  expect(await hclErrors(text)).toBe('');
  expect(fmtClean(text)).toBe(true);
  return text;
}

async function patchTwice(dir: string): Promise<void> {
  const plan = await planRepoPatch(dir, input());
  expect(plan.refused, renderPatchReport(plan)).toBeNull();
  await applyRepoPatch(plan);
  const again = await planRepoPatch(dir, input());
  expect(again.refused, renderPatchReport(again)).toBeNull();
  expect(again.edits).toEqual([]);
}

describe('finding 7: a collection in a variable default', () => {
  it('adds the item to the default (services.tf), and the for_each DNS record follows', async () => {
    const dir = copy('review1-f7-var-default');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['docker-mcp.tf', 'services.tf']);
    expect(plan.notes[0]).toContain('builds its rules from var.tunnel_services (services.tf:4, the default of variable "tunnel_services"); adding one item for docker-mcp, which also gives its DNS record (cloudflare_dns_record.services)');
    await patchTwice(dir);
    const text = await keptAndClean(dir, 'review1-f7-var-default', 'services.tf');
    expect(text).toContain(`${ENTRY}  }\n}`);
  });
});

describe('finding 7: a collection in terraform.tfvars', () => {
  it('edits terraform.tfvars (which beats the default), not the variable block', async () => {
    const dir = copy('review1-f7-tfvars');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['docker-mcp.tf', 'terraform.tfvars']);
    await patchTwice(dir);
    const text = await keptAndClean(dir, 'review1-f7-tfvars', 'terraform.tfvars');
    expect(text).toContain(`${ENTRY.replace(/^ {2}/gm, '')}}\n`);
    expect(readFileSync(join(dir, 'services.tf'), 'utf8')).toBe(readFileSync(join(FIXTURES, 'review1-f7-tfvars/services.tf'), 'utf8'));
  });

  it('tfvars beats a default: with both, tfvars is edited', async () => {
    const dir = copy('review1-f7-tfvars');
    writeFileSync(join(dir, 'services.tf'), 'variable "tunnel_services" {\n  type    = any\n  default = {}\n}\n');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['docker-mcp.tf', 'terraform.tfvars']);
  });

  it('a -var-file tfvars that also sets it: refused naming both file:lines; adding the item to each (as printed) makes the re-run succeed', async () => {
    const dir = copy('review1-f7-tfvars');
    const prod = readFileSync(join(dir, 'terraform.tfvars'), 'utf8').replace('"home" = {', 'wiki = {\n    service = "http://wiki.docs.svc.cluster.local:3000"\n  }\n  "home" = {');
    writeFileSync(join(dir, 'prod.tfvars'), prod);
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toContain('var.tunnel_services is set in 2 places and the repo does not show which one Terraform uses');
    expect(plan.refused).toContain('terraform.tfvars:1');
    expect(plan.refused).toContain('prod.tfvars:1');
    expect(plan.refused).toContain('add the item to each of them');
    const snippet = plan.snippets[0]!;
    expect(snippet.title).toBe('One more item of var.tunnel_services, in its own item shape (provider v5), to add to each of terraform.tfvars:1, prod.tfvars:1');
    expect(snippet.text).toBe(`"docker-mcp" = {\n  service = "${URL}"\n}\n`);
    // Follow the advice literally: the snippet as the last entry of each map.
    for (const f of ['terraform.tfvars', 'prod.tfvars']) {
      const text = readFileSync(join(dir, f), 'utf8');
      writeFileSync(join(dir, f), text.replace(/\n\}\n$/, `\n${snippet.text.trimEnd().replace(/^/gm, '  ')}\n}\n`));
    }
    const again = await planRepoPatch(dir, input());
    expect(again.refused, renderPatchReport(again)).toBeNull();
    expect(again.edits.map((e) => e.relPath)).toEqual(['docker-mcp.tf']);
    await applyRepoPatch(again);
    expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  });

  it('no value in the repo (no default, no tfvars: -var or TF_VAR_): refused naming the variable file:line', async () => {
    const dir = copy('review1-f7-tfvars');
    rmSync(join(dir, 'terraform.tfvars'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toContain('var.tunnel_services (variable at services.tf:1) has no default and no terraform.tfvars or *.auto.tfvars sets it, so its value comes from -var, -var-file or TF_VAR_tunnel_services, which the repo does not show');
  });
});

describe('finding 7: a literal list passed as a module argument', () => {
  it('adds the rule to the parent\'s argument above the catch-all; the child module is untouched', async () => {
    const dir = copy('review1-f7-module-arg');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['docker-mcp.tf', 'main.tf']);
    await patchTwice(dir);
    const text = await keptAndClean(dir, 'review1-f7-module-arg', 'main.tf');
    expect(text).toContain(`    },\n    # docker-mcp: managed by docker-mcp init; re-run it to change this rule\n    {\n      hostname = "docker-mcp.example.com"\n      service  = "${URL}"\n    },\n    {\n      service = "http_status:404"\n    },\n  ]`);
    expect(readFileSync(join(dir, 'modules/tunnel/main.tf'), 'utf8')).toBe(readFileSync(join(FIXTURES, 'review1-f7-module-arg/modules/tunnel/main.tf'), 'utf8'));
  });
});

describe('finding 7: merge(local.a, local.b) and keys(local.x)', () => {
  it('merge: the item goes into the map whose items look like ours (in-cluster Services), DNS follows', async () => {
    const dir = copy('review1-f7-merge');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.notes[0]).toContain('builds its rules from local.tunnel_services (services.tf:3); adding one item for docker-mcp, which also gives its DNS record (cloudflare_dns_record.services)');
    await patchTwice(dir);
    const text = await keptAndClean(dir, 'review1-f7-merge', 'services.tf');
    expect(text).toContain(`${ENTRY}  }\n  # devices on the LAN`);
  });

  it('merge of two maps that both look like ours: refused naming both; adding the item to one makes the re-run succeed', async () => {
    const dir = copy('review1-f7-merge');
    const path = join(dir, 'services.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace('http://192.168.1.20:5000', 'http://nas.storage.svc.cluster.local:5000'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toContain('the rules are built from merge(…) of local.tunnel_services (services.tf:3) and local.extra_services (services.tf:18), and the patcher cannot tell which map docker-mcp belongs in; add the item to one of them');
    const snippet = plan.snippets[0]!.text;
    writeFileSync(path, readFileSync(path, 'utf8').replace('    nas = {', `${snippet.trimEnd().replace(/^/gm, '    ')}\n    nas = {`));
    const again = await planRepoPatch(dir, input());
    expect(again.refused, renderPatchReport(again)).toBeNull();
    expect(again.edits.map((e) => e.relPath)).toEqual(['docker-mcp.tf']);
    await applyRepoPatch(again);
    expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  });

  it('for name in keys(local.x) with local.x[name]: the item goes into local.x, DNS follows', async () => {
    const dir = copy('review1-f7-keys');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.notes[0]).toContain('which also gives its DNS record (cloudflare_dns_record.services)');
    await patchTwice(dir);
    const text = await keptAndClean(dir, 'review1-f7-keys', 'services.tf');
    expect(text).toContain(`${ENTRY}  }\n}`);
  });
});

describe('tfvars precedence for values the hostname is built from', () => {
  it('a later *.auto.tfvars beats terraform.tfvars: var.domain is lab.example.net, so no item can make docker-mcp.example.com', async () => {
    const dir = copy('review1-f7-var-default');
    writeFileSync(join(dir, 'terraform.tfvars'), 'domain = "example.com"\n');
    writeFileSync(join(dir, 'zz-lab.auto.tfvars'), 'domain = "lab.example.net"\n');
    const plan = await planRepoPatch(dir, input());
    // Review 3 finding 7: no item can, so the rule is written out first in concat(…) instead of a refusal.
    expect(plan.refused).toBeNull();
    expect(plan.notes.join('\n')).toContain('cannot produce "docker-mcp.example.com"; so the docker-mcp rule is written out in a list of its own');
  });
});

describe('finding 7: `for k, v in …` variants over the same map', () => {
  const variants = ['{ for k, v in local.tunnel_services : k => v }', 'tomap(local.tunnel_services)', 'merge(local.tunnel_services)'];
  it.each(variants)('for name, svc in %s: the item goes into local.tunnel_services', async (over) => {
    const dir = copy('review1-f7-keys');
    const path = join(dir, 'main.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace(
      '[for name in keys(local.tunnel_services) : merge({ hostname = "${name}.${var.domain}" }, local.tunnel_services[name])]',
      `[for name, svc in ${over} : merge({ hostname = "\${name}.\${var.domain}" }, svc)]`,
    ));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.notes[0]).toContain('builds its rules from local.tunnel_services (services.tf:3); adding one item for docker-mcp, which also gives its DNS record');
    await patchTwice(dir);
    expect(await keptAndClean(dir, 'review1-f7-keys', 'services.tf')).toContain(`${ENTRY}  }\n}`);
  });
});

describe('finding 7: several auto-loaded tfvars', () => {
  it('the last one Terraform loads (x.auto.tfvars after terraform.tfvars) is edited, with a note naming the overridden ones', async () => {
    const dir = copy('review1-f7-tfvars');
    writeFileSync(join(dir, 'services.tf'), 'variable "tunnel_services" {\n  type    = any\n  default = {}\n}\n');
    writeFileSync(join(dir, 'homelab.auto.tfvars'), readFileSync(join(dir, 'terraform.tfvars'), 'utf8'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['docker-mcp.tf', 'homelab.auto.tfvars']);
    expect(plan.notes).toContain('var.tunnel_services is also set at terraform.tfvars:1, services.tf:3, but Terraform uses homelab.auto.tfvars:1 (loaded later), so that is where the item goes.');
    await patchTwice(dir);
  });
});
