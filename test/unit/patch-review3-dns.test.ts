// Review 3, findings 14 and 15 (docs/dev/ISSUE17-REVIEW-3.md): DNS for a collection-driven config
// follows a separate label list; a plain `name = each.value` list takes a label or an FQDN from its
// own items, never from the rules' hostnames.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport, type RepoPatchInput } from '../../src/patch/index.js';
import { fmtClean, hclErrors, input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
const read = (dir: string, rel: string): string => readFileSync(join(dir, rel), 'utf8');

/** Plans, applies, checks fmt/parse, every original line kept, and that a second run is a no-op. */
async function patch(dir: string, overrides: Partial<RepoPatchInput> = {}, extended: string[] = []): Promise<{ notes: string; snippets: string }> {
  const plan = await planRepoPatch(dir, input(overrides));
  expect(plan.refused, renderPatchReport(plan)).toBeNull();
  const before = new Map(plan.edits.filter((e) => e.before !== null).map((e) => [e.path, e.before!]));
  await applyRepoPatch(plan);
  for (const [path, text] of before) {
    const after = readFileSync(path, 'utf8');
    // A one-line list stays one line: that line is extended, not replaced (`extended`).
    for (const line of text.split('\n').filter((l) => !extended.includes(l))) expect(after.split('\n')).toContain(line);
    if (path.endsWith('.tf')) {
      expect(await hclErrors(after)).toBe('');
      expect(fmtClean(after)).toBe(true);
    }
  }
  expect((await planRepoPatch(dir, input(overrides))).edits).toEqual([]);
  return { notes: plan.notes.join('\n'), snippets: plan.snippets.map((s) => `${s.title}\n${s.text}`).join('\n') };
}

describe('finding 14: collection-driven ingress, DNS from a separate label list', () => {
  it('a5: "docker-mcp" goes into local.public_names (a label, as its items are), no snippet', async () => {
    const dir = copy('review3-f14-dns-separate-list');
    const { notes, snippets } = await patch(dir, {}, ['  public_names = ["grafana", "wiki"]']);
    const main = read(dir, 'main.tf');
    expect(main).toContain('"docker-mcp" = "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080"');
    expect(main).toMatch(/public_names = \["grafana", "wiki", "docker-mcp"\]/);
    expect(main).not.toContain('"docker-mcp.example.com"');
    expect(notes).toContain('DNS: "docker-mcp" added to local.public_names (main.tf), which cloudflare_dns_record.public iterates over');
    expect(notes).not.toContain('No DNS record is generated');
    expect(snippets).not.toContain('DNS record');
  });
  it('a5 with the label list in another file: that file gets the label, in the same run', async () => {
    const dir = copy('review3-f14-dns-separate-list');
    writeFileSync(join(dir, 'main.tf'), read(dir, 'main.tf').replace('  public_names = ["grafana", "wiki"]\n', ''));
    writeFileSync(join(dir, 'dns.tf'), 'locals {\n  public_names = [\n    "grafana",\n    "wiki",\n  ]\n}\n');
    await patch(dir);
    expect(read(dir, 'dns.tf')).toBe('locals {\n  public_names = [\n    "grafana",\n    "wiki",\n    "docker-mcp",\n  ]\n}\n');
    expect(read(dir, 'main.tf')).toContain('"docker-mcp" = "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080"');
  });
});

describe('finding 15: label or FQDN from the list\'s own items', () => {
  const sibling = (edit?: (tf: string) => string): { repo: string; dir: string } => {
    const repo = copy('review3-f15-sibling-labels');
    mkdirSync(join(repo, '.git'));
    const dir = join(repo, 'terraform');
    if (edit) writeFileSync(join(dir, 'main.tf'), edit(read(dir, 'main.tf')));
    return { repo, dir };
  };

  it('e3: bare labels beside rules example.com and *.example.com get the label "docker-mcp"', async () => {
    const { repo, dir } = sibling();
    await patch(dir);
    expect(read(dir, 'main.tf')).toContain('    "grafana", # dashboards\n    "wiki",\n    "docker-mcp",\n  ])');
    expect(read(repo, 'kubernetes/apps/networking/cloudflared/app/resources/config.yaml')).toContain('docker-mcp.example.com');
  });

  it('a list of FQDNs gets the FQDN', async () => {
    const { dir } = sibling((tf) => tf.replace('"grafana", #', '"grafana.example.com", #').replace('"wiki",', '"wiki.example.com",'));
    await patch(dir);
    expect(read(dir, 'main.tf')).toContain('    "wiki.example.com",\n    "docker-mcp.example.com",\n  ])');
  });

  it('a mixed list gets the full hostname (it does not depend on the zone)', async () => {
    const { dir } = sibling((tf) => tf.replace('"wiki",', '"wiki.example.com",'));
    await patch(dir);
    expect(read(dir, 'main.tf')).toContain('    "wiki.example.com",\n    "docker-mcp.example.com",\n  ])');
  });
});

describe('ISSUE17-STATUS "Open": DNS for a literal rule list passed as a module argument', () => {
  it('review1-f7-module-arg: the caller\'s per-host record (module.tunnel.tunnel_id) is cloned in the caller', async () => {
    const dir = copy('review1-f7-module-arg');
    const child = read(dir, 'modules/tunnel/main.tf');
    const { notes, snippets } = await patch(dir);
    expect(read(dir, 'main.tf')).toContain(
      'resource "cloudflare_dns_record" "docker_mcp" {\n  zone_id = var.zone_id\n  name    = "docker-mcp.example.com"\n  type    = "CNAME"\n  content = "${module.tunnel.tunnel_id}.cfargotunnel.com"\n',
    );
    expect(read(dir, 'modules/tunnel/main.tf')).toBe(child);
    expect(notes).toContain('DNS: a cloudflare_dns_record "docker_mcp" like cloudflare_dns_record.grafana (main.tf)');
    expect(snippets).toBe('');
  });

  it('without a record in the caller: the snippet is for the caller, with references that exist there', async () => {
    const dir = copy('review1-f7-module-arg');
    writeFileSync(join(dir, 'main.tf'), read(dir, 'main.tf').replace(/\nresource "cloudflare_dns_record" "grafana" \{[\s\S]*?\n\}\n/, ''));
    expect(read(dir, 'main.tf')).not.toContain('cloudflare_dns_record');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    const dns = plan.snippets.filter((s) => s.title.startsWith('DNS'));
    expect(dns).toHaveLength(1);
    expect(dns[0]!.where).toBe('next to module "tunnel" in main.tf');
    expect(dns[0]!.text).toContain('content = "${module.tunnel.tunnel_id}.cfargotunnel.com"');
    expect(dns[0]!.text).not.toContain('cloudflare_zero_trust_tunnel_cloudflared.this');
  });
});
