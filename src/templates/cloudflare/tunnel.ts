// Cloudflare pieces: DNS, Access and (create_tunnel) a tunnel of our own, as Terraform for provider
// v4 (blocks) or v5 (attributes), plus the ingress rule for a cloudflared the user already runs.
// An existing tunnel's config is never rendered: a tunnel config resource owns the tunnel's WHOLE
// ingress list and would delete the user's other routes. Access is enforced per ingress rule:
// cloudflared silently ignores a top-level originRequest.access. The catch-all 404 rule is always last.
import { stringify } from 'yaml';
import type { InstallConfig } from '../../config/schema.js';
import { hclString } from '../hcl-string.js';
import { createsAccessApp, names, usesAccess } from '../model.js';
import { renderTf } from '../terraform/hcl.js';
import v4 from './tunnel-v4.tf.hbs.js';
import v5 from './tunnel-v5.tf.hbs.js';

export const CATCH_ALL = 'http_status:404';

/**
 * Provider constraints, from the provider's CHANGELOG and docs per tag (docs/installer.md, "Provider
 * versions"): 4.40.0 added every cloudflare_zero_trust_* name the v4 template uses (and 4.39.0
 * cloudflare_record `content`); 5.2.0 is the first 5.x whose tunnel token data source has `token`,
 * 5.6.0 the first whose tunnel config schema no longer defaults `source` to "local" (a known value the
 * API's answer, "cloudflare" for our remotely managed tunnel, contradicts: "Provider produced
 * inconsistent result after apply") nor makes `path`/`origin_request`/`team_name` computed with defaults.
 */
export const CLOUDFLARE_PROVIDER: Record<4 | 5, string> = { 4: '>= 4.40.0, < 5.0.0', 5: '>= 5.6.0, < 6.0.0' };
/** random_id for the v4 tunnel secret (b64_std). */
export const RANDOM_PROVIDER = '>= 3.0.0, < 4.0.0';

/** Root module: the Cloudflare resources sit beside the module call, so the AUD is a reference. */
export const CLOUDFLARE_ROOT_TF = 'terraform/cloudflare.tf';
/** --format yaml has no Terraform root: DNS and Access (and a new tunnel) stand alone here. */
export const CLOUDFLARE_STANDALONE_TF = 'cloudflare/main.tf';
export const INGRESS_YAML = 'cloudflare/cloudflared-ingress.yaml';
/** The Access application resource whose aud the gateway gets when the render creates it. */
export const ACCESS_APP_AUD = 'cloudflare_zero_trust_access_application.docker_mcp.aud';
const TUNNEL_ID = 'cloudflare_zero_trust_tunnel_cloudflared.docker_mcp.id';

export interface ProviderRequirement {
  name: string;
  source: string;
  version: string;
}

/** What the Cloudflare file needs in required_providers (the root's versions.tf, or its own block). */
export function cloudflareProviders(c: InstallConfig): ProviderRequirement[] {
  const out = [{ name: 'cloudflare', source: 'cloudflare/cloudflare', version: CLOUDFLARE_PROVIDER[c.cloudflare_provider_version] }];
  if (c.create_tunnel && c.cloudflare_provider_version === 4) out.push({ name: 'random', source: 'hashicorp/random', version: RANDOM_PROVIDER });
  return out;
}

/**
 * The root variables (no defaults: TF_VAR_… or a prompt) the Cloudflare file declares. The account
 * is needed only by a tunnel or Access application of its own; the DNS record takes the zone alone.
 */
export function cloudflareInputs(c: InstallConfig): string[] {
  return [
    ...(c.create_tunnel || createsAccessApp(c) ? ['cloudflare_account_id'] : []),
    'cloudflare_zone_id',
    ...(c.create_tunnel ? [] : ['cloudflare_tunnel_id']),
  ];
}

