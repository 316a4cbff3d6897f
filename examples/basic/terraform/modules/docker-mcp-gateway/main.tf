# Rendered by docker-mcp 0.1.0. Re-run `docker-mcp init` rather than editing by hand.

locals {
  name          = "${var.project_name}-docker-mcp-gateway"
  config_name   = "${local.name}-config"
  tokens_secret = var.token_secret_name != "" ? var.token_secret_name : "${local.name}-tokens"
  bearer        = contains(["bearer", "both"], var.auth_mode)
  access        = contains(["cloudflare-access", "both"], var.auth_mode)

  selector_labels = {
    "app.kubernetes.io/name"     = "docker-mcp-gateway"
    "app.kubernetes.io/instance" = var.project_name
  }
  # The image's tag when a label can hold it (not a digest), else the installer's version.
  image_tag     = try(regex("^[^@]*:([^:/@]+)$", var.docker_image)[0], "")
  version_label = can(regex("^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$", local.image_tag)) ? local.image_tag : "0.1.0"
  # The user's labels first: ours win on a clash, so selectors keep matching.
  labels = merge(var.labels, local.selector_labels, {
    app                            = "docker-mcp-gateway"
    "app.kubernetes.io/version"    = local.version_label
    "app.kubernetes.io/component"  = "gateway"
    "app.kubernetes.io/part-of"    = "docker-mcp"
    "app.kubernetes.io/managed-by" = "docker-mcp"
    environment                    = var.environment
  })

  # The gateway reads only env (DOCKER_MCP_*), from this ConfigMap; unset entries are dropped.
  gateway_env_all = {
    DOCKER_MCP_AUTH_MODE        = var.auth_mode
    DOCKER_MCP_AUTH_TOKENS_FILE = local.bearer ? "/etc/docker-mcp/auth/tokens" : null
    DOCKER_MCP_CF_ACCESS_TEAM   = local.access ? var.cf_access_team : null
    DOCKER_MCP_DOCKER_HOST      = "unix:///var/run/docker.sock"
    DOCKER_MCP_DOCKER_TIMEOUT   = tostring(var.docker_timeout)
    DOCKER_MCP_ENABLE_METRICS   = tostring(var.enable_metrics)
    DOCKER_MCP_HOST             = "0.0.0.0"
    DOCKER_MCP_LOG_LEVEL        = var.log_level
    DOCKER_MCP_METRICS_PORT     = tostring(var.metrics_port)
    DOCKER_MCP_POLICY_PRESET    = var.policy_preset
    DOCKER_MCP_PORT             = tostring(var.port)
    DOCKER_MCP_PUBLIC_URL       = (var.enable_cloudflare_tunnel && var.domain_suffix != "") ? "https://${var.tunnel_hostname}.${var.domain_suffix}" : null
    DOCKER_MCP_STATELESS        = tostring(var.replicas > 1)
  }
  gateway_env = { for k, v in local.gateway_env_all : k => v if v != null }
  access_env = {
    DOCKER_MCP_CF_ACCESS_AUD = var.cf_access_aud
  }

  pod_annotations_all = {
    # Rolls the pods when the settings change: env is read only at start.
    "checksum/config" = sha256(jsonencode(local.gateway_env))
    # The AUD's own ConfigMap (the Access application's aud from the root): a new one restarts the pods.
    "checksum/access"      = local.access && var.cf_access_aud != "" ? sha256(jsonencode(local.access_env)) : null
    "prometheus.io/scrape" = var.enable_metrics ? "true" : null
    "prometheus.io/port"   = var.enable_metrics ? tostring(var.metrics_port) : null
    "prometheus.io/path"   = var.enable_metrics ? "/metrics" : null
  }
  pod_annotations = merge(var.pod_annotations, { for k, v in local.pod_annotations_all : k => v if v != null })

  # Pod settings (see kubernetes/pod.ts): node_name is a node selector on the hostname label.
  node_selector = merge(var.node_selector, var.node_name != "" ? { "kubernetes.io/hostname" = var.node_name } : {})
  co_located    = var.replicas > 1 && var.enable_docker_socket
  spread        = var.replicas > 1 && !var.enable_docker_socket
  # Every replica on one node (as kubernetes/pod.ts pinnedToOneNode): no budget, it would block a drain.
  pinned         = var.node_name != "" || contains(keys(var.node_selector), "kubernetes.io/hostname")
  memory_request = var.memory_request != "" ? var.memory_request : var.memory_limit
}

