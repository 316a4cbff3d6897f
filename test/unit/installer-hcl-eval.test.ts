// The test evaluator's regex/try/can follow Terraform: regex() fails without a match, captures come
// back as a list, try()/can() catch only Terraform's own errors (never an unsupported expression).
import { describe, expect, it } from 'vitest';
import { parseHcl } from '../../src/templates/hcl-parse.js';
import { evalBody, type Value } from './installer-hcl-eval.js';

async function attr(expr: string, vars: Record<string, Value> = {}): Promise<Value> {
  const { root, errors } = await parseHcl(`x = ${expr}\n`);
  expect(errors).toEqual([]);
  return evalBody(root.namedChildren.find((n) => n?.type === 'body') ?? null, { var: vars, local: {} }).attributes.x!;
}

describe('HCL evaluator: regex, try, can', () => {
  it('regex returns the match, or the list of captures', async () => {
    expect(await attr('regex("[0-9]+", "ab12c")')).toBe('12');
    expect(await attr('regex("^([a-z]+):([0-9]+)$", "ab:12")')).toEqual(['ab', '12']);
    await expect(attr('regex("^x$", "y")')).rejects.toThrow(/did not match/);
  });

  it('try and can catch a failed match or index, not an unsupported expression', async () => {
    expect(await attr('try(regex("^[^@]*:([^:/@]+)$", var.i)[0], "")', { i: 'reg:5000/app' })).toBe('');
    expect(await attr('try(regex("^[^@]*:([^:/@]+)$", var.i)[0], "")', { i: 'reg:5000/app:1.2' })).toBe('1.2');
    expect(await attr('can(regex("^a", "abc"))')).toBe(true);
    expect(await attr('can(regex("^b", "abc"))')).toBe(false);
    expect(await attr('try([1][3], "none")')).toBe('none');
    await expect(attr('try(nosuchfunction(1), "x")')).rejects.toThrow(/not supported/);
  });
});
