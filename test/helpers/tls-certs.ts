// Test PKI made with openssl (Debian's `openssl`, see .ci/run): a CA, a server certificate for
// 127.0.0.1 and a client certificate, in the layouts dockerd and the docker CLI use. EC P-256
// keys, so the whole set takes a few tens of milliseconds.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { which } from './private-dockerd.js';

interface Pair {
  cert: string;
  key: string;
}

export interface TestPki {
  /** For dockerd: --tlscacert, --tlscert, --tlskey. */
  server: { ca: string; cert: string; key: string };
  /** A docker_cert_path that works: ca.pem, cert.pem, key.pem. */
  client: string;
  /** ca.pem of another CA (the daemon's certificate does not verify), with the good client pair. */
  wrongCa: string;
  /** The right ca.pem, but a client pair from another CA (the daemon refuses it). */
  untrustedClient: string;
  /** A client pair of their own: cert.pem of one pair, key.pem of another. */
  mismatchedKey: string;
}

function openssl(cwd: string, args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string): Pair {
  openssl(dir, [
    'req', '-x509', ...ecKey, '-keyout', `${name}-key.pem`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}-key.pem`) };
}

function issue(dir: string, ca: Pair, name: string, extensions: string): Pair {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, ['req', '-new', ...ecKey, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', String(Date.now()),
    '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}-cert.pem`,
  ]);
  return { cert: join(dir, `${name}-cert.pem`), key: join(dir, `${name}-key.pem`) };
}

function certDir(root: string, name: string, ca: string, pair: { cert: string; key: string }): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(ca, join(dir, 'ca.pem'));
  copyFileSync(pair.cert, join(dir, 'cert.pem'));
  copyFileSync(pair.key, join(dir, 'key.pem'));
  return dir;
}

export function makeTestPki(root: string): TestPki {
  if (!which('openssl')) throw new Error('openssl not found; install Debian\'s openssl package (see .ci/run).');
  const work = join(root, 'work');
  mkdirSync(work, { recursive: true });
  const ca = makeCa(work, 'ca');
  const otherCa = makeCa(work, 'other-ca');
  const server = issue(work, ca, 'server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  const client = issue(work, ca, 'client', 'extendedKeyUsage=clientAuth\n');
  const stranger = issue(work, otherCa, 'stranger', 'extendedKeyUsage=clientAuth\n');
  return {
    server: { ca: ca.cert, cert: server.cert, key: server.key },
    client: certDir(root, 'client', ca.cert, client),
    wrongCa: certDir(root, 'wrong-ca', otherCa.cert, client),
    untrustedClient: certDir(root, 'untrusted-client', ca.cert, stranger),
    mismatchedKey: certDir(root, 'mismatched-key', ca.cert, { cert: client.cert, key: stranger.key }),
  };
}
