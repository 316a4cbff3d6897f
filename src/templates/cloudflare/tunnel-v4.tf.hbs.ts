// Cloudflare provider 4.x (>= 4.40.0: the cloudflare_zero_trust_* names, see docs/installer.md):
// nested blocks (config { ingress_rule { … } }), cloudflare_record with `content` (4.39.0+) and the full
// host name (a bare label is qualified with the zone, not domain_suffix; Read never rewrites `name`).
import tunnelInputs from './tunnel-inputs.tf.js';

export default `${tunnelInputs}
{{#if createTunnel}}
# A tunnel this configuration owns: its whole ingress list is ours (our rule, then the catch-all).
# v4 needs the tunnel secret up front: 32 random bytes, base64 (the provider's \`secret\`).
resource "random_id" "tunnel_secret" {
  byte_length = 32
}

resource "cloudflare_zero_trust_tunnel_cloudflared" "docker_mcp" {
  account_id = var.cloudflare_account_id
  name       = {{str tunnelName}}
  secret     = random_id.tunnel_secret.b64_std
  config_src = "cloudflare"
}

resource "cloudflare_zero_trust_tunnel_cloudflared_config" "docker_mcp" {
  account_id = var.cloudflare_account_id
  tunnel_id  = cloudflare_zero_trust_tunnel_cloudflared.docker_mcp.id
  config {
    ingress_rule {
      hostname = {{str hostname}}
      service  = {{str service}}
{{#if access}}
      origin_request {
        access {
          required  = true
          team_name = {{str team}}
          aud_tag   = [{{{audRef}}}]
        }
      }
{{/if}}
    }
    ingress_rule {
      service = {{str catchAll}}
    }
  }
}

output "tunnel_token" {
  description = "Token of the new tunnel's connector (the cloudflared-token Secret, see NOTES.md)"
  value       = cloudflare_zero_trust_tunnel_cloudflared.docker_mcp.tunnel_token
  sensitive   = true
}

{{/if}}
resource "cloudflare_record" "docker_mcp" {
  zone_id = var.cloudflare_zone_id
  name    = {{str hostname}}
  content = {{{dnsContent}}}
  type    = "CNAME"
  proxied = true
}
{{#if createAccess}}

resource "cloudflare_zero_trust_access_application" "docker_mcp" {
  account_id       = var.cloudflare_account_id
  name             = {{str appName}}
  domain           = {{str hostname}}
  type             = "self_hosted"
  session_duration = "24h"
}

resource "cloudflare_zero_trust_access_policy" "docker_mcp" {
  account_id     = var.cloudflare_account_id
  application_id = cloudflare_zero_trust_access_application.docker_mcp.id
  name           = "docker-mcp allow list"
  precedence     = 1
  decision       = "allow"
  include {
    email        = {{hcl emails}}
    email_domain = {{hcl domains}}
  }
}

# The clients in clients/ send this token (CF-Access-Client-Id/-Secret); an allow policy would send
# them to the login page, only a non_identity ("Service Auth") policy admits a service token.
resource "cloudflare_zero_trust_access_service_token" "docker_mcp" {
  account_id = var.cloudflare_account_id
  name       = {{str tokenName}}
}

resource "cloudflare_zero_trust_access_policy" "docker_mcp_service_auth" {
  account_id     = var.cloudflare_account_id
  application_id = cloudflare_zero_trust_access_application.docker_mcp.id
  name           = "docker-mcp service token"
  precedence     = 2
  decision       = "non_identity"
  include {
    service_token = [cloudflare_zero_trust_access_service_token.docker_mcp.id]
  }
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
