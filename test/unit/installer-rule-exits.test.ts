// No dead loops in interactive init: for every cross-field rule, every config that breaks it and every
// way its variables can be fixed (by flag) or left to ask, a broken rule either sends the user to an
// answer that can make it pass (a value exists, passes that variable's own checks, and the question
// is asked), or is fatal, reported before the first question. Also for --target docker's questions and
// --terraform-dir's (its own rules; the tunnel question not asked).
import { describe, expect, it } from 'vitest';
import { repoRules } from '../../src/cli/commands/init-repo.js';
import { doomed, fixers, newFlow, nextStep, reopen, TUNNEL_NEEDS_DOMAIN, wanted, type FlowState } from '../../src/cli/prompts/flow.js';
import { rulesFor, valueSchema, type CrossFieldRule, type InstallConfig } from '../../src/config/schema.js';
import { labeller, type Origin } from '../../src/config/sources.js';
import type { VarValue, VariableSpec } from '../../src/config/variables.js';
import { KUBERNETES_ONLY } from '../../src/templates/docker/render.js';
import { table } from './installer-helpers.js';

const defaults = (): Record<string, VarValue> => Object.fromEntries(table.map((s) => [s.name, structuredClone(s.default)]));

/** Configs that break every rule, some in more than one way. */
const breaking: Record<string, VarValue>[] = [
  {},
  { auth_mode: 'none' },
  { auth_mode: 'none', domain_suffix: 'example.com' },
  { auth_mode: 'none', enable_cloudflare_tunnel: false },
  { auth_mode: 'both' },
  { auth_mode: 'cloudflare-access', enable_cloudflare_tunnel: false },
  { auth_mode: 'cloudflare-access', enable_cloudflare_tunnel: false, domain_suffix: 'example.com' },
  { auth_mode: 'both', domain_suffix: 'example.com', cf_access_team: 't' },
  { auth_mode: 'both', domain_suffix: 'example.com', cf_access_aud: 'a'.repeat(64) },
  { enable_network_policy: true, cloudflared_pod_labels: {} },
  { enable_network_policy: true, cloudflared_pod_labels: {}, cloudflared_namespace: 'homelab' },
  { node_name: 'a', node_selector: { 'kubernetes.io/hostname': 'b' } },
  { port: 9090 },
  { port: 9090, enable_metrics: true },
  { enable_service_monitor: true },
  { memory_request: '2Gi' },
  { memory_limit: '128Mi', memory_request: '256Mi' },
  { cpu_request: '2' },
  { enable_cloudflare_tunnel: false },
];

interface Mode { label: string; target: 'kubernetes' | 'docker'; rules: readonly CrossFieldRule[]; asked: readonly VariableSpec[] }
const modes: Mode[] = [
  { label: 'kubernetes', target: 'kubernetes', rules: rulesFor('kubernetes'), asked: table },
  { label: 'docker', target: 'docker', rules: rulesFor('docker'), asked: table.filter((s) => !(s.name in KUBERNETES_ONLY)) },
  { label: '--terraform-dir', target: 'kubernetes', rules: [...rulesFor('kubernetes'), ...repoRules], asked: table.filter((s) => s.name !== 'enable_cloudflare_tunnel') },
];

function flowFor(mode: Mode, values: Record<string, VarValue>, fixed: readonly string[]): FlowState {
  const origins: Record<string, Origin> = Object.fromEntries(table.map((s) => [s.name, fixed.includes(s.name) ? 'flag' : 'default']));
  const extra = mode.label === '--terraform-dir' ? repoRules : [];
  return newFlow(mode.asked, { ...values }, origins, mode.target, labeller(table, origins), extra);
}

const subsets = <T>(items: readonly T[]): T[][] => items.reduce<T[][]>((acc, x) => [...acc, ...acc.map((s) => [...s, x])], [[]]);
const check = (s: FlowState, rule: CrossFieldRule, values: Record<string, VarValue>): string | undefined =>
  rule.check(values as unknown as InstallConfig, (n) => n, s.target === 'kubernetes');

describe('every broken rule has an exit', () => {
  for (const mode of modes) {
    it(`${mode.label}: an askable answer that can fix it, or fatal before the first question`, () => {
      const rules = [...mode.rules, TUNNEL_NEEDS_DOMAIN];
      let cases = 0;
      for (const [index, rule] of rules.entries()) {
        let broken = 0;
        for (const patch of breaking) {
          const values = { ...defaults(), ...patch };
          for (const fixed of subsets(rule.vars)) {
            const s = flowFor(mode, values, fixed);
            if (check(s, rule, values) === undefined) continue;
            broken++;
            cases++;
            const where = `${mode.label} rule ${index} (${rule.vars.join(', ')}) with ${JSON.stringify(patch)}, fixed: ${fixed.join(', ') || 'none'}`;
            const names = fixers(s, rule);
            if (!names.length) {
              // No answer can fix it: fatal at once (the interactive-only domain rule is skipped instead).
              if (rule !== TUNNEL_NEEDS_DOMAIN) expect(doomed(s).length, where).toBeGreaterThan(0);
              continue;
            }
            for (const name of names) {
              // A repair through `name` exists: every value it sets is askable and valid, the others asked once it is set, and the rule then passes.
              const ok = rule.repairs(values as unknown as InstallConfig).some((repair) => {
                const keys = Object.keys(repair);
                if (!keys.includes(name)) return false;
                const after = { ...values, ...(repair as Record<string, VarValue>) };
                const probe = flowFor(mode, after, fixed);
                return keys.every((k) => {
                  const spec = mode.asked.find((x) => x.name === k);
                  return spec !== undefined && !(fixed as readonly string[]).includes(k) && valueSchema(spec).safeParse(after[k]).success && (k === name || wanted(probe, spec));
                }) && check(s, rule, after) === undefined;
              });
              expect(ok, `${where}: no repair through ${name}`).toBe(true);
              // …and sending the user there asks that very question next.
              const asked = flowFor(mode, values, fixed);
              reopen(asked, name, 'why');
              expect(nextStep(asked), where).toMatchObject({ name });
            }
          }
        }
        expect(broken, `${mode.label} rule ${index} (${rule.vars.join(', ')}): no breaking config in this test`).toBeGreaterThan(0);
      }
      expect(cases).toBeGreaterThan(50);
    });
  }

  it('the reviewer\'s fatal cases are fatal before any question', () => {
    const k = modes[0]!;
    const fatal = (mode: Mode, patch: Record<string, VarValue>, fixed: string[]): string[] => doomed(flowFor(mode, { ...defaults(), ...patch }, fixed));
    expect(fatal(k, { auth_mode: 'none' }, ['auth_mode'])).toEqual([expect.stringContaining('--auth-mode: none is refused')]);
    expect(fatal(k, { auth_mode: 'cloudflare-access', enable_cloudflare_tunnel: false }, ['auth_mode', 'enable_cloudflare_tunnel'])[0])
      .toContain('--auth-mode: cloudflare-access needs the Cloudflare Tunnel on');
    expect(fatal(modes[2]!, { enable_cloudflare_tunnel: false }, ['enable_cloudflare_tunnel'])[0]).toContain('--terraform-dir adds the gateway');
    // Fixable ones are not.
    expect(fatal(k, { auth_mode: 'cloudflare-access' }, ['auth_mode'])).toEqual([]);
    expect(fatal(k, { enable_network_policy: true, cloudflared_pod_labels: {} }, [])).toEqual([]);
  });
});
