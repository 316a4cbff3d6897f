// Vitest global setup: one private dockerd, a locally built test image and a local registry for
// the whole run. Nothing here touches the user's default daemon. Values reach tests through
// `inject()` (see test/helpers/env.ts) and child processes through the DOCKER_MCP_TEST_* env.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestProject } from 'vitest/node';
import { createPrivateDaemon, pingSocket, tail, unmountUnder, which, type PrivateDaemon } from './private-dockerd.js';
import { buildTestImage, dockerCli as docker, TEST_IMAGE } from './test-image.js';
import { ensureBuilt } from './build.js';
import { freePort } from './free-port.js';

export { TEST_IMAGE } from './test-image.js';
const REQUIRED = { dockerd: 'docker.io', docker: 'docker.io', busybox: 'busybox-static', 'docker-registry': 'docker-registry', openssl: 'openssl' };

declare module 'vitest' {
  export interface ProvidedContext {
    dockerHost: string;
    dockerSocket: string;
    registry: string;
    testImage: string;
  }
}

function ensureSystemPackages(): void {
  const missing = Object.entries(REQUIRED).filter(([binary]) => !which(binary));
  if (!missing.length) return;
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !which('apt-get')) {
    throw new Error(
      `The tests need ${missing.map(([b]) => b).join(', ')} and cannot install them here.\n` +
        `On Debian as root: apt-get install -y ${packages.join(' ')}\n` +
        'Or point the tests at an existing, disposable daemon: DOCKER_MCP_TEST_DOCKER_HOST=unix:///path/to/docker.sock ' +
        '(the tests create and remove containers there; never use your default daemon).',
    );
  }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}


async function startRegistry(workDir: string): Promise<{ address: string; process: ChildProcess }> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const config = join(workDir, 'registry.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(workDir, 'registry')}\n` +
      `  delete:\n    enabled: true\nhttp:\n  addr: ${address}\n`,
  );
  const child = spawn(which('docker-registry')!, ['serve', config], { stdio: 'ignore' });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://${address}/v2/`);
      if (res.ok) return { address, process: child };
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  child.kill();
  throw new Error(`docker-registry did not start on ${address}`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureSystemPackages();
  // Once, before any worker starts: two workers rebuilding at the same time could link a bundle from
  // files the other's tsc is rewriting. Workers still call ensureBuilt(), which is then a no-op.
  ensureBuilt();
  const workDir = mkdtempSync(join(tmpdir(), 'dmcp-t-'));
  let daemon: PrivateDaemon | undefined;
  let host = process.env.DOCKER_MCP_TEST_DOCKER_HOST;
  if (host) {
    if (!host.startsWith('unix://')) throw new Error('DOCKER_MCP_TEST_DOCKER_HOST must be a unix:// socket');
    if (host === 'unix:///var/run/docker.sock' || host === 'unix:///run/docker.sock') {
      throw new Error('Refusing to run tests against the default Docker daemon; start a private one.');
    }
    if (!(await pingSocket(host.slice('unix://'.length)))) throw new Error(`No daemon answers at ${host}`);
  } else {
    daemon = createPrivateDaemon(join(workDir, 'd'));
    await daemon.start();
    host = daemon.host;
  }
  let registry: Awaited<ReturnType<typeof startRegistry>> | undefined;
  const cleanup = async (): Promise<void> => {
    registry?.process.kill();
    if (daemon) {
      await daemon.stop();
      unmountUnder(workDir);
    }
    rmSync(workDir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    try {
      buildTestImage(host, workDir);
    } catch (error) {
      throw new Error(`Building the test image failed: ${(error as Error).message}\n${daemon ? tail(daemon.logFile) : ''}`);
    }
    registry = await startRegistry(workDir);
    // Seed the registry so pull tests have something real to fetch.
    const remote = `${registry.address}/dmcp-test/busybox:latest`;
    docker(host, ['tag', TEST_IMAGE, remote]);
    docker(host, ['push', remote]);
    docker(host, ['rmi', remote]);
  } catch (error) {
    await cleanup();
    throw error;
  }

  const socket = host.slice('unix://'.length);
  project.provide('dockerHost', host);
  project.provide('dockerSocket', socket);
  project.provide('registry', registry.address);
  project.provide('testImage', TEST_IMAGE);
  process.env.DOCKER_MCP_TEST_DOCKER_HOST = host;
  process.env.DOCKER_MCP_TEST_REGISTRY = registry.address;

  return cleanup;
}
