// The busybox test image, built locally because no registry is reachable: a root filesystem with
// Debian's static busybox and every applet linked, imported into a daemon. Shared by the vitest
// global setup and the benchmark (which runs its own private daemon).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { which } from './private-dockerd.js';

export const TEST_IMAGE = 'dmcp-test/busybox:latest';

export function dockerCli(host: string, args: string[], input?: Buffer): string {
  return execFileSync('docker', args, { env: { ...process.env, DOCKER_HOST: host }, input, encoding: 'utf8' });
}

/** Builds TEST_IMAGE on the daemon at `host`, using `workDir` for the root filesystem. */
export function buildTestImage(host: string, workDir: string): void {
  const rootfs = join(workDir, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  for (const d of ['tmp', 'etc', 'proc', 'sys', 'dev', 'root']) mkdirSync(join(rootfs, d), { recursive: true });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  copyFileSync(which('busybox')!, join(rootfs, 'bin', 'busybox'));
  chmodSync(join(rootfs, 'bin', 'busybox'), 0o755);
  const applets = execFileSync('busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const applet of applets) {
    if (applet !== 'busybox') symlinkSync('busybox', join(rootfs, 'bin', applet));
  }
  writeFileSync(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n');
  writeFileSync(join(rootfs, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  const tar = execFileSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
  dockerCli(host, ['import', '-c', 'CMD ["/bin/sh"]', '-c', 'ENV PATH=/bin', '-', TEST_IMAGE], tar);
}
