// terraform/cloudflare.tf with Cloudflare Access on (and no --cf-access-aud, so the render creates the application): the clients in clients/ authenticate with an Access
// service token (CF-Access-Client-Id/-Secret), which only a non_identity ("Service Auth") policy admits;
// an allow policy with emails sends them to the login page. Both provider versions must render the
// token, a non_identity policy including exactly that token attached to the application, the token's
// id and secret as outputs, and still the allow policy for people. Checked on the parse tree.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatHclErrors, parseHcl } from '../../src/templates/hcl-parse.js';
import { renderPlan } from '../../src/templates/index.js';
import { evalBody, type Block, type Scope, type Value } from './installer-hcl-eval.js';
import { VERSION, configFrom, table } from './installer-helpers.js';

const ACCESS = {
  domain_suffix: 'example.com', auth_mode: 'both', cf_access_team: 'myteam',
  allowed_emails: ['a@example.com'], allowed_email_domains: ['example.org'],
};

/** A reference evaluates to its own text (`var.x`, `type.name.attr`), so the test can compare wiring. */
const refs = (prefix: string): Record<string, Value> =>
  new Proxy({}, { has: () => true, get: (_, key) => `${prefix}.${String(key)}` });
const scope: Scope = new Proxy({}, {
  has: () => true,
  get: (_, type) => (type === 'var' ? refs('var') : new Proxy({}, { has: () => true, get: (__, name) => refs(`${String(type)}.${String(name)}`) })),
});

interface TopBlock extends Block { key: string }

async function tunnelBlocks(version: 4 | 5, data: Record<string, unknown> = ACCESS): Promise<{ text: string; blocks: TopBlock[] }> {
  const config = configFrom({ ...data, cloudflare_provider_version: version });
  const file = renderPlan(config, table, { format: 'both', singleFile: false, version: VERSION }).files.find((f) => f.path === 'terraform/cloudflare.tf');
  expect(file, 'terraform/cloudflare.tf is rendered').toBeDefined();
  const { root, errors } = await parseHcl(file!.contents);
  expect(errors, formatHclErrors(errors)).toEqual([]);
  const body = root.namedChildren.find((n) => n?.type === 'body')!;
  const { blocks } = evalBody(body, scope);
  return { text: file!.contents, blocks: blocks.map((b) => ({ ...b, key: [b.type, ...b.labels].join('.') })) };
}

const resources = (blocks: TopBlock[], type: string): TopBlock[] => blocks.filter((b) => b.type === 'resource' && b.labels[0] === type);
const output = (blocks: TopBlock[], name: string): TopBlock | undefined => blocks.find((b) => b.type === 'output' && b.labels[0] === name);

const NAMES = {
  // One naming family in both majors: the zero_trust names exist from provider 4.40.0 on.
  4: { app: 'cloudflare_zero_trust_access_application', policy: 'cloudflare_zero_trust_access_policy', token: 'cloudflare_zero_trust_access_service_token' },
  5: { app: 'cloudflare_zero_trust_access_application', policy: 'cloudflare_zero_trust_access_policy', token: 'cloudflare_zero_trust_access_service_token' },
} as const;

describe.each([4, 5] as const)('cloudflare.tf with Cloudflare Access (provider v%i)', (version) => {
  const n = NAMES[version];

  it('creates one service token for the clients and outputs its id and (sensitive) secret', async () => {
    const { blocks } = await tunnelBlocks(version);
    const tokens = resources(blocks, n.token);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.attributes).toMatchObject({ account_id: 'var.cloudflare_account_id', name: 'docker-mcp (homelab) clients' });
    const ref = `${n.token}.${tokens[0]!.labels[1]}`;
    expect(output(blocks, 'access_client_id')?.attributes).toMatchObject({ value: `${ref}.client_id` });
    expect(output(blocks, 'access_client_id')?.attributes.sensitive).toBeUndefined();
    expect(output(blocks, 'access_client_secret')?.attributes).toMatchObject({ value: `${ref}.client_secret`, sensitive: true });
    expect(output(blocks, 'access_aud')?.attributes).toMatchObject({ value: `${n.app}.docker_mcp.aud` });
  });

  it('admits that token with a non_identity policy and keeps the allow policy, both on the application, at distinct precedences', async () => {
    const { blocks } = await tunnelBlocks(version);
    const policies = resources(blocks, n.policy);
    const allow = policies.filter((p) => p.attributes.decision === 'allow');
    const service = policies.filter((p) => p.attributes.decision === 'non_identity');
    expect(allow, 'the allow policy').toHaveLength(1);
    expect(service, 'a non_identity (Service Auth) policy').toHaveLength(1);
    expect(policies).toHaveLength(2);
    const [token] = resources(blocks, n.token);
    expect(token, 'a service token resource').toBeDefined();
    const tokenId = `${n.token}.${token!.labels[1]}.id`;
    const apps = resources(blocks, n.app);
    expect(apps).toHaveLength(1);
    const appId = `${n.app}.${apps[0]!.labels[1]}.id`;
    const ref = (p: TopBlock): string => `${n.policy}.${p.labels[1]}.id`;

    if (version === 4) {
      // Application-scoped policies: application_id and a precedence unique on the application.
      for (const p of policies) expect(p.attributes.application_id).toBe(appId);
      expect(allow[0]!.blocks).toEqual([{ type: 'include', labels: [], attributes: { email: ['a@example.com'], email_domain: ['example.org'] }, blocks: [] }]);
      expect(service[0]!.blocks).toEqual([{ type: 'include', labels: [], attributes: { service_token: [tokenId] }, blocks: [] }]);
      const precedences = policies.map((p) => p.attributes.precedence);
      expect(precedences.every((x) => typeof x === 'number')).toBe(true);
      expect(new Set(precedences).size).toBe(2);
    } else {
      // Reusable account-level policies, attached by the application's `policies` list.
      for (const p of policies) expect(p.attributes).not.toHaveProperty('application_id');
      expect(allow[0]!.attributes.include).toEqual([{ email: { email: 'a@example.com' } }, { email_domain: { domain: 'example.org' } }]);
      expect(service[0]!.attributes.include).toEqual([{ service_token: { token_id: tokenId } }]);
      const attached = apps[0]!.attributes.policies as { id: string; precedence: number }[];
      expect(attached.map((p) => p.id).sort()).toEqual([ref(allow[0]!), ref(service[0]!)].sort());
      expect(attached.every((p) => typeof p.precedence === 'number')).toBe(true);
      expect(new Set(attached.map((p) => p.precedence)).size).toBe(2);
    }
  });

  it('passes terraform fmt -check', async () => {
    const { text } = await tunnelBlocks(version);
    const dir = mkdtempSync(join(tmpdir(), 'dmcp-access-fmt-'));
    try {
      writeFileSync(join(dir, 'tunnel.tf'), text);
      const run = (): string => execFileSync('terraform', ['fmt', '-check', '-diff', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(run).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('renders no Access application, policy, token or credential output without Access', async () => {
    const { blocks } = await tunnelBlocks(version, { domain_suffix: 'example.com', auth_mode: 'bearer' });
    for (const type of Object.values(n)) expect(resources(blocks, type), type).toEqual([]);
    expect(blocks.filter((b) => b.type === 'output')).toEqual([]);
  });
});
