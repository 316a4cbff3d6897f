terraform {
  required_version = ">= 1.3.0"
  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = ">= 2.23.0"
    }
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = ">= 5.2.0, < 6.0.0"
    }
  }
}
