# Rendered by docker-mcp 0.1.0. Re-run `docker-mcp init` rather than editing by hand.
# Who may reach the gateway, and what it may reach. docs/installer.md explains each rule.

locals {
  # Not "the internet": RFC 1918, loopback, link-local (cloud metadata, node-local DNS), CGNAT; ULA.
  non_public_ipv4 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10"]
  non_public_ipv6 = ["fc00::/7", "fe80::/10", "::1/128"]
}

resource "kubernetes_network_policy_v1" "gateway" {
  count = var.enable_network_policy ? 1 : 0
  metadata {
    name      = local.name
    namespace = local.namespace
    labels    = local.labels
  }
  spec {
    pod_selector {
      match_labels = local.selector_labels
    }
    policy_types = ["Ingress", "Egress"]

    # cloudflared: one peer, so its namespace AND its labels must both match. In the gateway's own
    # namespace a pod selector alone (as the YAML, where it survives a kustomize/Flux namespace override).
    ingress {
      from {
        dynamic "namespace_selector" {
          for_each = var.cloudflared_namespace != "" ? [var.cloudflared_namespace] : []
          content {
            match_labels = {
              "kubernetes.io/metadata.name" = namespace_selector.value
            }
          }
        }
        dynamic "pod_selector" {
          for_each = length(var.cloudflared_pod_labels) > 0 ? [var.cloudflared_pod_labels] : []
          content {
            match_labels = pod_selector.value
          }
        }
      }
      ports {
        protocol = "TCP"
        port     = tostring(var.port)
      }
    }
    dynamic "ingress" {
      for_each = var.enable_metrics ? [var.metrics_port] : []
      content {
        from {
          namespace_selector {
            match_labels = {
              "kubernetes.io/metadata.name" = var.metrics_namespace
            }
          }
          dynamic "pod_selector" {
            for_each = length(var.metrics_pod_labels) > 0 ? [var.metrics_pod_labels] : []
            content {
              match_labels = pod_selector.value
            }
          }
        }
        ports {
          protocol = "TCP"
          port     = tostring(ingress.value)
        }
      }
    }
    dynamic "ingress" {
      for_each = var.network_policy_extra_ingress
      content {
        from {
          dynamic "namespace_selector" {
            for_each = ingress.value.namespace != null ? [ingress.value.namespace] : []
            content {
              # "*" is every namespace: an empty selector.
              match_labels = namespace_selector.value == "*" ? null : { "kubernetes.io/metadata.name" = namespace_selector.value }
            }
          }
          dynamic "pod_selector" {
            for_each = ingress.value.pod_labels != null ? [ingress.value.pod_labels] : []
            content {
              match_labels = pod_selector.value
            }
          }
          dynamic "ip_block" {
            for_each = ingress.value.cidr != null ? [ingress.value.cidr] : []
            content {
              cidr = ip_block.value
            }
          }
        }
        ports {
          protocol = "TCP"
          port     = tostring(ingress.value.port == "metrics" ? var.metrics_port : var.port)
        }
      }
    }

    # DNS wherever the resolver runs (CoreDNS pods, a node-local cache, the node itself).
    egress {
      ports {
        protocol = "UDP"
        port     = "53"
      }
      ports {
        protocol = "TCP"
        port     = "53"
      }
    }
    # Cloudflare Access keys (https://<team>.cloudflareaccess.com/cdn-cgi/access/certs): a policy
    # cannot name a host, so HTTPS to every public address.
    dynamic "egress" {
      for_each = local.access ? [1] : []
      content {
        to {
          ip_block {
            cidr   = "0.0.0.0/0"
            except = local.non_public_ipv4
          }
        }
        to {
          ip_block {
            cidr   = "::/0"
            except = local.non_public_ipv6
          }
        }
        ports {
          protocol = "TCP"
          port     = "443"
        }
      }
    }
    dynamic "egress" {
      for_each = var.network_policy_extra_egress
      content {
        to {
          dynamic "namespace_selector" {
            for_each = egress.value.namespace != null ? [egress.value.namespace] : []
            content {
              # "*" is every namespace: an empty selector.
              match_labels = namespace_selector.value == "*" ? null : { "kubernetes.io/metadata.name" = namespace_selector.value }
            }
          }
          dynamic "pod_selector" {
            for_each = egress.value.pod_labels != null ? [egress.value.pod_labels] : []
            content {
              match_labels = pod_selector.value
            }
          }
          dynamic "ip_block" {
            for_each = egress.value.cidr != null ? [egress.value.cidr] : []
            content {
              cidr = ip_block.value
            }
          }
        }
        dynamic "ports" {
          for_each = egress.value.port != null ? [egress.value.port] : []
          content {
            protocol = "TCP"
            port     = ports.value
          }
        }
      }
    }
  }

  lifecycle {
    # An empty pod selector in the gateway's own (maybe shared) namespace would admit every neighbour.
    precondition {
      condition     = length(var.cloudflared_pod_labels) > 0 || !contains(["", var.namespace], var.cloudflared_namespace)
      error_message = "The cloudflared_pod_labels must not be empty unless cloudflared_namespace names a namespace of cloudflared's own: every pod of the gateway's namespace would be admitted."
    }
  }
}
