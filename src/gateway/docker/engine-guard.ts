// The one gate every Engine request passes, whatever tool, prompt, resource or policy check made
// it: buffered, streaming and hijacked (exec/attach) requests alike.
//
// Why: dockerode builds Engine paths by plain concatenation ('/images/' + name + '/json'). A name
// such as "rt//busybox", "a/./b" or "../x" gave an unclean path; dockerd answered 301 to the clean
// one, and docker-modem's lib/http.js ("based on follow-redirects") followed the redirect through
// Node's global agent, i.e. onto the network and not to the Docker socket, with no 'error' handler:
// getaddrinfo ENOTFOUND ended the process, and "../127.0.0.1:PORT/path" made the gateway send a
// GET to a loopback service (blind SSRF). Three barriers, each enough on its own for that attack:
//  1. modem.dial: the path is checked before anything is built (checkEnginePath).
//  2. modem.buildRequest: the request goes to the configured endpoint (socket path or host:port)
//     and its final path is checked again; a synchronous throw becomes the call's error instead of
//     escaping (over a unix socket buildRequest runs inside a promise callback, where a throw would
//     be an unhandled rejection, which ends Node).
//  3. The agent: a 3xx answer loses its Location header before docker-modem's redirect code sees
//     it, so no redirect is ever followed; the caller gets the 3xx as an error (errors.ts).
import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import type Dockerode from 'dockerode';
import { ToolError } from '../../shared/tool-error.js';

/** Longer than any real Engine path (ids are 64 hex, image references at most ~512 characters). */
export const MAX_ENGINE_PATH = 2048;

/** What may appear in a path segment as the Engine reads it: Docker's name, id, tag and digest alphabet. */
const SEGMENT_CHARS = /^[A-Za-z0-9._~:@+-]+$/;

/** Quoted, cut short, and every character outside printable ASCII as \uXXXX: look-alikes stay visible. */
function show(value: string): string {
  const cut = value.length > 120 ? `${value.slice(0, 120)}...` : value;
  return JSON.stringify(cut).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Why `path` (as given to modem.dial, before the API version prefix and query string) must not be
 * sent, or undefined when it may. dockerode ends a path that takes a query with one "?"; the modem
 * appends the encoded query there, so one trailing "?" is allowed and any other is not. The Engine
 * decodes %XX before routing and cleaning, so the decoded path is judged: it must be absolute, with
 * no empty, "." or ".." segment, and only the characters Docker's own ids, names and references use.
 */
export function checkEnginePath(path: unknown): string | undefined {
  if (typeof path !== 'string') return 'the request has no path';
  if (path.length > MAX_ENGINE_PATH) return `the path is longer than ${MAX_ENGINE_PATH} characters`;
  const raw = path.endsWith('?') ? path.slice(0, -1) : path;
  if (!raw.startsWith('/')) return `the path ${show(path)} is not absolute`;
  const bad = /[?#\\\s]|[^\x21-\x7e]/.exec(raw);
  if (bad) return `the path ${show(path)} contains ${show(bad[0])}`;
  let decoded = raw;
  if (raw.includes('%')) {
    // Percent-encoding is judged by what it decodes to (the Engine decodes once, then routes).
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return `the path ${show(path)} has a malformed %-escape`;
    }
  }
  const segments = decoded.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '') return `the path ${show(path)} has an empty segment ("//" or a trailing "/")`;
    if (segment === '.' || segment === '..') return `the path ${show(path)} has a ${show(segment)} segment`;
    if (!SEGMENT_CHARS.test(segment)) {
      const odd = /[^A-Za-z0-9._~:@+-]/.exec(segment)?.[0] ?? '';
      return `the path ${show(path)} contains ${show(odd)}${decoded !== raw ? ' once %-decoded' : ''}`;
    }
  }
  return undefined;
}