# Created unless create_namespace is off (a namespace you share and label yourself). The Pod Security
# level is what the pod needs: a hostPath socket violates "baseline", so "privileged" with it;
# without it the pod meets "restricted".
resource "kubernetes_namespace_v1" "gateway" {
  count = var.create_namespace ? 1 : 0
  metadata {
    name = var.namespace
    labels = merge(local.labels, {
      "pod-security.kubernetes.io/enforce" = var.enable_docker_socket ? "privileged" : "restricted"
    })
  }
}

locals {
  # Every namespaced object takes its namespace from here, so Terraform creates the namespace first
  # and deletes it last.
  namespace = var.create_namespace ? kubernetes_namespace_v1.gateway[0].metadata[0].name : var.namespace
}

# The tokens Secret is created by hand (NOTES.md), not by Terraform. Reading it lets the Deployment's
# precondition fail the plan, naming the Secret and the fix, instead of pods stuck in
# ContainerCreating until the rollout times out and taints the Deployment. The price: Terraform
# keeps what a data source reads in its state (no provider offers a metadata-only or ephemeral
# Secret read), hence verify_tokens_secret. A missing Secret reads as empty data in
# hashicorp/kubernetes 2.29+ and 3.x (no error; checked in data_source_kubernetes_secret_v1.go), and
# as a "not found" error in 2.25-2.28, which docker-mcp explains the same way
# (src/lifecycle/terraform-errors.ts). The namespace is var.namespace, not local.namespace: a
# reference to the namespace resource would defer the read, and the check, to apply time.
data "kubernetes_secret_v1" "tokens" {
  count = local.bearer && var.verify_tokens_secret ? 1 : 0
  metadata {
    name      = local.tokens_secret
    namespace = var.namespace
  }
}

resource "kubernetes_service_account_v1" "gateway" {
  metadata {
    name      = local.name
    namespace = local.namespace
    labels    = local.labels
  }
  automount_service_account_token = false
}

resource "kubernetes_config_map_v1" "gateway" {
  metadata {
    name      = local.config_name
    namespace = local.namespace
    labels    = local.labels
  }
  data = local.gateway_env
}

# The Access AUD in a ConfigMap of its own, as in the YAML (where kustomize generates it from an env
# file); in the root module it is the Access application's aud, unknown until that app exists.
resource "kubernetes_config_map_v1" "access" {
  count = local.access ? 1 : 0
  metadata {
    name      = "${local.name}-access"
    namespace = local.namespace
    labels    = local.labels
  }
  data = local.access_env
}

