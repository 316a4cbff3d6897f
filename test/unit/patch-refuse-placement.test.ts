// Review 1 finding 8, the refusal half the HCL planners use: a refusal's rule snippet names the real
// insertion point, and a collection whose item cannot work (a map whose key order puts a catching
// wildcard first) gets a written-out rule, not the shadowed item. The YAML half is tested in
// patch-yaml-splice.test.ts. (Wiring `placement`/`writtenOut` into plan-terraform.ts and plan-data.ts
// is the HCL planners' part.)
import { describe, expect, it } from 'vitest';
import { emptyPlan, refuseTerraform } from '../../src/patch/refuse.js';
import { input } from './patch-helpers.js';

const base = { reason: 'x', version: 'v5' as const, where: 'main.tf', scan: null, tunnelDir: null };

describe('refuseTerraform placement', () => {
  it('names the shadowing rule instead of "above the catch-all"', () => {
    const plan = refuseTerraform(emptyPlan('/r', 'terraform', input()), input(), { ...base, placement: 'directly above the rule for "*.example.com" (line 12)' });
    expect(plan.snippets[0]!.title).toBe('Ingress rule (Cloudflare provider v5), directly above the rule for "*.example.com" (line 12)');
    expect(plan.snippets[0]!.text).toContain('hostname = "docker-mcp.example.com"');
  });

  it('writtenOut: the shadowed collection item is not offered; a written-out rule is', () => {
    const item = { title: 'One more item of local.services', where: 'locals.tf', language: 'hcl' as const, text: '"docker-mcp" = { port = 8080 }\n' };
    const plan = refuseTerraform(emptyPlan('/r', 'terraform', input()), input(), { ...base, version: 'v4', ruleSnippets: [item], writtenOut: true, placement: 'directly above the dynamic "ingress_rule" block (line 20)' });
    expect(plan.snippets.map((s) => s.title)).not.toContain(item.title);
    expect(plan.snippets[0]!.title).toBe('Ingress rule (Cloudflare provider v4), directly above the dynamic "ingress_rule" block (line 20)');
  });

  it('without placement the catch-all wording stays', () => {
    const plan = refuseTerraform(emptyPlan('/r', 'terraform', input()), input(), base);
    expect(plan.snippets[0]!.title).toBe('Ingress rule (Cloudflare provider v5), directly above the catch-all element of config.ingress');
  });
});
