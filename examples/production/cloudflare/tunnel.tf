# Rendered by docker-mcp 0.1.0 for the Cloudflare provider 5.x.
# The tunnel config resource owns the tunnel's whole ingress list. If your tunnel is configured
# elsewhere, copy the docker-mcp ingress entry there, above the catch-all (`docker-mcp` can patch it).

terraform {
  required_providers {
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "~> 5.0"
    }
  }
}

variable "cloudflare_account_id" {
  description = "Cloudflare account ID"
  type        = string
}

variable "cloudflare_zone_id" {
  description = "Zone ID of the domain"
  type        = string
}

variable "cloudflare_tunnel_id" {
  description = "ID of the existing tunnel your cloudflared runs"
  type        = string
}

resource "cloudflare_zero_trust_tunnel_cloudflared_config" "docker_mcp" {
  account_id = var.cloudflare_account_id
  tunnel_id  = var.cloudflare_tunnel_id
  config = {
    ingress = [
      {
        hostname = "docker-mcp.yourdomain.com"
        service  = "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080"
      },
      {
        service = "http_status:404"
      },
    ]
  }
}

resource "cloudflare_dns_record" "docker_mcp" {
  zone_id = var.cloudflare_zone_id
  name    = "docker-mcp.yourdomain.com"
  type    = "CNAME"
  content = "${var.cloudflare_tunnel_id}.cfargotunnel.com"
  ttl     = 1
  proxied = true
}
