terraform {
  required_version = ">= 1.5"

  required_providers {
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "~> 5.0"
    }
  }
}

provider "cloudflare" {
  api_token = var.cloudflare_api_token
}

module "tunnel" {
  source = "./modules/tunnel"

  account_id = var.cloudflare_account_id
  zone_id    = var.cloudflare_zone_id
  domain     = var.domain
  services   = ["homepage", "open-webui", "flowise", "n8n", "docker-mcp"]
}
