// Review 2 (docs/dev/ISSUE17-REVIEW-2.md), finding 6 (a re-run with a changed --domain-suffix or
// --tunnel-hostname updates init's own item/rule in place, in every shape) and finding 12 (two
// literal tunnel configs: the one that proves the answers' domain, else the user's hand-added rule).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport, type RepoPatchInput } from '../../src/patch/index.js';
import { fmtClean, input, MODULE_CALL, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
const GATEWAY = 'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080';
const count = (text: string, needle: string): number => text.split(needle).length - 1;
const lost = (before: string, after: string): string[] => {
  const kept = new Set(after.split('\n'));
  return before.split('\n').filter((l) => !kept.has(l));
};

/** Answers for another domain and/or tunnel hostname, with the module call to match. */
function answers(domain: string, label = 'docker-mcp'): RepoPatchInput {
  const call = MODULE_CALL.replace('example.com', domain).replace('tunnel_hostname = "docker-mcp"', `tunnel_hostname = "${label}"`);
  return input({ hostname: `${label}.${domain}`, moduleCallHcl: call });
}

/** Plans, applies, checks the second run is a no-op; returns the first plan. */
async function patchTwice(dir: string, a: RepoPatchInput = input()): Promise<Awaited<ReturnType<typeof planRepoPatch>>> {
  const plan = await planRepoPatch(dir, a);
  expect(plan.refused, renderPatchReport(plan)).toBeNull();
  await applyRepoPatch(plan);
  expect((await planRepoPatch(dir, a)).edits).toEqual([]);
  return plan;
}

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');

describe('finding 6: a re-run with changed answers updates init\'s own item in place', () => {
  it('compact literal list (no marker): the rule to the gateway\'s Service gets the new domain, no second rule', async () => {
    const dir = copy('review2-v5-compact-rerun');
    const before = read(dir, 'cloudflare.tf');
    const plan = await patchTwice(dir, answers('example.org'));
    const after = read(dir, 'cloudflare.tf');
    expect(count(after, GATEWAY)).toBe(1);
    expect(after).toContain('      hostname = "docker-mcp.example.org"\n      service  = "http://homelab-docker-mcp-gateway');
    expect(lost(before, after)).toEqual(['      hostname = "docker-mcp.example.com"']);
    expect(fmtClean(after)).toBe(fmtClean(before));
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['cloudflare.tf', 'docker-mcp.tf']);
  });

  it('compact literal list, --tunnel-hostname mcp: same rule, new name', async () => {
    const dir = copy('review2-v5-compact-rerun');
    await patchTwice(dir, answers('example.com', 'mcp'));
    const after = read(dir, 'cloudflare.tf');
    expect(count(after, GATEWAY)).toBe(1);
    expect(after).toContain('      hostname = "mcp.example.com"\n');
    expect(after).not.toContain('docker-mcp.example.com');
  });

  it('list item with the marker (shape02, v4 dynamic over locals): example.com, then example.org, in place', async () => {
    const dir = copy('shape02-v4-dynamic-locals-list');
    await patchTwice(dir);
    const first = read(dir, 'locals.tf');
    await patchTwice(dir, answers('example.org'));
    const after = read(dir, 'locals.tf');
    expect(count(after, GATEWAY)).toBe(1);
    expect(count(after, 'managed by docker-mcp')).toBe(1);
    // local.domain is example.com, so the new hostname is written literally.
    expect(lost(first, after)).toEqual(['      hostname = "docker-mcp.${local.domain}"']);
    expect(after).toContain('    # docker-mcp: managed by docker-mcp init; re-run it to change this rule\n    {\n      hostname = "docker-mcp.example.org"\n');
    expect(fmtClean(after)).toBe(true);
  });

  it('marked list item, another namespace (new Service URL, same host): the marker alone makes it init\'s, updated in place', async () => {
    const dir = copy('shape02-v4-dynamic-locals-list');
    await patchTwice(dir);
    const first = read(dir, 'locals.tf');
    const moved = GATEWAY.replace('.homelab.svc', '.tools.svc');
    await patchTwice(dir, input({ serviceUrl: moved, moduleCallHcl: MODULE_CALL.replace('namespace       = "homelab"', 'namespace       = "tools"') }));
    const after = read(dir, 'locals.tf');
    expect(lost(first, after)).toEqual([`      service  = "${GATEWAY}"`]);
    expect(count(after, moved)).toBe(1);
    expect(fmtClean(after)).toBe(true);
  });

  it('an unmarked hand-written item for the host to another service stays the user\'s: refused, not rewritten', async () => {
    const dir = copy('shape02-v4-dynamic-locals-list');
    await patchTwice(dir);
    const path = join(dir, 'locals.tf');
    writeFileSync(path, read(dir, 'locals.tf').replace(/ *# docker-mcp: managed[^\n]*\n/, '').replace(GATEWAY, 'http://old-gateway.tools.svc.cluster.local:8080'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toContain('already has an item for docker-mcp.example.com');
  });

  it('map entry (shape04): --tunnel-hostname mcp renames init\'s key, no refusal', async () => {
    const dir = copy('shape04-v5-root-for-map');
    await patchTwice(dir);
    const first = read(dir, 'services.tf');
    await patchTwice(dir, answers('example.com', 'mcp'));
    const after = read(dir, 'services.tf');
    expect(count(after, GATEWAY)).toBe(1);
    expect(lost(first, after)).toEqual(['    "docker-mcp" = {']);
    expect(after).toContain('    # docker-mcp: managed by docker-mcp init; re-run it to change this rule\n    "mcp" = {\n');
    expect(fmtClean(after)).toBe(true);
  });

  it('map entry (shape04) whose hostname is "${name}.${var.domain}": another domain is refused truthfully, then the hand edit is recognised', async () => {
    const dir = copy('shape04-v5-root-for-map');
    await patchTwice(dir);
    mkdirSync(join(dir, 'modules', 'docker-mcp-gateway'), { recursive: true });
    // What an earlier init leaves there: its manifest (only that proves init wrote the module, review 4 #10).
    writeFileSync(join(dir, 'modules', 'docker-mcp-gateway', '.docker-mcp-manifest.json'), '{"generator":"docker-mcp","files":{}}\n');
    const refused = await planRepoPatch(dir, answers('example.org'));
    expect(refused.edits).toEqual([]);
    expect(refused.refused).toContain('local.tunnel_services has the docker-mcp item an earlier init wrote (services.tf:17, for docker-mcp.example.com)');
    expect(refused.refused).toContain('remove that item and write the rule out by hand');
    expect(refused.refused).not.toContain('rename that item');
    const rule = refused.snippets.find((s) => s.title.startsWith('Ingress rule'))!;
    expect(rule.title).toContain('in a list of its own before the generated rules (main.tf:29)');
    expect(rule.title).toContain('replacing the item at services.tf:17');
    expect(rule.text).not.toMatch(/^"?docker-mcp"? = \{/m);
    const report = renderPatchReport(refused);
    expect(report).not.toContain('was not written either');
    expect(report).toContain('which an earlier run wrote; this run left it and docker-mcp.tf as they were');
    // The user follows the report: removes the item, writes the rule out before the [for …].
    const services = read(dir, 'services.tf').replace(/ *# docker-mcp: managed[^\n]*\n *"docker-mcp" = \{\n[^\n]*\n *\}\n/, '');
    expect(count(services, GATEWAY)).toBe(0);
    writeFileSync(join(dir, 'services.tf'), services);
    const main = read(dir, 'main.tf');
    const forLine = '      [for name, svc in local.tunnel_services';
    const pasted = main.replace(forLine, `      [\n${rule.text.trimEnd().replace(/,$/, '').replace(/^/gm, '        ')}\n      ],\n${forLine}`);
    expect(fmtClean(pasted)).toBe(true);
    writeFileSync(join(dir, 'main.tf'), pasted);
    const plan = await patchTwice(dir, answers('example.org'));
    expect(plan.edits.map((e) => e.relPath)).toEqual(['docker-mcp.tf']);
  });

  it('written-out literal rule with the marker (v5): another domain moves it, one docker-mcp rule', async () => {
    const dir = copy('v5');
    await patchTwice(dir);
    const file = (await planRepoPatch(dir, answers('example.org'))).edits.find((e) => e.before?.includes(GATEWAY))!;
    await patchTwice(dir, answers('example.org'));
    const after = read(dir, file.relPath);
    expect(count(after, GATEWAY)).toBe(1);
    expect(after).toContain('docker-mcp.example.org');
    expect(fmtClean(after)).toBe(true);
  });
});

describe('finding 12: two literal tunnel configs', () => {
  const home = 'resource.cloudflare_zero_trust_tunnel_cloudflared_config.home (main.tf:42)';
  const office = 'resource.cloudflare_zero_trust_tunnel_cloudflared_config.office (main.tf:26)';

  it('only one config routes hosts in the answers\' domain: that one is patched, and the report says why', async () => {
    const dir = copy('review2-v5-two-tunnels');
    const before = read(dir, 'main.tf');
    const plan = await patchTwice(dir);
    const after = read(dir, 'main.tf');
    expect(plan.notes.join('\n')).toContain(`only ${home} routes hosts in example.com (grafana.example.com, main.tf:47); every hostname of ${office} is in another domain`);
    expect(lost(before, after)).toEqual([]);
    const homeBlock = after.slice(after.indexOf('cloudflared_config" "home"'), after.indexOf('resource "cloudflare_dns_record" "grafana"'));
    expect(homeBlock).toContain('      # docker-mcp: managed by docker-mcp init; re-run it to change this rule\n      {\n        hostname = "docker-mcp.example.com"\n');
    expect(count(after, GATEWAY)).toBe(1);
    expect(after).toContain('resource "cloudflare_dns_record" "docker_mcp" {\n  zone_id = var.zone_ids["example.com"]\n');
    expect(after).toContain('content = "${cloudflare_zero_trust_tunnel_cloudflared.home.id}.cfargotunnel.com"');
    expect(fmtClean(after)).toBe(true);
  });

  it('both configs route example.com: refused naming each file:line; the printed rule added to one by hand is then used', async () => {
    const dir = copy('review2-v5-two-tunnels');
    const path = join(dir, 'main.tf');
    writeFileSync(path, read(dir, 'main.tf').replace('"wiki.corp.example.net"', '"wiki.example.com"'));
    const refused = await planRepoPatch(dir, input());
    expect(refused.edits).toEqual([]);
    expect(refused.refused).toContain(`ambiguous: 2 tunnel configurations (${office}, ${home})`);
    const rule = refused.snippets.find((s) => s.where.startsWith(office))!.text;
    const text = read(dir, 'main.tf');
    const catchAll = '      {\n        service = "http_status:404"\n      }\n    ]\n  }\n}\n\nresource "cloudflare_zero_trust_tunnel_cloudflared_config" "home"';
    expect(text).toContain(catchAll);
    const pasted = text.replace(catchAll, `${rule.trimEnd().replace(/^/gm, '      ')}\n${catchAll}`);
    expect(fmtClean(pasted)).toBe(true);
    writeFileSync(path, pasted);
    const plan = await patchTwice(dir);
    expect(plan.notes.join('\n')).toContain(`the docker-mcp rule is in ${office}, so that tunnel is used`);
    // The rule is in place: the module call is written (DNS for office's zones is dns-plan's call).
    expect(plan.edits.map((e) => e.relPath)).toContain('docker-mcp.tf');
    expect(count(read(dir, 'main.tf'), GATEWAY)).toBe(1);
  });

  it('an exact-host rule written by hand (no marker) in one config decides too', async () => {
    const dir = copy('review2-v5-two-tunnels');
    const path = join(dir, 'main.tf');
    const hand = '      {\n        hostname = "docker-mcp.example.com"\n        service  = "' + GATEWAY + '"\n      },\n';
    const text = read(dir, 'main.tf').replace('"wiki.corp.example.net"', '"wiki.example.com"');
    writeFileSync(path, text.replace('      {\n        hostname = "grafana.example.com"', `${hand}      {\n        hostname = "grafana.example.com"`));
    const plan = await patchTwice(dir);
    expect(plan.notes.join('\n')).toContain(`the docker-mcp rule is in ${home}, so that tunnel is used`);
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['docker-mcp.tf', 'main.tf']);
  });

  it('a config with a hostname the repo does not prove could be in the domain: refused', async () => {
    const dir = copy('review2-v5-two-tunnels');
    const path = join(dir, 'main.tf');
    writeFileSync(path, read(dir, 'main.tf').replace('"wiki.corp.example.net"', 'var.wiki_host'));
    const refused = await planRepoPatch(dir, input());
    expect(refused.refused).toContain(`ambiguous: 2 tunnel configurations (${office}, ${home})`);
  });
});
