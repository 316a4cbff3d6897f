# Rendered by docker-mcp 0.1.0 for the Cloudflare provider 5.x: the DNS record for your existing tunnel.
# No tunnel config is managed here: that resource owns a tunnel's whole ingress list and would delete
# your other routes. Add the rule in cloudflare/cloudflared-ingress.yaml to your tunnel (NOTES.md).

# Credentials from the environment (CLOUDFLARE_API_TOKEN).
provider "cloudflare" {}

variable "cloudflare_zone_id" {
  description = "Zone ID of the domain"
  type        = string
}

variable "cloudflare_tunnel_id" {
  description = "ID of the existing tunnel your cloudflared runs (its routes stay as they are)"
  type        = string

  # The DNS record is a CNAME to <id>.cfargotunnel.com: a tunnel name here would apply cleanly and
  # route nowhere.
  validation {
    condition     = can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", var.cloudflare_tunnel_id))
    error_message = "The cloudflare_tunnel_id must be the tunnel's UUID (cloudflared tunnel list, or Networks > Tunnels in the dashboard), not its name."
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
