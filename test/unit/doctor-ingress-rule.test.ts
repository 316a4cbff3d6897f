// doctor's ingress check finds docker-mcp's rule the way the patcher does (src/patch/own-rule.ts):
// the rule init marked, or the exact hostname with no `path`. Matching the first label took another
// zone's `docker-mcp.lab.example.net` or a `/legacy` path rule for the gateway's route, and reported
// their Access settings as the gateway's.
import { describe, expect, it } from 'vitest';
import { ingressFacts } from '../../src/lifecycle/ingress-check.js';
import { applyRepoPatch, planRepoPatch } from '../../src/patch/index.js';
import { input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();

describe('doctor: which ingress rule is docker-mcp\'s', () => {
  for (const fixture of ['review1-v5-lookalike-rules', 'yaml-other-zone-and-path-rules']) {
    it(`${fixture}: another zone's docker-mcp.* and a path rule are not the gateway's`, async () => {
      const dir = copy(fixture);
      expect(await ingressFacts(dir, 'docker-mcp.example.com')).toMatchObject({ ruleHasAccess: null });
    });

    it(`${fixture}: after init, the rule it wrote is the one judged`, async () => {
      const dir = copy(fixture);
      const plan = await planRepoPatch(dir, input());
      expect(plan.refused, plan.refused ?? '').toBeFalsy();
      await applyRepoPatch(plan);
      // Bearer auth: no Access on the rule, which doctor reports as such (not "no rule").
      expect(await ingressFacts(dir, 'docker-mcp.example.com')).toMatchObject({ ruleHasAccess: false });
    });
  }

  it('without --hostname (label only) a path-restricted rule is still not the gateway\'s', async () => {
    const dir = copy('yaml-other-zone-and-path-rules');
    const facts = await ingressFacts(dir, 'docker-mcp');
    // The other zone's rule shares the label and has no path; only a full hostname tells them apart.
    expect(facts).toMatchObject({ ruleHasAccess: false });
  });
});
