// Data edits on collections of plain values (issue 17 behaviour 3): a dynamic "ingress_rule" over a
// map of strings gets one more entry, the way the others are written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport } from '../../src/patch/index.js';
import { FIXTURES, fmtClean, hclErrors, input, planWithDnsFilter, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();

describe('dynamic "ingress_rule" over a map of strings', () => {
  it('adds "docker-mcp" = "<service URL>" to the map (the key makes the hostname)', async () => {
    const dir = copy('dynamic-map-of-strings');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    await applyRepoPatch(plan);
    const text = readFileSync(join(dir, 'tunnel.tf'), 'utf8');
    expect(text).toContain('    "docker-mcp" = "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080"\n  }\n}');
    expect(await hclErrors(text)).toBe('');
    expect(fmtClean(text)).toBe(true);
    // Everything the user wrote is still there, and the dynamic block itself is untouched.
    const kept = new Set(text.split('\n'));
    expect(readFileSync(join(FIXTURES, 'dynamic-map-of-strings/tunnel.tf'), 'utf8').split('\n').filter((l) => !kept.has(l))).toEqual([]);
    expect(plan.notes).toContain('No DNS record is generated from local.apps; add one for docker-mcp.example.com yourself.');
    expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  });

  it('a hostname the rule template cannot produce (another domain) is written out above the dynamic block', async () => {
    const plan = await planRepoPatch(copy('dynamic-map-of-strings'), input({ hostname: 'docker-mcp.other.org' }));
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    const text = plan.edits.find((e) => e.relPath === 'tunnel.tf')!.after;
    expect(text).toMatch(/hostname = "docker-mcp\.other\.org"[^}]*\}\n\s+dynamic "ingress_rule"/);
    expect(text).not.toContain('"docker-mcp" =');
    expect(plan.notes.join('\n')).toContain('cannot produce "docker-mcp.other.org"');
  });
});

describe('dynamic "ingress_rule" the patcher cannot add an item to (nested origin_request, wildcards per domain)', () => {
  it('writes the docker-mcp rule out directly above the dynamic block, so no generated wildcard catches it', async () => {
    const dir = copy('dynamic-nested-content');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    await applyRepoPatch(plan);
    const text = readFileSync(join(dir, 'tunnel.tf'), 'utf8');
    expect(text).toMatch(/ {2}config \{\n {4}# docker-mcp: managed by docker-mcp init[^\n]*\n {4}ingress_rule \{\n {6}hostname = "docker-mcp\.example\.com"\n {6}service {2}= "http:\/\/homelab-docker-mcp-gateway\.homelab\.svc\.cluster\.local:8080"\n {4}\}\n {4}dynamic "ingress_rule" \{/);
    expect(fmtClean(text)).toBe(true);
    expect(plan.notes.join('\n')).toContain('no item could be added to its collection (the dynamic content has nested blocks (origin_request); the patcher reads attributes only), so the docker-mcp rule is written out above the dynamic block instead');
    // DNS: the snippet uses the config's own tunnel id expression.
    expect(plan.snippets.find((s) => s.title.startsWith('DNS record'))!.text).toContain('content = "${var.tunnel_id}.cfargotunnel.com"');
    expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  });
});

describe('review 1 finding 7 item 2: a map whose "*" key sorts before "docker-mcp" (v5 concat)', () => {
  it('writes the rule out in a list of its own before the [for …] (no key can come first), fmt-clean, second run a no-op', async () => {
    const dir = copy('review1-v5-map-wildcard-key');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['docker-mcp.tf', 'main.tf']);
    await applyRepoPatch(plan);
    const text = readFileSync(join(dir, 'main.tf'), 'utf8');
    expect(text).toContain([
      '    ingress = concat(',
      '      [',
      '        # docker-mcp: managed by docker-mcp init; re-run it to change this rule',
      '        {',
      '          hostname = "docker-mcp.example.com"',
      '          service  = "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080"',
      '        },',
      '      ],',
      '      [for name, svc in local.tunnel_services : merge({ hostname = "${name}.${var.domain}" }, svc)],',
    ].join('\n'));
    expect(await hclErrors(text)).toBe('');
    expect(fmtClean(text)).toBe(true);
    const kept = new Set(text.split('\n'));
    expect(readFileSync(join(FIXTURES, 'review1-v5-map-wildcard-key/main.tf'), 'utf8').split('\n').filter((l) => !kept.has(l))).toEqual([]);
    // The map itself is untouched: a "docker-mcp" entry would come after "*" and never match.
    expect(readFileSync(join(dir, 'services.tf'), 'utf8')).toBe(readFileSync(join(FIXTURES, 'review1-v5-map-wildcard-key/services.tf'), 'utf8'));
    expect(plan.notes.join('\n')).toContain('a map\'s rules come out in key order (a "*" key sorts first); the docker-mcp rule is written out in a list of its own before the generated rules (main.tf:29)');
    expect(plan.snippets.some((s) => s.title.startsWith('DNS record'))).toBe(true);
    const again = await planRepoPatch(dir, input());
    expect(again.refused, renderPatchReport(again)).toBeNull();
    expect(again.edits).toEqual([]);
    // docker-mcp.tf's status line says the same on the re-run (the CLI rewrites it otherwise).
    expect(again.moduleCall).toBe(plan.moduleCall);
  });
});

describe('dns-filter: comparisons and length() over literals (unknown stays unknown)', () => {
  const cases: [string, RegExp][] = [
    ['length(name) >= 10', /which also gives its DNS record \(cloudflare_dns_record\.services\)/],
    ['length(name) < 5', /its `if` filter leaves the docker-mcp item out/],
    ['length(local.public) <= 1 && name != ""', /which also gives its DNS record/],
    ['length(["a", "b"]) > 2', /its `if` filter leaves the docker-mcp item out/],
    ['contains(["docker-mcp", "grafana"], name)', /which also gives its DNS record/],
    ['length(svc.tags) > 0', /DNS unproven/],
    ['svc.port > 1024', /DNS unproven/],
    ['name > "a"', /DNS unproven/],
  ];
  it.each(cases)('if %s', async (cond, expected) => {
    const plan = await planWithDnsFilter(copy, cond);
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.notes.join('\n')).toMatch(expected);
  });
});
