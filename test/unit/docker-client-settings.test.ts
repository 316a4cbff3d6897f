// How connectDocker turns the endpoint settings into a connection, without talking to a daemon:
// the TLS files are checked at start-up (a usage error, exit code 2, naming each bad file and the
// setting), docker_tls_verify alone reads the docker CLI's default directory, and the DOCKER_*
// variables in the environment never override the resolved settings.
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, UsageError } from '../../src/shared/errors.js';
import { connectDocker, defaultCertPath, type DockerEndpointSettings } from '../../src/gateway/docker/client.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeTestPki, type TestPki } from '../helpers/tls-certs.js';

interface ModemView {
  host?: string;
  port?: number | string;
  socketPath?: unknown;
  protocol?: string;
  ca?: unknown;
}

const modem = (settings: Partial<DockerEndpointSettings> & { docker_host: string }): ModemView =>
  connectDocker({ docker_tls_verify: false, docker_timeout: 30, ...settings }).docker.modem as unknown as ModemView;

function usageError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

const saved = { ...process.env };
afterEach(() => {
  for (const key of ['DOCKER_HOST', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY', 'DOCKER_CONFIG']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

describe('connectDocker settings', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makeTestPki(tempDir('dmcp-pki-'));
  });

  it('an exported DOCKER_HOST (and a broken DOCKER_CERT_PATH) never replace the resolved endpoint', () => {
    process.env.DOCKER_HOST = 'tcp://10.255.255.1:2375';
    process.env.DOCKER_CERT_PATH = '/nonexistent/certs';
    const local = modem({ docker_host: 'unix:///run/test/docker.sock' });
    expect(local.host).toBeUndefined();
    expect(local.socketPath).toBe('/run/test/docker.sock');
    expect(process.env.DOCKER_HOST).toBe('tcp://10.255.255.1:2375');
    const remote = modem({ docker_host: 'tcp://127.0.0.1:2375' });
    expect(remote).toMatchObject({ host: '127.0.0.1', port: 2375, protocol: 'http' });
    expect(remote.ca).toBeUndefined();
  });

  it('tcp:// without TLS settings is plain HTTP on 2375; the TLS settings are ignored for unix://', () => {
    expect(modem({ docker_host: 'tcp://127.0.0.1' })).toMatchObject({ port: 2375, protocol: 'http' });
    expect(modem({ docker_host: 'unix:///x.sock', docker_tls_verify: true, docker_cert_path: '/nonexistent' }).socketPath).toBe('/x.sock');
  });

  it('docker_cert_path turns TLS on (port 2376 by default) and loads the files', () => {
    const view = modem({ docker_host: 'tcp://127.0.0.1', docker_cert_path: pki.client });
    expect(view).toMatchObject({ port: 2376, protocol: 'https' });
    expect(view.ca).toBeInstanceOf(Buffer);
  });

  it('docker_tls_verify without docker_cert_path reads DOCKER_CONFIG, else ~/.docker, like the docker CLI', () => {
    process.env.DOCKER_CONFIG = pki.client;
    expect(defaultCertPath()).toBe(pki.client);
    expect(modem({ docker_host: 'tcp://127.0.0.1:2376', docker_tls_verify: true }).ca).toBeInstanceOf(Buffer);
    expect(defaultCertPath({})).toMatch(/\/\.docker$/);
  });

  it('missing files: one usage error (exit 2) listing each file, naming the setting', () => {
    const dir = tempDir('dmcp-certs-');
    copyFileSync(join(pki.client, 'ca.pem'), join(dir, 'ca.pem'));
    mkdirSync(join(dir, 'cert.pem'));
    const error = usageError(() => modem({ docker_host: 'tcp://127.0.0.1:2376', docker_tls_verify: true, docker_cert_path: dir }));
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.problems).toEqual([`${join(dir, 'cert.pem')} is a directory, not a PEM file`, `${join(dir, 'key.pem')} does not exist`]);
    expect(error.message).toContain(`TLS to the Docker daemon at tcp://127.0.0.1:2376 needs ca.pem, cert.pem and key.pem in ${dir} (docker_cert_path, set by --docker-cert-path, DOCKER_MCP_DOCKER_CERT_PATH or DOCKER_CERT_PATH)`);
  });

  it('the default directory missing: the message says where it looked and why', () => {
    process.env.DOCKER_CONFIG = tempDir('dmcp-empty-');
    const error = usageError(() => modem({ docker_host: 'tcp://127.0.0.1:2376', docker_tls_verify: true }));
    expect(error.message).toContain(`with docker_cert_path unset they are read from ${process.env.DOCKER_CONFIG}, like the docker CLI does`);
    expect(error.problems).toHaveLength(3);
  });

  it('a key that does not belong to the certificate, or files that are not PEM: a usage error at start-up', () => {
    expect(usageError(() => modem({ docker_host: 'tcp://127.0.0.1:2376', docker_cert_path: pki.mismatchedKey })).message).toBe(
      `The TLS files in ${pki.mismatchedKey} (docker_cert_path) cannot be used for tcp://127.0.0.1:2376: key.pem is not the private key of cert.pem.`,
    );
    const garbage = tempDir('dmcp-garbage-');
    for (const name of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(garbage, name), 'not a certificate\n');
    expect(usageError(() => modem({ docker_host: 'tcp://127.0.0.1:2376', docker_cert_path: garbage })).message).toMatch(
      /cannot be used for tcp:\/\/127\.0\.0\.1:2376: they are not valid PEM certificates and key/,
    );
  });
});

describe('connections to a tcp:// daemon', () => {
  it('are reused during a burst and closed after a few idle seconds, like the local socket', async () => {
    const sockets = new Set<Socket>();
    const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('OK'));
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      const { docker, openConnections } = connectDocker({ docker_host: `tcp://127.0.0.1:${port}`, docker_tls_verify: false, docker_timeout: 5 });
      for (let i = 0; i < 3; i++) await docker.ping();
      expect(sockets.size).toBe(1);
      const deadline = Date.now() + 8_000;
      while (sockets.size > 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
      expect(sockets.size).toBe(0);
      expect(openConnections?.()).toBe(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    }
  }, 15_000);
});
