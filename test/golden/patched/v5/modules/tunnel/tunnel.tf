terraform {
  required_providers {
    cloudflare = {
      source = "cloudflare/cloudflare"
    }
  }
}

resource "random_bytes" "tunnel_secret" {
  length = 32
}

resource "cloudflare_zero_trust_tunnel_cloudflared" "homelab" {
  account_id    = var.account_id
  name          = "homelab"
  config_src    = "cloudflare"
  tunnel_secret = random_bytes.tunnel_secret.base64
}

resource "cloudflare_zero_trust_tunnel_cloudflared_config" "homelab" {
  account_id = var.account_id
  tunnel_id  = cloudflare_zero_trust_tunnel_cloudflared.homelab.id

  config = {
    ingress = [
      {
        hostname = "homepage.example.com"
        service  = "http://homepage.homelab.svc.cluster.local:3000"
      },
      {
        hostname = "open-webui.example.com"
        service  = "http://open-webui.homelab.svc.cluster.local:8080"
      },
      {
        hostname = "flowise.example.com"
        service  = "http://flowise.homelab.svc.cluster.local:3000"
      },
      {
        hostname = "n8n.example.com"
        service  = "http://n8n.homelab.svc.cluster.local:5678"
      },
      # docker-mcp: managed by docker-mcp init; re-run it to change this rule
      {
        hostname = "docker-mcp.example.com"
        service  = "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080"
        origin_request = {
          access = {
            required  = true
            team_name = "myteam"
            aud_tag   = ["0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"]
          }
        }
      },
      {
        service = "http_status:404"
      }
    ]
  }
}

resource "cloudflare_dns_record" "services" {
  for_each = toset(var.services)

  zone_id = var.zone_id
  name    = "${each.value}.${var.domain}"
  type    = "CNAME"
  content = "${cloudflare_zero_trust_tunnel_cloudflared.homelab.id}.cfargotunnel.com"
  ttl     = 1
  proxied = true
}