resource "kubernetes_deployment_v1" "gateway" {
  metadata {
    name      = local.name
    namespace = local.namespace
    labels    = local.labels
  }
  spec {
    replicas = tostring(var.replicas)
    selector {
      match_labels = local.selector_labels
    }
    # Co-located replicas: one at a time, no surge pod (the shared node needs no spare room; the others
    # serve). Otherwise the replacement is Ready before the old pod goes.
    strategy {
      type = "RollingUpdate"
      rolling_update {
        max_surge       = local.co_located ? "0" : "1"
        max_unavailable = local.co_located ? "1" : "0"
      }
    }
    template {
      metadata {
        labels      = local.labels
        annotations = local.pod_annotations
      }
      spec {
        service_account_name            = local.name
        automount_service_account_token = false
        # Counts from the start of pre_stop: the pause, the gateway's drain after SIGTERM, its exit.
        termination_grace_period_seconds = 30
        priority_class_name              = var.priority_class_name != "" ? var.priority_class_name : null
        # node_name is a node selector (never spec.node_name, which bypasses the scheduler).
        node_selector = length(local.node_selector) > 0 ? local.node_selector : null
        dynamic "affinity" {
          for_each = local.co_located || local.spread || length(var.node_affinity) > 0 ? [1] : []
          content {
            dynamic "node_affinity" {
              for_each = length(var.node_affinity) > 0 ? [1] : []
              content {
                required_during_scheduling_ignored_during_execution {
                  node_selector_term {
                    dynamic "match_expressions" {
                      for_each = var.node_affinity
                      content {
                        key      = match_expressions.value.key
                        operator = match_expressions.value.operator
                        values   = match_expressions.value.values
                      }
                    }
                  }
                }
              }
            }
            # Replicas sharing the node's Docker socket stay on one node (one daemon). The first
            # replica schedules anyway: kube-scheduler admits a pod whose term matches only itself.
            dynamic "pod_affinity" {
              for_each = local.co_located ? [1] : []
              content {
                required_during_scheduling_ignored_during_execution {
                  label_selector {
                    match_labels = local.selector_labels
                  }
                  topology_key = "kubernetes.io/hostname"
                }
              }
            }
            # Without the socket (a remote daemon) the replicas are independent: spread them.
            dynamic "pod_anti_affinity" {
              for_each = local.spread ? [1] : []
              content {
                preferred_during_scheduling_ignored_during_execution {
                  weight = 100
                  pod_affinity_term {
                    label_selector {
                      match_labels = local.selector_labels
                    }
                    topology_key = "kubernetes.io/hostname"
                  }
                }
              }
            }
          }
        }
        dynamic "toleration" {
          for_each = var.tolerations
          content {
            key      = toleration.value.key
            operator = toleration.value.operator
            value    = toleration.value.value
            effect   = toleration.value.effect
          }
        }
        dynamic "image_pull_secrets" {
          for_each = var.image_pull_secrets
          content {
            name = image_pull_secrets.value
          }
        }
        security_context {
          run_as_non_root = true
          run_as_user     = "10001"
          run_as_group    = "10001"
          # Secret files are root-owned; fs_group makes the 0440 tokens file readable by the gateway.
          fs_group = "10001"
          # The socket is root:docker 0660 on the node; its group is the only access granted.
          supplemental_groups = var.enable_docker_socket ? [var.docker_socket_gid] : []
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }
        container {
          name              = "gateway"
          image             = var.docker_image
          image_pull_policy = var.image_pull_policy
          args              = ["serve"]
          env_from {
            config_map_ref {
              name = local.config_name
            }
          }
          dynamic "env_from" {
            for_each = local.access ? [1] : []
            content {
              config_map_ref {
                name = "${local.name}-access"
              }
            }
          }
          port {
            name           = "http"
            container_port = var.port
            protocol       = "TCP"
          }
          dynamic "port" {
            for_each = var.enable_metrics ? [var.metrics_port] : []
            content {
              name           = "metrics"
              container_port = port.value
              protocol       = "TCP"
            }
          }
          dynamic "liveness_probe" {
            for_each = var.enable_health_checks ? [1] : []
            content {
              http_get {
                path = "/health"
                port = "http"
              }
              initial_delay_seconds = 5
              period_seconds        = 10
              timeout_seconds       = 3
              failure_threshold     = 3
            }
          }
          dynamic "readiness_probe" {
            for_each = var.enable_health_checks ? [1] : []
            content {
              http_get {
                path = "/ready"
                port = "http"
              }
              initial_delay_seconds = 2
              period_seconds        = 5
              timeout_seconds       = 3
              failure_threshold     = 3
            }
          }
          # A pause before SIGTERM while endpoints drop the pod; node, as the image may have no shell.
          lifecycle {
            pre_stop {
              exec {
                command = ["node", "-e", "setTimeout(() => {}, 5000)"]
              }
            }
          }
          resources {
            limits = {
              cpu    = var.cpu_limit
              memory = var.memory_limit
            }
            requests = {
              cpu    = var.cpu_request
              memory = local.memory_request
            }
          }
          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            run_as_non_root            = true
            capabilities {
              drop = ["ALL"]
            }
          }
          volume_mount {
            name       = "tmp"
            mount_path = "/tmp"
          }
          dynamic "volume_mount" {
            for_each = var.enable_docker_socket ? [1] : []
            content {
              name       = "docker-socket"
              mount_path = "/var/run/docker.sock"
            }
          }
          dynamic "volume_mount" {
            for_each = local.bearer ? [1] : []
            content {
              name       = "auth-tokens"
              mount_path = "/etc/docker-mcp/auth"
              read_only  = true
            }
          }
        }
        volume {
          name = "tmp"
          empty_dir {
            size_limit = var.tmp_size_limit
          }
        }
        dynamic "volume" {
          for_each = var.enable_docker_socket ? [1] : []
          content {
            name = "docker-socket"
            host_path {
              path = var.docker_socket_path
              type = "Socket"
            }
          }
        }
        dynamic "volume" {
          for_each = local.bearer ? [1] : []
          content {
            name = "auth-tokens"
            secret {
              secret_name  = local.tokens_secret
              default_mode = "0440"
            }
          }
        }
      }
    }
  }

  # Off: apply returns once the Deployment is accepted, and pods that never become ready go unnoticed.
  wait_for_rollout = var.wait_for_rollout
  timeouts {
    create = var.rollout_timeout
    update = var.rollout_timeout
  }

  depends_on = [kubernetes_config_map_v1.gateway, kubernetes_config_map_v1.access, kubernetes_service_account_v1.gateway]

  lifecycle {
    precondition {
      condition     = var.node_name == "" || lookup(var.node_selector, "kubernetes.io/hostname", var.node_name) == var.node_name
      error_message = "The node_name contradicts node_selector[\"kubernetes.io/hostname\"] (node_name becomes that same node selector); drop one of them."
    }
    precondition {
      condition     = !local.access || (var.cf_access_team != "" && var.cf_access_aud != "")
      error_message = "The auth_mode cloudflare-access and both need cf_access_team and cf_access_aud."
    }
    precondition {
      condition     = var.auth_mode != "none"
      error_message = "The auth_mode none is refused: the gateway listens on 0.0.0.0 in its pod and will not start without authentication (every pod in the cluster could reach the Docker socket)."
    }
    precondition {
      condition     = var.port != var.metrics_port
      error_message = "The metrics_port must differ from port."
    }
    precondition {
      condition     = !var.enable_service_monitor || var.enable_metrics
      error_message = "The enable_service_monitor needs enable_metrics."
    }
    precondition {
      condition     = !local.bearer || !var.verify_tokens_secret || can(data.kubernetes_secret_v1.tokens[0].data["tokens"])
      error_message = "The tokens Secret does not exist (or has no tokens key): ${local.tokens_secret} in namespace ${var.namespace}. The pods mount it and could never start. Create it first (NOTES.md shows how to write tokens.yaml): kubectl -n ${var.namespace} create secret generic ${local.tokens_secret} --from-file=tokens=./tokens.yaml${var.create_namespace ? ". The namespace is created by this module: create it first with terraform apply -target=module.docker_mcp_gateway.kubernetes_namespace_v1.gateway, then the Secret, then apply again" : ""}."
    }
  }
}

