# Rendered by docker-mcp 0.1.0 from its variables table; see README.md.

variable "project_name" {
  description = "Project name for resource naming"
  type        = string
  default     = "homelab"

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]*[a-z0-9])?$", var.project_name))
    error_message = "The project_name must be lowercase letters, digits and -, starting with a letter."
  }

  validation {
    condition     = length(var.project_name) <= 44
    error_message = "The project_name must be at most 44 characters."
  }
}

variable "environment" {
  description = "Environment name"
  type        = string
  default     = "production"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.environment))
    error_message = "The environment must be lowercase letters, digits and -, starting and ending alphanumeric."
  }

  validation {
    condition     = length(var.environment) <= 63
    error_message = "The environment must be at most 63 characters."
  }
}

variable "namespace" {
  description = "Kubernetes namespace"
  type        = string
  default     = "homelab"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.namespace))
    error_message = "The namespace must be lowercase letters, digits and -, starting and ending alphanumeric."
  }

  validation {
    condition     = length(var.namespace) <= 63
    error_message = "The namespace must be at most 63 characters."
  }
}

variable "create_namespace" {
  description = "Create the namespace, labelled with the Pod Security level the pod needs (privileged with the socket mounted); turn off to deploy into a namespace you share and label yourself"
  type        = bool
  default     = true
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

  validation {
    condition     = can(regex("^([0-9]+h([0-9]+m)?([0-9]+s)?|[0-9]+m([0-9]+s)?|[0-9]+s)$", var.rollout_timeout))
    error_message = "The rollout_timeout must be a duration like 90s, 5m or 1h30m."
  }

  validation {
    condition     = length(var.rollout_timeout) <= 20
    error_message = "The rollout_timeout must be at most 20 characters."
  }
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

  validation {
    condition     = alltrue([for x in var.image_pull_secrets : can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", x))])
    error_message = "Every image_pull_secrets item must be one of: names of docker-registry Secrets in the namespace."
  }
}

variable "replicas" {
  description = "Number of Docker MCP Gateway replicas"
  type        = number
  default     = 1

  validation {
    condition     = floor(var.replicas) == var.replicas
    error_message = "The replicas must be a whole number."
  }

  validation {
    condition     = var.replicas >= 1 && var.replicas <= 10
    error_message = "The replicas must be between 1 and 10."
  }
}

variable "docker_image" {
  description = "Docker image for the container"
  type        = string
  default     = "docker-mcp-gateway:0.1.0"

  validation {
    condition     = can(regex("^([a-zA-Z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$", var.docker_image))
    error_message = "The docker_image must be an image reference like registry:5000/name:tag."
  }
}

variable "port" {
  description = "Port for Docker MCP Gateway service"
  type        = number
  default     = 8080

  validation {
    condition     = floor(var.port) == var.port
    error_message = "The port must be a whole number."
  }

  validation {
    condition     = var.port >= 1 && var.port <= 65535
    error_message = "The port must be between 1 and 65535."
  }
}

variable "cpu_limit" {
  description = "CPU limit"
  type        = string
  default     = "500m"

  validation {
    condition     = can(regex("^([0-9]+m|[0-9]+(\\.[0-9]+)?)$", var.cpu_limit))
    error_message = "The cpu_limit must be a Kubernetes CPU quantity like 500m or 1."
  }
}

variable "memory_limit" {
  description = "Memory limit"
  type        = string
  default     = "512Mi"

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$", var.memory_limit))
    error_message = "The memory_limit must be a Kubernetes memory quantity like 512Mi or 1Gi."
  }
}

variable "log_level" {
  description = "Log level (debug/info/warn/error)"
  type        = string
  default     = "info"

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "The log_level must be one of debug, info, warn, error."
  }
}

variable "docker_timeout" {
  description = "Timeout for Docker operations"
  type        = number
  default     = 30

  validation {
    condition     = var.docker_timeout >= 1 && var.docker_timeout <= 3600
    error_message = "The docker_timeout must be between 1 and 3600."
  }
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

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.tunnel_hostname))
    error_message = "The tunnel_hostname must be lowercase letters, digits and -, starting and ending alphanumeric."
  }

  validation {
    condition     = length(var.tunnel_hostname) <= 63
    error_message = "The tunnel_hostname must be at most 63 characters."
  }
}

variable "domain_suffix" {
  description = "Domain suffix for external access"
  type        = string
  default     = ""

  validation {
    condition     = var.domain_suffix == "" || can(regex("^([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)+[a-z]([-a-z0-9]*[a-z0-9])?$", var.domain_suffix))
    error_message = "The domain_suffix must be a domain like example.com."
  }

  validation {
    condition     = length(var.domain_suffix) <= 200
    error_message = "The domain_suffix must be at most 200 characters."
  }
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

  validation {
    condition     = contains(["none", "bearer", "cloudflare-access", "both"], var.auth_mode)
    error_message = "The auth_mode must be one of none, bearer, cloudflare-access, both."
  }
}

variable "cf_access_team" {
  description = "Cloudflare Access team name (<team>.cloudflareaccess.com)"
  type        = string
  default     = ""

  validation {
    condition     = var.cf_access_team == "" || can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.cf_access_team))
    error_message = "The cf_access_team must be lowercase letters, digits and -, starting and ending alphanumeric."
  }

  validation {
    condition     = length(var.cf_access_team) <= 63
    error_message = "The cf_access_team must be at most 63 characters."
  }
}

