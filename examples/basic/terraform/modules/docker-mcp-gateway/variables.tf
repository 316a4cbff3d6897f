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
  description = "AUD tag of an existing Cloudflare Access application; empty: the rendered Terraform creates the application and passes its AUD"
  type        = string
  default     = ""

  validation {
    condition     = var.cf_access_aud == "" || can(regex("^[a-f0-9]{64}$", var.cf_access_aud))
    error_message = "The cf_access_aud must be 64 hex characters (the Access application's AUD tag)."
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
  description = "Operation policy: read-only (list, inspect, stats and events; no logs), operator (also logs, start/stop/restart and exec), admin (also create, run, remove, pull and build)"
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

variable "metrics_pod_labels" {
  description = "Labels of the metrics scraper's pods the NetworkPolicy admits in metrics_namespace; empty means every pod there"
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k, x in var.metrics_pod_labels : can(regex("^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$", k)) && can(regex("^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$", x))])
    error_message = "Every metrics_pod_labels entry must be a valid label key and value."
  }
}

variable "cloudflared_namespace" {
  description = "Namespace of the cloudflared pods the NetworkPolicy admits; empty means the gateway's own namespace"
  type        = string
  default     = ""

  validation {
    condition     = var.cloudflared_namespace == "" || can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.cloudflared_namespace))
    error_message = "The cloudflared_namespace must be lowercase letters, digits and -, starting and ending alphanumeric."
  }

  validation {
    condition     = length(var.cloudflared_namespace) <= 63
    error_message = "The cloudflared_namespace must be at most 63 characters."
  }
}

variable "cloudflared_pod_labels" {
  description = "Labels of the cloudflared pods the NetworkPolicy admits (AND with cloudflared_namespace)"
  type        = map(string)
  default = {
    app = "cloudflared"
  }

  validation {
    condition     = alltrue([for k, x in var.cloudflared_pod_labels : can(regex("^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$", k)) && can(regex("^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$", x))])
    error_message = "Every cloudflared_pod_labels entry must be a valid label key and value."
  }
}

variable "network_policy_extra_ingress" {
  description = "More peers the NetworkPolicy admits: pods by namespace and labels, or a CIDR, on the http (default) or metrics port"
  type        = list(object({ namespace = optional(string), pod_labels = optional(map(string)), cidr = optional(string), port = optional(string) }))
  default     = []

  validation {
    condition     = alltrue([for i in var.network_policy_extra_ingress : (i.namespace == null) != (i.cidr == null)])
    error_message = "Each network_policy_extra_ingress item sets either namespace (pods) or cidr (addresses), not both."
  }

  validation {
    condition     = alltrue([for i in var.network_policy_extra_ingress : i.namespace == null || can(regex("^(\\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$", i.namespace))])
    error_message = "Each network_policy_extra_ingress namespace must be a namespace name or * (every namespace)."
  }

  validation {
    condition     = alltrue([for i in var.network_policy_extra_ingress : i.pod_labels == null || i.namespace != null])
    error_message = "Each network_policy_extra_ingress item with pod_labels needs a namespace."
  }

  validation {
    condition     = alltrue([for i in var.network_policy_extra_ingress : alltrue([for k, v in merge({}, i.pod_labels) : can(regex("^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$", k)) && can(regex("^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$", v))])])
    error_message = "Each network_policy_extra_ingress pod_labels entry must be a valid label key and value."
  }

  validation {
    condition     = alltrue([for i in var.network_policy_extra_ingress : i.cidr == null || can(cidrhost(i.cidr, 0))])
    error_message = "Each network_policy_extra_ingress cidr must be a CIDR like 192.168.1.0/24 or fd00::/8."
  }

  validation {
    condition     = alltrue([for i in var.network_policy_extra_ingress : contains(["http", "metrics"], coalesce(i.port, "http"))])
    error_message = "Each network_policy_extra_ingress port must be http or metrics (or unset: http)."
  }
}

