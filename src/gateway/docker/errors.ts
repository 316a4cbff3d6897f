// Turns dockerode / socket errors into messages a person can act on. Used by the tool registry
// for every tool, so handlers never format Docker errors themselves.
//
// "Unreachable" covers every way of not getting an answer from the daemon: the local socket, but
// also a tcp:// endpoint whose name does not resolve, whose network is down, or whose TLS does not
// line up with docker_cert_path. The registry marks the daemon down for all of them and the tool
// result names the endpoint, instead of an "internal error" that hides where the fault is.
import { ToolError } from '../../shared/tool-error.js';

interface DockerodeError extends Error {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  reason?: string;
}

type UnreachableKind = 'socket' | 'dns' | 'network' | 'certificate' | 'handshake';

const socketCodes = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const networkCodes = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'ECONNABORTED', 'EADDRNOTAVAIL']);
/** OpenSSL's X.509 verification results as Node reports them, plus Node's own host name check. */
const certificateCodes = new Set([
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE', 'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY', 'UNABLE_TO_GET_CRL',
  'CERT_SIGNATURE_FAILURE', 'CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED', 'CERT_REVOKED', 'CERT_UNTRUSTED',
  'CERT_REJECTED', 'CERT_CHAIN_TOO_LONG', 'ERROR_IN_CERT_NOT_BEFORE_FIELD', 'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'INVALID_CA', 'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED', 'HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_TLS_CERT_ALTNAME_FORMAT',
]);
const handshakeCodes = new Set(['EPROTO', 'ERR_TLS_HANDSHAKE_TIMEOUT']);
/**
 * What dockerd answers (400) when plain HTTP reaches its TLS port. An answer, so not "unreachable"
 * (/ready reports the daemon's own words), but it needs the same hint.
 */
const plaintextToTls = /HTTP request to an HTTPS server/i;

function unreachableKind(error: unknown): UnreachableKind | undefined {
  const e = error as DockerodeError | undefined;
  const code = e?.code;
  if (typeof code === 'string') {
    if (socketCodes.has(code)) return 'socket';
    if (dnsCodes.has(code)) return 'dns';
    if (networkCodes.has(code)) return 'network';
    if (certificateCodes.has(code)) return 'certificate';
    // ERR_SSL_*: OpenSSL failures during the handshake (alerts from the daemon, wrong protocol).
    if (handshakeCodes.has(code) || code.startsWith('ERR_SSL_')) return 'handshake';
  }
  return undefined;
}

export function isDaemonUnreachable(error: unknown): boolean {
  return unreachableKind(error) !== undefined;
}

export function dockerErrorMessage(error: unknown): string {
  const e = error as DockerodeError;
  const fromDaemon = e.json?.message ?? (typeof e.json === 'string' ? e.json : undefined);
  return (fromDaemon ?? e.message ?? String(error)).trim();
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).hostname || endpoint;
  } catch {
    return endpoint;
  }
}

const CHECK_HOST = 'Check that dockerd is running and that DOCKER_MCP_DOCKER_HOST points at it.';
const CERT_PATH = 'docker_cert_path (DOCKER_MCP_DOCKER_CERT_PATH / DOCKER_CERT_PATH)';
const CHECK_CA = `Check ${CERT_PATH}: its ca.pem must be the CA that signed the daemon's certificate (dockerd --tlscert).`;
const CHECK_CLIENT_PAIR =
  `Check ${CERT_PATH}: cert.pem and key.pem must be a client pair issued by the CA the daemon trusts (dockerd --tlscacert).`;
const CHECK_BOTH =
  `Check ${CERT_PATH}: ca.pem must be the CA that signed the daemon's certificate, and cert.pem/key.pem a client ` +
  'pair issued by the CA the daemon trusts.';

/**
 * OpenSSL's errors read "8071…:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad
 * certificate:…/rec_layer_s3.c:1601:SSL alert number 42"; Node also gives the readable part alone.
 */
function readable(e: DockerodeError & { library?: unknown }): string {
  if (typeof e.library === 'string' && typeof e.reason === 'string' && e.reason) return e.reason;
  return (e.message ?? '').split('\n')[0]!.trim();
}

