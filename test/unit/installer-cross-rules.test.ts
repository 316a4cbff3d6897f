// The cross-field rules as data: each rule lists every variable it reads (so interactive init can
// judge it as soon as those are settled), and the prompt flow attributes a broken rule to the answer
// that broke it: the later of the asked variables, or the one just answered.
import { describe, expect, it } from 'vitest';
import { doomed, inlineProblem, judge, newFlow, offeredChoices, refused, settle, settled, type FlowState } from '../../src/cli/prompts/flow.js';
import { repoRules } from '../../src/cli/commands/init-repo.js';
import { crossFieldRules, type InstallConfig } from '../../src/config/schema.js';
import { labeller, type Origin } from '../../src/config/sources.js';
import type { VarValue } from '../../src/config/variables.js';
import { table } from './installer-helpers.js';

const defaults = (): Record<string, VarValue> => Object.fromEntries(table.map((s) => [s.name, structuredClone(s.default)]));

/** Configs that take every branch of every rule. */
const variants: Record<string, VarValue>[] = [
  {},
  { auth_mode: 'none' },
  { auth_mode: 'none', domain_suffix: 'example.com' },
  { auth_mode: 'both', domain_suffix: 'example.com' },
  { auth_mode: 'cloudflare-access', cf_access_team: 't', allowed_emails: ['a@b.c'] },
  { enable_network_policy: true, cloudflared_pod_labels: {} },
  { node_name: 'a', node_selector: { 'kubernetes.io/hostname': 'b' } },
  { port: 9090, enable_service_monitor: true },
  { memory_request: '2Gi', cpu_request: '2' },
];

describe('cross-field rules', () => {
  it('each rule reads only the variables it lists', () => {
    for (const [index, rule] of [...crossFieldRules, ...repoRules].entries()) {
      for (const variant of variants) {
        for (const kubernetes of [true, false]) {
          const read = new Set<string>();
          const config = new Proxy({ ...defaults(), ...variant }, {
            get: (target, key) => {
              if (typeof key === 'string') read.add(key);
              return target[key as string];
            },
          }) as unknown as InstallConfig;
          rule.check(config, (n) => n, kubernetes);
          expect([...read].filter((k) => !rule.vars.includes(k as keyof InstallConfig)), `rule ${index} (${rule.vars.join(', ')})`).toEqual([]);
        }
      }
    }
  });
});

/** Every variable asked (default origins), the advanced group accepted. */
function flow(overrides: Record<string, VarValue> = {}, fixed: Record<string, Origin> = {}): FlowState {
  const values = { ...defaults(), ...overrides };
  const origins: Record<string, Origin> = Object.fromEntries(table.map((s) => [s.name, fixed[s.name] ?? 'default']));
  return newFlow(table, values, origins, 'kubernetes', labeller(table, origins));
}

