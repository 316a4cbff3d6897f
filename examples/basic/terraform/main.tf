# Rendered by docker-mcp 0.1.0: the root module calling the gateway module.
# Answers live in terraform.tfvars; re-run `docker-mcp init` to change them.

provider "kubernetes" {
  # The context init recorded (kube_context), so an apply never lands on whatever context happens
  # to be current; empty means the current one at apply time.
  config_path    = var.kubeconfig_path
  config_context = var.kube_context != "" ? var.kube_context : null
}

module "docker_mcp_gateway" {
  source = "./modules/docker-mcp-gateway"

  project_name                 = var.project_name
  environment                  = var.environment
  namespace                    = var.namespace
  create_namespace             = var.create_namespace
  wait_for_rollout             = var.wait_for_rollout
  rollout_timeout              = var.rollout_timeout
  verify_tokens_secret         = var.verify_tokens_secret
  image_pull_secrets           = var.image_pull_secrets
  replicas                     = var.replicas
  docker_image                 = var.docker_image
  port                         = var.port
  cpu_limit                    = var.cpu_limit
  memory_limit                 = var.memory_limit
  log_level                    = var.log_level
  docker_timeout               = var.docker_timeout
  enable_network_policy        = var.enable_network_policy
  enable_docker_socket         = var.enable_docker_socket
  enable_cloudflare_tunnel     = var.enable_cloudflare_tunnel
  tunnel_hostname              = var.tunnel_hostname
  domain_suffix                = var.domain_suffix
  enable_metrics               = var.enable_metrics
  enable_health_checks         = var.enable_health_checks
  auth_mode                    = var.auth_mode
  cf_access_team               = var.cf_access_team
  cf_access_aud                = var.cf_access_aud
  token_secret_name            = var.token_secret_name
  policy_preset                = var.policy_preset
  docker_socket_path           = var.docker_socket_path
  docker_socket_gid            = var.docker_socket_gid
  metrics_port                 = var.metrics_port
  enable_service_monitor       = var.enable_service_monitor
  metrics_namespace            = var.metrics_namespace
  metrics_pod_labels           = var.metrics_pod_labels
  cloudflared_namespace        = var.cloudflared_namespace
  cloudflared_pod_labels       = var.cloudflared_pod_labels
  network_policy_extra_ingress = var.network_policy_extra_ingress
  network_policy_extra_egress  = var.network_policy_extra_egress
  image_pull_policy            = var.image_pull_policy
  cpu_request                  = var.cpu_request
  memory_request               = var.memory_request
  tmp_size_limit               = var.tmp_size_limit
  labels                       = var.labels
  pod_annotations              = var.pod_annotations
  tolerations                  = var.tolerations
  node_affinity                = var.node_affinity
  priority_class_name          = var.priority_class_name
  node_name                    = var.node_name
  node_selector                = var.node_selector
}
