// Review 5, finding 4: a domain a -var-file tfvars overrides is not proven by its default.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport } from '../../src/patch/index.js';
import { fmtClean, input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();

describe('review 5 finding 4: -var-file tfvars', () => {
  it('prod.tfvars / lab.tfvars setting other domains: the rule gets the literal hostname', async () => {
    const dir = copy('review5-varfile-domains');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    await applyRepoPatch(plan);
    const main = readFileSync(join(dir, 'main.tf'), 'utf8');
    expect(main).toContain('hostname = "docker-mcp.example.com"');
    expect(main).not.toContain('hostname = "docker-mcp.${var.domain}"');
    expect(fmtClean(main)).toBe(true);
    expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  });

  it('a -var-file tfvars with the same domain as the default keeps ${var.domain} proven', async () => {
    const dir = copy('review5-varfile-domains');
    writeFileSync(join(dir, 'prod.tfvars'), 'domain = "example.com"\n');
    writeFileSync(join(dir, 'lab.tfvars'), 'zone_id = "abc"\n');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    await applyRepoPatch(plan);
    expect(readFileSync(join(dir, 'main.tf'), 'utf8')).toContain('hostname = "docker-mcp.${var.domain}"');
  });
});
