// Turns one service of the project model into the Docker create body, and hashes it so `apply` can
// tell "unchanged" from "needs recreating" without comparing inspect output field by field.
import { UsageError } from '../../shared/errors.js';
import type Dockerode from 'dockerode';
import { createHash } from 'node:crypto';
import type { ProjectSpec, ServiceSpec } from './project.js';

export const LABELS = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  managedBy: 'app.kubernetes.io/managed-by',
  configHash: 'dev.docker-mcp.config-hash',
} as const;
export const MANAGED_BY = 'docker-mcp';

export const networkName = (project: string): string => `${project}_default`;
export const volumeName = (project: string, volume: string): string => `${project}_${volume}`;
export const containerName = (project: string, service: ServiceSpec): string => service.containerName ?? `${project}-${service.name}-1`;

/** Compose/Go durations: 1m30s, 500ms, 10s -> nanoseconds. */
export function durationNs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const units: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g;
  let consumed = 0;
  for (const match of text.matchAll(re)) {
    total += Number(match[1]) * units[match[2]!]!;
    consumed += match[0].length;
  }
  if (consumed !== text.length) throw new UsageError(`${text} is not a duration like 30s or 1m30s`);
  return Math.round(total);
}

/** Docker memory strings (512m, 1g, 1024) -> bytes. */
export function memoryBytes(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i.exec(text.trim());
  if (!match) throw new UsageError(`${text} is not a memory size like 512M`);
  const power = ['b', 'k', 'm', 'g'].indexOf((match[2] || 'b').toLowerCase());
  return Math.round(Number(match[1]) * 1024 ** power);
}

const RESTART: Record<string, Dockerode.HostRestartPolicy> = {
  no: { Name: 'no' },
  always: { Name: 'always' },
  'unless-stopped': { Name: 'unless-stopped' },
  'on-failure': { Name: 'on-failure', MaximumRetryCount: 0 },
};

export function createBody(project: ProjectSpec, service: ServiceSpec): Dockerode.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const port of service.ports) {
    const key = `${port.containerPort}/${port.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: port.hostIp, HostPort: port.hostPort });
  }
  const tmpfs = Object.fromEntries(service.tmpfs.map((entry) => {
    const [path, ...options] = entry.split(':');
    return [path!, options.join(':')];
  }));
  const network = service.networkMode ?? networkName(project.name);
  const health = service.healthcheck;
  const restart = RESTART[service.restart.replace(/:.*/, '')];
  if (!restart) throw new UsageError(`services.${service.name}.restart ${service.restart} is not no, always, on-failure or unless-stopped`);
  if (restart.Name === 'on-failure' && service.restart.includes(':')) restart.MaximumRetryCount = Number(service.restart.split(':')[1]);
  return {
    name: containerName(project.name, service),
    Image: service.image,
    ...(service.command ? { Cmd: service.command } : {}),
    ...(service.entrypoint ? { Entrypoint: service.entrypoint } : {}),
    Env: Object.entries(service.environment).map(([k, v]) => `${k}=${v}`).sort(),
    ...(service.user ? { User: service.user } : {}),
    ExposedPorts: exposed,
    Labels: {
      ...service.labels,
      [LABELS.project]: project.name,
      [LABELS.service]: service.name,
      [LABELS.number]: '1',
      [LABELS.oneoff]: 'False',
      [LABELS.managedBy]: MANAGED_BY,
    },
    ...(health
      ? {
          Healthcheck: 'disable' in health
            ? { Test: ['NONE'] }
            : {
                Test: health.test,
                ...(health.interval ? { Interval: durationNs(health.interval) } : {}),
                ...(health.timeout ? { Timeout: durationNs(health.timeout) } : {}),
                ...(health.retries !== undefined ? { Retries: health.retries } : {}),
                ...(health.startPeriod ? { StartPeriod: durationNs(health.startPeriod) } : {}),
                ...(health.startInterval ? { StartInterval: durationNs(health.startInterval) } : {}),
              },
        }
      : {}),
    HostConfig: {
      Binds: service.mounts
        .filter((m) => m.type !== 'tmpfs')
        .map((m) => `${m.type === 'volume' ? volumeName(project.name, m.source) : m.source}:${m.target}${m.readOnly ? ':ro' : ''}`),
      Tmpfs: { ...tmpfs, ...Object.fromEntries(service.mounts.filter((m) => m.type === 'tmpfs').map((m) => [m.target, ''])) },
      PortBindings: bindings,
      GroupAdd: service.groupAdd,
      ReadonlyRootfs: service.readOnly,
      Init: service.init,
      CapDrop: service.capDrop,
      CapAdd: service.capAdd,
      SecurityOpt: service.securityOpt,
      RestartPolicy: restart,
      NetworkMode: network,
      ...(service.cpus !== undefined ? { NanoCpus: Math.round(service.cpus * 1e9) } : {}),
      ...(service.memory !== undefined ? { Memory: memoryBytes(service.memory) } : {}),
    },
    ...(service.networkMode ? {} : { NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [service.name] } } } }),
  };
}

/** Hash of the create body and the image id: a rebuilt image with the same tag also recreates. */
export function configHash(body: Dockerode.ContainerCreateOptions, imageId: string): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]))
        : value;
  return createHash('sha256').update(JSON.stringify(canonical({ body, imageId }))).digest('hex');
}