function view(c: InstallConfig): Record<string, unknown> {
  const n = names(c);
  return {
    needsAccount: cloudflareInputs(c).includes('cloudflare_account_id'),
    hostname: `${c.tunnel_hostname}.${c.domain_suffix}`,
    service: n.serviceUrl,
    access: usesAccess(c),
    createAccess: createsAccessApp(c),
    createTunnel: c.create_tunnel,
    audRef: createsAccessApp(c) ? ACCESS_APP_AUD : hclString(c.cf_access_aud),
    dnsContent: `"\${${c.create_tunnel ? TUNNEL_ID : 'var.cloudflare_tunnel_id'}}.cfargotunnel.com"`,
    tunnelName: n.name,
    team: c.cf_access_team,
    appName: `docker-mcp (${c.project_name})`,
    tokenName: n.accessTokenName,
    emails: c.allowed_emails,
    domains: c.allowed_email_domains,
    catchAll: CATCH_ALL,
  };
}

function header(c: InstallConfig, version: string): string {
  const what = [c.create_tunnel ? 'a new tunnel with its ingress config' : 'the DNS record for your existing tunnel', ...(createsAccessApp(c) ? ['the Access application'] : [])];
  const keep = c.create_tunnel
    ? ''
    : '# No tunnel config is managed here: that resource owns a tunnel\'s whole ingress list and would delete\n' +
      '# your other routes. Add the rule in cloudflare/cloudflared-ingress.yaml to your tunnel (NOTES.md).\n';
  return `# Rendered by docker-mcp ${version} for the Cloudflare provider ${c.cloudflare_provider_version}.x: ${what.join(' and ')}.\n${keep}`;
}

const PROVIDER = '# Credentials from the environment (CLOUDFLARE_API_TOKEN).\nprovider "cloudflare" {}\n\n';

/** terraform/cloudflare.tf: part of the root module (its providers are in the root's versions.tf). */
export function cloudflareRootTf(c: InstallConfig, version: string): string {
  return header(c, version) + '\n' + PROVIDER + renderTf(c.cloudflare_provider_version === 4 ? v4 : v5, view(c));
}

/** cloudflare/main.tf: a Terraform root of its own, for --format yaml. */
export function cloudflareStandaloneTf(c: InstallConfig, version: string, terraformVersion: string): string {
  const providers = cloudflareProviders(c)
    .map((p) => `    ${p.name} = {\n      source  = "${p.source}"\n      version = "${p.version}"\n    }\n`)
    .join('');
  const block = `terraform {\n  required_version = "${terraformVersion}"\n  required_providers {\n${providers}  }\n}\n\n`;
  return header(c, version) + '\n' + block + PROVIDER + renderTf(c.cloudflare_provider_version === 4 ? v4 : v5, view(c));
}

/**
 * The ingress list for a cloudflared the user runs (config.yaml): our rule, then the catch-all. The
 * rule carries originRequest.access only when the AUD is known; an Access application created by this
 * render has its AUD after `terraform apply` (the gateway validates the Access JWT itself either way).
 */
export function cloudflaredIngress(c: InstallConfig): Record<string, unknown>[] {
  const rule: Record<string, unknown> = { hostname: `${c.tunnel_hostname}.${c.domain_suffix}`, service: names(c).serviceUrl };
  if (usesAccess(c) && !createsAccessApp(c)) {
    rule.originRequest = { access: { required: true, teamName: c.cf_access_team, audTag: [c.cf_access_aud] } };
  }
  return [rule, { service: CATCH_ALL }];
}

export function cloudflaredYaml(c: InstallConfig, version: string): string {
  const lines = [
    `# Rendered by docker-mcp ${version}: the ingress entry for cloudflared's config.yaml (ConfigMap`,
    '# cloudflared-config). Put the docker-mcp rule above your catch-all; the 404 rule must stay last.',
    '# Access is enforced per rule: a top-level originRequest.access is silently ignored by cloudflared.',
  ];
  if (createsAccessApp(c)) {
    lines.push(
      '# The Access application is created by the rendered Terraform; to have cloudflared check its JWT too,',
      `# add to the rule: originRequest: { access: { required: true, teamName: ${c.cf_access_team}, audTag: [<terraform -chdir=terraform output -raw access_aud (-chdir=cloudflare for --format yaml)>] } }`,
    );
  }
  return `${lines.join('\n')}\n${stringify({ ingress: cloudflaredIngress(c) }, { lineWidth: 0 })}`;
}
