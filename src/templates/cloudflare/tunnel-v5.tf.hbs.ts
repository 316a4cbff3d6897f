// Cloudflare provider 5.x (>= 5.6.0, see docs/installer.md): attributes (config = { ingress = [ … ] }),
// cloudflare_dns_record with a full FQDN name and ttl = 1 (automatic), reusable Access policies
// attached by the application.
import tunnelInputs from './tunnel-inputs.tf.js';

export default `${tunnelInputs}
{{#if createTunnel}}
# A tunnel this configuration owns: its whole ingress list is ours (our rule, then the catch-all).
# Remotely managed (config_src "cloudflare"): Cloudflare generates the secret, the connector runs
# with the token below.
resource "cloudflare_zero_trust_tunnel_cloudflared" "docker_mcp" {
  account_id = var.cloudflare_account_id
  name       = {{str tunnelName}}
  config_src = "cloudflare"
}

resource "cloudflare_zero_trust_tunnel_cloudflared_config" "docker_mcp" {
  account_id = var.cloudflare_account_id
  tunnel_id  = cloudflare_zero_trust_tunnel_cloudflared.docker_mcp.id
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
            aud_tag   = [{{{audRef}}}]
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

# The token data source has its \`token\` attribute since provider 5.2.0.
data "cloudflare_zero_trust_tunnel_cloudflared_token" "docker_mcp" {
  account_id = var.cloudflare_account_id
  tunnel_id  = cloudflare_zero_trust_tunnel_cloudflared.docker_mcp.id
}

output "tunnel_token" {
  description = "Token of the new tunnel's connector (the cloudflared-token Secret, see NOTES.md)"
  value       = data.cloudflare_zero_trust_tunnel_cloudflared_token.docker_mcp.token
  sensitive   = true
}

{{/if}}
resource "cloudflare_dns_record" "docker_mcp" {
  zone_id = var.cloudflare_zone_id
  name    = {{str hostname}}
  type    = "CNAME"
  content = {{{dnsContent}}}
  ttl     = 1
  proxied = true
}
{{#if createAccess}}

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
  description = "AUD tag of the Access application (the gateway's DOCKER_MCP_CF_ACCESS_AUD)"
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
