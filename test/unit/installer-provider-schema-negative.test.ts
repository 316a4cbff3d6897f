// The provider-schema check (installer-provider-schema.ts) must fail on broken renders: each case
// mutates a copy of a real rendered file in one way and names the problem the check must report.
// Without these, a checker that silently accepts everything would pass installer-provider-schema.test.ts.
import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../src/templates/index.js';
import { configFrom, matrix, table, VERSION } from './installer-helpers.js';
import { checkTf, schemasFor } from './installer-provider-schema.js';

function rendered(cf: 4 | 5, path: string): string {
  // "everything" turns on access, metrics, network policy; a new tunnel renders the tunnel config.
  const c = configFrom({ ...matrix.everything, cloudflare_provider_version: cf, create_tunnel: true, cf_access_aud: undefined });
  const file = renderPlan(c, table, { format: 'both', singleFile: false, version: VERSION }).files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path} rendered`);
  return file.contents;
}

const MODULE = 'terraform/modules/docker-mcp-gateway/main.tf';
const POLICY = 'terraform/modules/docker-mcp-gateway/network-policy.tf';
const CLOUDFLARE = 'terraform/cloudflare.tf';

/** Replace exactly one occurrence (so a template change that removes the anchor fails loudly). */
function mutate(text: string, from: string | RegExp, to: string): string {
  const count = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from, 'g')) ?? []).length;
  expect(count, `anchor ${String(from)} must occur exactly once`).toBe(1);
  return text.replace(from, to);
}

async function problems(cf: 4 | 5, path: string, text: string): Promise<string[]> {
  const out: string[] = [];
  for (const schemas of schemasFor(cf)) out.push(...(await checkTf(path, text, schemas)));
  return [...new Set(out)];
}

const cases: { name: string; cf: 4 | 5; path: string; from: string | RegExp; to: string; expected: RegExp }[] = [
  {
    name: 'a misspelled attribute',
    cf: 5, path: MODULE, from: 'wait_for_rollout =', to: 'wait_for_rollouts =',
    expected: /kubernetes_deployment_v1\.gateway\.wait_for_rollouts: no such attribute/,
  },
  {
    name: 'a misspelled attribute deep in the pod spec',
    cf: 5, path: MODULE, from: 'read_only_root_filesystem  = true', to: 'readonly_root_filesystem  = true',
    expected: /spec\.template\.spec\.container\.security_context\.readonly_root_filesystem: no such attribute/,
  },
  {
    name: 'a block written as an attribute (kubernetes SDKv2 block)',
    cf: 5, path: MODULE, from: /strategy \{\n\s+type = "RollingUpdate"\n\s+rolling_update \{\n\s+max_surge\s+= [^\n]+\n\s+max_unavailable = [^\n]+\n\s+\}\n\s+\}/,
    to: 'strategy = { type = "RollingUpdate" }',
    expected: /spec\.strategy: is a block: write `strategy \{ \.\.\. \}`/,
  },
  {
    name: 'a v4 block written the v5 way (config = { ... })',
    cf: 4, path: CLOUDFLARE, from: /config \{\n\s+ingress_rule \{[\s\S]*?\n {2}\}\n\}/, to: 'config = {\n    ingress = [{ service = "http_status:404" }]\n  }\n}',
    expected: /cloudflare_zero_trust_tunnel_cloudflared_config\.docker_mcp\.config: is a block/,
  },
  {
    name: 'a v5 nested attribute written as a block (config { ... })',
    cf: 5, path: CLOUDFLARE, from: 'config = {', to: 'config {',
    expected: /cloudflare_zero_trust_tunnel_cloudflared_config\.docker_mcp\.config: is an attribute: write `config = \.\.\.`/,
  },
  {
    name: 'a v4 block name inside a v5 nested attribute',
    cf: 5, path: CLOUDFLARE, from: 'ingress = [', to: 'ingress_rule = [',
    expected: /config\.ingress_rule: no such attribute/,
  },
  {
    name: 'a misspelled key in a v5 nested object',
    cf: 5, path: CLOUDFLARE, from: 'team_name = "myteam"', to: 'teamname = "myteam"',
    expected: /config\.ingress\[0\]\.origin_request\.access\.teamname: no such attribute/,
  },
  {
    name: 'a required key missing in a v5 nested object',
    cf: 5, path: CLOUDFLARE, from: /\n\s+aud_tag\s+= \[cloudflare_zero_trust_access_application\.docker_mcp\.aud\]/, to: '',
    expected: /origin_request\.access\.aud_tag: required attribute missing/,
  },
  {
    name: 'a computed-only attribute set',
    cf: 4, path: CLOUDFLARE, from: 'session_duration = "24h"', to: 'session_duration = "24h"\n  aud = "x"',
    expected: /cloudflare_zero_trust_access_application\.docker_mcp\.aud: is computed only/,
  },
  {
    name: 'a scalar where the provider wants a list (v4 aud_tag)',
    cf: 4, path: CLOUDFLARE, from: 'aud_tag   = [cloudflare_zero_trust_access_application.docker_mcp.aud]', to: 'aud_tag   = "x"',
    expected: /origin_request\.access\.aud_tag: is \["set","string"\]: a scalar literal does not convert to it/,
  },
  {
    name: 'a list where the provider wants a scalar (v5 nested)',
    cf: 5, path: CLOUDFLARE, from: 'team_name = "myteam"', to: 'team_name = ["myteam"]',
    expected: /origin_request\.access\.team_name: is "string": a list literal does not convert to it/,
  },
  {
    name: 'a required attribute missing',
    cf: 4, path: CLOUDFLARE, from: /\n\s+byte_length = 32/, to: '',
    expected: /random_id\.tunnel_secret\.byte_length: required attribute missing/,
  },
  {
    name: 'a required block missing',
    cf: 5, path: POLICY, from: /\n {4}pod_selector \{\n\s+match_labels = local\.selector_labels\n {4}\}/, to: '',
    expected: /kubernetes_network_policy_v1\.gateway\.spec\.pod_selector: required block missing/,
  },
  {
    name: 'max_items exceeded by literal blocks',
    cf: 5, path: MODULE, from: 'wait_for_rollout = var.wait_for_rollout', to: 'wait_for_rollout = var.wait_for_rollout\n  metadata {\n    name = "again"\n  }',
    expected: /kubernetes_deployment_v1\.gateway\.metadata: 2 blocks, at most 1 allowed/,
  },
  {
    name: 'a dynamic block for an unknown block type',
    cf: 5, path: MODULE, from: 'dynamic "toleration" {', to: 'dynamic "tolerations" {',
    expected: /spec\.template\.spec\.tolerations: no such block/,
  },
  {
    name: 'a resource type the provider does not have',
    cf: 4, path: CLOUDFLARE, from: 'resource "cloudflare_record" "docker_mcp"', to: 'resource "cloudflare_tunnel_record" "docker_mcp"',
    expected: /no resource type cloudflare_tunnel_record in the provider schema/,
  },
  {
    name: 'a reference to an attribute the resource does not have (v4 name in v5)',
    cf: 5, path: CLOUDFLARE, from: 'data.cloudflare_zero_trust_tunnel_cloudflared_token.docker_mcp.token', to: 'cloudflare_zero_trust_tunnel_cloudflared.docker_mcp.tunnel_token',
    expected: /cloudflare_zero_trust_tunnel_cloudflared\.docker_mcp\.tunnel_token: no attribute or block tunnel_token/,
  },
  {
    name: 'a provider block argument misspelled',
    cf: 5, path: 'terraform/main.tf', from: /config_context = /, to: 'kube_context = ',
    expected: /provider\.kubernetes\.kube_context: no such attribute/,
  },
  {
    name: 'a meta-argument misspelled',
    cf: 5, path: MODULE, from: 'count = var.create_namespace ? 1 : 0', to: 'counts = var.create_namespace ? 1 : 0',
    expected: /kubernetes_namespace_v1\.gateway\.counts: no such attribute/,
  },
];

describe('the provider-schema check fails on broken renders', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const original = rendered(c.cf, c.path);
    expect(await problems(c.cf, c.path, original), 'the unmutated render is clean').toEqual([]);
    const found = await problems(c.cf, c.path, mutate(original, c.from, c.to));
    expect(found.some((p) => c.expected.test(p)), found.join('\n')).toBe(true);
  });

  it('accepts what Terraform accepts: meta-arguments, lifecycle, declared timeouts, dynamic blocks', async () => {
    const text = rendered(5, MODULE);
    expect(text).toMatch(/\n {2}timeouts \{/);
    expect(text).toMatch(/depends_on = \[/);
    expect(text).toMatch(/dynamic "volume_mount"/);
    expect(await problems(5, MODULE, text)).toEqual([]);
    // timeouts only where the resource declares them: the ConfigMap does not.
    const bad = mutate(text, 'data = local.gateway_env', 'data = local.gateway_env\n  timeouts {\n    create = "1m"\n  }');
    expect((await problems(5, MODULE, bad)).join('\n')).toMatch(/kubernetes_config_map_v1\.gateway\.timeouts: no such block/);
  });
});
