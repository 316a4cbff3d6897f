// Numbers from flags, env and prompts are decimal digits: Number() alone would take 0o777, 0b11, 0x1f and
// 1e1 (a port of 511 from a typo), and a whole-number variable takes no decimal point.
import { expect, it } from 'vitest';
import { coerce } from '../../src/config/sources.js';
import { table } from './installer-helpers.js';

const spec = (name: string) => table.find((s) => s.name === name)!;

it.each(['0o777', '0b11', '0x1f', '1e1', 'Infinity', '8_080'])('port %s: refused, asked in decimal digits', (raw) => {
  expect(coerce(spec('port'), raw)).toEqual({ problem: expect.stringMatching(/^must be (written in decimal digits, like 8080|a number) \(got "/) as unknown });
});

it.each([['8080', 8080], [' 8080 ', 8080], ['+1', 1]])('port %j: %d', (raw, value) => {
  expect(coerce(spec('port'), raw)).toEqual({ value });
});

it('a whole-number variable refuses a decimal point; a fractional one takes it', () => {
  expect(coerce(spec('port'), '80.5')).toEqual({ problem: 'must be a whole number (got "80.5")' });
  expect(coerce(spec('docker_timeout'), '2.5')).toEqual({ value: 2.5 });
  expect(coerce(spec('docker_timeout'), '1e1')).toEqual({ problem: 'must be written in decimal digits, like 8080 (got "1e1")' });
  expect(coerce(spec('docker_timeout'), 'soon')).toEqual({ problem: 'must be a number (got "soon")' });
  // YAML numbers are already numbers (YAML's own syntax decides them).
  expect(coerce(spec('port'), 8081)).toEqual({ value: 8081 });
});