variable "network_policy_extra_egress" {
  description = "More destinations the gateway may reach besides DNS (and HTTPS to public addresses with Cloudflare Access): a CIDR or pods, optionally one TCP port"
  type        = list(object({ namespace = optional(string), pod_labels = optional(map(string)), cidr = optional(string), port = optional(string) }))
  default     = []

  validation {
    condition     = alltrue([for i in var.network_policy_extra_egress : (i.namespace == null) != (i.cidr == null)])
    error_message = "Each network_policy_extra_egress item sets either namespace (pods) or cidr (addresses), not both."
  }

  validation {
    condition     = alltrue([for i in var.network_policy_extra_egress : i.namespace == null || can(regex("^(\\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$", i.namespace))])
    error_message = "Each network_policy_extra_egress namespace must be a namespace name or * (every namespace)."
  }

  validation {
    condition     = alltrue([for i in var.network_policy_extra_egress : i.pod_labels == null || i.namespace != null])
    error_message = "Each network_policy_extra_egress item with pod_labels needs a namespace."
  }

  validation {
    condition     = alltrue([for i in var.network_policy_extra_egress : alltrue([for k, v in merge({}, i.pod_labels) : can(regex("^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$", k)) && can(regex("^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$", v))])])
    error_message = "Each network_policy_extra_egress pod_labels entry must be a valid label key and value."
  }

  validation {
    condition     = alltrue([for i in var.network_policy_extra_egress : i.cidr == null || can(cidrhost(i.cidr, 0))])
    error_message = "Each network_policy_extra_egress cidr must be a CIDR like 192.168.1.0/24 or fd00::/8."
  }

  validation {
    condition     = alltrue([for i in var.network_policy_extra_egress : i.port == null || try(can(regex("^[0-9]+$", i.port)) && tonumber(i.port) >= 1 && tonumber(i.port) <= 65535, false)])
    error_message = "Each network_policy_extra_egress port must be a number from 1 to 65535 (or unset: every port)."
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
  description = "Memory request; empty means the memory_limit, so the pod never uses more than it requested and the kubelet evicts it only after pods that do"
  type        = string
  default     = ""

  validation {
    condition     = var.memory_request == "" || can(regex("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$", var.memory_request))
    error_message = "The memory_request must be a Kubernetes memory quantity."
  }
}

variable "tmp_size_limit" {
  description = "Size limit of the /tmp emptyDir (the root filesystem is read-only); the gateway itself writes nothing there (image_build contexts are packed in memory), so this only bounds what a library might write; beyond it the kubelet evicts the pod"
  type        = string
  default     = "64Mi"

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$", var.tmp_size_limit))
    error_message = "The tmp_size_limit must be a Kubernetes quantity like 64Mi."
  }
}

variable "labels" {
  description = "Extra labels on every object and on the pods (never on selectors); the labels this module sets itself win on a clash"
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k, x in var.labels : can(regex("^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$", k)) && can(regex("^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$", x))])
    error_message = "Every labels entry must be a valid label key and value."
  }
}

variable "pod_annotations" {
  description = "Extra annotations on the pods; the ones this module sets (checksum/config, prometheus.io/*) win on a clash"
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.pod_annotations) : can(regex("^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$", k))])
    error_message = "Every pod_annotations key must be a valid key like example.com/name."
  }
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

  validation {
    condition     = var.priority_class_name == "" || can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", var.priority_class_name))
    error_message = "The priority_class_name must be a PriorityClass name (lowercase DNS subdomain)."
  }

  validation {
    condition     = length(var.priority_class_name) <= 253
    error_message = "The priority_class_name must be at most 253 characters."
  }
}

variable "node_name" {
  description = "Run the pods on this node: a nodeSelector on its kubernetes.io/hostname label (never nodeName, which bypasses the scheduler, taints and cordons)"
  type        = string
  default     = ""

  validation {
    condition     = var.node_name == "" || can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", var.node_name))
    error_message = "The node_name must be a node name."
  }

  validation {
    condition     = length(var.node_name) <= 63
    error_message = "The node_name must be at most 63 characters."
  }
}

variable "node_selector" {
  description = "Node selector (node_name adds kubernetes.io/hostname to it)"
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k, x in var.node_selector : can(regex("^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$", k)) && can(regex("^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$", x))])
    error_message = "Every node_selector entry must be a valid label key and value."
  }
}
