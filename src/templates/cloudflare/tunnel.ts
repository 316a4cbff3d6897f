// Cloudflare pieces for a tunnel managed in Terraform (provider v4 blocks or v5 attributes) and for
// a ConfigMap-based cloudflared (config.yaml). Access is enforced per ingress rule: cloudflared
// silently ignores a top-level originRequest.access. The catch-all 404 rule is always last.
import { stringify } from 'yaml';
import type { InstallConfig } from '../../config/schema.js';
import { names, usesAccess } from '../model.js';
import { renderTf } from '../terraform/hcl.js';
import v4 from './tunnel-v4.tf.hbs.js';
import v5 from './tunnel-v5.tf.hbs.js';

export const CATCH_ALL = 'http_status:404';

function view(c: InstallConfig, version: string): Record<string, unknown> {
  const n = names(c);
  return {
    version,
    hostname: `${c.tunnel_hostname}.${c.domain_suffix}`,
    label: c.tunnel_hostname,
    service: n.serviceUrl,
    access: usesAccess(c),
    team: c.cf_access_team,
    appName: `docker-mcp (${c.project_name})`,
    tokenName: n.accessTokenName,
    emails: c.allowed_emails,
    domains: c.allowed_email_domains,
    catchAll: CATCH_ALL,
  };
}

/** Where tunnelTf's output goes; NOTES.md names its steps by whether it was rendered. */
export const TUNNEL_TF = 'cloudflare/tunnel.tf';

export function tunnelTf(c: InstallConfig, version: string): string {
  return renderTf(c.cloudflare_provider_version === 4 ? v4 : v5, view(c, version));
}

/** The ingress list for cloudflared's config.yaml: our rule, then the catch-all. */
export function cloudflaredIngress(c: InstallConfig): Record<string, unknown>[] {
  const rule: Record<string, unknown> = { hostname: `${c.tunnel_hostname}.${c.domain_suffix}`, service: names(c).serviceUrl };
  if (usesAccess(c)) {
    rule.originRequest = { access: { required: true, teamName: c.cf_access_team, audTag: [c.cf_access_aud] } };
  }
  return [rule, { service: CATCH_ALL }];
}

export function cloudflaredYaml(c: InstallConfig, version: string): string {
  const header =
    `# Rendered by docker-mcp ${version}: the ingress entry for cloudflared's config.yaml (ConfigMap\n` +
    '# cloudflared-config). Put the docker-mcp rule above your catch-all; the 404 rule must stay last.\n' +
    '# Access is enforced per rule: a top-level originRequest.access is silently ignored by cloudflared.\n';
  return header + stringify({ ingress: cloudflaredIngress(c) }, { lineWidth: 0 });
}
