// THE INSTALLER–GATEWAY CONTRACT. The installer (src/templates/: ConfigMap, Secret, compose file,
// Terraform module) configures the gateway only through the env names in this table; the gateway
// (src/gateway/config.ts, `docker-mcp serve`) reads exactly those. Both sides
// import this module and neither imports the other (test/unit/import-graph.test.ts keeps it so), so
// a setting renamed here is renamed on both sides at once.
//
// Every gateway setting has one name in three spellings: flag `--metrics-port`, env
// `DOCKER_MCP_METRICS_PORT`, config key `metrics_port`. This table is the single source for the
// `serve` flags, the env names, the config-file keys, validation, the README reference
// (renderSettingsReference below) and the installer's ConfigMap (which configures the container
// through the env).
import { z } from 'zod';

export interface SettingSpec {
  /** snake_case config key; flag and env names derive from it. */
  key: string;
  description: string;
  schema: z.ZodType;
  /** Default as the string a user would type (documented verbatim). Undefined = unset. */
  default?: string;
  kind: 'string' | 'number' | 'boolean' | 'list';
  /** Extra env names read after DOCKER_MCP_<KEY> (e.g. the standard DOCKER_HOST). */
  envAliases?: string[];
  /** Holds a secret: never logged, rendered into a Secret rather than a ConfigMap. */
  secret?: boolean;
  /** Only meaningful on the command line (e.g. --stdio, --config). */
  cliOnly?: boolean;
  group: 'server' | 'docker' | 'observability' | 'limits' | 'auth' | 'policy';
}

const port = z.coerce.number().int().min(1).max(65535);
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])]).transform(
  (v) => v === true || v === 'true' || v === '1' || v === 'yes',
);
const list = z
  .union([z.array(z.string()), z.string()])
  .transform((v) => (Array.isArray(v) ? v : v.split(',').map((s) => s.trim()).filter(Boolean)));

