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

  it('refuses a hostname the rule template cannot produce (another domain)', async () => {
    const plan = await planRepoPatch(copy('dynamic-map-of-strings'), input({ hostname: 'docker-mcp.other.org' }));
    expect(plan.refused).toMatch(/cannot produce "docker-mcp\.other\.org"; add the item to local\.apps \(tunnel\.tf:2\) by hand/);
  });
});
