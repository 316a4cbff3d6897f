// Review 1 findings on Terraform repos (docs/dev/ISSUE17-REVIEW-1.md 1–5): rules and items that only
// look like docker-mcp's, literal rules ahead of a collection, DNS record names, derived DNS.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport } from '../../src/patch/index.js';
import { FIXTURES, fmtClean, hclErrors, input, planWithDnsFilter, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
const WANTED = 'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080';
const lost = (fixture: string, file: string, text: string): string[] => {
  const kept = new Set(text.split('\n'));
  return readFileSync(join(FIXTURES, fixture, file), 'utf8').split('\n').filter((l) => !kept.has(l));
};

describe('finding 1: rules that only look like docker-mcp\'s stay someone else\'s', () => {
  it('another zone\'s docker-mcp.* and a path-restricted rule are kept; a full-host rule is added above the catch-all', async () => {
    const dir = copy('review1-v5-lookalike-rules');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    await applyRepoPatch(plan);
    const text = readFileSync(join(dir, 'main.tf'), 'utf8');
    expect(lost('review1-v5-lookalike-rules', 'main.tf', text)).toEqual([]);
    expect(text).toMatch(/path {5}= "\^\/legacy"\n {8}service {2}= "http:\/\/old-gateway[^\n]*\n {6}\},\n {6}# docker-mcp: managed[^\n]*\n {6}\{\n {8}hostname = "docker-mcp\.example\.com"\n {8}service {2}= "http:\/\/homelab-docker-mcp-gateway[^\n]*\n {6}\},\n {6}\{\n {8}service = "http_status:503"/);
    expect(await hclErrors(text)).toBe('');
    expect(fmtClean(text)).toBe(true);
    expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  });

  it('the same host with no path and another service is refused "update it by hand", naming file:line', async () => {
    const dir = copy('review1-v5-lookalike-rules');
    const path = join(dir, 'main.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace('        path     = "^/legacy"\n', ''));
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toBe(`main.tf:33 already routes docker-mcp.example.com to http://old-gateway.tools.svc.cluster.local:9000, a rule docker-mcp did not write; update it by hand (service = "${WANTED}") or remove it, then run again`);
    // Once the user points it at the gateway, the rule is recognised and the module call written.
    writeFileSync(path, readFileSync(path, 'utf8').replace('http://old-gateway.tools.svc.cluster.local:9000', WANTED));
    const after = await planRepoPatch(dir, input());
    expect(after.refused, renderPatchReport(after)).toBeNull();
    expect(after.edits.map((e) => e.relPath)).toEqual(['docker-mcp.tf']);
  });
});

describe('finding 1: a docker-mcp.* rule whose domain the repo does not prove', () => {
  const unproven = (dir: string, keepPath: boolean): void => {
    const path = join(dir, 'main.tf');
    let text = readFileSync(path, 'utf8')
      .replace('"docker-mcp.lab.example.net"', '"docker-mcp.${var.lab_domain}"')
      .replace('variable "zone_id" {}', 'variable "zone_id" {}\nvariable "lab_domain" {}');
    if (!keepPath) text = text.replace(/ {6}# the old gateway[^]*?\n {6}\},\n/, '');
    writeFileSync(path, text);
  };

  it('may be exactly the wanted host: the new rule goes above it, and the note says so', async () => {
    const dir = copy('review1-v5-lookalike-rules');
    unproven(dir, false);
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    const text = plan.edits.find((e) => e.relPath === 'main.tf')!.after;
    expect(text).toMatch(/hostname = "docker-mcp\.example\.com"\n[^\n]*\n {6}\},\n {6}# the lab zone's[^\n]*\n {6}\{\n {8}hostname = "docker-mcp\.\$\{var\.lab_domain\}"/);
    expect(plan.notes.join('\n')).toContain('has a hostname the repo does not prove');
  });

  it('refused when going above it would also put the new rule above a path rule for the same host', async () => {
    const dir = copy('review1-v5-lookalike-rules');
    unproven(dir, true);
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toContain('and then also above the `path` rule for docker-mcp.example.com (line 34), taking its requests');
  });
});

describe('finding 1 in a map collection: the key alone does not make an item docker-mcp\'s', () => {
  it('an item keyed "docker-mcp" with a path is someone else\'s; a second key cannot be added, so it is refused', async () => {
    const dir = copy('shape04-v5-root-for-map');
    const path = join(dir, 'services.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace('    vault = {', `    "docker-mcp" = {\n      service = "${WANTED}"\n      path    = "^/old"\n    }\n    vault = {`));
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toContain('local.tunnel_services already has an item "docker-mcp" (services.tf:10) whose rule is for docker-mcp.example.com restricted to a `path`, and a map cannot hold a second "docker-mcp"; rename that item or update it by hand');
  });
});

describe('finding 3: a cloned DNS record gets a resource name that is free', () => {
  it('cloudflare_record "docker_mcp" already exists (another host): the clone is "docker_mcp_gateway"', async () => {
    const dir = copy('review1-v4-record-name-taken');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    await applyRepoPatch(plan);
    const text = readFileSync(join(dir, 'main.tf'), 'utf8');
    expect(text.match(/resource "cloudflare_record" "docker_mcp"/g)).toHaveLength(1);
    expect(text).toContain('resource "cloudflare_record" "docker_mcp_gateway" {\n  zone_id = var.zone_id\n  name    = "docker-mcp"\n  value   = cloudflare_tunnel.k8s.cname');
    expect(lost('review1-v4-record-name-taken', 'main.tf', text)).toEqual([]);
    expect(fmtClean(text)).toBe(true);
    expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  });
});

describe('finding 2: literal rules written before a collection are checked for shadowing', () => {
  it('v5 concat([{ hostname = "*.${var.domain}" }], [for …], [catch-all]): a plain rule goes before the wildcard, not an item', async () => {
    const dir = copy('review1-v5-concat-wildcard-ahead');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['docker-mcp.tf', 'main.tf']);
    await applyRepoPatch(plan);
    const text = readFileSync(join(dir, 'main.tf'), 'utf8');
    expect(text).toContain(`      [/* docker-mcp: managed by docker-mcp init */ { hostname = "docker-mcp.example.com", service = "${WANTED}" }, { hostname = "*.\${var.domain}", service`);
    expect(readFileSync(join(dir, 'services.tf'), 'utf8')).toBe(readFileSync(join(FIXTURES, 'review1-v5-concat-wildcard-ahead/services.tf'), 'utf8'));
    expect(plan.notes.join('\n')).toContain('the rule at main.tf:29, written before the rules built from local.tunnel_services, ("*.example.com") catches docker-mcp.example.com first');
    expect(fmtClean(text)).toBe(true);
    const again = await planRepoPatch(dir, input());
    expect(again.edits).toEqual([]);
    expect(again.notes.join('\n')).toContain('the docker-mcp rule is already written out at main.tf:29');
  });

  it('v4 static ingress_rule "*.example.com" above dynamic "ingress_rule": the rule is written out above the wildcard', async () => {
    const dir = copy('review1-v4-static-wildcard-before-dynamic');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['docker-mcp.tf', 'tunnel.tf']);
    await applyRepoPatch(plan);
    const text = readFileSync(join(dir, 'tunnel.tf'), 'utf8');
    expect(text).toMatch(/ {2}config \{\n {4}# docker-mcp: managed[^\n]*\n {4}ingress_rule \{\n {6}hostname = "docker-mcp\.example\.com"\n[^\n]*\n {4}\}\n {4}ingress_rule \{\n {6}hostname = "\*\.example\.com"/);
    expect(lost('review1-v4-static-wildcard-before-dynamic', 'tunnel.tf', text)).toEqual([]);
    expect(fmtClean(text)).toBe(true);
    expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  });
});

describe('finding 4: DNS is derived from a for_each only when its if-filter provably includes the item', () => {
  it('contains(local.public, name) without "docker-mcp": not claimed, a record in the repo\'s style is printed', async () => {
    const dir = copy('review1-v5-dns-filter');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.notes.join('\n')).not.toContain('gives its DNS record');
    expect(plan.notes).toContain('DNS: cloudflare_dns_record.services iterates over local.tunnel_services, but its `if` filter leaves the docker-mcp item out; add the record for docker-mcp.example.com below yourself.');
    const dns = plan.snippets.find((s) => s.title.startsWith('DNS record'))!;
    expect(dns.text).toContain('resource "cloudflare_dns_record" "docker_mcp" {\n  zone_id = var.zone_id\n');
    expect(dns.text).toContain('content = "${cloudflare_zero_trust_tunnel_cloudflared.homelab.id}.cfargotunnel.com"');
    expect(plan.moduleCall).not.toContain('comes from the same collection');
    await applyRepoPatch(plan);
    expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  });

  it('with "docker-mcp" in local.public the record is derived from the collection, and no snippet is printed', async () => {
    const dir = copy('review1-v5-dns-filter');
    const path = join(dir, 'main.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace('public = ["grafana"]', 'public = ["grafana", "docker-mcp"]'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.notes[0]).toContain('which also gives its DNS record (cloudflare_dns_record.services)');
    expect(plan.snippets).toEqual([]);
  });
});

describe('findings 1c and 5: a collection item for the host with another service', () => {
  it('is refused "update it by hand" (as a written-out rule is), with no rule above the dynamic block and no duplicate DNS snippet', async () => {
    const plan = await planRepoPatch(copy('review1-v4-dynamic-item-other-service'), input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toContain('local.ingress_rules already has an item for docker-mcp.example.com (locals.tf:14) with other values; update it by hand');
    expect(plan.snippets.filter((s) => /DNS|record/.test(s.title))).toEqual([]);
    expect(plan.snippets.map((s) => s.text).join('\n')).not.toMatch(/cloudflare_record|cloudflare_dns_record/);
  });
});

describe('finding 4: the if-filter evaluator proves only what literals prove', () => {
  const cases: [string, RegExp][] = [
    ['contains(local.public, name) || svc.service != ""', /which also gives its DNS record \(cloudflare_dns_record\.services\)/],
    ['!contains(local.public, name) && name != "vault"', /which also gives its DNS record/],
    ['lookup(svc, "public", false)', /its `if` filter leaves the docker-mcp item out/],
    ['(name == "grafana")', /its `if` filter leaves the docker-mcp item out/],
    ['svc.public', /DNS unproven: cloudflare_dns_record\.services iterates over local\.tunnel_services with an `if` filter/],
    // length() and comparisons are evaluated since finding 7's session (patch-data.test.ts has more).
    ['length(name) > 3', /which also gives its DNS record/],
    ['length(svc.service) > length(name) && svc.port > 1024', /DNS unproven/],
  ];
  it.each(cases)('if %s', async (cond, expected) => {
    const plan = await planWithDnsFilter(copy, cond);
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.notes.join('\n')).toMatch(expected);
  });
});

describe('finding 8 (HCL planners): a refusal\'s snippet names the real insertion point', () => {
  it('a map whose "*" entry sorts first: the snippet is a written-out rule before the generated ones, not the shadowed item', async () => {
    // concat(…) on one line: no list can be inserted before the [for …] (patched otherwise: patch-data.test.ts).
    const dir = copy('review1-v5-map-wildcard-key');
    const path = join(dir, 'main.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/concat\(\n\s+(\[for [^\n]*\]),\n\s+(\[\{ service = "http_status:404" \}\]),\n\s+\)/, 'concat($1, $2)'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toContain('the item for "*.example.com" in local.tunnel_services catches docker-mcp.example.com, and a map\'s rules come out in key order');
    const rule = plan.snippets[0]!;
    expect(rule.title).toBe('Ingress rule (Cloudflare provider v5), in a list of its own before the generated rules (main.tf:28): `concat([<this rule>], [for …], …)`');
    expect(rule.where).toBe('main.tf:28, in the ingress expression');
    expect(rule.text).toContain('hostname = "docker-mcp.example.com"');
    expect(plan.snippets.map((s) => s.title).join('\n')).not.toContain('One more item');
  });

  it('an existing docker-mcp rule below a wildcard: the snippet goes above the wildcard, not "above the catch-all"', async () => {
    const dir = copy('review1-v5-lookalike-rules');
    const path = join(dir, 'main.tf');
    writeFileSync(path, readFileSync(path, 'utf8')
      .replace('"docker-mcp.lab.example.net"', '"*.example.com"')
      .replace('        path     = "^/legacy"\n        service  = "http://old-gateway.tools.svc.cluster.local:9000"', `        service  = "${WANTED}"`));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toContain('the docker-mcp rule (line 33) can never match: the rule for "*.example.com" (line 28) catches docker-mcp.example.com first');
    expect(plan.snippets[0]!.title).toBe('Ingress rule (Cloudflare provider v5), directly above the rule for "*.example.com" (line 28), in place of the one at line 33');
  });
});
