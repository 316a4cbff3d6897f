// Review 1, finding 10 (DNS the repo's way) and the DNS part of finding 11 (docs/dev/ISSUE17-REVIEW-1.md).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport, type RepoPatchInput } from '../../src/patch/index.js';
import { FIXTURES, fmtClean, hclErrors, input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
const lost = (fixture: string, file: string, text: string): string[] => {
  const kept = new Set(text.split('\n'));
  return readFileSync(join(FIXTURES, fixture, file), 'utf8').split('\n').filter((l) => !kept.has(l));
};

/** Plans, applies, checks the second run is a no-op; returns the first plan. */
async function patchTwice(dir: string, answers: RepoPatchInput = input()): Promise<Awaited<ReturnType<typeof planRepoPatch>>> {
  const plan = await planRepoPatch(dir, answers);
  expect(plan.refused, renderPatchReport(plan)).toBeNull();
  await applyRepoPatch(plan);
  expect((await planRepoPatch(dir, answers)).edits).toEqual([]);
  return plan;
}

describe('finding 10: a record whose for_each is an inline label list', () => {
  it('adds "docker-mcp" to a multi-line toset([…]) in place', async () => {
    const dir = copy('review1-f10-inline-labels');
    const plan = await patchTwice(dir);
    const text = readFileSync(join(dir, 'main.tf'), 'utf8');
    expect(lost('review1-f10-inline-labels', 'main.tf', text)).toEqual([]);
    expect(text).toContain('  for_each = toset([\n    "grafana", # dashboards\n    "wiki",\n    "docker-mcp",\n  ])');
    expect(plan.snippets).toEqual([]);
    expect(plan.notes).toContain('DNS: "docker-mcp" added to the for_each list of cloudflare_record.apps (main.tf).');
    expect(await hclErrors(text)).toBe('');
    expect(fmtClean(text)).toBe(true);
  });

  it('adds it to a one-line toset(["grafana", "wiki"]) too', async () => {
    const dir = copy('review1-f10-inline-labels');
    const path = join(dir, 'main.tf');
    // One-line, so `for_each` is aligned with the attributes below it (as terraform fmt wants).
    const text0 = readFileSync(path, 'utf8');
    const at = text0.indexOf('resource "cloudflare_record"');
    const oneLine = text0.slice(0, at) + text0.slice(at).replace(/toset\(\[[^\]]*\]\)/, 'toset(["grafana", "wiki"])').replace(/\n {2}(zone_id|name|type|value|proxied) +=/g, (_, k: string) => `\n  ${k.padEnd(8)} =`);
    expect(fmtClean(oneLine)).toBe(true);
    writeFileSync(path, oneLine);
    const plan = await patchTwice(dir);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('  for_each = toset(["grafana", "wiki", "docker-mcp"])\n');
    expect(plan.snippets).toEqual([]);
    expect(fmtClean(text)).toBe(true);
  });
});

describe('finding 11: a proxied wildcard covers one more label, not deeper names', () => {
  const lab = input({ hostname: 'docker-mcp.lab.example.com', moduleCallHcl: input().moduleCallHcl.replace('"example.com"', '"lab.example.com"') });

  it('*.example.com is not claimed to cover docker-mcp.lab.example.com: a record is given, with the certificate note', async () => {
    const dir = copy('review1-f10-wildcard-deeper');
    const plan = await patchTwice(dir, lab);
    expect(plan.notes.join('\n')).not.toContain('already covers');
    expect(plan.notes.join('\n')).toContain("Universal SSL certificate covers one level of subdomain only");
    const dns = plan.snippets.find((s) => s.title.startsWith('DNS record for docker-mcp.lab.example.com'));
    expect(dns?.text).toContain('name    = "docker-mcp.lab.example.com"');
    expect(dns?.text).toContain('zone_id = var.zone_id');
  });

  it('docker-mcp.example.com, one label below, is still covered', async () => {
    const dir = copy('review1-f10-wildcard-deeper');
    const plan = await patchTwice(dir);
    expect(plan.notes).toContain('DNS: cloudflare_dns_record.wild (main.tf) already covers docker-mcp.example.com.');
    expect(plan.snippets).toEqual([]);
  });
});