export const settingsTable = [
  { key: 'port', group: 'server', kind: 'number', default: '8080', schema: port,
    description: 'Port for /mcp, /ws, /mcp/call, /health and /ready.' },
  { key: 'host', group: 'server', kind: 'string', default: '127.0.0.1', schema: z.string().min(1),
    description: 'Address to bind. Loopback by default; binding elsewhere needs authentication.' },
  { key: 'stateless', group: 'server', kind: 'boolean', default: 'false', schema: bool,
    description: 'Serve Streamable HTTP without sessions, so several replicas can sit behind one load balancer. Without a session there is nothing to notify or cancel later: resources/subscribe is not offered over HTTP (WebSocket still has it).' },
  { key: 'stdio', group: 'server', kind: 'boolean', default: 'false', schema: bool, cliOnly: true,
    description: 'Speak MCP over stdin/stdout instead of HTTP (for local clients). Logs go to stderr.' },
  { key: 'config', group: 'server', kind: 'string', schema: z.string().min(1), cliOnly: true,
    description: 'Path of a YAML config file whose keys are the snake_case setting names.' },
  { key: 'docker_host', group: 'docker', kind: 'string', default: 'unix:///var/run/docker.sock',
    envAliases: ['DOCKER_HOST'],
    schema: z.string().regex(/^(unix|tcp|npipe|http|https):\/\/.+/, 'must look like unix:///path or tcp://host:port'),
    description: 'Docker Engine endpoint: unix:///path/to/docker.sock or tcp://host:2376.' },
  { key: 'docker_cert_path', group: 'docker', kind: 'string', envAliases: ['DOCKER_CERT_PATH'],
    schema: z.string().min(1),
    description: 'Directory with ca.pem, cert.pem and key.pem for a TLS tcp:// endpoint.' },
  { key: 'docker_tls_verify', group: 'docker', kind: 'boolean', default: 'false',
    envAliases: ['DOCKER_TLS_VERIFY'], schema: bool,
    description: 'Use TLS with client certificates for a tcp:// endpoint.' },
  { key: 'docker_timeout', group: 'docker', kind: 'number', default: '30',
    schema: z.coerce.number().positive().max(3600),
    description: 'Timeout for one Docker operation, in seconds. When it plus ready_timeout_seconds is above 60, every /mcp answer is an SSE stream with keep-alives, since a call may then outlast a proxy\'s ~100 s patience.' },
  { key: 'log_level', group: 'observability', kind: 'string', default: 'info',
    schema: z.enum(['debug', 'info', 'warn', 'error']), description: 'Log level: debug, info, warn or error.' },
  { key: 'enable_metrics', group: 'observability', kind: 'boolean', default: 'true', schema: bool,
    description: 'Serve Prometheus metrics at /metrics on the metrics port.' },
  { key: 'metrics_port', group: 'observability', kind: 'number', default: '9090', schema: port,
    description: 'Port for /metrics (kept off the public port).' },
  { key: 'metrics_host', group: 'observability', kind: 'string', schema: z.string().min(1),
    description: 'Address for the metrics listener; defaults to the bind host.' },
  { key: 'ready_timeout_seconds', group: 'docker', kind: 'number', default: '2',
    schema: z.coerce.number().positive().max(60),
    description: 'How long /ready waits for the daemon to answer /_ping before reporting 503 (keep it under the probe timeout).' },
  { key: 'long_call_timeout_seconds', group: 'docker', kind: 'number', default: '900',
    schema: z.coerce.number().positive().max(86_400),
    description: 'Upper bound for one long-running call (image pull/build/push, log follow, stats sampling, events, exec, wait, run), in seconds; a tool asked to wait longer refuses before running anything.' },
  { key: 'sse_keepalive_seconds', group: 'server', kind: 'number', default: '15',
    schema: z.coerce.number().int().min(1).max(25),
    description: 'Interval of SSE keep-alive comments; at most 25 s because proxies such as Cloudflare drop idle responses after ~100 s.' },
  { key: 'ws_heartbeat_seconds', group: 'server', kind: 'number', default: '25',
    schema: z.coerce.number().int().min(1).max(25),
    description: 'WebSocket ping interval (also keeps tunnels from cutting an idle socket, hence at most 25 s); a peer that misses one pong is disconnected.' },
  { key: 'shutdown_grace_seconds', group: 'server', kind: 'number', default: '20',
    schema: z.coerce.number().min(0).max(3600),
    description: 'On SIGTERM, how long running calls may finish before they are cancelled (readiness is false and new requests get 503 meanwhile); keep it below the pod\'s terminationGracePeriodSeconds (30 s by default). A second signal exits at once.' },
  { key: 'session_idle_seconds', group: 'server', kind: 'number', default: '1800',
    schema: z.coerce.number().int().min(10).max(86_400),
    description: 'Streamable HTTP sessions and WebSocket connections idle this long are closed. Idle: no request in flight and no MCP message from the client; an open SSE GET stream and WebSocket pings do not count.' },
  { key: 'max_sessions', group: 'limits', kind: 'number', default: '1000',
    schema: z.coerce.number().int().min(1).max(100_000),
    description: 'Open Streamable HTTP sessions plus WebSocket connections allowed at once; when full, a new session ends its own identity\'s least recently used idle session, or is refused with 503.' },
  { key: 'max_sessions_per_identity', group: 'limits', kind: 'number', default: '16',
    schema: z.coerce.number().int().min(0).max(100_000),
    description: 'Sessions (HTTP plus WebSocket) one identity may hold, so no identity can fill max_sessions; at the cap a new session ends that identity\'s least recently used idle session, or gets 429 when all are busy. 0 disables (one-user benchmarks only).' },
  { key: 'max_output_bytes', group: 'limits', kind: 'number', default: '1048576',
    schema: z.coerce.number().int().min(1024).max(64 * 1024 * 1024),
    description: 'Cap for one text payload (logs, exec output); longer output is cut with a notice.' },
  { key: 'default_list_limit', group: 'limits', kind: 'number', default: '100',
    schema: z.coerce.number().int().min(1).max(10_000),
    description: 'Items returned by list tools when the caller gives no limit.' },
  // Security settings (issue 4). Resolved into an Authenticator, an OperationPolicy and limits by
  // src/gateway/security-config.ts; docs/security.md explains each one.
  { key: 'auth_mode', group: 'auth', kind: 'string',
    schema: z.enum(['none', 'bearer', 'cloudflare-access', 'both']),
    description: 'none, bearer, cloudflare-access or both (either credential is accepted). bearer covers static tokens and OAuth access tokens. Unset: inferred from the tokens, OAuth and Cloudflare Access settings given.' },
  { key: 'auth_tokens_file', group: 'auth', kind: 'string', schema: z.string().min(1),
    description: 'YAML/JSON file of named bearer tokens: tokens: [{ name, scope: read|operate|admin, token | token_sha256 }].' },
  { key: 'auth_tokens', group: 'auth', kind: 'list', schema: list, secret: true,
    description: 'Bearer tokens as name:scope:token,… (scope read, operate or admin; tokens at least 16 characters).' },
  { key: 'auth_tokens_reload_seconds', group: 'auth', kind: 'number', default: '10',
    schema: z.coerce.number().int().min(0).max(3600),
    description: 'How often auth_tokens_file is checked for a change (its content, through symlinks, so a rotated Kubernetes Secret counts), in seconds; 0 turns reloading off. A new valid file replaces the tokens without a restart, and what a removed or changed token opened (WebSockets, sessions, running calls) is ended; an invalid, empty or missing file keeps the previous tokens and logs an error.' },
  { key: 'cf_access_team', group: 'auth', kind: 'string',
    schema: z.string().regex(/^(https:\/\/)?[a-z0-9-]+(\.cloudflareaccess\.com)?\/?$/i, 'must be a team name like "myteam" or myteam.cloudflareaccess.com'),
    description: 'Cloudflare Zero Trust team name; enables validation of the Cf-Access-Jwt-Assertion header.' },
  { key: 'cf_access_aud', group: 'auth', kind: 'list', schema: list,
    description: 'Audience (AUD) tag(s) of the Cloudflare Access application(s) in front of the gateway.' },
  { key: 'cf_access_allowed_emails', group: 'auth', kind: 'list', schema: list,
    description: 'Emails allowed through Cloudflare Access, each optionally :read, :operate or :admin (default: all scopes, capped by the policy preset).' },
  { key: 'cf_access_allowed_email_domains', group: 'auth', kind: 'list', schema: list,
    description: 'Email domains allowed through Cloudflare Access (exact domain after @), each optionally :scope.' },
  { key: 'cf_access_service_tokens', group: 'auth', kind: 'list', schema: list,
    description: 'Cloudflare Access service token client ids (common_name) allowed, each optionally :scope.' },
  { key: 'cf_access_certs_url', group: 'auth', kind: 'string', schema: z.url(),
    description: 'Override of the signing keys URL (default https://<team>.cloudflareaccess.com/cdn-cgi/access/certs).' },
  { key: 'public_url', group: 'auth', kind: 'string', schema: z.url(),
    description: 'Public URL of the gateway (e.g. https://docker-mcp.example.com): allowed Host/Origin and the OAuth resource identifier.' },
  { key: 'oauth_authorization_servers', group: 'auth', kind: 'list', schema: list,
    description: 'OAuth authorization server issuer URLs (exact iss values): advertised at /.well-known/oauth-protected-resource (RFC 9728), and their JWT access tokens (RFC 9068, aud = public_url, scopes docker:read|operate|admin) are accepted as bearer tokens. Needs public_url.' },
  { key: 'oauth_jwks_url', group: 'auth', kind: 'string', schema: z.url(),
    description: 'JWKS URL of the (single) authorization server, instead of discovering jwks_uri from its RFC 8414 / OpenID metadata.' },
  { key: 'oauth_allow_jwt_typ', group: 'auth', kind: 'boolean', default: 'false', schema: bool,
    description: 'Also accept OAuth access tokens with typ JWT or no typ (authorization servers that predate RFC 9068); the audience check still refuses ID tokens.' },
  { key: 'allow_unauthenticated', group: 'auth', kind: 'boolean', default: 'false', schema: bool,
    description: 'Allow serving on a non-loopback address without authentication (warned about on every start).' },
  { key: 'allowed_origins', group: 'auth', kind: 'list', schema: list,
    description: 'Browser origins allowed to call /mcp and /ws; a present Origin not listed gets 403. Default: the public_url origin and the loopback origins of the bind port.' },
  { key: 'allowed_hosts', group: 'auth', kind: 'list', schema: list,
    description: 'Host header values accepted (DNS-rebinding protection); * allows any. Default: loopback names, the bind address and the public_url host; any host when bound to 0.0.0.0/::.' },
  { key: 'max_body_bytes', group: 'limits', kind: 'number', default: '1048576',
    schema: z.coerce.number().int().min(1024).max(64 * 1024 * 1024),
    description: 'Largest HTTP request body accepted; larger bodies get 413 before parsing.' },
  { key: 'ws_max_payload_bytes', group: 'limits', kind: 'number', default: '1048576',
    schema: z.coerce.number().int().min(1024).max(64 * 1024 * 1024),
    description: 'Largest WebSocket message accepted; larger frames close the socket with 1009.' },
  { key: 'rate_limit_per_minute', group: 'limits', kind: 'number', default: '120',
    schema: z.coerce.number().int().min(0).max(1_000_000),
    description: 'Tool calls per identity per minute (token bucket, bursts up to the same number); new sessions (initialize, WebSocket connections) are counted the same way in a bucket of their own. 0 disables.' },
  { key: 'max_concurrent_calls', group: 'limits', kind: 'number', default: '8',
    schema: z.coerce.number().int().min(0).max(10_000),
    description: 'Tool calls one identity may have in flight at once; 0 disables.' },
  { key: 'policy_preset', group: 'policy', kind: 'string', default: 'operator',
    schema: z.enum(['read-only', 'operator', 'admin']),
    description: 'read-only (observe), operator (also start/stop/restart/logs/exec) or admin (also create/remove/pull/build).' },
  { key: 'policy_file', group: 'policy', kind: 'string', schema: z.string().min(1),
    description: 'YAML policy file: preset, tools.allow/tools.deny globs and argument rules; its keys override the same settings.' },
  { key: 'allowed_bind_paths', group: 'policy', kind: 'list', schema: list,
    description: 'Host paths containers may bind-mount. A writable entry may only be bound itself, and only from a filesystem mounted nosuid,nodev (where the gateway sees it); suffix :ro to force read-only and allow subpaths. Entries may not nest when one is writable. Default: none. Always refused, whatever this list says: /, /run, /var/run, /var/lib/docker, /var/lib/containerd, /proc, /sys, /dev, the Docker socket (/var/run/docker.sock, /run/docker.sock, the docker_host socket), any path ending in .sock, the daemon\'s data root (docker info), everything under these, and their ancestors (/var, /var/lib).' },
  { key: 'allowed_images', group: 'policy', kind: 'list', schema: list,
    description: 'Image globs (registry/repository[:tag]; * within a path segment, ** across) that may be pulled, built or run. Unset: any image, except registries on the Docker host (loopback, link-local, localhost): those only when a pattern names the registry literally, e.g. ["**", "127.0.0.1:5000/**"].' },
  { key: 'allowed_capabilities', group: 'policy', kind: 'list', schema: list,
    description: 'Capabilities that cap_add may grant beyond Docker\'s default set (e.g. NET_ADMIN). Default: none.' },
  { key: 'allow_exec_root', group: 'policy', kind: 'boolean', default: 'false', schema: bool,
    description: 'Allow exec as root. When false an exec runs only as numeric uid:gid, both non-zero (also the container\'s own user when exec gives none), in a container without group_add.' },
  { key: 'allow_remote_build_sources', group: 'policy', kind: 'boolean', default: 'false', schema: bool,
    description: 'Let image_build use sources the Docker daemon fetches itself: an ADD source that is remote (any scheme://, git@…, github.com/…) or contains a variable (its value is only known at build time), in the Dockerfile, its ONBUILD lines and the ONBUILD triggers of its base images. The daemon fetches them from the host\'s network, whatever the build network, so they can reach services on the host\'s loopback.' },
  { key: 'allowed_network_subnets', group: 'policy', kind: 'list', schema: list,
    description: 'CIDR ranges network_create may be given as a subnet (e.g. 10.42.0.0/16). Default: none, so Docker picks a free range itself. Docker routes a given subnet on the host as is, so a range the host reaches elsewhere (its DNS resolver, a LAN, metadata, the internet) would be captured by the network.' },
  { key: 'control_label_selector', group: 'policy', kind: 'list', schema: list,
    description: 'Only containers with all these labels (key=value or key) may be changed, e.g. dev.docker-mcp.managed=true.' },
  { key: 'protected_labels', group: 'policy', kind: 'list', default: 'dev.docker-mcp.protected=true', schema: list,
    description: 'Containers with any of these labels (key=value or key) can never be stopped, removed, changed or exec\'d into. The default label dev.docker-mcp.protected=true always applies, also when this list names others.' },
  { key: 'protected_containers', group: 'policy', kind: 'list', default: '*cloudflared*', schema: list,
    description: 'Container name/id/image globs that can never be stopped, removed, changed or exec\'d into (the gateway itself is always protected).' },
  { key: 'audit_file', group: 'observability', kind: 'string', schema: z.string().min(1),
    description: 'Also append the audit log (one JSON line per tool call) to this file.' },
  // Off by default for speed: handlers are typed against their output schema, and the test suite
  // (test/helpers/gateway.ts) runs with it on, so a mismatch is a bug caught there, not in production.
  { key: 'validate_tool_output', group: 'observability', kind: 'boolean', default: 'false', schema: bool,
    description: 'Check every tool result against its output schema before answering (a mismatch becomes an internal error). For development and tests; tool inputs are always validated.' },
] as const satisfies readonly SettingSpec[];

export const listSchema = list;
export const boolSchema = bool;

export function flagName(key: string): string {
  return `--${key.replace(/_/g, '-')}`;
}

export function envName(key: string): string {
  return `DOCKER_MCP_${key.toUpperCase()}`;
}

/**
 * The gateway settings reference in the README, rendered from the table so the docs cannot drift
 * from the flags and env names the gateway really reads (test/unit/readme-settings.test.ts).
 */
export function renderSettingsReference(): string {
  const rows = (settingsTable as readonly SettingSpec[]).map((spec) => {
    const envs = [envName(spec.key), ...(spec.envAliases ?? [])].map((e) => `\`${e}\``).join(', ');
    const key = spec.cliOnly ? '—' : `\`${spec.key}\``;
    const def = spec.default === undefined ? '—' : `\`${spec.default}\``;
    const secret = spec.secret ? ' (secret)' : '';
    return `| \`${flagName(spec.key)}\` | ${envs} | ${key} | ${def} | ${spec.description}${secret} |`;
  });
  return ['| Flag | Env | Config key | Default | Description |', '|---|---|---|---|---|', ...rows].join('\n');
}
