// The policy_preset descriptions (init's --policy-preset help, variables.tf, README tables, and
// serve's setting) name what each preset allows. They are prose, so this derives the check from the
// real tables instead: every tool verb a description puts under a preset (logs, start, pull, …,
// the part of a tool name after `container_`/`image_`/…) must be allowed by that preset for every
// tool with that verb (policy.ts presetAccess, each tool's access). init's text said
// "read-only (inspect and logs)" while container_logs needs operate (403 under read-only).
import { describe, expect, it } from 'vitest';
import { variablesTable } from '../../src/config/variables.js';
import { settingsTable } from '../../src/contract/settings.js';
import { presetAccess, type Preset } from '../../src/gateway/policy/policy.js';
import { allTools } from '../../src/gateway/tools/index.js';

const verbOf = (tool: string): string => tool.slice(tool.indexOf('_') + 1);
const verbs = new Set(allTools.map((t) => verbOf(t.name)));

/** Each preset's parenthesised words that are tool verbs: `read-only (list, inspect; no logs)` -> list, inspect. */
function claims(description: string): { preset: Preset; verb: string }[] {
  const out: { preset: Preset; verb: string }[] = [];
  for (const match of description.matchAll(/(read-only|operator|admin) \(([^)]*)\)/g)) {
    // "no X" denies X: not a claim.
    const allowed = match[2]!.replace(/\bno [a-z ,/]+/g, '');
    for (const word of allowed.split(/[^a-z]+/)) if (verbs.has(word)) out.push({ preset: match[1] as Preset, verb: word });
  }
  return out;
}

function wrongClaims(description: string): string[] {
  return claims(description).flatMap(({ preset, verb }) =>
    allTools.filter((t) => verbOf(t.name) === verb && !presetAccess[preset].has(t.access)).map((t) => `${preset} claims ${verb}, but ${t.name} needs ${t.access}`));
}

const initText = variablesTable('0.0.0').find((s) => s.name === 'policy_preset')!.description;
const serveText = settingsTable.find((s) => s.key === 'policy_preset')!.description;

describe('policy_preset descriptions match the preset tables', () => {
  it('the check sees the claims (a description it cannot read would pass vacuously)', () => {
    expect(new Set(claims(initText).map((c) => c.preset))).toEqual(new Set(['read-only', 'operator', 'admin']));
    // serve's says "read-only (observe)": no verb to check there.
    expect(new Set(claims(serveText).map((c) => c.preset))).toEqual(new Set(['operator', 'admin']));
    expect(wrongClaims('Operation policy: read-only (inspect and logs), operator (start/stop/run), admin (everything)'))
      .toEqual(['read-only claims logs, but container_logs needs operate', 'operator claims run, but container_run needs admin']);
  });

  it('init (--policy-preset, variables.tf, README) claims nothing a preset hides', () => {
    expect(wrongClaims(initText)).toEqual([]);
    expect(initText).toMatch(/read-only \([^)]*no logs/);
  });

  it('serve (--policy-preset) claims nothing a preset hides', () => {
    expect(wrongClaims(serveText)).toEqual([]);
  });
});
