// Issue 17, Terraform shapes 1–6 (test/fixtures/repos/shape01…shape06, each README says what the
// correct patch is): hostnames the user asked for, rules placed where cloudflared will pick them,
// refusals that name the collection to edit, and a docker-mcp.tf that claims only what is true.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport } from '../../src/patch/index.js';
import { FIXTURES, MODULE_CALL, fmtClean, hclErrors, input, useFixtureCopies } from './patch-helpers.js';

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
  it('adds a literal rule above the catch-all, a DNS record like the others, and docker-mcp.tf in terraform/', async () => {
    const dir = copy('shape01-v4-child-module-records');
    const plan = await patchTwice(dir);
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual([
      'terraform/cloudflare-zerotrust/dns.tf', 'terraform/cloudflare-zerotrust/tunnel.tf', 'terraform/docker-mcp.tf',
    ]);
    const tunnel = readFileSync(join(dir, 'terraform/cloudflare-zerotrust/tunnel.tf'), 'utf8');
    expect(tunnel).toMatch(/hostname = "docker-mcp\.example\.com"[\s\S]*# anything else: 404\n\s+ingress_rule \{\n\s+service = "http_status:404"/);
    expect(fmtClean(tunnel)).toBe(true);
    // The repo writes one record per host, by label, with `value = cloudflare_tunnel.homelab.cname`.
    const dns = readFileSync(join(dir, 'terraform/cloudflare-zerotrust/dns.tf'), 'utf8');
    const original = readFileSync(join(FIXTURES, 'shape01-v4-child-module-records/terraform/cloudflare-zerotrust/dns.tf'), 'utf8');
    expect(dns).toBe(`${original}\nresource "cloudflare_record" "docker_mcp" {\n  zone_id = var.zone_id\n  name    = "docker-mcp"\n  value   = cloudflare_tunnel.homelab.cname\n  type    = "CNAME"\n  proxied = true\n}\n`);
    expect(fmtClean(dns)).toBe(true);
    const call = statusOf(readFileSync(join(dir, 'terraform/docker-mcp.tf'), 'utf8'));
    expect(call).toContain('# Tunnel: the docker-mcp ingress rule is in resource.cloudflare_tunnel_config.homelab (terraform/cloudflare-zerotrust/tunnel.tf)');
    expect(call).toContain('its DNS record comes from cloudflare_record.docker_mcp in terraform/cloudflare-zerotrust/dns.tf.');
    expect(call).not.toMatch(/DNS entry it needs were added/);
  });
});

describe('shape 2: v4 dynamic "ingress_rule" over a list in locals (the catch-all is an item)', () => {
  it('adds one item to the list, above the catch-all item, which also gives the DNS record', async () => {
    const dir = copy('shape02-v4-dynamic-locals-list');
    const plan = await patchTwice(dir);
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['docker-mcp.tf', 'locals.tf']);
    const locals = readFileSync(join(dir, 'locals.tf'), 'utf8');
    // local.domain is "example.com", so the siblings' "x.${local.domain}" style is proven right.
    expect(locals).toMatch(/immich[^\n]*\n[^\n]*\n\s+\},\n\s+# docker-mcp: managed by docker-mcp init[^\n]*\n\s+\{\n\s+hostname = "docker-mcp\.\$\{local\.domain\}"\n\s+service {2}= "http:\/\/homelab-docker-mcp-gateway\.homelab\.svc\.cluster\.local:8080"\n\s+\},\n\s+\{\n\s+hostname = null/);
    expect(fmtClean(locals)).toBe(true);
    expect(readFileSync(join(dir, 'tunnel.tf'), 'utf8')).toBe(readFileSync(join(FIXTURES, 'shape02-v4-dynamic-locals-list/tunnel.tf'), 'utf8'));
    expect(plan.notes[0]).toContain('builds its rules from local.ingress_rules (locals.tf:5); adding one item for docker-mcp, which also gives its DNS record (cloudflare_record.tunnel)');
    expect(statusOf(readFileSync(join(dir, 'docker-mcp.tf'), 'utf8'))).toContain('its DNS record comes from the same collection (cloudflare_record.tunnel)');
  });

  it('with Access (the generated rules have no origin_request to carry it) writes the rule out above the dynamic block', async () => {
    const dir = copy('shape02-v4-dynamic-locals-list');
    const plan = await planRepoPatch(dir, input({ moduleCallHcl: CALL, access: { teamName: 't', audTag: 'a' } }));
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['docker-mcp.tf', 'tunnel.tf']);
    const tunnel = plan.edits.find((e) => e.relPath === 'tunnel.tf')!.after;
    expect(tunnel).toMatch(/hostname = "docker-mcp\.example\.com"[\s\S]*origin_request \{\n\s+access \{\n\s+required\s+= true[\s\S]*\n\s+\}\n\s+dynamic "ingress_rule" \{/);
    expect(plan.notes.join('\n')).toContain('no item could be added to its collection (Cloudflare Access must sit on the rule\'s origin_request, and the rules built at tunnel.tf:12 have none), so the docker-mcp rule is written out above the dynamic block instead');
    // No `services` list and no record like the others for a written-out rule: a snippet, and the status says so.
    expect(plan.snippets.map((x) => x.title)).not.toContain('DNS: add to the services list');
    expect(statusOf(plan.moduleCall)).toContain('its DNS record is not created by this repo');
  });
});

