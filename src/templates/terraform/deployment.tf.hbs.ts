// The module's Deployment (part of main.tf, see main.tf.hbs.ts). Mirrors the Deployment in
// kubernetes/objects.ts and kubernetes/pod.ts; test/unit/installer-parity checks it. Block and
// attribute names checked against hashicorp/terraform-provider-kubernetes v2.23.0
// (schema_pod_spec.go, schema_affinity_spec.go, schema_container.go, resource_kubernetes_deployment.go).
export default `resource "kubernetes_deployment_v1" "gateway" {
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
        termination_grace_period_seconds = {{terminationGrace}}
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
          run_as_user     = "{{runAsUser}}"
          run_as_group    = "{{runAsUser}}"
          # Secret files are root-owned; fs_group makes the 0440 tokens file readable by the gateway.
          fs_group = "{{runAsUser}}"
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
          args              = {{{args}}}
          env_from {
            config_map_ref {
              name = local.config_name
            }
          }
          dynamic "env_from" {
            for_each = local.access ? [1] : []
            content {
              config_map_ref {
                name = "\${local.name}-access"
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
                command = {{{preStopCommand}}}
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
              mount_path = "{{containerSocket}}"
            }
          }
          dynamic "volume_mount" {
            for_each = local.bearer ? [1] : []
            content {
              name       = "auth-tokens"
              mount_path = "{{tokensDir}}"
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
{{#each preconditions}}
    precondition {
      condition     = {{{condition}}}
      error_message = {{{messageHcl}}}
    }
{{/each}}
  }
}

`;
