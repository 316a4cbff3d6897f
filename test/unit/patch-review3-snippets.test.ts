// Review 3, finding 7: a v5 concat([for …], [catch-all]) whose collection cannot carry the
// docker-mcp item (hostname pattern, derived local, merge() local, an attribute init cannot derive)
// used to be refused with a bare `{ hostname, service }` snippet that could not be pasted anywhere
// it said. init now writes the rule out itself, first in concat(…); a second run is a no-op.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport } from '../../src/patch/index.js';
import { fmtClean, hclErrors, input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
const HOST = 'docker-mcp.example.com';

const CASES = [
  { fixture: 'review3-f7-host-pattern', why: 'cannot produce "docker-mcp.example.com"' },
  { fixture: 'review3-f7-derived-local', why: 'local.by_name (main.tf:22) is not a list or map literal' },
  { fixture: 'review3-f7-merge-local', why: 'local.all (main.tf:24) is not a list or map literal' },
  { fixture: 'review3-f7-item-attr', why: 'sets `public`, which the patcher cannot derive' },
];

/** The concat(…) of main.tf, from `ingress = concat(` to its closing line. */
const concatOf = (text: string): string => text.slice(text.indexOf('ingress = concat('), text.indexOf('\n    )', text.indexOf('ingress = concat(')));

describe('finding 7: a collection that cannot carry the item gets the rule written out first in concat(…)', () => {
  for (const { fixture, why } of CASES) {
    it(`${fixture}: the rule is a leading list of concat(…), every original line kept, fmt clean, then a no-op`, async () => {
      const dir = copy(fixture);
      const before = readFileSync(join(dir, 'main.tf'), 'utf8');
      const plan = await planRepoPatch(dir, input());
      expect(plan.refused, renderPatchReport(plan)).toBeNull();
      const notes = plan.notes.join('\n');
      expect(notes).toContain(why);
      expect(notes).toContain('in a list of its own as the first argument of concat(…)');
      expect(notes).not.toContain('dynamic');
      // DNS: the collection's records are for its items, so the record is a snippet.
      expect(plan.snippets.map((s) => s.text).join('\n')).toContain(`name    = "${HOST}"`);
      await applyRepoPatch(plan);
      const after = readFileSync(join(dir, 'main.tf'), 'utf8');
      expect(await hclErrors(after)).toBe('');
      expect(fmtClean(after)).toBe(true);
      const kept = after.split('\n');
      for (const line of before.split('\n')) expect(kept).toContain(line);
      expect(concatOf(after).startsWith([
        'ingress = concat(',
        '      [',
        '        # docker-mcp: managed by docker-mcp init; re-run it to change this rule',
        '        {',
        `          hostname = "${HOST}"`,
        '          service  = "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080"',
        '        },',
        '      ],',
        '      [for ',
      ].join('\n'))).toBe(true);
      expect(readFileSync(join(dir, 'docker-mcp.tf'), 'utf8')).toContain('module "docker_mcp_gateway"');
      const again = await planRepoPatch(dir, input());
      expect(again.refused, renderPatchReport(again)).toBeNull();
      expect(again.edits).toEqual([]);
    });
  }

  it('a leading list of other rules: the docker-mcp rule goes first in it (exact host, above everything), then a no-op', async () => {
    const dir = copy('review3-f7-derived-local');
    const file = join(dir, 'main.tf');
    const original = readFileSync(file, 'utf8');
    const withList = original.replace(
      '    ingress = concat(\n',
      '    ingress = concat(\n      [\n        { hostname = "*.example.com", service = "http://catch.apps.svc.cluster.local:80" },\n      ],\n',
    );
    writeFileSync(file, withList);
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    await applyRepoPatch(plan);
    const after = readFileSync(file, 'utf8');
    expect(fmtClean(after)).toBe(true);
    expect(after.indexOf(`hostname = "${HOST}"`)).toBeLessThan(after.indexOf('*.example.com'));
    expect(after.indexOf('ingress = concat(\n      [\n        # docker-mcp: managed')).toBeGreaterThan(0);
    expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  });

  it('a re-run after other answers updates the written-out rule in place (one docker-mcp rule)', async () => {
    const dir = copy('review3-f7-merge-local');
    await applyRepoPatch(await planRepoPatch(dir, input()));
    const url = 'http://other-docker-mcp-gateway.homelab.svc.cluster.local:8080';
    const plan = await planRepoPatch(dir, input({ serviceUrl: url }));
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    await applyRepoPatch(plan);
    const after = readFileSync(join(dir, 'main.tf'), 'utf8');
    expect(after.match(/docker-mcp\.example\.com/g)).toHaveLength(1);
    expect(after).toContain(url);
    expect((await planRepoPatch(dir, input({ serviceUrl: url }))).edits).toEqual([]);
  });
});

describe('finding 7: concat(…) on one line', () => {
  it('the rule goes inline as a leading list, marked, fmt clean, then a no-op', async () => {
    const dir = copy('review3-f7-derived-local');
    const file = join(dir, 'main.tf');
    const oneLine = readFileSync(file, 'utf8').replace(
      /concat\(\n\s+(\[for [^\n]+\]),\n\s+(\[\{ service = "http_status:404" \}\]),\n\s+\)/,
      'concat($1, $2)',
    );
    expect(oneLine).toContain('ingress = concat([for name, a in local.by_name');
    writeFileSync(file, oneLine);
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    await applyRepoPatch(plan);
    const after = readFileSync(file, 'utf8');
    expect(after).toContain(`ingress = concat([/* docker-mcp: managed by docker-mcp init */ { hostname = "${HOST}", service = "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080" }], [for name, a in local.by_name`);
    expect(fmtClean(after)).toBe(true);
    expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  });
});

describe('finding 7: never written into a module that other code calls', () => {
  it('the same concat(…) in a module called twice: the module file is not edited', async () => {
    const dir = copy('review3-f7-derived-local');
    const module = join(dir, 'modules', 'tunnel');
    mkdirSync(module, { recursive: true });
    const text = readFileSync(join(dir, 'main.tf'), 'utf8');
    writeFileSync(join(module, 'main.tf'), text.replace('variable "zone_id" {}\n', 'variable "zone_id" {}\nvariable "domain" {}\n').replace('  domain = "example.com"\n', '').replaceAll('local.domain', 'var.domain'));
    const call = (name: string, domain: string): string => `module "${name}" {\n  source     = "./modules/tunnel"\n  account_id = var.account_id\n  zone_id    = var.zone_id\n  domain     = "${domain}"\n}\n`;
    writeFileSync(join(dir, 'main.tf'), `variable "account_id" {}\nvariable "zone_id" {}\n\n${call('a', 'example.com')}\n${call('b', 'lab.example.com')}`);
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toContain('local.by_name (modules/tunnel/main.tf:22) is not a list or map literal');
    expect(plan.edits.map((e) => e.relPath)).not.toContain('modules/tunnel/main.tf');
    expect(renderPatchReport(plan)).not.toContain('as the first argument of concat');
  });
});
