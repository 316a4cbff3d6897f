module "docker_mcp_gateway" {
  source = "./modules/docker-mcp-gateway"

  project_name    = "homelab"
  environment     = "production"
  namespace       = "homelab"
  tunnel_hostname = "docker-mcp"
  domain_suffix   = "example.com"
}