describe('shape 2 after a refusal', () => {
  it('an item the user added by hand is accepted as written even when init could not have written it (Access)', async () => {
    const dir = copy('shape02-v4-dynamic-locals-list');
    const path = join(dir, 'locals.tf');
    const mine = '    {\n      hostname = "docker-mcp.example.com"\n      service  = "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080"\n    },\n';
    writeFileSync(path, readFileSync(path, 'utf8').replace('    {\n      hostname = null', `${mine}    {\n      hostname = null`));
    const plan = await planRepoPatch(dir, input({ moduleCallHcl: CALL, access: { teamName: 't', audTag: 'a' } }));
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.edits.map((e) => e.relPath)).toEqual(['docker-mcp.tf']);
    expect(plan.notes.join('\n')).toMatch(/already has the docker-mcp item \(locals\.tf:14\); it is left as written \(Cloudflare Access must sit/);
  });
});

describe('shape 3: a v5 tunnel module called twice with concat([for …], [catch-all])', () => {
  it('refuses to pick a tunnel, naming both collections, with one item in their shape (v5 only)', async () => {
    const plan = await planRepoPatch(copy('shape03-v5-module-twice-concat'), withCall());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toMatch(/called 2 times, with rules from local\.primary_services \(tunnels\.tf:2, used at tunnels\.tf:22\) and local\.secondary_services \(tunnels\.tf:8, used at tunnels\.tf:39\)/);
    const item = plan.snippets[0]!;
    expect(item.title).toContain('provider v5');
    expect(item.where).toBe('tunnels.tf:2, in local.primary_services');
    expect(item.text).toBe('{ protocol = "http", name = "docker-mcp", host = "homelab-docker-mcp-gateway.homelab.svc.cluster.local", hostname = "docker-mcp", port = 8080 }\n');
    expect(plan.snippets.map((s) => s.title).join('\n')).not.toMatch(/provider v4/);
  });

  it('after the user adds the item to one tunnel by hand, a re-run writes the module call (no half change)', async () => {
    const dir = copy('shape03-v5-module-twice-concat');
    const path = join(dir, 'tunnels.tf');
    const item = '    { protocol = "http", name = "docker-mcp", host = "homelab-docker-mcp-gateway.homelab.svc.cluster.local", hostname = "docker-mcp", port = 8080 },\n';
    writeFileSync(path, readFileSync(path, 'utf8').replace('  ]\n\n  # second site', `${item}  ]\n\n  # second site`));
    const plan = await patchTwice(dir);
    expect(plan.edits.map((e) => e.relPath)).toEqual(['docker-mcp.tf']);
    expect(plan.notes.join('\n')).toContain('local.primary_services already has the docker-mcp item (tunnels.tf:5)');
    expect(statusOf(readFileSync(join(dir, 'docker-mcp.tf'), 'utf8'))).toContain('its DNS record comes from the same collection (cloudflare_dns_record.this)');
  });

  it('adds the item to the one collection when the module is called once', async () => {
    const dir = copy('shape03-v5-module-twice-concat');
    const path = join(dir, 'tunnels.tf');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, text.indexOf('module "tunnel_secondary"')));
    await patchTwice(dir);
    const after = readFileSync(path, 'utf8');
    expect(after).toContain('    { protocol = "http", name = "paperless", host = "paperless.docs.svc.cluster.local", hostname = "docs", port = 8000 },\n    { protocol = "http", name = "docker-mcp", host = "homelab-docker-mcp-gateway.homelab.svc.cluster.local", hostname = "docker-mcp", port = 8080 },\n  ]');
    expect(fmtClean(after)).toBe(true);
  });
});

