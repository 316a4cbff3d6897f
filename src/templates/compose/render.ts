// Renders compose.yaml for `--target docker`: the gateway (and optionally cloudflared) on plain
// Docker, hardened like the Kubernetes Deployment. Pure: options in, file text out. Built as an
// object and serialized with `yaml`, never by string templates. The gateway is configured through
// the env names of src/contract/settings.ts, the same single path the Deployment uses.
import { stringify } from 'yaml';
import { envName, settingsTable } from '../../contract/settings.js';

type SettingKey = (typeof settingsTable)[number]['key'];
type SettingValue = string | number | boolean | readonly string[];

export const COMPOSE_FILE = 'compose.yaml';
/** Where the socket appears inside the container, whatever its host path. */
export const CONTAINER_SOCKET = '/var/run/docker.sock';
/** Pinned so `apply` is reproducible; override with `cloudflared.image`. */
export const DEFAULT_CLOUDFLARED_IMAGE = 'cloudflare/cloudflared:2025.8.1';

export interface ComposeOptions {
  /** Compose project name: containers are <project>-<service>-1 and carry the project label. */
  project: string;
  /** Gateway image, normally docker-mcp-gateway:<version> from `docker-mcp image build`. */
  image: string;
  /** Gateway port inside the container (and the published port unless `publish` says otherwise). */
  port: number;
  /** Publish the gateway port on the host: false to keep it internal (cloudflared reaches it by service name). */
  publish?: false | { hostIp?: string; hostPort?: number };
  /** Host path of the Docker socket to mount. */
  dockerSocket?: string;
  /** Numeric gid owning the socket on the host (`stat -c %g /var/run/docker.sock`), granted via group_add. */
  dockerSocketGid: number;
  /** Gateway settings by config key (port, log_level, docker_timeout, enable_metrics, …). Secrets are refused: use `secretsEnvFile`. */
  settings?: Partial<Record<SettingKey, SettingValue>>;
  /** Env file (relative to compose.yaml) holding secret settings such as DOCKER_MCP_AUTH_TOKENS. */
  secretsEnvFile?: string;
  /** Kubernetes-style quantities, converted: 500m -> 0.5 CPUs, 512Mi -> 512M. */
  cpuLimit?: string;
  memoryLimit?: string;
  restart?: 'no' | 'always' | 'on-failure' | 'unless-stopped';
  /** A cloudflared sidecar running the tunnel; its token comes from an env file (TUNNEL_TOKEN=…). */
  cloudflared?: { envFile: string; image?: string };
  /** Extra labels for every service (the managed-by label is always set). */
  labels?: Record<string, string>;
}

/** '500m' -> '0.5', '2' -> '2'. */
export function composeCpus(quantity: string): string {
  const milli = /^(\d+)m$/.exec(quantity);
  if (milli) return String(Number(milli[1]) / 1000);
  if (/^\d+(\.\d+)?$/.test(quantity)) return quantity;
  throw new Error(`cpu limit ${quantity} is not a CPU quantity like 500m or 1.5`);
}

