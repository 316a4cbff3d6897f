// Every way of not reaching the daemon (socket, DNS, network, TLS) is "unreachable": the registry
// marks the daemon down and the tool result names the endpoint with a hint, instead of an
// "internal error". The codes are the ones Node puts on the request error; the last tests make a
// few of them for real over loopback sockets.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDocker } from '../../src/gateway/docker/client.js';
import { isDaemonUnreachable, toToolError } from '../../src/gateway/docker/errors.js';

const endpoint = 'tcp://docker.example:2376';

function failure(code: string, message = `connect ${code}`, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

const cases: [code: string, words: RegExp, hint: RegExp][] = [
  ['ECONNREFUSED', /ECONNREFUSED/, /dockerd is running/],
  ['ENOENT', /socket does not exist/, /dockerd is running/],
  ['EACCES', /permission denied/, /dockerd is running/],
  ['ECONNRESET', /connection broke/, /dockerd is running/],
  ['EPIPE', /connection broke/, /dockerd is running/],
  ['ETIMEDOUT', /ETIMEDOUT/, /dockerd is running/],
  ['ENOTFOUND', /host name docker\.example was not found \(ENOTFOUND\)/, /DNS/],
  ['EAI_AGAIN', /host name docker\.example could not be resolved right now \(EAI_AGAIN/, /DNS/],
  ['EAI_FAIL', /host name docker\.example was not found \(EAI_FAIL\)/, /DNS/],
  ['ENETUNREACH', /network path to docker\.example is unavailable \(ENETUNREACH\)/, /firewall/],
  ['EHOSTUNREACH', /network path to docker\.example is unavailable \(EHOSTUNREACH\)/, /firewall/],
  ['EHOSTDOWN', /network path to docker\.example is unavailable \(EHOSTDOWN\)/, /firewall/],
  ['ENETDOWN', /network path .* \(ENETDOWN\)/, /firewall/],
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', /TLS verification of the daemon's certificate failed \(UNABLE_TO_VERIFY_LEAF_SIGNATURE/, /docker_cert_path.*ca\.pem/],
  ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', /TLS verification .*UNABLE_TO_GET_ISSUER_CERT_LOCALLY/, /ca\.pem/],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', /TLS verification .*DEPTH_ZERO_SELF_SIGNED_CERT/, /ca\.pem/],
  ['SELF_SIGNED_CERT_IN_CHAIN', /TLS verification .*SELF_SIGNED_CERT_IN_CHAIN/, /ca\.pem/],
  ['CERT_HAS_EXPIRED', /TLS verification .*CERT_HAS_EXPIRED/, /Renew/],
  ['CERT_NOT_YET_VALID', /TLS verification .*CERT_NOT_YET_VALID/, /clocks/],
  ['ERR_TLS_CERT_ALTNAME_INVALID', /certificate is not valid for docker\.example \(ERR_TLS_CERT_ALTNAME_INVALID/, /subjectAltName/],
  ['EPROTO', /TLS handshake failed \(EPROTO/, /ca\.pem.*cert\.pem/],
  ['ERR_TLS_HANDSHAKE_TIMEOUT', /TLS handshake failed \(ERR_TLS_HANDSHAKE_TIMEOUT/, /docker_cert_path/],
];

describe('Docker error classification', () => {
  it.each(cases)('%s is unreachable, names the endpoint and says what to do', (code, words, hint) => {
    const error = failure(code);
    expect(isDaemonUnreachable(error)).toBe(true);
    const mapped = toToolError(error, endpoint);
    expect(mapped.message).toMatch(new RegExp(`^Docker daemon unreachable at ${endpoint}: `));
    expect(mapped.message).toMatch(words);
    expect(mapped.hint).toMatch(hint);
  });

  it('an OpenSSL alert from the daemon reads as a refused client certificate, without the OpenSSL noise', () => {
    const error = failure(
      'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
      '80:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../ssl/record/rec_layer_s3.c:1601:SSL alert number 42\n',
      { library: 'SSL routines', reason: 'sslv3 alert bad certificate' },
    );
    expect(isDaemonUnreachable(error)).toBe(true);
    const mapped = toToolError(error, endpoint);
    expect(mapped.message).toBe(
      `Docker daemon unreachable at ${endpoint}: the TLS handshake failed: the daemon refused the client certificate ` +
        '(ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: sslv3 alert bad certificate).',
    );
    expect(mapped.hint).toMatch(/cert\.pem and key\.pem .* --tlscacert/);
  });

  it('TLS 1.3 "certificate required" and "unknown ca" alerts are refused client certificates too', () => {
    for (const [code, reason] of [['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tlsv13 alert certificate required'], ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'tlsv1 alert unknown ca']] as const) {
      const mapped = toToolError(failure(code, reason, { library: 'SSL routines', reason }), endpoint);
      expect(mapped.message).toContain('the daemon refused the client certificate');
    }
  });

  it('TLS to a plain-HTTP port says the endpoint does not speak TLS', () => {
    const mapped = toToolError(failure('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number', { library: 'SSL routines', reason: 'wrong version number' }), endpoint);
    expect(mapped.message).toContain('the endpoint does not seem to speak TLS');
    expect(mapped.hint).toMatch(/2376.*docker_tls_verify off/);
  });

  it('plain HTTP to the TLS port is an answer (not unreachable) with a hint to turn TLS on', () => {
    const error = Object.assign(new Error('(HTTP code 400) unexpected - Client sent an HTTP request to an HTTPS server.'), {
      statusCode: 400,
      json: Buffer.from('Client sent an HTTP request to an HTTPS server.\n'),
    });
    expect(isDaemonUnreachable(error)).toBe(false);
    const mapped = toToolError(error, endpoint);
    expect(mapped.message).toBe(`Docker endpoint ${endpoint} speaks TLS, but the gateway connected with plain HTTP.`);
    expect(mapped.hint).toMatch(/docker_tls_verify.*docker_cert_path/);
  });

  it('answers from the daemon and programming errors are not unreachable', () => {
    expect(isDaemonUnreachable(Object.assign(new Error('no such container'), { statusCode: 404 }))).toBe(false);
    expect(isDaemonUnreachable(new TypeError('x is not a function'))).toBe(false);
    expect(isDaemonUnreachable(failure('ERR_INVALID_ARG_TYPE'))).toBe(false);
    expect(isDaemonUnreachable(undefined)).toBe(false);
    expect(toToolError(Object.assign(new Error('x'), { statusCode: 400, json: { message: 'bad name' } }), endpoint).message).toBe(
      'Docker rejected the request: bad name',
    );
  });

  describe('over real loopback sockets', () => {
    let plain: Server;
    let plainPort: number;
    beforeAll(async () => {
      plain = createServer((_req, res) => res.end('not docker'));
      await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
      plainPort = (plain.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => plain.close(() => resolve())));

    it('https:// to a plain-HTTP listener: unreachable, "does not speak TLS"', async () => {
      const target = `https://127.0.0.1:${plainPort}`;
      const error: unknown = await connectDocker({ docker_host: target, docker_tls_verify: false, docker_timeout: 5 }).docker.ping().catch((e: unknown) => e);
      expect(isDaemonUnreachable(error)).toBe(true);
      expect(toToolError(error, target).message).toMatch(
        new RegExp(`^Docker daemon unreachable at ${target}: the TLS handshake failed: the endpoint does not seem to speak TLS \\(`),
      );
    });

    it('tcp:// to a closed port: ECONNREFUSED naming the endpoint', async () => {
      const closed = await new Promise<number>((resolve) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
          const { port } = s.address() as AddressInfo;
          s.close(() => resolve(port));
        });
      });
      const target = `tcp://127.0.0.1:${closed}`;
      const error: unknown = await connectDocker({ docker_host: target, docker_tls_verify: false, docker_timeout: 5 }).docker.ping().catch((e: unknown) => e);
      expect(isDaemonUnreachable(error)).toBe(true);
      expect(toToolError(error, target).message).toBe(`Docker daemon unreachable at ${target}: ECONNREFUSED.`);
    });
  });
});
