// Tunnel ingress. Order matters: cloudflared picks the first match.
resource "cloudflare_zero_trust_tunnel_cloudflared_config" "home" {
  account_id = var.account_id # the "Homelab" account
  tunnel_id  = var.tunnel_id

  config {
    # Dashboard
    ingress_rule {
      hostname = "homepage.lab.example.net"
      service  = "http://homepage.apps.svc.cluster.local:3000"
    }

    # Chat UI; websockets need the long timeout
    ingress_rule {
      hostname = "open-webui.lab.example.net"
      service  = "http://open-webui.apps.svc.cluster.local:8080"
      origin_request {
        connect_timeout = "30s"
        no_tls_verify   = false
      }
    }

    ingress_rule {
      hostname = "n8n.lab.example.net"
      path     = "^/webhook/"
      service  = "http://n8n.apps.svc.cluster.local:5678" /* public webhooks */
    }

    # docker-mcp: managed by docker-mcp init; re-run it to change this rule
    ingress_rule {
      hostname = "docker-mcp.lab.example.net"
      service  = "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080"
      origin_request {
        access {
          required  = true
          team_name = "myteam"
          aud_tag   = ["0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"]
        }
      }
    }

    # Everything else: 404. Keep this rule LAST.
    ingress_rule {
      service = "http_status:404"
    }
  }
}

locals {
  # one CNAME per entry
  services = [
    "homepage",   # dashboard
    "open-webui", # chat
    "n8n",
    "docker-mcp",
  ]

  empty_list = [] # unrelated tuple
}

resource "cloudflare_record" "svc" {
  for_each = toset(local.services)
  zone_id  = var.zone_id
  name     = each.key
  content  = "${var.tunnel_id}.cfargotunnel.com"
  type     = "CNAME"
  proxied  = true
}
