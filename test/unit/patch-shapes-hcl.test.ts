// Issue 17, Terraform shapes 1–6 (test/fixtures/repos/shape01…shape06, each README says what the
// correct patch is): hostnames the user asked for, rules placed where cloudflared will pick them,
// refusals that name the collection to edit, and a docker-mcp.tf that claims only what is true.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport } from '../../src/patch/index.js';
import { MODULE_CALL, fmtClean, hclErrors, input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
// The module call as the template renders it: with the status line the patcher fills in.
const CALL = `# Tunnel: placeholder\n${MODULE_CALL}`;
const withCall = () => input({ moduleCallHcl: CALL });
/** The status comment as one line (it is wrapped at 100 columns). */
const statusOf = (call: string): string => call.split('\nmodule ')[0]!.replace(/\n# /g, ' ');

async function patchTwice(dir: string): Promise<Awaited<ReturnType<typeof planRepoPatch>>> {
  const plan = await planRepoPatch(dir, withCall());
  expect(plan.refused, renderPatchReport(plan)).toBeNull();
  await applyRepoPatch(plan);
  for (const edit of plan.edits) expect(await hclErrors(readFileSync(edit.path, 'utf8')), edit.relPath).toBe('');
  expect((await planRepoPatch(dir, withCall())).edits).toEqual([]);
  return plan;
}

describe('shape 1: v4 blocks in a child module, git root is not the Terraform root', () => {
  it('adds a literal rule above the catch-all and puts docker-mcp.tf in terraform/', async () => {
    const dir = copy('shape01-v4-child-module-records');
    const plan = await patchTwice(dir);
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['terraform/cloudflare-zerotrust/tunnel.tf', 'terraform/docker-mcp.tf']);
    const tunnel = readFileSync(join(dir, 'terraform/cloudflare-zerotrust/tunnel.tf'), 'utf8');
    expect(tunnel).toMatch(/hostname = "docker-mcp\.example\.com"[\s\S]*# anything else: 404\n\s+ingress_rule \{\n\s+service = "http_status:404"/);
    expect(fmtClean(tunnel)).toBe(true);
    // No services list here: docker-mcp.tf must not claim a DNS record was added.
    const call = statusOf(readFileSync(join(dir, 'terraform/docker-mcp.tf'), 'utf8'));
    expect(call).toContain('# Tunnel: the docker-mcp ingress rule is in resource.cloudflare_tunnel_config.homelab (terraform/cloudflare-zerotrust/tunnel.tf)');
    expect(call).toContain('its DNS record is not created by this repo');
    expect(call).not.toMatch(/DNS entry it needs were added/);
  });
});

describe('shapes 2–4: rules generated from a collection are refused with the collection named', () => {
  it.each([
    ['shape02-v4-dynamic-locals-list', /dynamic "ingress_rule"` block over local\.ingress_rules \(tunnel\.tf:12\)/, 'v4'],
    ['shape03-v5-module-twice-concat', /not a list literal but `var\.ingress_rules` \(modules\/cloudflare-tunnel\/main\.tf:16\)/, 'v5'],
    ['shape04-v5-root-for-map', /not a list literal but `concat\(` \(main\.tf:28\)/, 'v5'],
  ])('%s', async (fixture, reason, version) => {
    const plan = await planRepoPatch(copy(fixture), withCall());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toMatch(reason);
    // Only the provider version the repo uses.
    const titles = plan.snippets.map((s) => s.title).join('\n');
    expect(titles).toContain(`provider ${version}`);
    expect(titles).not.toContain(`provider ${version === 'v4' ? 'v5' : 'v4'}`);
    // The module call printed for the user says the rule is not there.
    expect(statusOf(plan.moduleCall)).toMatch(/# Tunnel: the docker-mcp ingress rule is NOT in the tunnel config \(init refused:/);
  });
});

describe('shape 5: compact v5 list, ${local.domain} is another domain', () => {
  it('writes the literal hostname, never "docker-mcp.${local.domain}"', async () => {
    const dir = copy('shape05-v5-compact-other-domain');
    const plan = await patchTwice(dir);
    const text = readFileSync(join(dir, 'cloudflare.tf'), 'utf8');
    expect(text).toContain('hostname = "docker-mcp.example.com"');
    expect(text).not.toContain('docker-mcp.${local.domain}');
    // local.tunneled names lab.example.net hosts: docker-mcp must not be added there.
    expect(text).toContain('tunneled = ["git", "wiki", "rss"]');
    expect(plan.notes.join('\n')).toContain('The other rules use ${local.domain}, which is "lab.example.net", not "example.com"');
    const rules = [...text.matchAll(/(?:hostname|service) += "([^"]+)"/g)].map((m) => m[1]);
    expect(rules.indexOf('docker-mcp.example.com')).toBe(rules.indexOf('http_status:404') - 2);
  });

  it('uses "x.${local.domain}" when local.domain is proven to be the answers\' domain', async () => {
    const dir = copy('shape05-v5-compact-other-domain');
    const path = join(dir, 'cloudflare.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace('domain = "lab.example.net"', 'domain = "example.com"'));
    const plan = await planRepoPatch(dir, withCall());
    expect(plan.edits.find((e) => e.relPath === 'cloudflare.tf')!.after).toContain('hostname = "docker-mcp.${local.domain}"');
  });
});

describe('shape 6: hostnames from locals, a wildcard above the catch-all', () => {
  it('puts the rule above "*.${var.domain}", which would otherwise catch it first', async () => {
    const dir = copy('shape06-v5-locals-wildcard-split-roots');
    const plan = await patchTwice(dir);
    const text = readFileSync(join(dir, 'cloudflare/main.tf'), 'utf8');
    const ours = text.indexOf('hostname = "docker-mcp.example.com"');
    expect(ours).toBeGreaterThan(text.indexOf('hostname = local.auth_host'));
    expect(ours).toBeLessThan(text.indexOf('# everything else goes through traefik'));
    expect(text.indexOf('# everything else goes through traefik')).toBeLessThan(text.indexOf('hostname = "*.${var.domain}"'));
    expect(fmtClean(text)).toBe(true);
    expect(renderPatchReport(plan)).toMatch(/The rule for "\*\.example\.com" \(line 40\) would catch docker-mcp\.example\.com first/);
  });

  it('refuses an existing docker-mcp rule below the wildcard instead of reporting success', async () => {
    const dir = copy('shape06-v5-locals-wildcard-split-roots');
    const path = join(dir, 'cloudflare/main.tf');
    const text = readFileSync(path, 'utf8').replace(
      '      {\n        service = "http_status:404"',
      '      {\n        hostname = "docker-mcp.example.com"\n        service  = "http://x:8080"\n      },\n      {\n        service = "http_status:404"',
    );
    writeFileSync(path, text);
    const plan = await planRepoPatch(dir, withCall());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toMatch(/the docker-mcp rule \(line \d+\) can never match: the rule for "\*\.example\.com" \(line 40\) catches docker-mcp\.example\.com first/);
  });

  it('refuses when a rule above the catch-all has a hostname the repo does not prove (it may be a wildcard)', async () => {
    const dir = copy('shape06-v5-locals-wildcard-split-roots');
    const path = join(dir, 'cloudflare/main.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace('hostname = local.auth_host', 'hostname = var.auth_host'));
    expect((await planRepoPatch(dir, withCall())).refused).toMatch(/cannot be worked out from the repo/);
  });
});

describe('a repo with no tunnel config at all', () => {
  it('offers the YAML rule too, not only HCL', async () => {
    const dir = copy('shape02-v4-dynamic-locals-list');
    for (const f of ['tunnel.tf', 'locals.tf']) writeFileSync(join(dir, f), '# moved\n');
    const plan = await planRepoPatch(dir, withCall());
    expect(plan.refused).toMatch(/no tunnel configuration found/);
    expect(plan.snippets.some((s) => s.language === 'yaml' && s.text.includes('- hostname: docker-mcp.example.com'))).toBe(true);
  });
});

describe('docker-mcp.tf states what the tunnel config holds', () => {
  it('names the services list when DNS comes from it (seed layout)', async () => {
    const dir = copy('seed-v4');
    const plan = await planRepoPatch(dir, withCall());
    const call = plan.edits.find((e) => e.relPath === 'docker-mcp.tf')!.after;
    expect(statusOf(call)).toMatch(
      /^# Tunnel: the docker-mcp ingress rule is in resource\.cloudflare_tunnel_config\.\w+ \(modules\/cloudflare-tunnel\/main\.tf\); its DNS record comes from the `services` list in modules\/cloudflare-tunnel\/main\.tf\.$/,
    );
    expect(call.split('\n').every((l) => l.length <= 100)).toBe(true);
  });

  it('YAML mode: the rule is in the ConfigMap, DNS is not created by the repo', async () => {
    const plan = await planRepoPatch(copy('shape07-yaml-multidoc-namespace'), withCall());
    expect(statusOf(plan.moduleCall)).toMatch(/# Tunnel: the docker-mcp ingress rule is in apps\/cloudflared\/cloudflared\.yaml \(ConfigMap cloudflared/);
    expect(plan.moduleCall).toContain('not created by this repo');
  });
});
