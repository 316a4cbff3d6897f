// The Cloudflare root's inputs and what NOTES.md asks for them (review of issue 15): only the
// variables a file uses are declared (Terraform wants a value for each), NOTES.md asks for exactly
// those, and the API token's permission groups match the resources rendered.
import { describe, expect, it } from 'vitest';
import { renderPlan, type Format, type RenderPlan } from '../../src/templates/index.js';
import { VERSION, configFrom, table } from './installer-helpers.js';

const AUD = 'ab'.repeat(32);
const ACCESS = { domain_suffix: 'example.com', auth_mode: 'both', cf_access_team: 'myteam', allowed_emails: ['a@example.com'] };

function render(data: Record<string, unknown>, format: Format = 'both'): RenderPlan {
  return renderPlan(configFrom(data), table, { format, singleFile: false, version: VERSION });
}
const file = (plan: RenderPlan, path: string): string => {
  const f = plan.files.find((x) => x.path === path);
  expect(f, `${path} is rendered`).toBeDefined();
  return f!.contents;
};

describe.each([4, 5] as const)('Cloudflare provider v%i', (v) => {
  it('NOTES.md asks for an API token with every permission group the resources need', () => {
    // Review: the service token needs its own group ("Access: Service Tokens Write", the provider's
    // docs/resources/zero_trust_access_service_token.md); without it the first apply got a 403.
    const notes = file(render({ ...ACCESS, cloudflare_provider_version: v, create_tunnel: true }), 'NOTES.md');
    for (const group of ['DNS Write', 'Cloudflare Tunnel Write', 'Access: Apps and Policies Write', 'Access: Service Tokens Write']) expect(notes).toContain(group);
    const dnsOnly = file(render({ ...ACCESS, cf_access_aud: AUD, cloudflare_provider_version: v }), 'NOTES.md');
    expect(dnsOnly).toContain('DNS Write');
    expect(dnsOnly).not.toMatch(/Cloudflare Tunnel Write|Access: /);
  });
});

it('the Cloudflare file declares only inputs it uses, and NOTES.md asks for exactly those (every provider/tunnel/Access/format variant)', () => {
  // Review: an existing tunnel without a created Access application declared cloudflare_account_id and
  // used it nowhere; Terraform still requires a value for it (`-input=false` fails the plan).
  for (const v of [4, 5]) for (const create_tunnel of [false, true]) for (const access of ['create', 'given', 'none']) for (const format of ['both', 'yaml'] as const) {
    const auth = access === 'none' ? { domain_suffix: 'example.com' } : { ...ACCESS, cf_access_aud: access === 'given' ? AUD : '' };
    const plan = render({ ...auth, cloudflare_provider_version: v, create_tunnel }, format);
    const tf = file(plan, format === 'yaml' ? 'cloudflare/main.tf' : 'terraform/cloudflare.tf');
    const declared = [...tf.matchAll(/^variable "(\w+)"/gm)].map((m) => m[1]!).sort();
    const used = [...new Set([...tf.matchAll(/\bvar\.(\w+)/g)].map((m) => m[1]!))].sort();
    const what = `v${v} create_tunnel=${create_tunnel} access=${access} ${format}`;
    expect(declared, what).toEqual(used);
    const asked = [...file(plan, 'NOTES.md').matchAll(/TF_VAR_(\w+)=/g)].map((m) => m[1]!).sort();
    expect(asked, what).toEqual(declared);
    if (format === 'yaml') continue;
    // The whole root: no variable (nor terraform.tfvars answer) that nothing reads, such as a
    // cf_access_aud whose module argument is the created application's aud.
    const root = plan.files.filter((f) => /^terraform\/[^/]+\.tf$/.test(f.path)).map((f) => f.contents).join('\n');
    const rootDeclared = [...root.matchAll(/^variable "(\w+)"/gm)].map((m) => m[1]!);
    const rootUsed = new Set([...root.matchAll(/\bvar\.(\w+)/g)].map((m) => m[1]!));
    expect(rootDeclared.filter((n) => !rootUsed.has(n)), what).toEqual([]);
    const answered = [...file(plan, 'terraform/terraform.tfvars').matchAll(/^(\w+) +=/gm)].map((m) => m[1]!);
    expect(answered.filter((n) => !rootDeclared.includes(n)), what).toEqual([]);
  }
});
