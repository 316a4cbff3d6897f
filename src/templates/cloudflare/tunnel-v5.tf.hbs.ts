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

# The clients in clients/ send this token (CF-Access-Client-Id/-Secret); an allow policy would send
# them to the login page, only a non_identity ("Service Auth") policy admits a service token.
resource "cloudflare_zero_trust_access_service_token" "docker_mcp" {
  account_id = var.cloudflare_account_id
  name       = {{str tokenName}}
}

resource "cloudflare_zero_trust_access_policy" "docker_mcp_service_auth" {
  account_id = var.cloudflare_account_id
  name       = "docker-mcp service token"
  decision   = "non_identity"
  include = [
    { service_token = { token_id = cloudflare_zero_trust_access_service_token.docker_mcp.id } },
  ]
}

resource "cloudflare_zero_trust_access_application" "docker_mcp" {
  account_id       = var.cloudflare_account_id
  name             = {{str appName}}
  domain           = {{str hostname}}
  type             = "self_hosted"
  session_duration = "24h"
  policies = [
    {
      id         = cloudflare_zero_trust_access_policy.docker_mcp.id
      precedence = 1
    },
    {
      id         = cloudflare_zero_trust_access_policy.docker_mcp_service_auth.id
      precedence = 2
    },
  ]
}

output "access_aud" {
  description = "AUD tag for docker-mcp init --cf-access-aud"
  value       = cloudflare_zero_trust_access_application.docker_mcp.aud
}

output "access_client_id" {
  description = "CF-Access-Client-Id for the clients (DOCKER_MCP_CF_ACCESS_CLIENT_ID)"
  value       = cloudflare_zero_trust_access_service_token.docker_mcp.client_id
}

output "access_client_secret" {
  description = "CF-Access-Client-Secret for the clients (DOCKER_MCP_CF_ACCESS_CLIENT_SECRET)"
  value       = cloudflare_zero_trust_access_service_token.docker_mcp.client_secret
  sensitive   = true
}
{{/if}}
`;
