// Reads a compose.yaml into a checked project model. Supports the subset docker-mcp renders (and
// what people commonly add by hand); anything else is refused with the key named, so a file is
// never half-applied with options silently dropped. Use `docker compose` for the rest.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../../shared/errors.js';

export interface PortSpec {
  hostIp: string;
  hostPort: string;
  containerPort: string;
  protocol: 'tcp' | 'udp';
}

export interface MountSpec {
  type: 'bind' | 'volume' | 'tmpfs';
  source: string;
  target: string;
  readOnly: boolean;
}

export interface ServiceSpec {
  name: string;
  image: string;
  command?: string[];
  entrypoint?: string[];
  environment: Record<string, string>;
  user?: string;
  groupAdd: string[];
  readOnly: boolean;
  init: boolean;
  capDrop: string[];
  capAdd: string[];
  securityOpt: string[];
  tmpfs: string[];
  mounts: MountSpec[];
  ports: PortSpec[];
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number; startPeriod?: string; startInterval?: string } | { disable: true };
  restart: string;
  labels: Record<string, string>;
  cpus?: number;
  memory?: string;
  dependsOn: { service: string; condition: 'service_started' | 'service_healthy' }[];
  networkMode?: string;
  containerName?: string;
}

export interface ProjectSpec {
  name: string;
  file: string;
  services: ServiceSpec[];
  volumes: string[];
}

const SERVICE_KEYS = new Set([
  'image', 'command', 'entrypoint', 'environment', 'env_file', 'user', 'group_add', 'read_only', 'init',
  'cap_drop', 'cap_add', 'security_opt', 'tmpfs', 'volumes', 'ports', 'healthcheck', 'restart', 'labels',
  'deploy', 'depends_on', 'network_mode', 'container_name',
]);
const TOP_KEYS = new Set(['name', 'services', 'volumes', 'version']);

type Raw = Record<string, unknown>;
const isMap = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Scalars as compose reads them; anything else (a mapping where a scalar belongs) becomes the fallback. */
const str = (v: unknown, fallback = ''): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : fallback;

/** Parses KEY=value lines (comments, blank lines, optional matching quotes). */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2]!;
    env[match[1]!] = value;
  }
  return env;
}

/** Compose interpolation: $$, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}. */
function interpolate(text: string, vars: Record<string, string | undefined>, problems: string[]): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (whole, name?: string, op?: string, arg?: string) => {
    if (whole === '$$') return '$';
    const value = vars[name!];
    const empty = value === undefined || (op?.startsWith(':') && value === '');
    if (op?.endsWith('-')) return empty ? (arg ?? '') : value;
    if (op?.endsWith('?') && empty) problems.push(`${name!} is required: ${arg ?? ''}`);
    return value ?? '';
  });
}

function strings(value: unknown, where: string, problems: string[]): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => ['string', 'number'].includes(typeof v))) return value.map(String);
  problems.push(`${where} must be a string or a list of strings`);
  return [];
}

function keyValues(value: unknown, where: string, problems: string[]): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null ? '' : String(v as string)]));
  if (Array.isArray(value)) {
    return Object.fromEntries(value.map((item) => {
      const text = String(item);
      const eq = text.indexOf('=');
      return eq < 0 ? [text, process.env[text] ?? ''] : [text.slice(0, eq), text.slice(eq + 1)];
    }));
  }
  problems.push(`${where} must be a mapping or a list of KEY=value`);
  return {};
}

function parsePort(value: unknown, where: string, problems: string[]): PortSpec | undefined {
  if (isMap(value)) {
    return {
      hostIp: str(value.host_ip), hostPort: str(value.published),
      containerPort: str(value.target), protocol: value.protocol === 'udp' ? 'udp' : 'tcp',
    };
  }
  const match = /^(?:(?:(\[[^\]]+\]|[\d.]+):)?(\d+)?:)?(\d+)(?:\/(tcp|udp))?$/.exec(String(value));
  if (!match) {
    problems.push(`${where}: ${String(value)} is not [ip:][host:]container[/proto]`);
    return undefined;
  }
  return { hostIp: (match[1] ?? '').replace(/^\[|\]$/g, ''), hostPort: match[2] ?? '', containerPort: match[3]!, protocol: match[4] === 'udp' ? 'udp' : 'tcp' };
}

