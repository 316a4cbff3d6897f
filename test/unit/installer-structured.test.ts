// Structured list variables: a compact string per item on the command line, a typed object per item
// in the module. One parse feeds validation, variables.tf, terraform.tfvars and the module call.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { valueSchema } from '../../src/config/schema.js';
import type { VariableSpec } from '../../src/config/variables.js';
import { moduleHcl, moduleType, moduleValue } from '../../src/templates/terraform/module-values.js';
import { renderVariablesTf } from '../../src/templates/terraform/variables.js';

// A made-up variable in the shape of a toleration, independent of any real row of the table.
const spec: VariableSpec = {
  name: 'things', type: 'list(string)', default: ['a=b:NoSchedule'], group: 'advanced', description: 'Things', prompt: 'Things',
  structured: {
    hclType: 'list(object({ key = string, value = optional(string), effect = optional(string), tags = optional(list(string)) }))',
    syntax: '`key[=value][:Effect]`',
    parse: (item) => {
      const m = /^([a-z]+)(?:=([a-z]*))?(?::([A-Za-z]+))?$/.exec(item);
      if (!m) return { problem: 'not a thing' };
      return { item: { key: m[1]!, value: m[2] ?? null, effect: m[3] ?? null, tags: m[2] ? [m[2], 'x'] : null } };
    },
  },
};

describe('structured list variables', () => {
  it('validates each item with its parse and names the syntax', () => {
    const result = valueSchema(spec).safeParse(['a=b:NoSchedule', 'A!']);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toBe('not a thing (an item is `key[=value][:Effect]`; got "A!")');
    expect(valueSchema(spec).safeParse(['a', 'b=c']).success).toBe(true);
  });

  it('gives the module every attribute, null where unset', () => {
    expect(moduleValue(spec, ['a', 'b=c:X'])).toEqual([
      { key: 'a', value: null, effect: null, tags: null },
      { key: 'b', value: 'c', effect: 'X', tags: ['c', 'x'] },
    ]);
  });

  it('renders HCL objects (unset left to optional()) that terraform fmt accepts as is', () => {
    const hcl = moduleHcl(spec, ['a', 'b=c:X']);
    expect(hcl).toContain('key = "a"');
    expect(hcl).not.toContain('null');
    const dir = mkdtempSync(join(tmpdir(), 'structured-'));
    writeFileSync(join(dir, 'variables.tf'), renderVariablesTf([spec], '0.0.0', true));
    writeFileSync(join(dir, 'x.auto.tfvars'), `things = ${hcl}\n`);
    expect(() => execFileSync('terraform', ['fmt', '-check', '-diff', dir], { stdio: 'pipe' })).not.toThrow();
    expect(moduleType(spec)).toBe(spec.structured!.hclType);
    expect(moduleHcl(spec, [])).toBe('[]');
  });
});
