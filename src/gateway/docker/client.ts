// Builds the dockerode client from the resolved settings. The endpoint string is kept so every
// "daemon unreachable" error can say which endpoint it tried.
// First, so dockerode and docker-modem see the deferred modules (see lazy-requires.ts).
import './lazy-requires.js';
import type Dockerode from 'dockerode';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { inspect } from 'node:util';
import { UsageError } from '../../shared/errors.js';
import { abortBufferedRequestsCheaply } from './buffered-abort.js';
import { guardEngineRequests, type EngineDestination } from './engine-guard.js';

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
  /** Sockets open to the daemon right now (absent for a connection built elsewhere). */
  openConnections?: () => number;
}

/**
 * An agent that counts its sockets until they close, hijacked exec/attach sockets included (they
 * leave the agent's own bookkeeping on upgrade). The count is how tests and the soak prove that a
 * cancelled or disconnected call really closed its Docker stream.
 */
function countingAgent<A extends HttpAgent>(agent: A): { agent: A; open: () => number } {
  let open = 0;
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const socket = create(options, callback);
    if (socket) {
      open++;
      socket.once('close', () => open--);
    }
    return socket;
  };
  // docker-modem formats every request's options with util.inspect (showHidden, unlimited depth),
  // even with its debug output off. That walked this agent and every live socket on each call:
  // ~40 ms of CPU per call with 32 calls in flight. A one-line description keeps it constant.
  Object.defineProperty(agent, inspect.custom, { value: () => `Agent { open: ${open} }` });
  return { agent, open: () => open };
}

/**
 * Keep-alive to the daemon, but a pooled socket is closed after `idleMs` unused. Reusing one
 * saves a connect per call (about a third of the gateway's own time on system_ping, see
 * docs/benchmarks.md), while no pooled socket outlives a burst: one left over from before a daemon
 * restart would fail the first request after it with "socket hang up", and the socket gauge
 * returns to 0 shortly after the last call.
 */
function briefKeepAlive(agent: HttpAgent, idleMs: number): HttpAgent {
  const keep = agent.keepSocketAlive.bind(agent);
  const reuse = agent.reuseSocket.bind(agent);
  // The agent destroys a socket that times out while in its free list.
  agent.keepSocketAlive = (socket) => {
    const kept = keep(socket);
    (socket as Socket).setTimeout(idleMs);
    return kept;
  };
  agent.reuseSocket = (socket, request) => {
    (socket as Socket).setTimeout(0);
    reuse(socket, request);
  };
  return agent;
}

// Required, not imported: in the bundle (scripts/bundle.js) dockerode stays an external module, and
// the imports of external modules are hoisted above all bundled code, lazy-requires.ts included.
// A require runs here, after lazy-requires.ts has installed its hook.
const DockerodeClient = createRequire(import.meta.url)('dockerode') as typeof Dockerode;

const LOCAL_IDLE_MS = 1000;
/** Longer for tcp://, where a new socket costs a TCP (and TLS) handshake over the network. */
const REMOTE_IDLE_MS = 5000;

function connection(docker: Dockerode, agent: HttpAgent, endpoint: string, open: () => number, destination: EngineDestination): DockerConnection {
  abortBufferedRequestsCheaply(docker, agent);
  // Last, so its checks run before every other wrapper: see engine-guard.ts.
  guardEngineRequests(docker, agent, destination);
  return { docker, endpoint, openConnections: open };
}

/**
 * dockerode's modem reads DOCKER_HOST (and, for a tcp:// one, DOCKER_CERT_PATH, DOCKER_TLS_VERIFY…)
 * from the environment under the settings given to it: an exported DOCKER_HOST=tcp://… silently
 * replaced a unix socket chosen with --docker-host, and an exported DOCKER_CERT_PATH without its
 * files threw from inside the constructor. The settings passed here are already resolved (the
 * gateway reads DOCKER_HOST itself, with lower precedence), so the modem must not see them.
 */
function newDockerode(options: Dockerode.DockerOptions): Dockerode {
  const saved = process.env.DOCKER_HOST;
  delete process.env.DOCKER_HOST;
  try {
    return new DockerodeClient(options);
  } finally {
    if (saved !== undefined) process.env.DOCKER_HOST = saved;
  }
}