function parseMount(value: unknown, dir: string, where: string, problems: string[]): MountSpec | undefined {
  if (isMap(value)) {
    const type = value.type === 'volume' ? 'volume' : value.type === 'tmpfs' ? 'tmpfs' : 'bind';
    const source = str(value.source);
    return { type, source: type === 'bind' ? resolve(dir, source) : source, target: str(value.target), readOnly: value.read_only === true };
  }
  const [source, target, mode] = String(value).split(':');
  if (!source || !target) {
    problems.push(`${where}: ${String(value)} is not source:target[:ro]`);
    return undefined;
  }
  const isPath = /^[./~]/.test(source);
  return { type: isPath ? 'bind' : 'volume', source: isPath ? resolve(dir, source) : source, target, readOnly: mode === 'ro' };
}

/** How loadProject treats env_file entries that do not exist (destroy needs only the project name). */
export interface LoadOptions {
  /** false: a missing required env_file is skipped, as it cannot change what destroy removes. */
  requireEnvFiles?: boolean;
}

/** A missing env_file, with the step that creates it: init renders `<file>.example` beside it. */
function missingEnvFile(at: string, path: string): string {
  const example = `${path}.example`;
  return existsSync(example)
    ? `${at}.env_file ${path} does not exist: create it as ${example} (and NOTES.md) shows, then re-run`
    : `${at}.env_file ${path} does not exist: create it (it may be empty), then re-run`;
}

