// Review 4, findings 1, 8, 6 (helper M): the Terraform planners.
// 1: a module instantiated more than once through `for_each`/`count` on its call or through an
//    ancestor called twice never gets the rule written into it: refused, naming the call(s).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch } from '../../src/patch/index.js';
import { input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();

describe('review 4 finding 1: instances through for_each/count and ancestor calls', () => {
  it('review4-f2-foreach-literal: a call with a two-element for_each is refused naming the call', async () => {
    const dir = copy('review4-f2-foreach-literal');
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toContain('instantiated more than once');
    expect(plan.refused).toContain('module "tunnel" (main.tf:15) makes 2 instances');
    // The rule snippet never says to paste it into the shared module.
    const rule = plan.snippets.find((s) => s.title.startsWith('Ingress rule'))!;
    expect(rule.where).toContain('not in modules/tunnel/main.tf, which every instance shares');
  });

  it('review4-n4-nested-twice: a tunnel module reached through a parent called twice is refused naming both calls', async () => {
    const dir = copy('review4-n4-nested-twice');
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toContain('instantiated more than once');
    expect(plan.refused).toContain('module "platform" (main.tf:15), module "platform_lab" (main.tf:20)');
    expect(plan.refused).not.toContain(join(dir, ''));
  });
});

describe('review 4 finding 8: a rule whose hostname differs only through an unproven ${…}', () => {
  it('review4-zd-unproven-own-host: `docker-mcp.${var.domain}` to the gateway URL is left alone, with a note', async () => {
    const dir = copy('review4-zd-unproven-own-host');
    const before = readFileSync(join(dir, 'main.tf'), 'utf8');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toBeNull();
    const after = plan.edits.find((e) => e.relPath === 'main.tf')!.after;
    // Every original line kept, the user's rule included; ours is a new managed rule above it.
    for (const line of before.split('\n')) expect(after).toContain(line);
    expect(after.indexOf('hostname = "docker-mcp.example.com"')).toBeLessThan(after.indexOf('hostname = "docker-mcp.${var.domain}"'));
    expect(plan.notes.join('\n')).toContain('main.tf:33 (hostname = "docker-mcp.${var.domain}") already routes to the gateway');
    await applyRepoPatch(plan);
    const again = await planRepoPatch(dir, input());
    expect(again.edits.filter((e) => e.before !== e.after && e.relPath === 'main.tf')).toEqual([]);
  });
});

describe('review 4 finding 6: services = each.value.services over a local map', () => {
  it('review4-f1-foreach-module: refused naming local.tunnels.<key>.services by file:line', async () => {
    const dir = copy('review4-f1-foreach-module');
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toContain('services = each.value.services (main.tf:38)');
    expect(plan.refused).toContain('local.tunnels.home.services (main.tf:19), local.tunnels.lab.services (main.tf:25)');
    expect(plan.refused).not.toContain('is not a list or map literal');
  });
});
