// Data edits on collections of plain values (issue 17 behaviour 3): a dynamic "ingress_rule" over a
// map of strings gets one more entry, the way the others are written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport } from '../../src/patch/index.js';
import { FIXTURES, fmtClean, hclErrors, input, useFixtureCopies } from './patch-helpers.js';

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
    expect(plan.notes.join('\n')).toContain('the dynamic content has nested blocks (origin_request); the patcher reads attributes only; so the rule is written out instead');
    // DNS: the snippet uses the config's own tunnel id expression.
    expect(plan.snippets.find((s) => s.title.startsWith('DNS record'))!.text).toContain('content = "${var.tunnel_id}.cfargotunnel.com"');
    expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  });
});
