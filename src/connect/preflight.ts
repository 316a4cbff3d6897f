// One request to the gateway before bridging. A client that spawns `docker-mcp connect` against a
// gateway that is not there (connection refused, DNS, TLS, no answer), that refuses the credentials
// (401/403, an Access login redirect) or a URL with nothing behind it (404) gets exit 1 and a
// one-line cause on stderr, instead of a bridge that starts, answers every request with an error
// and exits 0 when stdin closes. Once started, a gateway that goes away is reconnected to (bridge.ts).
import WebSocket from 'ws';
import { CliError } from '../shared/errors.js';
import { CONNECT_ENV } from '../contract/connect-env.js';
import { redactUrl, type RemoteTarget } from './remote.js';

/** Statuses a proxy (Cloudflare, an ingress) answers when the gateway behind it is down. */
const PROXY_DOWN = new Set([502, 504, 521, 522, 523, 524, 530]);

/** The problem with an HTTP answer to the probe, or undefined when the gateway is there. */
function statusProblem(target: RemoteTarget, status: number, location: string | null): string | undefined {
  const where = redactUrl(target.url);
  if (status === 401) {
    return target.headers.Authorization
      ? `the gateway at ${where} refused the bearer token (HTTP 401): check ${CONNECT_ENV.token} (or --token)`
      : `the gateway at ${where} needs a bearer token (HTTP 401): set ${CONNECT_ENV.token} (or --token)`;
  }
  if (status === 403) {
    return `${where} refused the request (HTTP 403): check the Cloudflare Access service token (${CONNECT_ENV.cfAccessClientId}, ${CONNECT_ENV.cfAccessClientSecret}) and the token's scope`;
  }
  if (status >= 300 && status < 400) {
    const to = location ? ` to ${location.split('?')[0]}` : '';
    return `${where} redirects${to} (HTTP ${status}), a login page (Cloudflare Access?): give the Access service token (${CONNECT_ENV.cfAccessClientId}, ${CONNECT_ENV.cfAccessClientSecret})`;
  }
  if (status === 404) return `nothing answers at ${where} (HTTP 404): the gateway serves MCP at /mcp (Streamable HTTP) and /ws (WebSocket)`;
  if (PROXY_DOWN.has(status)) return `the proxy in front of ${where} cannot reach the gateway (HTTP ${status}): check that the gateway and its tunnel run`;
  return undefined;
}

/** A network failure in one line: what happened and what to check. */
function networkProblem(target: RemoteTarget, error: unknown, timeoutMs: number): string {
  const where = redactUrl(target.url);
  const err = error as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code ?? '';
  const host = target.url.hostname;
  const port = target.url.port || (target.url.protocol === 'https:' || target.url.protocol === 'wss:' ? '443' : '80');
  if (code === 'ECONNREFUSED') return `cannot reach the gateway at ${where}: connection refused (nothing listens on ${host}:${port}; is the gateway, or the kubectl port-forward, running?)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot reach the gateway at ${where}: the host name ${host} does not resolve (DNS); check the URL`;
  if (err.name === 'TimeoutError' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT' || /timed out|timeout/i.test(err.message ?? '')) {
    return `cannot reach the gateway at ${where}: no answer within ${Math.round(timeoutMs / 1000)} s`;
  }
  // fetch refuses the ports browsers block (1, 9, 25, …) before connecting and says only "bad port".
  if (err.cause?.message === 'bad port' || err.message === 'bad port') return `cannot use ${where}: fetch refuses port ${port} (a blocked port); use another`;
  if (/SSL|TLS|CERT/.test(code)) {
    return `cannot reach the gateway at ${where}: the TLS handshake failed (${code}); check the scheme (http:// or https://) and the server's certificate`;
  }
  const detail = (err.cause?.message ?? err.message ?? String(error)).split('\n')[0];
  return `cannot reach the gateway at ${where}: ${detail}${code && !detail?.includes(code) ? ` (${code})` : ''}`;
}

function probeHttp(target: RemoteTarget, timeoutMs: number): Promise<string | undefined> {
  // A ping outside any session: the gateway checks credentials first and then answers (stateless) or
  // refuses it for want of a session (400); neither opens a session. Redirects are reported, not followed.
  return fetch(target.url, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...target.headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 'docker-mcp-connect:preflight', method: 'ping' }),
    signal: AbortSignal.timeout(timeoutMs),
  }).then(
    async (response) => {
      await response.body?.cancel().catch(() => undefined);
      return statusProblem(target, response.status, response.headers.get('location'));
    },
    (error: unknown) => networkProblem(target, error, timeoutMs),
  );
}

function probeWs(target: RemoteTarget, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    // The subprotocol the SDK's WebSocket transport asks for (the gateway refuses a socket without it).
    const socket = new WebSocket(target.url, 'mcp', { headers: target.headers, handshakeTimeout: timeoutMs });
    socket.once('open', () => {
      socket.close();
      resolve(undefined);
    });
    socket.once('unexpected-response', (_request, response) => {
      const problem = statusProblem(target, response.statusCode ?? 0, response.headers.location ?? null);
      response.resume();
      socket.terminate();
      resolve(problem ?? `${redactUrl(target.url)} did not accept a WebSocket (HTTP ${response.statusCode ?? '?'}): the gateway serves WebSocket at /ws`);
    });
    socket.once('error', (error) => resolve(networkProblem(target, error, timeoutMs)));
  });
}

/** Throws a CliError (exit 1) naming the cause when the gateway cannot be used as given. */
export async function preflight(target: RemoteTarget, timeoutMs = 10_000): Promise<void> {
  const problem = target.kind === 'ws' ? await probeWs(target, timeoutMs) : await probeHttp(target, timeoutMs);
  if (problem) throw new CliError(problem);
}