describe('finding 10: hostnames from data.cloudflare_zone.<n>.name', () => {
  it('v4 `name = "example.com"`: the rule in the repo\'s style, the per-host record cloned', async () => {
    const dir = copy('review1-f10-data-zone-v4');
    const plan = await patchTwice(dir);
    const text = readFileSync(join(dir, 'main.tf'), 'utf8');
    expect(lost('review1-f10-data-zone-v4', 'main.tf', text)).toEqual([]);
    expect(text).toContain('    ingress_rule {\n      hostname = "docker-mcp.${data.cloudflare_zone.main.name}"\n');
    expect(text).toContain('resource "cloudflare_record" "docker_mcp" {\n  zone_id = data.cloudflare_zone.main.id\n  name    = "docker-mcp"\n  value   = cloudflare_tunnel.k8s.cname\n');
    expect(plan.snippets).toEqual([]);
    expect(await hclErrors(text)).toBe('');
    expect(fmtClean(text)).toBe(true);
  });

  it('v5 `filter = { name = local.domain }`: the clone keeps the "x.${data…name}" style and zone_id', async () => {
    const dir = copy('review1-f10-data-zone-v5');
    const plan = await patchTwice(dir);
    const text = readFileSync(join(dir, 'main.tf'), 'utf8');
    expect(lost('review1-f10-data-zone-v5', 'main.tf', text)).toEqual([]);
    expect(text).toContain('        hostname = "docker-mcp.${data.cloudflare_zone.main.name}"\n');
    expect(text).toContain('resource "cloudflare_dns_record" "docker_mcp" {\n  zone_id = data.cloudflare_zone.main.zone_id\n  name    = "docker-mcp.${data.cloudflare_zone.main.name}"\n');
    expect(plan.snippets).toEqual([]);
    expect(fmtClean(text)).toBe(true);
  });

  it('v5 filter with an operator (`starts_with:`) proves nothing: the literal hostname, no clone', async () => {
    const dir = copy('review1-f10-data-zone-v5');
    const path = join(dir, 'main.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace('name = local.domain', 'name = "starts_with:example"'));
    const plan = await patchTwice(dir);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('        hostname = "docker-mcp.example.com"\n');
    expect(text).not.toContain('resource "cloudflare_dns_record" "docker_mcp"');
    expect(plan.snippets.map((s) => s.title)).toEqual([expect.stringContaining('DNS record for docker-mcp.example.com')]);
  });
});

describe('finding 10: two tunnel configs in one root', () => {
  it('refuses naming each config file:line, with a v4 rule and a cloned DNS record per tunnel, and the real root', async () => {
    const dir = copy('review1-f10-two-tunnels-v4');
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toContain('ambiguous: 2 tunnel configurations (resource.cloudflare_tunnel_config.k8s (main.tf:31), resource.cloudflare_tunnel_config.nas (main.tf:46))');
    expect(plan.refused).toContain('no flag picks one: add the docker-mcp rule below to the one you choose');
    const titles = plan.snippets.map((s) => `${s.title} | ${s.where}`);
    expect(titles.filter((t) => t.includes('provider v5'))).toEqual([]);
    expect(titles.filter((t) => t.startsWith('Ingress rule (Cloudflare provider v4)')).map((t) => t.split(' | ')[1])).toEqual([
      'resource.cloudflare_tunnel_config.k8s (main.tf:31)',
      'resource.cloudflare_tunnel_config.nas (main.tf:46)',
    ]);
    const dns = plan.snippets.filter((s) => s.title.startsWith('DNS record for docker-mcp.example.com'));
    expect(dns.map((s) => /value {3}= (\S+)/.exec(s.text)?.[1])).toEqual(['cloudflare_tunnel.k8s.cname', 'cloudflare_tunnel.nas.cname']);
    expect(dns[0]!.text).toContain('zone_id = data.cloudflare_zone.main.id\n  name    = "docker-mcp"\n');
    expect(plan.snippets.find((s) => s.title.startsWith('Ingress rule'))!.text).toContain('hostname = "docker-mcp.${data.cloudflare_zone.main.name}"');
    const report = renderPatchReport(plan);
    expect(report).not.toContain('<root module>');
    expect(report).toContain('(./docker-mcp.tf)');
  });

  it('a tunnel whose wildcard record already covers the host says so on its rule, with no record to add', async () => {
    const dir = copy('review1-f10-two-tunnels-v4');
    const path = join(dir, 'main.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace('name    = "nas"', 'name    = "*.${data.cloudflare_zone.main.name}"'));
    const plan = await planRepoPatch(dir, input());
    const nas = plan.snippets.filter((s) => s.where.includes('cloudflare_tunnel_config.nas') || s.title.includes('cloudflare_tunnel_config.nas'));
    expect(nas.map((s) => s.title)).toEqual(['Ingress rule (Cloudflare provider v4), directly above the catch-all `http_status:404` rule (DNS: cloudflare_record.nas (main.tf) already covers docker-mcp.example.com)']);
  });

  it('after the user adds the printed rule to one config by hand, a re-run uses that tunnel and writes the module', async () => {
    const dir = copy('review1-f10-two-tunnels-v4');
    const path = join(dir, 'main.tf');
    const refused = await planRepoPatch(dir, input());
    const rule = refused.snippets.find((s) => s.where.startsWith('resource.cloudflare_tunnel_config.k8s'))!.text;
    const text = readFileSync(path, 'utf8');
    const catchAll = '    ingress_rule {\n      service = "http_status:404"';
    const pasted = text.replace(catchAll, `${rule.trimEnd().replace(/^/gm, '    ')}\n${catchAll}`);
    expect(fmtClean(pasted)).toBe(true);
    writeFileSync(path, pasted);
    const plan = await patchTwice(dir);
    expect(plan.notes.join('\n')).toContain('the docker-mcp rule is in resource.cloudflare_tunnel_config.k8s (main.tf:31), so that tunnel is used');
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['docker-mcp.tf', 'main.tf']);
    const after = readFileSync(path, 'utf8');
    expect(after).toContain('resource "cloudflare_record" "docker_mcp" {\n  zone_id = data.cloudflare_zone.main.id\n  name    = "docker-mcp"\n  value   = cloudflare_tunnel.k8s.cname\n');
    expect(lost('review1-f10-two-tunnels-v4', 'main.tf', after)).toEqual([]);
    expect(fmtClean(after)).toBe(true);
    expect(readFileSync(join(dir, 'docker-mcp.tf'), 'utf8')).toContain('module "docker_mcp_gateway"');
  });
});

describe('finding 10: a refusal gives DNS the repo\'s way', () => {
  it('no services list: the refusal clones the per-host record instead of printing no DNS at all', async () => {
    const dir = copy('review1-f10-data-zone-v4');
    const path = join(dir, 'main.tf');
    // No catch-all: refused (cloudflared requires one).
    writeFileSync(path, readFileSync(path, 'utf8').replace('    ingress_rule {\n      service = "http_status:404"\n    }\n', ''));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toContain('has no catch-all rule');
    expect(plan.snippets.map((s) => s.title)).not.toContain('DNS: add to the services list');
    const dns = plan.snippets.filter((s) => s.title.startsWith('DNS'));
    expect(dns).toHaveLength(1);
    expect(dns[0]!.where).toBe('at the end of main.tf');
    expect(dns[0]!.text).toBe('resource "cloudflare_record" "docker_mcp" {\n  zone_id = data.cloudflare_zone.main.id\n  name    = "docker-mcp"\n  value   = cloudflare_tunnel.k8s.cname\n  type    = "CNAME"\n  proxied = true\n}\n');
    // The module call stays the last snippet.
    expect(plan.snippets.at(-1)!.title).toBe('The docker-mcp module call, in its own file');
  });

  it('an inline label list: the refusal says which list gets "docker-mcp"', async () => {
    const dir = copy('review1-f10-inline-labels');
    const path = join(dir, 'main.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace('    ingress_rule {\n      service = "http_status:404"\n    }\n', ''));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toContain('has no catch-all rule');
    const dns = plan.snippets.filter((s) => s.title.startsWith('DNS'));
    expect(dns.map((s) => [s.title, s.where, s.text])).toEqual([
      ['DNS for docker-mcp.example.com: "docker-mcp" goes into the for_each list of cloudflare_record.apps (main.tf)', 'main.tf, in that list', '"docker-mcp",\n'],
    ]);
  });
});

describe('finding 10: tunnel and DNS in Terraform, cloudflared config in a sibling k8s/ ConfigMap', () => {
  it('finds the ConfigMap from the git root, patches it, and clones the DNS record in Terraform', async () => {
    const repo = copy('review1-f10-sibling-k8s');
    mkdirSync(join(repo, '.git'));
    const dir = join(repo, 'terraform');
    const plan = await patchTwice(dir);
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['../k8s/cloudflared.yaml', 'main.tf']);
    const yaml = readFileSync(join(repo, 'k8s/cloudflared.yaml'), 'utf8');
    expect(yaml).toContain('      - hostname: docker-mcp.example.com\n        service: http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080\n      - service: http_status:404');
    const tf = readFileSync(join(dir, 'main.tf'), 'utf8');
    expect(lost('review1-f10-sibling-k8s', 'terraform/main.tf', tf)).toEqual([]);
    expect(tf).toContain('resource "cloudflare_record" "docker_mcp" {\n  zone_id = var.zone_id\n  name    = "docker-mcp"\n  value   = cloudflare_tunnel.home.cname\n');
    expect(fmtClean(tf)).toBe(true);
    expect(plan.snippets.map((s) => s.text).join('\n')).not.toContain('cloudflared tunnel route dns');
    expect(plan.notes).toContain('DNS: a cloudflare_record "docker_mcp" like cloudflare_record.grafana (main.tf), name "docker-mcp".');
  });

  it('with --cloudflared-configmap (mode yaml) the Terraform root is still read for the DNS record', async () => {
    const repo = copy('review1-f10-sibling-k8s');
    const answers = input({ mode: 'yaml', terraformDir: join(repo, 'terraform') });
    const plan = await patchTwice(join(repo, 'k8s/cloudflared.yaml'), answers);
    expect(plan.edits.map((e) => e.path).sort()).toEqual([join(repo, 'k8s/cloudflared.yaml'), join(repo, 'terraform/main.tf')]);
    // Relative to the --terraform-dir, as every path in the report (review 3, finding 13).
    expect(plan.edits.find((e) => e.path.endsWith('.tf'))!.relPath).toBe('main.tf');
    expect(readFileSync(join(repo, 'terraform/main.tf'), 'utf8')).toContain('resource "cloudflare_record" "docker_mcp" {\n  zone_id = var.zone_id\n  name    = "docker-mcp"\n');
    expect(plan.snippets.map((s) => s.text).join('\n')).not.toContain('cloudflared tunnel route dns');
  });

  it('outside a git repo the search stays in the Terraform directory (refused: no tunnel config there)', async () => {
    const repo = copy('review1-f10-sibling-k8s');
    const plan = await planRepoPatch(join(repo, 'terraform'), input());
    expect(plan.refused).toContain('no tunnel configuration found');
  });
});

describe('finding 10: zone_id from data.cloudflare_zone when no record shows one', () => {
  it('the DNS snippet takes data.cloudflare_zone.main.id (the zone its name proves)', async () => {
    const dir = copy('review1-f10-data-zone-v5');
    const path = join(dir, 'main.tf');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, text.indexOf('resource "cloudflare_dns_record"')));
    const plan = await patchTwice(dir);
    const dns = plan.snippets.find((s) => s.title.startsWith('DNS record for docker-mcp.example.com'))!;
    expect(dns.title).toContain('zone_id from data.cloudflare_zone.main, whose name is proven');
    expect(dns.text).toContain('  zone_id = data.cloudflare_zone.main.id\n  name    = "docker-mcp.example.com"\n');
    expect(dns.text).toContain('content = "${cloudflare_zero_trust_tunnel_cloudflared.k8s.id}.cfargotunnel.com"');
  });
});
