# Rendered by docker-mcp 0.1.0 from its variables table; see README.md.

variable "project_name" {
  description = "Project name for resource naming"
  type        = string
  default     = "homelab"
}

variable "environment" {
  description = "Environment name"
  type        = string
  default     = "production"
}

variable "namespace" {
  description = "Kubernetes namespace"
  type        = string
  default     = "homelab"
}

variable "replicas" {
  description = "Number of Docker MCP Gateway replicas"
  type        = number
  default     = 1
}

variable "docker_image" {
  description = "Docker image for the container"
  type        = string
  default     = "docker-mcp-gateway:0.1.0"
}

variable "port" {
  description = "Port for Docker MCP Gateway service"
  type        = number
  default     = 8080
}

variable "cpu_limit" {
  description = "CPU limit"
  type        = string
  default     = "500m"
}

variable "memory_limit" {
  description = "Memory limit"
  type        = string
  default     = "512Mi"
}

variable "log_level" {
  description = "Log level (debug/info/warn/error)"
  type        = string
  default     = "info"
}

variable "docker_timeout" {
  description = "Timeout for Docker operations"
  type        = number
  default     = 30
}

variable "enable_network_policy" {
  description = "Enable Kubernetes network policy"
  type        = bool
  default     = false
}

variable "enable_docker_socket" {
  description = "Enable Docker socket access"
  type        = bool
  default     = true
}

variable "enable_cloudflare_tunnel" {
  description = "Enable access via Cloudflare Tunnel"
  type        = bool
  default     = true
}

variable "tunnel_hostname" {
  description = "Hostname for Cloudflare Tunnel"
  type        = string
  default     = "docker-mcp"
}

variable "domain_suffix" {
  description = "Domain suffix for external access"
  type        = string
  default     = ""
}

variable "enable_metrics" {
  description = "Enable Prometheus metrics"
  type        = bool
  default     = false
}

variable "enable_health_checks" {
  description = "Enable health check endpoints"
  type        = bool
  default     = true
}

variable "auth_mode" {
  description = "Client authentication: bearer tokens from a Secret, Cloudflare Access JWTs, or both (none is refused: the gateway will not serve unauthenticated on its pod's 0.0.0.0)"
  type        = string
  default     = "bearer"
}

variable "cf_access_team" {
  description = "Cloudflare Access team name (<team>.cloudflareaccess.com)"
  type        = string
  default     = ""
}

variable "cf_access_aud" {
  description = "Cloudflare Access application AUD tag"
  type        = string
  default     = ""
}

variable "allowed_emails" {
  description = "Emails the Access policy allows"
  type        = list(string)
  default     = []
}

variable "allowed_email_domains" {
  description = "Email domains the Access policy allows"
  type        = list(string)
  default     = []
}

variable "token_secret_name" {
  description = "Existing Secret holding the bearer tokens file (key `tokens`); empty means <project_name>-docker-mcp-gateway-tokens"
  type        = string
  default     = ""
}

variable "policy_preset" {
  description = "Operation policy: read-only (inspect and logs), operator (start/stop/run), admin (everything)"
  type        = string
  default     = "read-only"
}

variable "docker_socket_path" {
  description = "Docker socket path on the node"
  type        = string
  default     = "/var/run/docker.sock"
}

variable "docker_socket_gid" {
  description = "Group id owning the Docker socket on the node (stat -c %g /var/run/docker.sock)"
  type        = number
  default     = 999
}

variable "metrics_port" {
  description = "Port for /metrics"
  type        = number
  default     = 9090
}

variable "enable_service_monitor" {
  description = "Add a Prometheus Operator ServiceMonitor (needs the CRD)"
  type        = bool
  default     = false
}

variable "metrics_namespace" {
  description = "Namespace of the metrics scraper the NetworkPolicy admits"
  type        = string
  default     = "monitoring"
}

variable "metrics_pod_labels" {
  description = "Labels of the metrics scraper's pods the NetworkPolicy admits in metrics_namespace; empty means every pod there"
  type        = map(string)
  default     = {}
}

variable "cloudflared_namespace" {
  description = "Namespace of the cloudflared pods the NetworkPolicy admits; empty means the gateway's own namespace"
  type        = string
  default     = ""
}

variable "cloudflared_pod_labels" {
  description = "Labels of the cloudflared pods the NetworkPolicy admits (AND with cloudflared_namespace)"
  type        = map(string)
  default = {
    app = "cloudflared"
  }
}

variable "network_policy_extra_ingress" {
  description = "More peers the NetworkPolicy admits: pods by namespace and labels, or a CIDR, on the http (default) or metrics port"
  type        = list(object({ namespace = optional(string), pod_labels = optional(map(string)), cidr = optional(string), port = optional(string) }))
  default     = []
}

variable "network_policy_extra_egress" {
  description = "More destinations the gateway may reach besides DNS (and HTTPS to public addresses with Cloudflare Access): a CIDR or pods, optionally one TCP port"
  type        = list(object({ namespace = optional(string), pod_labels = optional(map(string)), cidr = optional(string), port = optional(string) }))
  default     = []
}

variable "image_pull_policy" {
  description = "Image pull policy"
  type        = string
  default     = "IfNotPresent"
}

variable "cpu_request" {
  description = "CPU request"
  type        = string
  default     = "100m"
}

variable "memory_request" {
  description = "Memory request"
  type        = string
  default     = "128Mi"
}

variable "node_name" {
  description = "Pin the pods to this node (needed for replicas > 1: each node has its own Docker daemon)"
  type        = string
  default     = ""
}

variable "node_selector" {
  description = "Node selector (alternative pinning; it must match exactly one node for replicas > 1)"
  type        = map(string)
  default     = {}
}

variable "cloudflare_provider_version" {
  description = "Major version of the Cloudflare Terraform provider your tunnel repo uses"
  type        = number
  default     = 5
}