/** Why the daemon could not be reached, and what to do about it. */
function unreachable(kind: UnreachableKind, e: DockerodeError, endpoint: string): ToolError {
  const code = e.code ?? '';
  const detail = `${code}: ${readable(e)}`;
  let why: string;
  let hint = CHECK_HOST;
  switch (kind) {
    case 'socket':
      why =
        code === 'EACCES'
          ? 'permission denied (is the gateway user in the socket\'s group?)'
          : code === 'ENOENT'
            ? 'the socket does not exist'
            : code === 'ECONNRESET' || code === 'EPIPE'
              ? `the connection broke during the call (${code}; did the daemon restart?)`
              : code;
      break;
    case 'dns':
      why =
        code === 'EAI_AGAIN'
          ? `the host name ${hostOf(endpoint)} could not be resolved right now (EAI_AGAIN: DNS lookup failed temporarily)`
          : `the host name ${hostOf(endpoint)} was not found (${code})`;
      hint = 'Check the host name in DOCKER_MCP_DOCKER_HOST and that this machine\'s DNS resolves it.';
      break;
    case 'network':
      why = `the network path to ${hostOf(endpoint)} is unavailable (${code})`;
      hint = 'Check the address in DOCKER_MCP_DOCKER_HOST, the routes and any firewall between the gateway and the daemon.';
      break;
    case 'certificate':
      why =
        code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH'
          ? `TLS verification failed: the daemon's certificate is not valid for ${hostOf(endpoint)} (${detail})`
          : `TLS verification of the daemon's certificate failed (${detail})`;
      hint =
        code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH'
          ? 'Connect with a host name or IP listed in the certificate\'s subjectAltName, or reissue the daemon\'s certificate for this one.'
          : code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID'
            ? 'Renew the daemon\'s certificate (and check both clocks).'
            : CHECK_CA;
      break;
    case 'handshake':
      if (/wrong version number|packet length too long|http request/i.test(detail)) {
        why = `the TLS handshake failed: the endpoint does not seem to speak TLS (${detail})`;
        hint = 'Use the daemon\'s TLS port (usually 2376), or turn docker_tls_verify off for a plain-HTTP endpoint (usually 2375).';
      } else if (/certificate|unknown ca/i.test(detail)) {
        why = `the TLS handshake failed: the daemon refused the client certificate (${detail})`;
        hint = CHECK_CLIENT_PAIR;
      } else {
        why = `the TLS handshake failed (${detail})`;
        hint = CHECK_BOTH;
      }
      break;
  }
  return new ToolError(`Docker daemon unreachable at ${endpoint}: ${why}.`, hint);
}

export function toToolError(error: unknown, endpoint: string): ToolError {
  if (error instanceof ToolError) return error;
  const e = error as DockerodeError;
  const kind = unreachableKind(error);
  if (kind) return unreachable(kind, e, endpoint);
  const message = dockerErrorMessage(error);
  switch (e.statusCode) {
    case 304:
      return new ToolError(`Nothing to do: ${message || 'already in that state'}.`);
    case 400:
      if (plaintextToTls.test(message)) {
        return new ToolError(
          `Docker endpoint ${endpoint} speaks TLS, but the gateway connected with plain HTTP.`,
          'Set docker_tls_verify (DOCKER_MCP_DOCKER_TLS_VERIFY=true) and docker_cert_path to the directory with ca.pem, cert.pem and key.pem.',
        );
      }
      return new ToolError(`Docker rejected the request: ${message}`);
    case 401:
    case 403:
      return new ToolError(`Docker refused the operation: ${message}`);
    case 404:
      return new ToolError(`Not found: ${message}`, 'List the objects first to get a valid id or name.');
    case 409:
      return new ToolError(`Conflict: ${message}`);
    case 500:
      return new ToolError(`Docker daemon error: ${message}`);
    case 301:
    case 302:
    case 303:
    case 307:
    case 308:
      // engine-guard.ts never lets a redirect be followed; dockerd redirects only unclean paths.
      return new ToolError(
        `The Docker Engine answered with a redirect (HTTP ${e.statusCode}), which the gateway never follows: the request named an object in a form the Engine does not take as is.`,
        'Use the id or name exactly as the list tools show it.',
      );
    default:
      return new ToolError(message || 'Docker request failed.');
  }
}