/** Kubernetes memory quantity -> Docker's (binary) units: 512Mi -> 512M, 1Gi -> 1G, 1G (decimal) -> bytes. */
export function composeMemory(quantity: string): string {
  const match = /^(\d+)(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/.exec(quantity);
  if (!match) throw new Error(`memory limit ${quantity} is not a memory quantity like 512Mi or 1Gi`);
  const [, digits, unit] = match;
  if (!unit) return digits!;
  if (unit.endsWith('i')) return `${digits}${unit[0] === 'K' ? 'k' : unit[0]}`;
  const power = { k: 1, K: 1, M: 2, G: 3, T: 4 }[unit as 'k'];
  return String(Number(digits) * 1000 ** power);
}

function settingEnv(settings: ComposeOptions['settings'] = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    const spec = settingsTable.find((s) => s.key === key);
    if (!spec) throw new Error(`unknown gateway setting ${key}`);
    if ('secret' in spec && spec.secret) {
      throw new Error(`${key} is a secret: put ${envName(key)} in the secrets env file, not in compose.yaml`);
    }
    if (value === undefined) continue;
    env[envName(key)] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return env;
}

/**
 * The health check probes /ready, not /health: /health only says the process is up, while /ready
 * says the gateway can reach the Docker daemon (a socket group it is not in answers 503 there), and
 * `apply` waits on and `status` reports this check. The image may have no curl or shell, so node
 * asks; it prints the status and body (the cause, as JSON), which Docker keeps in the health log,
 * where `apply` and `status` read it. No `$` anywhere: compose would interpolate it. The Dockerfile's
 * own HEALTHCHECK (for a bare `docker run`) stays on /health.
 */
export function healthProbe(port: number): string {
  return `fetch('http://127.0.0.1:${port}/ready',{signal:AbortSignal.timeout(4000)})` +
    '.then(async r=>{console.log(r.status,await r.text());process.exit(r.ok?0:1)},' +
    "e=>{console.log('GET /ready failed:',e.cause?.message??e.message);process.exit(1)})";
}

function healthcheck(port: number): Record<string, unknown> {
  // start_interval (Docker 25+) probes every second while starting, so `apply` sees healthy within
  // seconds; older daemons ignore it and wait for the first 10 s interval.
  return { test: ['CMD', 'node', '-e', healthProbe(port)], interval: '10s', timeout: '5s', retries: 3, start_period: '30s', start_interval: '1s' };
}

export function composeDocument(options: ComposeOptions): Record<string, unknown> {
  const labels = { ...options.labels, 'app.kubernetes.io/managed-by': 'docker-mcp', 'app.kubernetes.io/part-of': 'docker-mcp' };
  const hardening = {
    restart: options.restart ?? 'unless-stopped',
    read_only: true,
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
  };
  const env = {
    ...settingEnv(options.settings),
    // Fixed by the container layout, whatever the settings say.
    [envName('host')]: '0.0.0.0',
    [envName('port')]: String(options.port),
    [envName('docker_host')]: `unix://${CONTAINER_SOCKET}`,
  };
  const gateway: Record<string, unknown> = {
    image: options.image,
    command: ['serve'],
    // Docker's bundled tini as PID 1: forwards SIGTERM to node and reaps zombies.
    init: true,
    user: '10001:10001',
    // The socket is root:<docker group> 0660: its group, not root, gives the gateway access.
    group_add: [String(options.dockerSocketGid)],
    ...hardening,
    tmpfs: ['/tmp:rw,noexec,nosuid,size=16m'],
    environment: Object.fromEntries(Object.entries(env).sort(([a], [b]) => a.localeCompare(b))),
    ...(options.secretsEnvFile ? { env_file: [options.secretsEnvFile] } : {}),
    volumes: [{ type: 'bind', source: options.dockerSocket ?? CONTAINER_SOCKET, target: CONTAINER_SOCKET }],
    healthcheck: healthcheck(options.port),
    labels: { ...labels, 'app.kubernetes.io/name': 'docker-mcp-gateway', 'app.kubernetes.io/component': 'gateway' },
  };
  if (options.publish !== false) {
    // Loopback by default: reaching the gateway from elsewhere is the tunnel's job.
    const hostIp = options.publish?.hostIp ?? '127.0.0.1';
    gateway.ports = [`${hostIp}:${options.publish?.hostPort ?? options.port}:${options.port}`];
  }
  const limits: Record<string, string> = {};
  if (options.cpuLimit) limits.cpus = composeCpus(options.cpuLimit);
  if (options.memoryLimit) limits.memory = composeMemory(options.memoryLimit);
  if (Object.keys(limits).length) gateway.deploy = { resources: { limits } };

  const services: Record<string, unknown> = { gateway };
  if (options.cloudflared) {
    services.cloudflared = {
      image: options.cloudflared.image ?? DEFAULT_CLOUDFLARED_IMAGE,
      // The token stays in the env file (TUNNEL_TOKEN), never in compose.yaml or the process list.
      command: ['tunnel', '--no-autoupdate', 'run'],
      env_file: [options.cloudflared.envFile],
      user: '65532:65532',
      ...hardening,
      depends_on: { gateway: { condition: 'service_healthy' } },
      labels: { ...labels, 'app.kubernetes.io/name': 'cloudflared', 'app.kubernetes.io/component': 'tunnel' },
    };
  }
  return { name: options.project, services };
}

export function renderCompose(options: ComposeOptions): { path: string; contents: string } {
  const header =
    '# Rendered by docker-mcp init --target docker. Apply with `docker-mcp apply --target docker`\n' +
    '# (no compose binary needed) or `docker compose up -d`.\n' +
    (options.cloudflared ? '# The tunnel reaches the gateway at http://gateway:' + String(options.port) + ' (set that as the ingress service).\n' : '');
  // No anchors/aliases for the shared hardening lists: a person reads (and diffs) this file.
  return { path: COMPOSE_FILE, contents: header + stringify(composeDocument(options), { lineWidth: 0, aliasDuplicateObjects: false }) };
}

/** KEY=value lines for an env file; refuses values compose could not read back verbatim. */
export function renderEnvFile(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`${key} is not a valid env name`);
      if (/[\r\n]/.test(value)) throw new Error(`${key} contains a newline, which env files cannot hold`);
      return `${key}=${value}\n`;
    })
    .join('');
}
