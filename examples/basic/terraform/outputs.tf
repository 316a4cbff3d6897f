output "resource_id" {
  description = "Docker MCP Gateway deployment ID"
  value       = module.docker_mcp_gateway.resource_id
}

output "service_name" {
  description = "Docker MCP Gateway service name"
  value       = module.docker_mcp_gateway.service_name
}

output "service_url" {
  description = "Internal cluster service URL"
  value       = module.docker_mcp_gateway.service_url
}

output "external_url" {
  description = "External URL via Cloudflare Tunnel"
  value       = module.docker_mcp_gateway.external_url
}

output "namespace" {
  description = "Kubernetes namespace"
  value       = module.docker_mcp_gateway.namespace
}

output "cluster_ip" {
  description = "Service cluster IP"
  value       = module.docker_mcp_gateway.cluster_ip
}

output "port" {
  description = "Service port"
  value       = module.docker_mcp_gateway.port
}
