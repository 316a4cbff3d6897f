terraform {
  required_providers {
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "~> 4.0"
    }
    random = {
      source = "hashicorp/random"
    }
  }
}

resource "random_id" "tunnel_secret" {
  byte_length = 35
}

resource "cloudflare_tunnel" "homelab" {
  account_id = var.cloudflare_account_id
  name       = "${var.project_name}-tunnel"
  secret     = random_id.tunnel_secret.b64_std
}

resource "cloudflare_tunnel_config" "homelab" {
  account_id = var.cloudflare_account_id
  tunnel_id  = cloudflare_tunnel.homelab.id

  config {
    ingress_rule {
      hostname = "homepage.${var.domain_suffix}"
      service  = "http://homepage.homelab.svc.cluster.local:3000"
    }
    ingress_rule {
      hostname = "open-webui.${var.domain_suffix}"
      service  = "http://open-webui.homelab.svc.cluster.local:8080"
    }
    ingress_rule {
      hostname = "flowise.${var.domain_suffix}"
      service  = "http://flowise.homelab.svc.cluster.local:3000"
    }
    ingress_rule {
      hostname = "n8n.${var.domain_suffix}"
      service  = "http://n8n.homelab.svc.cluster.local:5678"
    }
    # docker-mcp: managed by docker-mcp init; re-run it to change this rule
    ingress_rule {
      hostname = "docker-mcp.${var.domain_suffix}"
      service  = "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080"
    }
    ingress_rule {
      service = "http_status:404"
    }
  }
}

locals {
  services = [
    "homepage",
    "open-webui",
    "flowise",
    "n8n",
    "docker-mcp"
  ]
}

resource "cloudflare_record" "services" {
  for_each = toset(local.services)

  zone_id = var.cloudflare_zone_id
  name    = each.value
  content = "${cloudflare_tunnel.homelab.id}.cfargotunnel.com"
  type    = "CNAME"
  proxied = true
}

resource "kubernetes_secret_v1" "cloudflared" {
  metadata {
    name      = "cloudflared-token"
    namespace = var.namespace
  }
  data = {
    token = cloudflare_tunnel.homelab.tunnel_token
  }
}
