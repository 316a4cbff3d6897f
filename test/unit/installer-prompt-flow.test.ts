// The interactive flow (src/cli/prompts/flow.ts), the second review's findings: backing out of Access
// restores the tunnel answer Access had overridden; answers made irrelevant later are not in the result.
import { expect, it } from 'vitest';
import { answer, dropIrrelevant } from '../../src/cli/prompts/answer.js';
import { newFlow } from '../../src/cli/prompts/flow.js';
import { labeller, type Origin } from '../../src/config/sources.js';
import type { VarValue } from '../../src/config/variables.js';
import { table } from './installer-helpers.js';

function start(): { flow: ReturnType<typeof newFlow>; initial: { values: Record<string, VarValue>; origins: Record<string, Origin> } } {
  const values: Record<string, VarValue> = Object.fromEntries(table.map((s) => [s.name, structuredClone(s.default)]));
  const origins: Record<string, Origin> = Object.fromEntries(table.map((s) => [s.name, 'default']));
  const initial = { values: { ...values }, origins: { ...origins } };
  return { flow: newFlow(table, values, origins, 'kubernetes', labeller(table, origins)), initial };
}

it('Access turns the tunnel on; switching back to bearer restores the user\'s "no"', () => {
  const { flow } = start();
  answer(flow, 'enable_cloudflare_tunnel', false);
  expect(answer(flow, 'auth_mode', 'cloudflare-access')).toEqual(['enable_cloudflare_tunnel']);
  expect(flow.values.enable_cloudflare_tunnel).toBe(true);
  expect(answer(flow, 'auth_mode', 'bearer')).toEqual(['enable_cloudflare_tunnel']);
  expect(flow.values.enable_cloudflare_tunnel).toBe(false);
  expect(flow.origins.enable_cloudflare_tunnel).toBe('prompt');
  expect(flow.answered.has('enable_cloudflare_tunnel')).toBe(true);
  // Access again, then both (still Access): the tunnel stays on.
  answer(flow, 'auth_mode', 'cloudflare-access');
  expect(answer(flow, 'auth_mode', 'both')).toEqual([]);
  expect(flow.values.enable_cloudflare_tunnel).toBe(true);
});

it('answers made irrelevant by a later answer are dropped from the result (the Access team after switching to bearer)', () => {
  const { flow, initial } = start();
  answer(flow, 'enable_cloudflare_tunnel', true);
  answer(flow, 'domain_suffix', 'example.com');
  answer(flow, 'auth_mode', 'cloudflare-access');
  answer(flow, 'cf_access_team', 'myteam');
  answer(flow, 'allowed_emails', ['a@example.com']);
  answer(flow, 'auth_mode', 'bearer');
  dropIrrelevant(flow, initial);
  expect(flow.values.cf_access_team).toBe(initial.values.cf_access_team);
  expect(flow.values.allowed_emails).toEqual(initial.values.allowed_emails);
  expect(flow.origins.cf_access_team).toBe('default');
  expect(flow.values.domain_suffix).toBe('example.com');
  expect(flow.origins.domain_suffix).toBe('prompt');
});