describe('shape 4: v5 concat([for name, svc in local.map : merge(…)], [catch-all])', () => {
  it('adds one map entry keyed by the label; var.domain is proven to be example.com; DNS follows', async () => {
    const dir = copy('shape04-v5-root-for-map');
    const plan = await patchTwice(dir);
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['docker-mcp.tf', 'services.tf']);
    const services = readFileSync(join(dir, 'services.tf'), 'utf8');
    expect(services).toMatch(/ {4}"docker-mcp" = \{\n {6}service = "http:\/\/homelab-docker-mcp-gateway\.homelab\.svc\.cluster\.local:8080"\n {4}\}\n {2}\}\n\}\n$/);
    expect(fmtClean(services)).toBe(true);
    expect(readFileSync(join(dir, 'main.tf'), 'utf8')).toBe(readFileSync(join(FIXTURES, 'shape04-v5-root-for-map/main.tf'), 'utf8'));
    expect(plan.notes[0]).toContain('which also gives its DNS record (cloudflare_dns_record.services)');
  });

  it('var.domain is another domain: no key can produce the hostname, so the rule is written out first in concat(…) (review 3 finding 7)', async () => {
    const plan = await planRepoPatch(copy('shape04-v5-root-for-map'), input({ moduleCallHcl: CALL, hostname: 'docker-mcp.other.org' }));
    expect(plan.refused).toBeNull();
    expect(plan.notes.join('\n')).toContain('cannot produce "docker-mcp.other.org"; so the docker-mcp rule is written out in a list of its own');
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
    expect(plan.notes).toContain('cloudflare_dns_record.tunneled makes its names from local.tunneled as "${each.value}.${local.domain}", which cannot give docker-mcp.example.com; "docker-mcp" was not added to local.tunneled.');
    expect(plan.notes.join('\n')).toContain('The other rules use ${local.domain}, which is "lab.example.net", not "example.com"');
    // The DNS snippet names only what exists here, and the full name once.
    const dns = plan.snippets.find((s) => s.title.startsWith('DNS record'))!;
    // var.zone_id holds local.tunneled's lab.example.net names: not example.com's zone (review 2, finding 5).
    expect(dns.text).toContain('zone_id = "<zone id of the zone that holds docker-mcp.example.com>"');
    expect(dns.text).toContain('content = "${cloudflare_zero_trust_tunnel_cloudflared.lab.id}.cfargotunnel.com"');
    expect(dns.text).toContain('name    = "docker-mcp.example.com"\n');
    expect(dns.title).toContain('the repo does not prove that its zone_id var.zone_id is the zone of docker-mcp.example.com');
    expect(statusOf(readFileSync(join(dir, 'docker-mcp.tf'), 'utf8'))).toContain('its DNS record is not created by this repo');
    // Written in the list's own compact `}, {` style, so every original line is still there.
    expect(text).toContain('      }, {\n      # docker-mcp: managed by docker-mcp init; re-run it to change this rule\n      hostname = "docker-mcp.example.com"\n      service  = "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080"\n      }, {\n      service = "http_status:404"');
    const kept = new Set(text.split('\n'));
    expect(readFileSync(join(FIXTURES, 'shape05-v5-compact-other-domain/cloudflare.tf'), 'utf8').split('\n').filter((l) => !kept.has(l))).toEqual([]);
    const rules = [...text.matchAll(/(?:hostname|service) += "([^"]+)"/g)].map((m) => m[1]);
    expect(rules.indexOf('docker-mcp.example.com')).toBe(rules.indexOf('http_status:404') - 2);
  });

  it('uses "x.${local.domain}" when local.domain is proven to be the answers\' domain', async () => {
    const dir = copy('shape05-v5-compact-other-domain');
    const path = join(dir, 'cloudflare.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace('domain = "lab.example.net"', 'domain = "example.com"'));
    const plan = await patchTwice(dir);
    const after = readFileSync(path, 'utf8');
    expect(after).toContain('hostname = "docker-mcp.${local.domain}"');
    // Now the label list's names are under example.com: docker-mcp joins it, and that is its DNS.
    expect(after).toContain('tunneled = ["git", "wiki", "rss", "docker-mcp"]');
    expect(plan.snippets).toEqual([]);
    expect(statusOf(readFileSync(join(dir, 'docker-mcp.tf'), 'utf8'))).toContain('its DNS record comes from cloudflare_dns_record.tunneled (its for_each list local.tunneled)');
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
    // The wildcard DNS record already covers the name: no record to add, no snippet.
    expect(plan.notes).toContain('DNS: cloudflare_dns_record.wildcard (cloudflare/main.tf) already covers docker-mcp.example.com.');
    expect(plan.snippets).toEqual([]);
  });

  it('refuses an existing docker-mcp rule below the wildcard instead of reporting success', async () => {
    const dir = copy('shape06-v5-locals-wildcard-split-roots');
    const path = join(dir, 'cloudflare/main.tf');
    const text = readFileSync(path, 'utf8').replace(
      '      {\n        service = "http_status:404"',
      '      {\n        hostname = "docker-mcp.example.com"\n        service  = "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080"\n      },\n      {\n        service = "http_status:404"',
    );
    writeFileSync(path, text);
    const plan = await planRepoPatch(dir, withCall());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toMatch(/the docker-mcp rule \(line \d+\) can never match: the rule for "\*\.example\.com" \(line 40\) catches docker-mcp\.example\.com first/);
  });

  it('goes above a rule whose hostname the repo does not prove (it could be a wildcard), and says so', async () => {
    const dir = copy('shape06-v5-locals-wildcard-split-roots');
    const path = join(dir, 'cloudflare/main.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace('hostname = local.auth_host', 'hostname = var.auth_host'));
    const plan = await planRepoPatch(dir, withCall());
    expect(plan.refused).toBeNull();
    const text = plan.edits.find((e) => e.relPath === 'cloudflare/main.tf')!.after;
    expect(text.indexOf('hostname = "docker-mcp.example.com"')).toBeLessThan(text.indexOf('hostname = var.auth_host'));
    expect(text.indexOf('hostname = "docker-mcp.example.com"')).toBeGreaterThan(text.indexOf('hostname = local.grafana_host'));
    expect(plan.notes).toContain('The rule for var.auth_host (line 35) has a hostname the repo does not prove (it could be a wildcard that catches docker-mcp.example.com); the docker-mcp rule goes directly above it.');
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
