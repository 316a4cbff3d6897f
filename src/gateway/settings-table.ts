// Every gateway setting has one name in three spellings: flag `--metrics-port`, env
// `DOCKER_MCP_METRICS_PORT`, config key `metrics_port`. This table is the single source for the
// `serve` flags, the env names, the config-file keys, validation, the README reference and the
// installer's ConfigMap (which configures the container through the env).
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
    description: 'Serve Streamable HTTP without sessions, so several replicas can sit behind one load balancer.' },
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
    description: 'Timeout for one Docker operation, in seconds.' },
  { key: 'log_level', group: 'observability', kind: 'string', default: 'info',
    schema: z.enum(['debug', 'info', 'warn', 'error']), description: 'Log level: debug, info, warn or error.' },
  { key: 'enable_metrics', group: 'observability', kind: 'boolean', default: 'true', schema: bool,
    description: 'Serve Prometheus metrics at /metrics on the metrics port.' },
  { key: 'metrics_port', group: 'observability', kind: 'number', default: '9090', schema: port,
    description: 'Port for /metrics (kept off the public port).' },
  { key: 'metrics_host', group: 'observability', kind: 'string', schema: z.string().min(1),
    description: 'Address for the metrics listener; defaults to the bind host.' },
  { key: 'max_output_bytes', group: 'limits', kind: 'number', default: '1048576',
    schema: z.coerce.number().int().min(1024).max(64 * 1024 * 1024),
    description: 'Cap for one text payload (logs, exec output); longer output is cut with a notice.' },
  { key: 'default_list_limit', group: 'limits', kind: 'number', default: '100',
    schema: z.coerce.number().int().min(1).max(10_000),
    description: 'Items returned by list tools when the caller gives no limit.' },
] as const satisfies readonly SettingSpec[];

export const listSchema = list;
export const boolSchema = bool;

export function flagName(key: string): string {
  return `--${key.replace(/_/g, '-')}`;
}

export function envName(key: string): string {
  return `DOCKER_MCP_${key.toUpperCase()}`;
}
