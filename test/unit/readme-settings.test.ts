// The README's configuration reference is generated from the settings table; this fails when a
// setting is added or changed without regenerating it (UPDATE_GOLDEN=1 rewrites the README block).
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSettingsReference } from '../../src/contract/settings.js';

const START = '<!-- settings:start -->';
const END = '<!-- settings:end -->';

describe('README settings reference', () => {
  it('matches the settings table', () => {
    const path = new URL('../../README.md', import.meta.url);
    const readme = readFileSync(path, 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, 'README lacks the settings markers').toBeGreaterThan(-1);
    const current = readme.slice(start + START.length, end).trim();
    const expected = renderSettingsReference();
    if (process.env.UPDATE_GOLDEN && current !== expected) {
      writeFileSync(path, `${readme.slice(0, start + START.length)}\n${expected}\n${readme.slice(end)}`);
      return;
    }
    expect(current).toBe(expected);
  });
});
