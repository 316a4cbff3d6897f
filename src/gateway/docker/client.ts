// Builds the dockerode client from the resolved settings. The endpoint string is kept so every
// "daemon unreachable" error can say which endpoint it tried.
import Dockerode from 'dockerode';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DockerEndpointSettings {
  docker_host: string;
  docker_tls_verify: boolean;
  docker_cert_path?: string | undefined;
  docker_timeout: number;
}

export interface DockerConnection {
  docker: Dockerode;
  /** Human-readable endpoint, e.g. unix:///var/run/docker.sock. */
  endpoint: string;
}

export function connectDocker(settings: DockerEndpointSettings): DockerConnection {
  const url = new URL(settings.docker_host);
  const endpoint = settings.docker_host;
  if (url.protocol === 'unix:') {
    return { docker: new Dockerode({ socketPath: decodeURIComponent(url.pathname) }), endpoint };
  }
  if (url.protocol === 'npipe:') {
    return { docker: new Dockerode({ socketPath: settings.docker_host.replace(/^npipe:\/\//, '') }), endpoint };
  }
  const tls = settings.docker_tls_verify || url.protocol === 'https:';
  const options: Dockerode.DockerOptions = {
    host: url.hostname,
    port: url.port ? Number(url.port) : tls ? 2376 : 2375,
    protocol: tls ? 'https' : 'http',
  };
  if (tls && settings.docker_cert_path) {
    options.ca = readFileSync(join(settings.docker_cert_path, 'ca.pem'));
    options.cert = readFileSync(join(settings.docker_cert_path, 'cert.pem'));
    options.key = readFileSync(join(settings.docker_cert_path, 'key.pem'));
  }
  return { docker: new Dockerode(options), endpoint };
}