function parseService(name: string, raw: Raw, dir: string, problems: string[], opts: LoadOptions = {}): ServiceSpec {
  const at = `services.${name}`;
  for (const key of Object.keys(raw)) if (!SERVICE_KEYS.has(key)) problems.push(`${at}.${key} is not supported by the built-in applier`);
  if (typeof raw.image !== 'string') problems.push(`${at}.image is required (building from source is not supported)`);
  const environment: Record<string, string> = {};
  const envFiles: unknown[] = Array.isArray(raw.env_file) ? raw.env_file : raw.env_file ? [raw.env_file] : [];
  for (const envFile of envFiles) {
    const entry: Raw = isMap(envFile) ? envFile : { path: envFile, required: true };
    const path = resolve(dir, str(entry.path));
    if (!existsSync(path)) {
      if (entry.required !== false && opts.requireEnvFiles !== false) problems.push(missingEnvFile(at, path));
      continue;
    }
    Object.assign(environment, parseEnvFile(readFileSync(path, 'utf8')));
  }
  Object.assign(environment, keyValues(raw.environment, `${at}.environment`, problems));
  const health = raw.healthcheck as Raw | undefined;
  const limits = ((raw.deploy as Raw | undefined)?.resources as Raw | undefined)?.limits as Raw | undefined;
  const dependsOn: ServiceSpec['dependsOn'] = Array.isArray(raw.depends_on)
    ? raw.depends_on.map((service) => ({ service: String(service), condition: 'service_started' as const }))
    : Object.entries(isMap(raw.depends_on) ? raw.depends_on : {}).map(([service, v]) => ({
        service,
        condition: (isMap(v) && v.condition === 'service_healthy' ? 'service_healthy' : 'service_started'),
      }));
  const command = raw.command === undefined ? undefined : typeof raw.command === 'string' ? ['/bin/sh', '-c', raw.command] : strings(raw.command, `${at}.command`, problems);
  const entrypoint = raw.entrypoint === undefined ? undefined : strings(raw.entrypoint, `${at}.entrypoint`, problems);
  return {
    name,
    image: String(raw.image),
    ...(command ? { command } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    environment,
    ...(raw.user !== undefined ? { user: str(raw.user) } : {}),
    groupAdd: strings(raw.group_add, `${at}.group_add`, problems),
    readOnly: raw.read_only === true,
    init: raw.init === true,
    capDrop: strings(raw.cap_drop, `${at}.cap_drop`, problems),
    capAdd: strings(raw.cap_add, `${at}.cap_add`, problems),
    securityOpt: strings(raw.security_opt, `${at}.security_opt`, problems),
    tmpfs: strings(raw.tmpfs, `${at}.tmpfs`, problems),
    mounts: (Array.isArray(raw.volumes) ? raw.volumes : []).flatMap((v, i) => parseMount(v, dir, `${at}.volumes[${i}]`, problems) ?? []),
    ports: (Array.isArray(raw.ports) ? raw.ports : []).flatMap((p, i) => parsePort(p, `${at}.ports[${i}]`, problems) ?? []),
    ...(health
      ? {
          healthcheck: health.disable === true ? { disable: true as const } : {
            test: typeof health.test === 'string' ? ['CMD-SHELL', health.test] : strings(health.test, `${at}.healthcheck.test`, problems),
            ...(health.interval ? { interval: str(health.interval) } : {}),
            ...(health.timeout ? { timeout: str(health.timeout) } : {}),
            ...(health.retries !== undefined ? { retries: Number(health.retries) } : {}),
            ...(health.start_period ? { startPeriod: str(health.start_period) } : {}),
            ...(health.start_interval ? { startInterval: str(health.start_interval) } : {}),
          },
        }
      : {}),
    restart: typeof raw.restart === 'string' ? raw.restart : 'no',
    labels: keyValues(raw.labels, `${at}.labels`, problems),
    ...(limits?.cpus !== undefined ? { cpus: Number(limits.cpus) } : {}),
    ...(limits?.memory !== undefined ? { memory: str(limits.memory) } : {}),
    dependsOn,
    ...(typeof raw.network_mode === 'string' ? { networkMode: raw.network_mode } : {}),
    ...(typeof raw.container_name === 'string' ? { containerName: raw.container_name } : {}),
  };
}

/** Dependencies first; a cycle or an unknown dependency is a problem. */
function order(services: ServiceSpec[], problems: string[]): ServiceSpec[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const done = new Set<string>();
  const out: ServiceSpec[] = [];
  const visit = (s: ServiceSpec, path: string[]): void => {
    if (done.has(s.name)) return;
    if (path.includes(s.name)) {
      problems.push(`depends_on cycle: ${[...path, s.name].join(' -> ')}`);
      return;
    }
    for (const dep of s.dependsOn) {
      const target = byName.get(dep.service);
      if (!target) problems.push(`services.${s.name}.depends_on names unknown service ${dep.service}`);
      else visit(target, [...path, s.name]);
    }
    done.add(s.name);
    out.push(s);
  };
  for (const s of services) visit(s, []);
  return out;
}

/** The checked project, or a UsageError (exit 2) listing every problem: bad input, nothing touched. */
export function loadProject(composeFile: string, opts: LoadOptions = {}): ProjectSpec {
  const file = resolve(composeFile);
  const dir = dirname(file);
  const problems: string[] = [];
  const dotEnv = existsSync(resolve(dir, '.env')) ? parseEnvFile(readFileSync(resolve(dir, '.env'), 'utf8')) : {};
  const text = interpolate(readFileSync(file, 'utf8'), { ...dotEnv, ...process.env }, problems);
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isMap(doc) || !isMap(doc.services)) throw new UsageError(`${file} has no services mapping`);
  for (const key of Object.keys(doc)) if (!TOP_KEYS.has(key)) problems.push(`top-level ${key} is not supported by the built-in applier`);
  const name = str(doc.name, basename(dir)).toLowerCase().replace(/[^a-z0-9_-]/g, '');
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) problems.push(`project name ${name} must be lowercase letters, digits, - and _`);
  const services = Object.entries(doc.services).map(([svc, raw]) => parseService(svc, isMap(raw) ? raw : {}, dir, problems, opts));
  const ordered = order(services, problems);
  if (problems.length) throw new UsageError(`${file} cannot be applied:`, problems);
  return { name, file, services: ordered, volumes: Object.keys(isMap(doc.volumes) ? doc.volumes : {}) };
}
