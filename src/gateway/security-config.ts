// Turns resolved settings into the security layer the core wires in: an Authenticator, an
// OperationPolicy, per-identity call limits, request guards (Origin/Host/body/JSON) and the audit
// log. Every configuration problem is reported at once as a UsageError (exit 2) before anything
// listens, and a non-loopback bind without authentication refuses to start.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { IncomingMessage } from 'node:http';
import type Dockerode from 'dockerode';
import type { DestinationStream } from 'pino';
import { UsageError } from '../shared/errors.js';
import { createAuditLog, type AuditLog } from './audit/audit-log.js';
import { createAuthenticator, type AccessOptions, type AuthMode } from './auth/authenticator.js';
import { CloudflareAccessVerifier, type AccessAllowList } from './auth/cloudflare.js';
import {
  assertSafeBinding, protectedResourceMetadata, protectedResourceMetadataPath, resolveAuthMode,
  resourceMetadataUrl, unauthenticatedWarning, type ProtectedResourceMetadata,
} from './auth/exposure.js';
import { isTrustedFetchUrl, OAuthVerifier } from './auth/oauth.js';
import { splitScoped } from './auth/scopes.js';
import { TokenStore } from './auth/token-store.js';
import { checkTokenSet, parseTokenList, readTokensFile, type TokenEntry } from './auth/tokens.js';
import type { GatewayConfig } from './config.js';
import { checkOriginAndHost, DEFAULT_MAX_JSON_DEPTH, originHostOptions, type OriginHostOptions, type OriginHostResult } from './limits/http-guards.js';
import { createCallLimits, type CallLimits } from './limits/rate-limit.js';
import { normalizeCapability } from './policy/container-rules.js';
import { parseBindRules } from './policy/paths.js';
import { parseSubnetRules } from './policy/network-subnets.js';
import { loadPolicyFile, type PolicyFile } from './policy/policy-file.js';
import { createOperationPolicy } from './policy/policy.js';
import type { Authenticator, OperationPolicy, Scope } from './security.js';

export interface SecurityDeps {
  docker: Dockerode;
  /** The gateway's own container ids/names; detected from /proc when omitted. */
  self?: readonly string[];
  now?: () => number;
  /** Audit stream (defaults to stdout; stdio mode should pass stderr). */
  auditStream?: DestinationStream;
  /** Spacing of Cloudflare certs and OAuth JWKS fetches (tests shorten or lengthen it). */
  certsMinRefreshIntervalMs?: number;
}

export interface Security {
  mode: AuthMode;
  authenticator: Authenticator;
  policy: OperationPolicy;
  limits: CallLimits;
  audit: AuditLog;
  originHost: OriginHostOptions;
  /** Origin + Host check for /mcp, /ws (before upgrading) and /mcp/call; pass as GatewayOptions.guard. */
  guard: { check(req: Pick<IncomingMessage, 'headers'>): OriginHostResult };
  maxBodyBytes: number;
  wsMaxPayloadBytes: number;
  maxJsonDepth: number;
  /** RFC 9728 document and the path to serve it at (undefined: serve nothing). */
  resourceMetadata?: ProtectedResourceMetadata;
  resourceMetadataPath: string;
  /** Log each at warn on every start. */
  warnings: string[];
  /** Shared with the policy; exposed for tests and metrics. */
  accessVerifier?: CloudflareAccessVerifier;
  oauthVerifier?: OAuthVerifier;
  /** Set when auth_tokens_file is reloaded on change (main.ts starts the reloader). */
  tokensFile?: TokensFileWatch;
  close(): Promise<void>;
}

const DEFAULT_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];
export const DEFAULT_PROTECTED_LABEL = 'dev.docker-mcp.protected=true';

/** What detectSelf reads; tests pass real-shaped file contents instead of this process's own. */
export interface SelfSources {
  /** /proc/self/mountinfo (undefined: unreadable). */
  mountinfo?: string;
  /** /proc/self/cgroup (undefined: unreadable). */
  cgroup?: string;
  hostname: string;
  /** Whether /.dockerenv exists (Docker creates it in every container). */
  dockerenv: boolean;
}

function readOr(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // Not Linux or no /proc: nothing to add.
    return undefined;
  }
}

function ownSources(): SelfSources {
  return { mountinfo: readOr('/proc/self/mountinfo'), cgroup: readOr('/proc/self/cgroup'), hostname: hostname(), dockerenv: existsSync('/.dockerenv') };
}

/**
 * Our own container ids when running under Docker: mountinfo names <data-root>/containers/<id>/
 * as the source of the /etc/hostname, /etc/hosts and /etc/resolv.conf binds (cgroup v1 and v2
 * alike); a cgroup path in the host's cgroup namespace names docker/<id> or docker-<id>.scope (a
 * private cgroup namespace, v2's default, shows only "0::/"); Docker's default hostname is the
 * short id.
 */
