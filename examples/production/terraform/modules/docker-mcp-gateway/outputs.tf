output "resource_id" {
  description = "Docker MCP Gateway deployment ID"
  value       = kubernetes_deployment_v1.gateway.id
}

output "service_name" {
  description = "Docker MCP Gateway service name"
  value       = kubernetes_service_v1.gateway.metadata[0].name
}

output "service_url" {
  description = "Internal cluster service URL"
  value       = "http://${kubernetes_service_v1.gateway.metadata[0].name}.${var.namespace}.svc.cluster.local:${var.port}"
}

output "external_url" {
  description = "External URL via Cloudflare Tunnel"
  value       = var.enable_cloudflare_tunnel && var.domain_suffix != "" ? "https://${var.tunnel_hostname}.${var.domain_suffix}" : ""
}

output "namespace" {
  description = "Kubernetes namespace"
  value       = var.namespace
}

output "cluster_ip" {
  description = "Service cluster IP"
  value       = kubernetes_service_v1.gateway.spec[0].cluster_ip
}

output "port" {
  description = "Service port"
  value       = var.port
}
