// Cloudflare provider 5.x: attributes (config = { ingress = [ … ] }), cloudflare_dns_record with a
// full FQDN name and ttl = 1 (automatic), reusable Access policies attached by the application.
import tunnelInputs from './tunnel-inputs.tf.js';

export default `# Rendered by docker-mcp {{version}} for the Cloudflare provider 5.x.
# The tunnel config resource owns the tunnel's whole ingress list. If your tunnel is configured
# elsewhere, copy the docker-mcp ingress entry there, above the catch-all (\`docker-mcp\` can patch it).

terraform {
  required_providers {
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "~> 5.0"
    }
  }
}

${tunnelInputs}
resource "cloudflare_zero_trust_tunnel_cloudflared_config" "docker_mcp" {
  account_id = var.cloudflare_account_id
  tunnel_id  = var.cloudflare_tunnel_id
  config = {
    ingress = [
      {
        hostname = {{str hostname}}
        service  = {{str service}}
{{#if access}}
        origin_request = {
          access = {
            required  = true
            team_name = {{str team}}
            aud_tag   = [cloudflare_zero_trust_access_application.docker_mcp.aud]
          }
        }
{{/if}}
      },
      {
        service = {{str catchAll}}
      },
    ]
  }
}

resource "cloudflare_dns_record" "docker_mcp" {
  zone_id = var.cloudflare_zone_id
  name    = {{str hostname}}
  type    = "CNAME"
  content = "\${var.cloudflare_tunnel_id}.cfargotunnel.com"
  ttl     = 1
  proxied = true
}
{{#if access}}

resource "cloudflare_zero_trust_access_policy" "docker_mcp" {
  account_id = var.cloudflare_account_id
  name       = "docker-mcp allow list"
  decision   = "allow"
  include = [
{{#each emails}}
    { email = { email = {{str this}} } },
{{/each}}
{{#each domains}}
    { email_domain = { domain = {{str this}} } },
{{/each}}
  ]
}

resource "cloudflare_zero_trust_access_application" "docker_mcp" {
  account_id       = var.cloudflare_account_id
  name             = {{str appName}}
  domain           = {{str hostname}}
  type             = "self_hosted"
  session_duration = "24h"
  policies = [{
    id         = cloudflare_zero_trust_access_policy.docker_mcp.id
    precedence = 1
  }]
}

output "access_aud" {
  description = "AUD tag for docker-mcp init --cf-access-aud"
  value       = cloudflare_zero_trust_access_application.docker_mcp.aud
}
{{/if}}
`;