describe('interactive attribution', () => {
  it('memory request above the limit: judged at the later question; either answer can be changed', () => {
    const s = flow({ memory_request: '2Gi' });
    s.advanced = true;
    settle(s, 'memory_limit', '1Gi');
    expect(judge(s).fix).toBeUndefined(); // memory_request is still to be asked
    settle(s, 'memory_request', '2Gi');
    expect(judge(s).fix).toEqual({
      message: 'prompt "Memory request (empty: the memory limit)": 2Gi is more than prompt "Memory limit" 1Gi', names: ['memory_limit', 'memory_request'],
    });
    // Two answers can fix it: not refused on the spot (the user picks which to change).
    expect(inlineProblem(s, 'memory_request', '4Gi')).toBeUndefined();
  });

  it('with the limit fixed by env, a request above it is refused on the spot (only that answer can fix it)', () => {
    const s = flow({ memory_limit: '1Gi' }, { memory_limit: 'env' });
    s.advanced = true;
    expect(inlineProblem(s, 'memory_request', '4Gi')).toBe('4Gi is more than DOCKER_MCP_INIT_MEMORY_LIMIT 1Gi');
    expect(inlineProblem(s, 'memory_request', '512Mi')).toBeUndefined();
    expect(refused(s, 'memory_limit', '512Mi')).toBe(false);
  });

  it('auth_mode + cf_access_team: judged when the team (asked after auth_mode) is answered', () => {
    const s = flow();
    for (const [k, v] of Object.entries({ enable_cloudflare_tunnel: true, tunnel_hostname: 'mcp', domain_suffix: 'example.com', auth_mode: 'both' })) settle(s, k, v);
    expect(judge(s).fix).toBeUndefined();
    expect(settled(s, 'cf_access_team')).toBe(false);
    settle(s, 'cf_access_team', '');
    expect(judge(s).fix).toMatchObject({ names: ['auth_mode', 'cf_access_team'] });
  });

  it('a rule whose other variable was fixed by a flag sends the user back to the asked one', () => {
    const s = flow({ cf_access_team: '' }, { cf_access_team: 'flag' });
    for (const [k, v] of Object.entries({ enable_cloudflare_tunnel: true, tunnel_hostname: 'mcp', domain_suffix: 'example.com', auth_mode: 'both' })) settle(s, k, v);
    expect(judge(s).fix).toEqual({ names: ['auth_mode'], message: '--cf-access-team: required when prompt "Authentication" is both' });
  });

  it('declining metrics after answering port = metrics_port sends the user back to the port (the metrics port is not asked)', () => {
    const s = flow();
    s.advanced = true;
    settle(s, 'port', 9090);
    expect(judge(s).fix).toBeUndefined(); // metrics_port may still be asked
    settle(s, 'enable_metrics', false);
    expect(judge(s).fix).toMatchObject({ names: ['port'] });
    expect(refused(s, 'port', 9090)).toBe(true); // so 9090 is not offered as the default again
  });

  it('a value from the answers file in a skipped advanced group can be changed when the group is declined; named by file and key', () => {
    const origins: Record<string, Origin> = Object.fromEntries(table.map((s) => [s.name, s.name === 'memory_request' ? 'config' : 'default']));
    const s = newFlow(table, { ...defaults(), memory_request: '2Gi' }, origins, 'kubernetes', labeller(table, origins, 'docker-mcp.yaml'));
    s.advanced = false;
    expect(judge(s).fix).toEqual({ message: 'docker-mcp.yaml: memory_request: 2Gi is more than --memory-limit 512Mi', names: ['memory_limit', 'memory_request'] });
  });

  it('--terraform-dir: answering no to the tunnel it needs asks that question again', () => {
    const values = defaults();
    const origins: Record<string, Origin> = Object.fromEntries(table.map((x) => [x.name, 'default']));
    const s = newFlow(table, values, origins, 'kubernetes', labeller(table, origins), repoRules);
    settle(s, 'enable_cloudflare_tunnel', false);
    const fix = judge(s).fix;
    expect(fix?.names).toEqual(['enable_cloudflare_tunnel']);
    expect(fix?.message).toContain('--terraform-dir adds the gateway to your Cloudflare Tunnel');
  });

  it('rules broken by flags and env alone are fatal before any question', () => {
    const s = flow({ port: 9090 }, { port: 'flag', metrics_port: 'env' });
    expect(doomed(s)).toEqual(['DOCKER_MCP_INIT_METRICS_PORT: must differ from --port (9090)']);
  });
});

describe('choices a select offers', () => {
  it('auth_mode never offers none; with the tunnel off Access turns it on', () => {
    const s = flow();
    settle(s, 'enable_cloudflare_tunnel', false);
    expect(offeredChoices(s, table.find((x) => x.name === 'auth_mode')!)).toEqual([
      { value: 'bearer' },
      { value: 'cloudflare-access', note: 'turns the Cloudflare Tunnel on, then asks for its domain' },
      { value: 'both', note: 'turns the Cloudflare Tunnel on, then asks for its domain' },
    ]);
  });

  it('with the tunnel off by flag, Access is not offered at all', () => {
    const s = flow({ enable_cloudflare_tunnel: false }, { enable_cloudflare_tunnel: 'flag' });
    expect(offeredChoices(s, table.find((x) => x.name === 'auth_mode')!)).toEqual([{ value: 'bearer' }]);
  });
});

describe('--terraform-dir rules name what the user touched', () => {
  it('the env var and the file key, not the flags', () => {
    const origins: Record<string, Origin> = Object.fromEntries(table.map((s) => [s.name, 'default']));
    origins.enable_cloudflare_tunnel = 'env';
    origins.cf_access_aud = 'config';
    origins.auth_mode = 'config';
    const name = labeller(table, origins, 'docker-mcp.yaml');
    const c = { ...defaults(), enable_cloudflare_tunnel: false, auth_mode: 'both' } as unknown as InstallConfig;
    expect(repoRules[0]!.check(c, name, true)).toMatch(/^DOCKER_MCP_INIT_ENABLE_CLOUDFLARE_TUNNEL\/--domain-suffix: --terraform-dir adds/);
    expect(repoRules[1]!.check(c, name, true)).toMatch(/^docker-mcp\.yaml: cf_access_aud: required with --terraform-dir when docker-mcp\.yaml: auth_mode is both/);
  });
});
