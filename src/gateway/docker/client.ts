// Builds the dockerode client from the resolved settings. The endpoint string is kept so every
// "daemon unreachable" error can say which endpoint it tried.
// First, so dockerode and docker-modem see the deferred modules (see lazy-requires.ts).
import './lazy-requires.js';
import Dockerode from 'dockerode';
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { abortBufferedRequestsCheaply } from './buffered-abort.js';

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
 * Keep-alive on a local socket, but a pooled socket is closed after `idleMs` unused. Reusing one
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

const LOCAL_IDLE_MS = 1000;

function connection(docker: Dockerode, agent: HttpAgent, endpoint: string, open: () => number): DockerConnection {
  abortBufferedRequestsCheaply(docker, agent);
  return { docker, endpoint, openConnections: open };
}

export function connectDocker(settings: DockerEndpointSettings): DockerConnection {
  const url = new URL(settings.docker_host);
  const endpoint = settings.docker_host;
  if (url.protocol === 'unix:' || url.protocol === 'npipe:') {
    const socketPath = url.protocol === 'unix:' ? decodeURIComponent(url.pathname) : settings.docker_host.replace(/^npipe:\/\//, '');
    const { agent, open } = countingAgent(briefKeepAlive(new HttpAgent({ keepAlive: true }), LOCAL_IDLE_MS));
    return connection(new Dockerode({ socketPath, agent } as Dockerode.DockerOptions), agent, endpoint, open);
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
  const { agent, open } = tls ? countingAgent(new HttpsAgent({ keepAlive: true })) : countingAgent(new HttpAgent({ keepAlive: true }));
  return connection(new Dockerode({ ...options, agent } as Dockerode.DockerOptions), agent, endpoint, open);
}
