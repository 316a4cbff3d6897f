// Review 2 findings 5, 6 (DNS half), 7 and 16 (docs/dev/ISSUE17-REVIEW-2.md): DNS records the repo's
// way. A record is cloned only into a zone the repo proves to be the host's; a record that already
// has the host's name covers it (a CNAME to this tunnel) or blocks the CNAME (anything else: the DNS
// part is refused, the tunnel rule still written); init's record from an earlier run is renamed in
// place on a re-run with other answers; `count = length(local.hosts)` gets the label at the end.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport, type RepoPatchInput } from '../../src/patch/index.js';
import { FIXTURES, fmtClean, hclErrors, input as baseInput, MODULE_CALL, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
/** With the template's status line, which the patcher replaces by what it really did. */
const input = (o: Partial<RepoPatchInput> = {}): RepoPatchInput => baseInput({ moduleCallHcl: `# Tunnel: placeholder\n${MODULE_CALL}`, ...o });

/** Plans and applies on `dir`; .tf files parse and are fmt-clean; a second run plans nothing. */
async function patch(dir: string, file: string, inp: RepoPatchInput = input()): Promise<{ text: string; report: string; notes: string }> {
  const plan = await planRepoPatch(dir, inp);
  expect(plan.refused, renderPatchReport(plan)).toBeNull();
  await applyRepoPatch(plan);
  const text = readFileSync(join(dir, file), 'utf8');
  expect(await hclErrors(text)).toBe('');
  expect(fmtClean(text)).toBe(true);
  expect((await planRepoPatch(dir, inp)).edits).toEqual([]);
  return { text, report: renderPatchReport(plan), notes: plan.notes.join('\n') };
}

/** The fixture's lines that the patched text no longer has. */
const lost = (fixture: string, file: string, text: string): string[] => {
  const kept = new Set(text.split('\n'));
  return readFileSync(join(FIXTURES, fixture, file), 'utf8').split('\n').filter((l) => !kept.has(l));
};
const records = (text: string): string[] => [...text.matchAll(/^resource "cloudflare_record" "([^"]+)"/gm)].map((m) => m[1]!);
const statusOf = (dir: string): string => readFileSync(join(dir, 'docker-mcp.tf'), 'utf8').split('\nmodule ')[0]!.replace(/\n# /g, ' ');

describe('finding 5: a cloned record lands only in the zone the repo proves to be the host\'s', () => {
  it('two zones, one `grafana` record in each: nothing proves example.com\'s zone id, so no clone; a snippet with a placeholder zone', async () => {
    const dir = copy('review2-v4-same-label-two-zones');
    const plan = await planRepoPatch(dir, input());
    const { text, notes } = await patch(dir, 'main.tf');
    expect(lost('review2-v4-same-label-two-zones', 'main.tf', text)).toEqual([]);
    expect(records(text)).toEqual(['grafana_old', 'grafana']);
    expect(text).toContain('hostname = "docker-mcp.example.com"');
    expect(notes).toContain('the repo does not prove which zone their zone_id expressions are');
    const dns = plan.snippets.find((s) => s.title.startsWith('DNS record for docker-mcp.example.com'))!;
    expect(dns.text).toContain('zone_id = "<zone id of the zone that holds docker-mcp.example.com>"');
    expect(dns.text).not.toContain('var.net_zone_id');
    // The repo's own target (finding 16's snippet half), not `${cloudflare_tunnel.home.id}.cfargotunnel.com`.
    expect(dns.text).toContain('value   = cloudflare_tunnel.home.cname');
    expect(statusOf(dir)).toContain('its DNS record is not created by this repo');
  });

  it('two zones, each proven by its own record: the clone copies `grafana` (example.com), never `wiki` (example.net)', async () => {
    const dir = copy('review2-v4-two-zones-one-tunnel');
    const { text, notes } = await patch(dir, 'main.tf');
    expect(lost('review2-v4-two-zones-one-tunnel', 'main.tf', text)).toEqual([]);
    expect(text).toContain('resource "cloudflare_record" "docker_mcp" {\n  zone_id = var.com_zone_id\n  name    = "docker-mcp"\n');
    expect(notes).toContain('DNS: a cloudflare_record "docker_mcp" like cloudflare_record.grafana (main.tf), name "docker-mcp".');
  });
});

describe('finding 5, control: full names and an apex record still prove their zone', () => {
  it('`name = local.prod_hostname` (example.com) beside api.example.com: cloned from `api`, full name', async () => {
    const dir = copy('review2-v5-apex-fqdn-records');
    const { text, notes } = await patch(dir, 'main.tf');
    expect(lost('review2-v5-apex-fqdn-records', 'main.tf', text)).toEqual([]);
    expect(text).toContain('resource "cloudflare_dns_record" "docker_mcp" {\n  zone_id = var.zone_id\n  name    = "docker-mcp.example.com"\n');
    expect(notes).toContain('like cloudflare_dns_record.api (main.tf)');
  });
});

describe('finding 7: a record with the host\'s name is detected', () => {
  it('an A record `docker-mcp`: the tunnel rule is written, no CNAME beside it, and the report says so naming main.tf:42', async () => {
    const dir = copy('review2-v4-existing-a-record');
    const { text, notes } = await patch(dir, 'main.tf');
    expect(lost('review2-v4-existing-a-record', 'main.tf', text)).toEqual([]);
    expect(text).toContain('hostname = "docker-mcp.example.com"');
    expect(records(text)).toEqual(['mcp_direct', 'nas', 'apex', 'grafana']);
    expect(notes).toContain('DNS NOT added: a record docker-mcp already exists (cloudflare_record.mcp_direct (main.tf:42), type A, value "203.0.113.7"); Cloudflare rejects a CNAME beside another record of the same name. The tunnel rule was written;');
    expect(statusOf(dir)).toContain('its DNS record is not created by this repo');
  });

  it('in a refusal (no catch-all) the blocking record is named too, without claiming a rule was written', async () => {
    const dir = copy('review2-v4-existing-a-record');
    const path = join(dir, 'main.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace('    ingress_rule {\n      service = "http_status:404"\n    }\n', ''));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toMatch(/no catch-all rule/);
    const said = plan.notes.find((n) => n.startsWith('DNS NOT added: a record docker-mcp already exists (cloudflare_record.mcp_direct (main.tf:'));
    expect(said).toBeDefined();
    expect(said).not.toContain('The tunnel rule was written');
    expect(plan.snippets.filter((s) => s.title.startsWith('DNS'))).toEqual([]);
  });

  it('var.domain unknown, record `docker-mcp` in the rules\' zone, a CNAME to the tunnel: no duplicate snippet, the condition said', async () => {
    const dir = copy('review2-v4-unresolved-domain-existing');
    const plan = await planRepoPatch(dir, input());
    const { text, notes } = await patch(dir, 'main.tf');
    // (Whether the `"docker-mcp.${var.domain}"` rule is updated or a literal one added is the tunnel half's call.)
    expect(records(text)).toEqual(['grafana', 'mcp']);
    expect(plan.snippets.filter((s) => s.title.startsWith('DNS'))).toEqual([]);
    expect(notes).toContain('DNS: cloudflare_record.mcp (main.tf:51) is named "docker-mcp" in zone_id var.zone_id, a CNAME to this tunnel; if ${var.domain} is the zone of docker-mcp.example.com, it already is the record for docker-mcp.example.com');
    expect(statusOf(dir)).toContain('its DNS record comes from cloudflare_record.mcp in main.tf (if ${var.domain} is the zone of docker-mcp.example.com)');
  });
});

describe('finding 6 (DNS half): init\'s record from an earlier run follows the changed answers', () => {
  const first = async (): Promise<string> => {
    const dir = copy('review2-v4-two-zones-one-tunnel');
    const { text } = await patch(dir, 'main.tf');
    expect(text).toContain('resource "cloudflare_record" "docker_mcp" {\n  zone_id = var.com_zone_id\n  name    = "docker-mcp"\n');
    return dir;
  };

  it('--tunnel-hostname mcp: the record is renamed in place, no second record', async () => {
    const dir = await first();
    const { text, notes } = await patch(dir, 'main.tf', input({ hostname: 'mcp.example.com' }));
    expect(records(text)).toEqual(['wiki', 'grafana', 'docker_mcp']);
    expect(text).toContain('resource "cloudflare_record" "docker_mcp" {\n  zone_id = var.com_zone_id\n  name    = "mcp"\n');
    expect(text).toContain('hostname = "mcp.example.com"');
    expect(notes).toContain('now has name "mcp"');
  });

  it('--domain-suffix example.net: the record moves to the zone proven to be example.net\'s', async () => {
    const dir = await first();
    const { text } = await patch(dir, 'main.tf', input({ hostname: 'docker-mcp.example.net' }));
    expect(records(text)).toEqual(['wiki', 'grafana', 'docker_mcp']);
    expect(text).toContain('resource "cloudflare_record" "docker_mcp" {\n  zone_id = var.net_zone_id\n  name    = "docker-mcp"\n');
  });

  it('--domain-suffix example.org (no such zone in the repo): no clone beside it; exactly what to change, on every run', async () => {
    const dir = await first();
    const inp = input({ hostname: 'docker-mcp.example.org' });
    const { text, notes } = await patch(dir, 'main.tf', inp);
    expect(records(text)).toEqual(['wiki', 'grafana', 'docker_mcp']);
    expect(text).toContain('hostname = "docker-mcp.example.org"');
    const says = 'DNS NOT updated: cloudflare_record.docker_mcp (main.tf:63) is the record for docker-mcp.example.com';
    expect(notes).toContain(says);
    expect((await planRepoPatch(dir, inp)).notes.join('\n')).toContain(says);
  });
});

describe('finding 16: DNS the repo\'s way', () => {
  it('count = length(local.hosts): "docker-mcp" appended at the end of local.hosts, no snippet', async () => {
    const dir = copy('review2-v4-count-records');
    const plan = await planRepoPatch(dir, input());
    const { text, notes } = await patch(dir, 'main.tf');
    expect(text).toContain('hosts = ["grafana", "wiki", "photos", "docker-mcp"]');
    expect(lost('review2-v4-count-records', 'main.tf', text)).toEqual(['  hosts = ["grafana", "wiki", "photos"]']);
    expect(plan.snippets.filter((s) => s.title.startsWith('DNS'))).toEqual([]);
    expect(notes).toContain('DNS: "docker-mcp" added at the end of local.hosts (main.tf), which cloudflare_record.tunnel counts over');
    expect(statusOf(dir)).toContain('its DNS record comes from cloudflare_record.tunnel (count over local.hosts)');
  });

  it('hostname = cloudflare_record.home.hostname: the record is cloned and the rule takes its hostname the same way', async () => {
    const dir = copy('review2-v4-hostname-from-record');
    const { text, notes } = await patch(dir, 'cloudflare.tf');
    expect(lost('review2-v4-hostname-from-record', 'cloudflare.tf', text)).toEqual([]);
    expect(text).toContain('    ingress_rule {\n      hostname = cloudflare_record.docker_mcp.hostname\n');
    expect(text).toContain('resource "cloudflare_record" "docker_mcp" {\n  name    = "docker-mcp"\n  type    = "CNAME"\n  value   = cloudflare_tunnel.home.cname\n  zone_id = var.cloudflare_zone_id\n');
    expect(notes).toContain('the repo does not prove that zone_id var.cloudflare_zone_id is example.com\'s zone');
    expect(statusOf(dir)).toContain('its DNS record comes from cloudflare_record.docker_mcp in cloudflare.tf (if its zone_id is the zone of docker-mcp.example.com)');
  });

  it('…but when a record of that name blocks the clone, the rule names the host literally (never a record that does not exist)', async () => {
    const dir = copy('review2-v4-hostname-from-record');
    appendFileSync(join(dir, 'cloudflare.tf'), '\nresource "cloudflare_record" "old_mcp" {\n  name    = "docker-mcp"\n  type    = "A"\n  value   = "203.0.113.7"\n  zone_id = var.cloudflare_zone_id\n}\n');
    const { text, notes } = await patch(dir, 'cloudflare.tf');
    expect(text).toContain('hostname = "docker-mcp.example.com"');
    expect(text).not.toContain('cloudflare_record.docker_mcp');
    expect(notes).toContain('DNS NOT added: a record docker-mcp already exists if its zone_id is the zone of docker-mcp.example.com (cloudflare_record.old_mcp');
  });
});