/** Where the docker CLI looks for ca.pem, cert.pem and key.pem when DOCKER_CERT_PATH is unset. */
export function defaultCertPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || join(homedir(), '.docker');
}

const CERT_PATH_SETTING = '--docker-cert-path, DOCKER_MCP_DOCKER_CERT_PATH or DOCKER_CERT_PATH';

function unreadable(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'is not readable by this user (permission denied)';
  if (code === 'EISDIR') return 'is a directory, not a PEM file';
  return `cannot be read (${(error as Error).message})`;
}

/**
 * Reads and checks the client TLS files at start-up, so a wrong directory is one clear usage error
 * (exit 2) rather than a stack trace, or a failure on the first call.
 */
function readTlsFiles(dir: string, explicit: boolean, endpoint: string): { ca: Buffer; cert: Buffer; key: Buffer } {
  const where = explicit ? `${dir} (docker_cert_path)` : `${dir} (the docker CLI's default directory)`;
  const problems: string[] = [];
  const read = (name: string): Buffer => {
    const path = join(dir, name);
    try {
      return readFileSync(path);
    } catch (error) {
      problems.push(`${path} ${unreadable(error)}`);
      return Buffer.alloc(0);
    }
  };
  const files = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
  if (problems.length) {
    throw new UsageError(
      explicit
        ? `TLS to the Docker daemon at ${endpoint} needs ca.pem, cert.pem and key.pem in ${dir} (docker_cert_path, ` +
            `set by ${CERT_PATH_SETTING}); point it at the directory that holds them:`
        : `TLS to the Docker daemon at ${endpoint} (docker_tls_verify is on) needs ca.pem, cert.pem and key.pem; with ` +
            `docker_cert_path unset they are read from ${dir}, like the docker CLI does. Set docker_cert_path ` +
            `(${CERT_PATH_SETTING}) to the directory that holds them:`,
      problems,
    );
  }
  try {
    createSecureContext(files);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH'
        ? 'key.pem is not the private key of cert.pem'
        : `they are not valid PEM certificates and key (${(error as Error).message})`;
    throw new UsageError(`The TLS files in ${where} cannot be used for ${endpoint}: ${why}.`);
  }
  return files;
}

/**
 * unix:// and npipe:// ignore the TLS settings (as the docker CLI does). Over tcp:// TLS is on when
 * docker_tls_verify is set, the endpoint is https://, or docker_cert_path is given: a certificate
 * directory is never silently ignored for plain HTTP. With TLS the daemon's certificate is always
 * verified, against ca.pem when there is a certificate directory, else against the system CAs.
 * docker_tls_verify without docker_cert_path reads DOCKER_CONFIG or ~/.docker, like the docker CLI.
 */
export function connectDocker(settings: DockerEndpointSettings): DockerConnection {
  const url = new URL(settings.docker_host);
  const endpoint = settings.docker_host;
  if (url.protocol === 'unix:' || url.protocol === 'npipe:') {
    const socketPath = url.protocol === 'unix:' ? decodeURIComponent(url.pathname) : settings.docker_host.replace(/^npipe:\/\//, '');
    const { agent, open } = countingAgent(briefKeepAlive(new HttpAgent({ keepAlive: true }), LOCAL_IDLE_MS));
    return connection(newDockerode({ socketPath, agent } as Dockerode.DockerOptions), agent, endpoint, open, { socketPath });
  }
  const tls = settings.docker_tls_verify || url.protocol === 'https:' || !!settings.docker_cert_path;
  const options: Dockerode.DockerOptions = {
    host: url.hostname,
    port: url.port ? Number(url.port) : tls ? 2376 : 2375,
    protocol: tls ? 'https' : 'http',
  };
  const certPath = settings.docker_cert_path ?? (settings.docker_tls_verify ? defaultCertPath() : undefined);
  if (tls && certPath) Object.assign(options, readTlsFiles(certPath, !!settings.docker_cert_path, endpoint));
  const { agent, open } = countingAgent(briefKeepAlive(tls ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true }), REMOTE_IDLE_MS));
  return connection(newDockerode({ ...options, agent } as Dockerode.DockerOptions), agent, endpoint, open, {
    host: options.host as string,
    port: options.port as number,
  });
}
