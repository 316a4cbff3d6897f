// docs/security.md lists every tool with the scope it needs and the lowest preset that allows it:
// a hidden-tool refusal names exactly these (src/gateway/tools/hidden-tools.ts), and it is only
// harmless because the docs already tell it. This fails when a tool is added or its access changes
// without regenerating the table (UPDATE_GOLDEN=1 rewrites the block), and when the preset a
// refusal names is not the lowest the policy (presetAccess) really allows.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { presetAccess, type Preset } from '../../src/gateway/policy/policy.js';
import type { Scope } from '../../src/gateway/security.js';
import { lowestPreset } from '../../src/gateway/tools/hidden-tools.js';
import { allTools } from '../../src/gateway/tools/index.js';

const START = '<!-- tool-access:begin (generated: UPDATE_GOLDEN=1 npx vitest run test/unit/tool-access-docs.test.ts) -->';
const END = '<!-- tool-access:end -->';
const scopes: Scope[] = ['read', 'operate', 'admin'];

function renderTable(): string {
  const rows = scopes.map((scope) => {
    const names = allTools.filter((tool) => tool.access === scope).map((tool) => `\`${tool.name}\``).sort();
    return `| \`${scope}\` | \`${lowestPreset[scope]}\` | ${names.join(', ')} |`;
  });
  return ['| Scope a call needs | Lowest preset that allows it | Tools |', '|---|---|---|', ...rows].join('\n');
}

describe('the tool access table in docs/security.md', () => {
  it('names, for each scope, the lowest preset whose access includes it', () => {
    const order: Preset[] = ['read-only', 'operator', 'admin'];
    for (const scope of scopes) expect(lowestPreset[scope]).toBe(order.find((preset) => presetAccess[preset].has(scope)));
  });

  it('lists every tool with its scope and preset', () => {
    const path = new URL('../../docs/security.md', import.meta.url);
    const doc = readFileSync(path, 'utf8');
    const start = doc.indexOf(START);
    const end = doc.indexOf(END);
    expect(start, 'docs/security.md lacks the tool-access markers').toBeGreaterThan(-1);
    const current = doc.slice(start + START.length, end).trim();
    const expected = renderTable();
    if (process.env.UPDATE_GOLDEN && current !== expected) {
      writeFileSync(path, `${doc.slice(0, start + START.length)}\n${expected}\n${doc.slice(end)}`);
      return;
    }
    expect(current).toBe(expected);
  });
});
