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

variable "create_namespace" {
  description = "Create the namespace, labelled with the Pod Security level the pod needs (privileged with the socket mounted); turn off to deploy into a namespace you share and label yourself"
  type        = bool
  default     = true
}

variable "kube_context" {
  description = "Kubeconfig context the root module's provider uses; init fills in `kubectl config current-context` when not given; empty means whatever context is current at apply time"
  type        = string
  default     = ""

  validation {
    condition     = var.kube_context == "" || can(regex("^[A-Za-z0-9][A-Za-z0-9_.:@/+-]*$", var.kube_context))
    error_message = "The kube_context must be a kubeconfig context name."
  }

  validation {
    condition     = length(var.kube_context) <= 253
    error_message = "The kube_context must be at most 253 characters."
  }
}

variable "kubeconfig_path" {
  description = "Kubeconfig file the root module's provider reads"
  type        = string
  default     = "~/.kube/config"

  validation {
    condition     = can(regex("^(~|/)[A-Za-z0-9._/+@-]*$", var.kubeconfig_path))
    error_message = "The kubeconfig_path must be an absolute path or one starting with ~/."
  }

  validation {
    condition     = length(var.kubeconfig_path) <= 1024
    error_message = "The kubeconfig_path must be at most 1024 characters."
  }
}

variable "wait_for_rollout" {
  description = "Terraform waits until the Deployment's pods are ready (up to rollout_timeout) before it reports success"
  type        = bool
  default     = true
}

variable "rollout_timeout" {
  description = "How long Terraform waits for the Deployment to be created or updated before it fails"
  type        = string
  default     = "5m"
}

variable "verify_tokens_secret" {
  description = "With bearer auth, read the tokens Secret when planning so a missing one fails the plan instead of the rollout (Terraform keeps what it reads in its state: put token_sha256 digests in the Secret, or turn this off)"
  type        = bool
  default     = true
}

variable "image_pull_secrets" {
  description = "Secrets (type kubernetes.io/dockerconfigjson, in the namespace) the kubelet uses to pull docker_image from a private registry"
  type        = list(string)
  default     = []
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
  description = "AUD tag of an existing Cloudflare Access application; empty: the rendered Terraform creates the application and passes its AUD"
  type        = string
  default     = ""
}

variable "token_secret_name" {
  description = "Existing Secret holding the bearer tokens file (key `tokens`); empty means <project_name>-docker-mcp-gateway-tokens"
  type        = string
  default     = ""
}

variable "policy_preset" {
  description = "Operation policy: read-only (list, inspect, stats and events; no logs), operator (also logs, start/stop/restart and exec), admin (also create, run, remove, pull and build)"
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
  description = "Memory request; empty means the memory_limit, so the pod never uses more than it requested and the kubelet evicts it only after pods that do"
  type        = string
  default     = ""
}

variable "tmp_size_limit" {
  description = "Size limit of the /tmp emptyDir (the root filesystem is read-only); the gateway itself writes nothing there (image_build contexts are packed in memory), so this only bounds what a library might write; beyond it the kubelet evicts the pod"
  type        = string
  default     = "64Mi"
}

variable "labels" {
  description = "Extra labels on every object and on the pods (never on selectors); the labels this module sets itself win on a clash"
  type        = map(string)
  default     = {}
}

variable "pod_annotations" {
  description = "Extra annotations on the pods; the ones this module sets (checksum/config, prometheus.io/*) win on a clash"
  type        = map(string)
  default     = {}
}

variable "tolerations" {
  description = "Tolerations in kubectl taint syntax: key=value:Effect tolerates that taint (operator Equal), key:Effect any value of key (Exists); without :Effect every effect"
  type        = list(object({ key = string, operator = string, value = optional(string), effect = optional(string) }))
  default     = []
}

variable "node_affinity" {
  description = "Required node affinity: key=v1|v2 needs the node label key to be one of the values (In), key alone needs it to exist (Exists); all items must hold"
  type        = list(object({ key = string, operator = string, values = optional(list(string)) }))
  default     = []
}

variable "priority_class_name" {
  description = "PriorityClass of the pods (must exist); empty means the cluster default"
  type        = string
  default     = ""
}

variable "node_name" {
  description = "Run the pods on this node: a nodeSelector on its kubernetes.io/hostname label (never nodeName, which bypasses the scheduler, taints and cordons)"
  type        = string
  default     = ""
}

variable "node_selector" {
  description = "Node selector (node_name adds kubernetes.io/hostname to it)"
  type        = map(string)
  default     = {}
}