resource "kubernetes_service_v1" "gateway" {
  metadata {
    name      = local.name
    namespace = local.namespace
    labels    = local.labels
  }
  spec {
    type     = "ClusterIP"
    selector = local.selector_labels
    port {
      name        = "http"
      port        = var.port
      target_port = "http"
      protocol    = "TCP"
    }
    dynamic "port" {
      for_each = var.enable_metrics ? [var.metrics_port] : []
      content {
        name        = "metrics"
        port        = port.value
        target_port = "metrics"
        protocol    = "TCP"
      }
    }
  }
}

# Only for spread replicas free to move: co-located ones all sit on the drained node and their
# replacements cannot leave it (the affinity), nor can pinned ones (the node selector), so a
# minAvailable budget would block a drain forever.
resource "kubernetes_pod_disruption_budget_v1" "gateway" {
  count = local.spread && !local.pinned ? 1 : 0
  metadata {
    name      = local.name
    namespace = local.namespace
    labels    = local.labels
  }
  spec {
    min_available = "1"
    selector {
      match_labels = local.selector_labels
    }
  }
}

# A CRD object: kubernetes_manifest needs cluster access at plan time, hence off by default.
resource "kubernetes_manifest" "service_monitor" {
  count = var.enable_service_monitor ? 1 : 0
  manifest = {
    apiVersion = "monitoring.coreos.com/v1"
    kind       = "ServiceMonitor"
    metadata = {
      name      = local.name
      namespace = local.namespace
      labels    = local.labels
    }
    spec = {
      selector = {
        matchLabels = local.selector_labels
      }
      endpoints = [{
        port     = "metrics"
        path     = "/metrics"
        interval = "30s"
      }]
    }
  }
}
