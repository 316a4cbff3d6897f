// Review 1 findings on Terraform repos (docs/dev/ISSUE17-REVIEW-1.md 1–5): rules and items that only
// look like docker-mcp's, literal rules ahead of a collection, DNS record names, derived DNS.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport } from '../../src/patch/index.js';
import { FIXTURES, fmtClean, hclErrors, input, useFixtureCopies } from './patch-helpers.js';

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
