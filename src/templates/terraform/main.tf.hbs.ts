// The module's main.tf. Generic over its variables (toggles are `count` and `dynamic` blocks), so
// the same module serves every answer set; the answers live in the root's terraform.tfvars.
// Mirrors kubernetes/objects.ts object for object; test/unit/installer-parity checks that.
import deployment from './deployment.tf.hbs.js';

export default `# Rendered by docker-mcp {{version}}. Re-run \`docker-mcp init\` rather than editing by hand.

locals {
  name          = "\${var.project_name}-docker-mcp-gateway"
  config_name   = "\${local.name}-config"
  tokens_secret = var.token_secret_name != "" ? var.token_secret_name : "\${local.name}-tokens"
  bearer        = {{{bearerDef}}}
  access        = {{{accessDef}}}

  selector_labels = {
    "app.kubernetes.io/name"     = "docker-mcp-gateway"
    "app.kubernetes.io/instance" = var.project_name
  }
  # The image's tag when a label can hold it (not a digest), else the installer's version.
  image_tag     = try(regex({{str imageTagRe}}, var.docker_image)[0], "")
  version_label = can(regex({{str labelValueRe}}, local.image_tag)) ? local.image_tag : {{str version}}
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
{{#each env}}
    {{name}} = {{{expr}}}
{{/each}}
  }
  gateway_env = { for k, v in local.gateway_env_all : k => v if v != null }
  access_env = {
{{#each accessEnv}}
    {{name}} = {{{expr}}}
{{/each}}
  }

  pod_annotations_all = {
    # Rolls the pods when the settings change: env is read only at start.
    "checksum/config"      = sha256(jsonencode(local.gateway_env))
    # The AUD's own ConfigMap (the Access application's aud from the root): a new one restarts the pods.
    "checksum/access"      = local.access && var.cf_access_aud != "" ? sha256(jsonencode(local.access_env)) : null
    "prometheus.io/scrape" = var.enable_metrics ? "true" : null
    "prometheus.io/port"   = var.enable_metrics ? tostring(var.metrics_port) : null
    "prometheus.io/path"   = var.enable_metrics ? "/metrics" : null
  }
  pod_annotations = merge(var.pod_annotations, { for k, v in local.pod_annotations_all : k => v if v != null })

  # Pod settings (see kubernetes/pod.ts): node_name is a node selector on the hostname label.
  node_selector  = merge(var.node_selector, var.node_name != "" ? { "kubernetes.io/hostname" = var.node_name } : {})
  co_located     = var.replicas > 1 && var.enable_docker_socket
  spread         = var.replicas > 1 && !var.enable_docker_socket
  # Every replica on one node (as kubernetes/pod.ts pinnedToOneNode): no budget, it would block a drain.
  pinned = var.node_name != "" || contains(keys(var.node_selector), "kubernetes.io/hostname")
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
    name      = "\${local.name}-access"
    namespace = local.namespace
    labels    = local.labels
  }
  data = local.access_env
}

${deployment}
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
`;
