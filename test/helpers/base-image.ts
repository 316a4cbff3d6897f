// No image registry is reachable here, so the gateway image's base is assembled from the host: the
// running node binary, the shared libraries `ldd` lists for it, CA certificates and a minimal
// /etc/passwd, imported as an image. It has no shell and no package manager, which also proves the
// Dockerfile needs neither.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const NODE_BASE_IMAGE = 'dmcp-test/node-base:20';

function docker(host: string, args: string[], input?: Buffer): string {
  return execFileSync('docker', args, {
    env: { ...process.env, DOCKER_HOST: host },
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
}

/** Absolute paths of the shared objects the dynamic loader maps for `binary` (and the loader itself). */
export function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const paths = new Set<string>();
  for (const line of out.split('\n')) {
    const match = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (match?.[1]) paths.add(match[1]);
  }
  return [...paths];
}

function imageExists(host: string, image: string): boolean {
  try {
    docker(host, ['image', 'inspect', image]);
    return true;
  } catch {
    return false;
  }
}

/** Builds dmcp-test/node-base:20 on the daemon at `host` unless it is already there. */
export function ensureNodeBaseImage(host: string, image = NODE_BASE_IMAGE): string {
  if (imageExists(host, image)) return image;
  const rootfs = mkdtempSync(join(tmpdir(), 'dmcp-nodebase-'));
  try {
    for (const d of ['etc', 'tmp', 'usr/local/bin', 'proc', 'sys', 'dev']) mkdirSync(join(rootfs, d), { recursive: true });
    chmodSync(join(rootfs, 'tmp'), 0o1777);
    copyFileSync(process.execPath, join(rootfs, 'usr/local/bin/node'));
    chmodSync(join(rootfs, 'usr/local/bin/node'), 0o755);
    // Each library keeps the path ldd printed, since the loader and the binary's NEEDED entries
    // resolve through those exact directories. copyFileSync dereferences symlinks.
    for (const lib of sharedLibraries(process.execPath)) {
      const target = join(rootfs, lib);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(lib, target);
      chmodSync(target, 0o755);
    }
    if (existsSync('/etc/ssl/certs')) {
      cpSync('/etc/ssl/certs', join(rootfs, 'etc/ssl/certs'), { recursive: true, dereference: true });
    }
    writeFileSync(
      join(rootfs, 'etc/passwd'),
      'root:x:0:0:root:/root:/sbin/nologin\nnode:x:1000:1000:node:/home/node:/sbin/nologin\n' +
        'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n',
    );
    writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n');
    const tar = execFileSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 512 * 1024 * 1024 });
    docker(host, [
      'import',
      '-c', 'ENV PATH=/usr/local/bin:/usr/bin:/bin',
      '-c', 'ENV NODE_VERSION=' + process.versions.node,
      '-c', 'CMD ["node"]',
      '-',
      image,
    ], tar);
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
  return image;
}