export function detectSelf(sources: SelfSources = ownSources()): string[] {
  const ids = new Set<string>();
  for (const line of (sources.mountinfo ?? '').split('\n')) {
    // Fields: id, parent, major:minor, root, mount point, …. Only the files Docker binds into the
    // container itself count: on a host, other containers' `containers/<id>/mounts/shm` are mounts too.
    const [, , , root = '', mountPoint = ''] = line.split(' ');
    const m = /\/containers\/([0-9a-f]{64})\/(hostname|hosts|resolv\.conf)$/.exec(root);
    if (m && mountPoint === `/etc/${m[2]!}`) ids.add(m[1]!);
  }
  for (const m of (sources.cgroup ?? '').matchAll(/\/docker[/-]([0-9a-f]{64})(?:\.scope)?(?=\/|$)/gm)) ids.add(m[1]!);
  if (sources.dockerenv && /^[0-9a-f]{12}$/.test(sources.hostname)) ids.add(sources.hostname);
  return [...ids];
}

function accessLists(config: GatewayConfig): AccessAllowList {
  const map = (entries: readonly string[] | undefined, lower: boolean) =>
    new Map((entries ?? []).map((e) => {
      const { value, scope } = splitScoped(e, 'admin');
      return [lower ? value.toLowerCase() : value, scope] as [string, Scope];
    }));
  return {
    emails: map(config.cf_access_allowed_emails, true),
    domains: map(config.cf_access_allowed_email_domains?.map((d) => d.replace(/^@/, '')), true),
    serviceTokens: map(config.cf_access_service_tokens, false),
  };
}

/** What the tokens reloader (auth/token-reload.ts) needs to pick up a changed auth_tokens_file. */
export interface TokensFileWatch {
  path: string;
  /** Of the bytes loaded at start-up; never logged. */
  fingerprint: string;
  /** From auth_tokens: merged with every new file as at start-up. */
  inline: readonly TokenEntry[];
  store: TokenStore;
  intervalMs: number;
}

function loadTokens(config: GatewayConfig): { tokens: TokenEntry[]; file?: Omit<TokensFileWatch, 'store' | 'intervalMs'> } {
  const file = config.auth_tokens_file ? readTokensFile(config.auth_tokens_file) : undefined;
  const inline = config.auth_tokens?.length ? parseTokenList(config.auth_tokens) : [];
  const tokens = [...(file?.entries ?? []), ...inline];
  checkTokenSet(tokens);
  return { tokens, file: file && config.auth_tokens_file ? { path: config.auth_tokens_file, fingerprint: file.fingerprint, inline } : undefined };
}

function socketPaths(config: GatewayConfig): string[] {
  const paths = new Set(DEFAULT_SOCKETS);
  if (config.docker_host.startsWith('unix://')) paths.add(config.docker_host.slice('unix://'.length));
  return [...paths];
}

function pick<K extends keyof PolicyFile>(file: PolicyFile, key: K, fallback: NonNullable<PolicyFile[K]>): NonNullable<PolicyFile[K]> {
  return (file[key] ?? fallback);
}

function buildPolicy(config: GatewayConfig, deps: SecurityDeps, problems: string[]): OperationPolicy {
  const file: PolicyFile = config.policy_file ? loadPolicyFile(config.policy_file) : {};
  let bindRules: ReturnType<typeof parseBindRules> = [];
  try {
    bindRules = parseBindRules(pick(file, 'allowed_bind_paths', config.allowed_bind_paths ?? []));
  } catch (error) {
    problems.push((error as Error).message);
  }
  let subnetRules: ReturnType<typeof parseSubnetRules> = [];
  try {
    subnetRules = parseSubnetRules(pick(file, 'allowed_network_subnets', config.allowed_network_subnets ?? []));
  } catch (error) {
    problems.push((error as Error).message);
  }
  const allowedImages = file.allowed_images ?? config.allowed_images;
  return createOperationPolicy(
    {
      preset: (file.preset ?? config.policy_preset),
      toolAllow: file.tools?.allow ?? [],
      toolDeny: file.tools?.deny ?? [],
      rules: {
        // Writable roots must be nosuid,nodev where the gateway sees them (paths.ts, writableMountProblem).
        binds: { rules: bindRules, socketPaths: socketPaths(config), requireNosuidNodev: true },
        allowedCapabilities: new Set(pick(file, 'allowed_capabilities', config.allowed_capabilities ?? []).map(normalizeCapability)),
      },
      allowedImages: allowedImages?.length ? allowedImages : undefined,
      allowExecRoot: file.allow_exec_root ?? config.allow_exec_root,
      allowRemoteBuildSources: file.allow_remote_build_sources ?? config.allow_remote_build_sources,
      allowedNetworkSubnets: subnetRules,
      scope: {
        selector: pick(file, 'control_label_selector', config.control_label_selector ?? []),
        // The built-in label always protects, whatever the lists say.
        protectedLabels: [...new Set([DEFAULT_PROTECTED_LABEL, ...pick(file, 'protected_labels', config.protected_labels)])],
        protectedContainers: pick(file, 'protected_containers', config.protected_containers),
        self: deps.self ?? detectSelf(),
      },
      socketPaths: socketPaths(config),
    },
    deps.docker,
  );
}

