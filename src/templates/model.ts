// Names, labels and fixed paths shared by every renderer (Terraform, YAML, Cloudflare, clients), so
// the Terraform module and the raw YAML cannot drift apart.
import type { InstallConfig } from '../config/schema.js';
import { resourceName } from '../config/validators.js';

/** Where the node's socket is mounted in the container (the gateway's docker_host points here). */
export const CONTAINER_SOCKET = '/var/run/docker.sock';
/** The tokens Secret is mounted read-only here; its key `tokens` becomes this file. */
export const TOKENS_DIR = '/etc/docker-mcp/auth';
export const TOKENS_KEY = 'tokens';
export const TOKENS_FILE = `${TOKENS_DIR}/${TOKENS_KEY}`;
/** The gateway image's own non-root user (Dockerfile `USER 10001:10001`); the pod runs as the same. */
export const RUN_AS_USER = 10001;
/**
 * The container's args. The image's ENTRYPOINT is `node /app/bin/docker-mcp.js`, so the pod sets
 * only args (Kubernetes `command` would replace the entrypoint, and there is no `docker-mcp` on PATH).
 */
export const GATEWAY_ARGS: readonly string[] = ['serve'];
/** What the image's ENTRYPOINT runs, for the seam test and docs. */
export const IMAGE_ENTRYPOINT: readonly string[] = ['node', '/app/bin/docker-mcp.js'];
export const APP_NAME = 'docker-mcp-gateway';
export const CONTAINER_NAME = 'gateway';

export interface Names {
  name: string;
  configMap: string;
  tokensSecret: string;
  host: string;
  serviceUrl: string;
  externalUrl: string;
  /** The Access service token the rendered Cloudflare Terraform creates for the rendered clients. */
  accessTokenName: string;
  /** Holds DOCKER_MCP_CF_ACCESS_AUD alone: its value may come from a Terraform output (see render.ts). */
  accessConfigMap: string;
}

export function names(c: InstallConfig): Names {
  const name = resourceName(c.project_name);
  const host = `${name}.${c.namespace}.svc.cluster.local`;
  return {
    name,
    configMap: `${name}-config`,
    tokensSecret: c.token_secret_name || `${name}-tokens`,
    host,
    serviceUrl: `http://${host}:${c.port}`,
    externalUrl: tunnelRendered(c) ? `https://${c.tunnel_hostname}.${c.domain_suffix}` : '',
    accessTokenName: `docker-mcp (${c.project_name}) clients`,
    accessConfigMap: `${name}-access`,
  };
}

/** The tunnel is on by default but needs a domain; without one its pieces are skipped (see NOTES). */
export function tunnelRendered(c: InstallConfig): boolean {
  return c.enable_cloudflare_tunnel && c.domain_suffix !== '';
}

/**
 * The Pod Security Standards level the gateway's pod satisfies, which the namespace the render creates
 * enforces. A hostPath volume (the socket) violates "baseline", so the pod then needs "privileged".
 * Without it the pod meets "restricted" (runAsNonRoot, no privilege escalation, all capabilities
 * dropped, seccomp RuntimeDefault, only emptyDir and secret volumes): test/unit/installer-namespace
 * checks the rendered pod against those rules, so a pod change that breaks them fails there.
 */
export function podSecurityLevel(c: InstallConfig): 'privileged' | 'restricted' {
  return c.enable_docker_socket ? 'privileged' : 'restricted';
}
export const POD_SECURITY_ENFORCE = 'pod-security.kubernetes.io/enforce';

/** The Terraform address of the namespace (both the root module and --terraform-dir call the module docker_mcp_gateway). */
export const NAMESPACE_ADDRESS = 'module.docker_mcp_gateway.kubernetes_namespace_v1.gateway';
/** Start of the tokens precondition's message: src/lifecycle/terraform-errors.ts recognises the failure by it. */
export const TOKENS_SECRET_MISSING = 'The tokens Secret does not exist';

export const usesBearer = (c: InstallConfig): boolean => c.auth_mode === 'bearer' || c.auth_mode === 'both';
export const usesAccess = (c: InstallConfig): boolean => c.auth_mode === 'cloudflare-access' || c.auth_mode === 'both';
/**
 * The render creates the Access application (and so learns its AUD only from Terraform) when Access is
 * on, the tunnel is rendered and no --cf-access-aud names an existing application.
 */
export const createsAccessApp = (c: InstallConfig): boolean => usesAccess(c) && tunnelRendered(c) && c.cf_access_aud === '';

export function selectorLabels(c: InstallConfig): Record<string, string> {
  return { 'app.kubernetes.io/name': APP_NAME, 'app.kubernetes.io/instance': c.project_name };
}

/** A Kubernetes label value of at least one character (63 at most). */
export const LABEL_VALUE_RE = '^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
/** The tag of an image reference without a digest (the last `:` after the last `/`). */
export const IMAGE_TAG_RE = '^[^@]*:([^:/@]+)$';

/**
 * `app.kubernetes.io/version`: the tag of the image the pods run when it is a valid label value
 * (`registry/docker-mcp-gateway:0.2.0` -> `0.2.0`); otherwise (a digest, no tag, a tag a label
 * cannot hold such as `_x` or 64+ characters) the installer's version. The module computes the same
 * with regex() (main.tf `local.version_label`); the parity test holds them equal.
 */
export function versionLabel(c: Pick<InstallConfig, 'docker_image'>, version: string): string {
  const tag = new RegExp(IMAGE_TAG_RE).exec(c.docker_image)?.[1] ?? '';
  return new RegExp(LABEL_VALUE_RE).test(tag) ? tag : version;
}

/**
 * Recommended app.kubernetes.io labels, plus `app` because the seed's troubleshooting commands
 * select `-l app=docker-mcp-gateway`, on top of the user's `labels` (ours win on a clash, so a
 * user label can never change what the selectors match).
 */
export function commonLabels(c: InstallConfig, version: string): Record<string, string> {
  return {
    ...c.labels,
    app: APP_NAME,
    ...selectorLabels(c),
    'app.kubernetes.io/version': versionLabel(c, version),
    'app.kubernetes.io/component': 'gateway',
    'app.kubernetes.io/part-of': 'docker-mcp',
    'app.kubernetes.io/managed-by': 'docker-mcp',
    environment: c.environment,
  };
}