function refusedPath(method: string | undefined, reason: string): ToolError {
  return new ToolError(
    `Refused to send ${method ?? 'a'} request to the Docker Engine: ${reason}. ` +
      'Ids, names and image references may not contain empty, "." or ".." path segments, "?", "#", "%", "\\", spaces or control characters.',
    'Use the id or name exactly as the list tools (container_list, image_list, volume_list, network_list) show it.',
  );
}

/** Where the modem must send: the socket path, or host and port. */
export type EngineDestination = { socketPath: string } | { host: string; port: number };

interface DialOptions {
  path?: unknown;
  method?: string;
}
interface BuiltOptions {
  path?: string;
  method?: string;
  socketPath?: string;
  hostname?: string | null;
  host?: string | null;
  port?: string | number | null;
  maxRedirects?: number;
}
type Callback = (error: unknown, result?: unknown) => void;
interface Modem {
  dial: (options: DialOptions, callback: Callback) => void;
  buildRequest: (options: BuiltOptions, context: unknown, data: unknown, callback: Callback) => void;
}

function sameDestination(options: BuiltOptions, expected: EngineDestination): boolean {
  if ('socketPath' in expected) return options.socketPath === expected.socketPath;
  // url.parse gives an IPv6 host without brackets, WHATWG URL (the setting) with them.
  const bare = (host: string | null | undefined): string => (host ?? '').replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return !options.socketPath && bare(options.hostname ?? options.host) === bare(expected.host) && Number(options.port) === expected.port;
}

function describe(options: BuiltOptions): string {
  return options.socketPath ? `unix socket ${show(options.socketPath)}` : `${show(String(options.hostname ?? options.host))}:${String(options.port)}`;
}

/** A 3xx never leads anywhere: without Location, docker-modem's redirect code hands it back as is. */
function neverRedirect(response: IncomingMessage): void {
  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400) delete response.headers.location;
}

/**
 * Installs the three barriers on `docker` (whose modem sends with `agent`). Call once, after any
 * other wrapper of buildRequest/addRequest, so this one runs first.
 */
export function guardEngineRequests(docker: Dockerode, agent: Agent, destination: EngineDestination): void {
  const modem = docker.modem as unknown as Modem;
  const dial = modem.dial;
  const build = modem.buildRequest;
  if (typeof dial !== 'function' || typeof build !== 'function') {
    throw new Error('docker-modem has no dial/buildRequest: check guardEngineRequests against its version');
  }

  modem.dial = function (this: unknown, options, callback) {
    const reason = checkEnginePath(options?.path);
    if (reason) {
      // Asynchronously, as every other outcome of dial reaches its callback.
      process.nextTick(callback, refusedPath(options?.method, reason));
      return;
    }
    dial.call(this, options, callback);
  };

  modem.buildRequest = function (this: unknown, options, context, data, callback) {
    let settled = false;
    const once: Callback = (error, result) => {
      if (settled) return;
      settled = true;
      callback(error, result);
    };
    if (!sameDestination(options, destination)) {
      once(new ToolError(`Refused to send a request to ${describe(options)}: the gateway talks only to its configured Docker endpoint.`));
      return;
    }
    const reason = checkEnginePath((options.path ?? '').replace(/\?.*$/s, ''));
    if (reason) {
      once(refusedPath(options.method, reason));
      return;
    }
    // Second barrier to (3): docker-modem's http.js reads options.maxRedirects.
    options.maxRedirects = 0;
    try {
      build.call(this, options, context, data, once);
    } catch (error) {
      once(error);
    }
  };

  // Node hands every request made with this agent to addRequest synchronously from http.request,
  // before any answer can arrive: the place to see each one, hijacked and streaming ones included.
  const pool = agent as unknown as { addRequest: (request: ClientRequest, options: unknown) => void };
  const addRequest = pool.addRequest.bind(agent);
  pool.addRequest = (request, options) => {
    // Prepended: runs before the redirect handler docker-modem's http.js registered at creation.
    request.prependListener('response', neverRedirect);
    addRequest(request, options);
  };
}
