// The patcher's public contract, shared by `init --terraform-dir` and `doctor`.

/** A raw HCL expression, written as-is (e.g. `var.access_aud`), instead of a quoted string. */
export interface HclExpr {
  hcl: string;
}

export interface PatchAccess {
  /** Zero Trust team name (`<team>.cloudflareaccess.com`). */
  teamName: string | HclExpr;
  /** The Access application's AUD tag. */
  audTag: string | HclExpr;
}

export interface RepoPatchInput {
  serviceName: 'docker-mcp' | (string & {});
  /** Public FQDN, e.g. docker-mcp.example.com. */
  hostname: string;
  /** In-cluster URL, e.g. http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080. */
  serviceUrl: string;
  /** When set, the rule itself carries origin_request.access (cloudflared ignores a top-level one). */
  access?: PatchAccess;
  /** Contents for `docker-mcp.tf` in the root module (Terraform mode only). */
  moduleCallHcl: string;
  /** 'auto' (default): Terraform when a tunnel-config resource exists, else a cloudflared ConfigMap. */
  mode?: 'auto' | 'terraform' | 'yaml';
  /** With mode 'yaml' (--cloudflared-configmap): the Terraform root, read for the tunnel's DNS records (sibling-config.ts). */
  terraformDir?: string;
}

export interface FileEdit {
  /** Absolute path. */
  path: string;
  /** Path relative to the repo, for display. */
  relPath: string;
  /** null when the file does not exist yet. */
  before: string | null;
  after: string;
}

export interface Snippet {
  title: string;
  /** Where it belongs, e.g. `modules/cloudflare-tunnel/main.tf, inside config { }`. */
  where: string;
  language: 'hcl' | 'yaml' | 'shell' | 'json';
  text: string;
}

export interface RepoPatchPlan {
  repoDir: string;
  mode: 'terraform' | 'yaml';
  /** Empty when nothing needs changing, and always empty when `refused` is set. */
  edits: FileEdit[];
  /** What was found and done, one sentence each, for the person reading the diff. */
  notes: string[];
  /** Ready-to-paste text: always for a refusal, and for parts the patcher cannot do (e.g. DNS). */
  snippets: Snippet[];
  /** Why nothing was changed when the structure was not recognised; null when the plan is usable. */
  refused: string | null;
  /**
   * Terraform mode: the root module directory (where `docker-mcp.tf` goes), so the caller can put
   * the gateway module next to it at the path the module call's `source` names.
   */
  rootModuleDir?: string;
  /**
   * The module call as it should be written (or pasted): `moduleCallHcl` with its tunnel status
   * line saying what the tunnel config really holds, so docker-mcp.tf never claims a rule or DNS
   * record that is not there.
   */
  moduleCall: string;
  /** The one cloudflared workload the repo's YAML runs, for the gateway's NetworkPolicy. */
  cloudflared?: { namespace: string | null; labels: Record<string, string>; where: string };
}

/** Marks rules the patcher wrote, so later runs update them instead of adding another. */
export const MANAGED_MARKER = 'managed by docker-mcp';

/**
 * The module call's comment line that states what the tunnel config holds for docker-mcp. The
 * template writes a placeholder after it; the patcher, which knows, replaces the line.
 */
export const TUNNEL_STATUS_MARKER = '# Tunnel: ';