/** The OAuth access-token verifier, when authorization servers are configured and the settings hold. */
function buildOAuth(config: GatewayConfig, deps: SecurityDeps, mode: AuthMode, problems: string[]): OAuthVerifier | undefined {
  const servers = config.oauth_authorization_servers ?? [];
  const before = problems.length;
  if (config.oauth_jwks_url && servers.length !== 1) problems.push('oauth_jwks_url needs exactly one entry in oauth_authorization_servers');
  if (config.oauth_jwks_url && !isTrustedFetchUrl(config.oauth_jwks_url)) problems.push('oauth_jwks_url must be an https URL');
  if (!servers.length) return undefined;
  // Without a public URL there is no resource identifier, so the audience could not be checked.
  if (!config.public_url) problems.push('oauth_authorization_servers needs public_url (the resource identifier tokens must name as audience)');
  if (mode !== 'bearer' && mode !== 'both') problems.push(`oauth_authorization_servers needs auth_mode bearer or both (OAuth tokens are bearer tokens); auth_mode is ${mode}`);
  for (const server of servers) {
    if (!isTrustedFetchUrl(server) || !URL.canParse(server)) problems.push(`oauth_authorization_servers entry ${server} must be an https URL`);
  }
  if (problems.length > before || !config.public_url) return undefined;
  return new OAuthVerifier({
    issuers: servers,
    resource: config.public_url,
    jwksUrl: config.oauth_jwks_url,
    allowJwtTyp: config.oauth_allow_jwt_typ,
    minRefreshIntervalMs: deps.certsMinRefreshIntervalMs,
    now: deps.now,
  });
}

function buildAuthenticator(config: GatewayConfig, deps: SecurityDeps, mode: AuthMode, problems: string[]) {
  const oauth = buildOAuth(config, deps, mode, problems);
  let tokens: TokenEntry[] = [];
  let watch: TokensFileWatch | undefined;
  if (mode === 'bearer' || mode === 'both') {
    const loaded = loadTokens(config);
    tokens = loaded.tokens;
    if (loaded.file && config.auth_tokens_reload_seconds > 0) {
      watch = { ...loaded.file, store: new TokenStore(tokens), intervalMs: config.auth_tokens_reload_seconds * 1000 };
    }
    if (!tokens.length && !config.oauth_authorization_servers?.length) {
      problems.push(`auth_mode ${mode} needs bearer tokens (auth_tokens or auth_tokens_file) or oauth_authorization_servers`);
    }
  }
  let access: AccessOptions | undefined;
  if (mode === 'cloudflare-access' || mode === 'both') {
    if (!config.cf_access_team) problems.push(`auth_mode ${mode} needs cf_access_team`);
    if (!config.cf_access_aud?.length) problems.push('Cloudflare Access needs cf_access_aud (the application AUD tag); without it any application of the team would be accepted');
    if (config.cf_access_team && config.cf_access_aud?.length) {
      const verifier = new CloudflareAccessVerifier({
        team: config.cf_access_team,
        audiences: config.cf_access_aud,
        certsUrl: config.cf_access_certs_url,
        minRefreshIntervalMs: deps.certsMinRefreshIntervalMs,
        now: deps.now,
      });
      access = { verifier, lists: accessLists(config), defaultScope: 'admin' };
    }
  }
  if (problems.length) return undefined;
  const authenticator = createAuthenticator({ mode, tokens, tokenStore: watch?.store, access, oauth, resourceMetadataUrl: resourceMetadataUrl(config) });
  return { authenticator, access, oauth, watch };
}

export function buildSecurity(config: GatewayConfig, deps: SecurityDeps): Security {
  const problems: string[] = [];
  const mode = resolveAuthMode(config);
  const auth = buildAuthenticator(config, deps, mode, problems);
  const policy = buildPolicy(config, deps, problems);
  if (problems.length || !auth) throw new UsageError('Invalid security settings:', problems);
  if (!config.stdio) assertSafeBinding(config);

  const originHost = originHostOptions(config);
  const audit = createAuditLog({ audit_file: config.audit_file, stream: deps.auditStream });
  const warning = config.stdio ? undefined : unauthenticatedWarning(config);
  return {
    mode,
    authenticator: auth.authenticator,
    policy,
    limits: createCallLimits(config.rate_limit_per_minute, config.max_concurrent_calls, deps.now),
    audit,
    originHost,
    guard: { check: (req) => checkOriginAndHost(req, originHost) },
    maxBodyBytes: config.max_body_bytes,
    wsMaxPayloadBytes: config.ws_max_payload_bytes,
    maxJsonDepth: DEFAULT_MAX_JSON_DEPTH,
    resourceMetadata: protectedResourceMetadata(config),
    resourceMetadataPath: protectedResourceMetadataPath(config),
    warnings: warning ? [warning] : [],
    accessVerifier: auth.access?.verifier,
    oauthVerifier: auth.oauth,
    tokensFile: auth.watch,
    close: () => audit.close(),
  };
}