variable "cf_access_aud" {
  description = "Cloudflare Access application AUD tag"
  type        = string
  default     = ""

  validation {
    condition     = var.cf_access_aud == "" || can(regex("^[a-f0-9]{64}$", var.cf_access_aud))
    error_message = "The cf_access_aud must be 64 hex characters (the Access application's AUD tag)."
  }
}

variable "allowed_emails" {
  description = "Emails the Access policy allows"
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for x in var.allowed_emails : can(regex("^[A-Za-z0-9._+-]+@([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)+[a-z]+$", x))])
    error_message = "Every allowed_emails item must be one of: email addresses."
  }
}

variable "allowed_email_domains" {
  description = "Email domains the Access policy allows"
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for x in var.allowed_email_domains : can(regex("^([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)+[a-z]([-a-z0-9]*[a-z0-9])?$", x))])
    error_message = "Every allowed_email_domains item must be one of: domains like example.com."
  }
}

variable "token_secret_name" {
  description = "Existing Secret holding the bearer tokens file (key `tokens`); empty means <project_name>-docker-mcp-gateway-tokens"
  type        = string
  default     = ""

  validation {
    condition     = var.token_secret_name == "" || can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.token_secret_name))
    error_message = "The token_secret_name must be lowercase letters, digits and -, starting and ending alphanumeric."
  }

  validation {
    condition     = length(var.token_secret_name) <= 63
    error_message = "The token_secret_name must be at most 63 characters."
  }
}

variable "policy_preset" {
  description = "Operation policy: read-only (inspect and logs), operator (start/stop/run), admin (everything)"
  type        = string
  default     = "read-only"

  validation {
    condition     = contains(["read-only", "operator", "admin"], var.policy_preset)
    error_message = "The policy_preset must be one of read-only, operator, admin."
  }
}

variable "docker_socket_path" {
  description = "Docker socket path on the node"
  type        = string
  default     = "/var/run/docker.sock"

  validation {
    condition     = can(regex("^/[A-Za-z0-9._/-]+$", var.docker_socket_path))
    error_message = "The docker_socket_path must be an absolute path."
  }
}

variable "docker_socket_gid" {
  description = "Group id owning the Docker socket on the node (stat -c %g /var/run/docker.sock)"
  type        = number
  default     = 999

  validation {
    condition     = floor(var.docker_socket_gid) == var.docker_socket_gid
    error_message = "The docker_socket_gid must be a whole number."
  }

  validation {
    condition     = var.docker_socket_gid >= 0 && var.docker_socket_gid <= 2147483647
    error_message = "The docker_socket_gid must be between 0 and 2147483647."
  }
}

variable "metrics_port" {
  description = "Port for /metrics"
  type        = number
  default     = 9090

  validation {
    condition     = floor(var.metrics_port) == var.metrics_port
    error_message = "The metrics_port must be a whole number."
  }

  validation {
    condition     = var.metrics_port >= 1 && var.metrics_port <= 65535
    error_message = "The metrics_port must be between 1 and 65535."
  }
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

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.metrics_namespace))
    error_message = "The metrics_namespace must be lowercase letters, digits and -, starting and ending alphanumeric."
  }

  validation {
    condition     = length(var.metrics_namespace) <= 63
    error_message = "The metrics_namespace must be at most 63 characters."
  }
}

variable "image_pull_policy" {
  description = "Image pull policy"
  type        = string
  default     = "IfNotPresent"

  validation {
    condition     = contains(["IfNotPresent", "Always", "Never"], var.image_pull_policy)
    error_message = "The image_pull_policy must be one of IfNotPresent, Always, Never."
  }
}

variable "cpu_request" {
  description = "CPU request"
  type        = string
  default     = "100m"

  validation {
    condition     = can(regex("^([0-9]+m|[0-9]+(\\.[0-9]+)?)$", var.cpu_request))
    error_message = "The cpu_request must be a Kubernetes CPU quantity."
  }
}

variable "memory_request" {
  description = "Memory request"
  type        = string
  default     = "128Mi"

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$", var.memory_request))
    error_message = "The memory_request must be a Kubernetes memory quantity."
  }
}

variable "node_name" {
  description = "Pin the pods to this node (needed for replicas > 1: each node has its own Docker daemon)"
  type        = string
  default     = ""

  validation {
    condition     = var.node_name == "" || can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", var.node_name))
    error_message = "The node_name must be a node name."
  }

  validation {
    condition     = length(var.node_name) <= 253
    error_message = "The node_name must be at most 253 characters."
  }
}

variable "node_selector" {
  description = "Node selector (alternative pinning; it must match exactly one node for replicas > 1)"
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k, x in var.node_selector : can(regex("^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", k)) && can(regex("^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$", x))])
    error_message = "Every node_selector entry must be a valid label key and value."
  }
}

variable "cloudflare_provider_version" {
  description = "Major version of the Cloudflare Terraform provider your tunnel repo uses"
  type        = number
  default     = 5

  validation {
    condition     = contains([4, 5], var.cloudflare_provider_version)
    error_message = "The cloudflare_provider_version must be one of 4, 5."
  }
}
