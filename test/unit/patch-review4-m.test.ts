// Review 4, findings 1, 8, 6 (helper M): the Terraform planners.
// 1: a module instantiated more than once through `for_each`/`count` on its call or through an
//    ancestor called twice never gets the rule written into it: refused, naming the call(s).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planRepoPatch } from '../../src/patch/index.js';
import { input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();

describe('review 4 finding 1: instances through for_each/count and ancestor calls', () => {
  it('review4-f2-foreach-literal: a call with a two-element for_each is refused naming the call', async () => {
    const dir = copy('review4-f2-foreach-literal');
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toContain('instantiated more than once');
    expect(plan.refused).toContain('module "tunnel" (main.tf:15) makes 2 instances');
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
