// The gateway image, end to end on the private daemon: assemble a base image from the host (no
// registry), `docker-mcp image build` from it, then run the image with the hardening the Kubernetes
// manifests use and drive it with an SDK client over HTTP.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type Dockerode from 'dockerode';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNodeBaseImage } from '../helpers/base-image.js';
import { ensureBuilt } from '../helpers/build.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { freePort } from '../helpers/free-port.js';

const run = promisify(execFile);
const TAG = 'dmcp-test/gateway:e2e';
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;


/** The pod security context of the Kubernetes manifests, as Docker HostConfig. */
function hardened(extra: Dockerode.HostConfig = {}): Dockerode.HostConfig {
  return {
    ReadonlyRootfs: true,
    CapDrop: ['ALL'],
    SecurityOpt: ['no-new-privileges:true'],
    Tmpfs: { '/tmp': 'rw,noexec,nosuid,size=16m' },
    Binds: [`${testEnv.dockerSocket}:/var/run/docker.sock`],
    // The socket's group, exactly as compose group_add / pod supplementalGroups grant it.
    GroupAdd: [String(statSync(testEnv.dockerSocket).gid)],
    ...extra,
  };
}

async function runToCompletion(docker: Dockerode, cmd: string[]): Promise<{ code: number; output: string }> {
  const container = await docker.createContainer({
    Image: TAG,
    Cmd: cmd,
    User: '10001:10001',
    Labels: { [TEST_LABEL]: 'image-build' },
    HostConfig: hardened({ NetworkMode: 'none' }),
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true });
    // Non-TTY logs are multiplexed; strip the 8-byte frame headers.
    let output = '';
    for (let i = 0; i + 8 <= logs.length; ) {
      const size = logs.readUInt32BE(i + 4);
      output += logs.subarray(i + 8, i + 8 + size).toString('utf8');
      i += 8 + size;
    }
    return { code: StatusCode, output };
  } finally {
    await container.remove({ force: true });
  }
}

describe('gateway image', () => {
  const docker = testDocker();

  beforeAll(() => {
    ensureBuilt();
    ensureNodeBaseImage(testEnv.dockerHost);
  }, 120_000);

  afterAll(async () => {
    const leftovers = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=image-build`] } });
    await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  });

  it('builds through `docker-mcp image build` with OCI labels and a non-root user', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      ['bin/docker-mcp.js', 'image', 'build', '--base-image', 'dmcp-test/node-base:20', '--tag', TAG],
      { env: { ...process.env, DOCKER_HOST: testEnv.dockerHost }, maxBuffer: 16 * 1024 * 1024 },
    );
    expect(stdout.trim()).toBe(TAG);
    expect(stderr).toMatch(/Step \d+\/\d+ : FROM /);
    const info = await docker.getImage(TAG).inspect();
    expect(info.Config.User).toBe('10001:10001');
    expect(info.Config.Entrypoint).toEqual(['node', '/app/bin/docker-mcp.js']);
    expect(info.Config.Cmd).toEqual(['serve']);
    expect(info.Config.Labels).toMatchObject({
      'org.opencontainers.image.title': 'docker-mcp-gateway',
      'org.opencontainers.image.version': version,
      'org.opencontainers.image.base.name': 'dmcp-test/node-base:20',
    });
    expect((info.Config as { Healthcheck?: { Test?: string[] } }).Healthcheck?.Test?.[0]).toBe('CMD');
  }, 300_000);

  it('pushes the built tag to a registry with --push and prints it pinned by the registry\'s digest', async () => {
    const remote = `${testEnv.registry}/dmcp-test/gateway:push-e2e`;
    // An empty client config: the local registry is anonymous, and the host's logins stay out of it.
    const dockerConfig = mkdtempSync(join(tmpdir(), 'dmcp-docker-config-'));
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['bin/docker-mcp.js', 'image', 'build', '--base-image', 'dmcp-test/node-base:20', '--tag', remote, '--push'],
        { env: { ...process.env, DOCKER_HOST: testEnv.dockerHost, DOCKER_CONFIG: dockerConfig }, maxBuffer: 16 * 1024 * 1024 },
      );
      const pinned = stdout.trim();
      expect(pinned).toMatch(/@sha256:[a-f0-9]{64}$/);
      expect(pinned.split('@')[0]).toBe(remote);
      expect(stderr).toContain(`Pushed ${pinned}`);
      // The registry itself serves that manifest under the tag, with the same digest.
      const manifest = await fetch(`http://${testEnv.registry}/v2/dmcp-test/gateway/manifests/push-e2e`, {
        method: 'HEAD',
        headers: {
          Accept: [
            'application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.docker.distribution.manifest.list.v2+json',
            'application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json',
          ].join(', '),
        },
      });
      expect(manifest.status).toBe(200);
      expect(manifest.headers.get('docker-content-digest')).toBe(pinned.split('@')[1]);
    } finally {
      rmSync(dockerConfig, { recursive: true, force: true });
    }
  }, 300_000);

  it('refuses --push of a tag without a registry before building anything', async () => {
    const failed = await run(process.execPath, ['bin/docker-mcp.js', 'image', 'build', '--tag', 'docker-mcp-gateway:dev', '--push'], {
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' },
    }).then(() => undefined, (error: { code: number; stderr: string }) => error);
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain('--push needs a tag naming a registry, like registry.local:5000/docker-mcp-gateway:dev');
  });

  it('runs the CLI hardened (uid 10001, read-only root, no capabilities)', async () => {
    const versionRun = await runToCompletion(docker, ['--version']);
    expect(versionRun).toEqual({ code: 0, output: `${version}\n` });
    // --help loads every command module: proves the installer-only dependencies left out of the
    // image are really loaded lazily.
    const help = await runToCompletion(docker, ['--help']);
    expect(help.code, help.output).toBe(0);
    expect(help.output).toContain('serve');
  }, 120_000);

  it('serves MCP over HTTP from the hardened container and drives the private daemon', async () => {
    const port = await freePort();
    const metricsPort = await freePort();
    const container = await docker.createContainer({
      name: uniqueName('dmcp-gw'),
      Image: TAG,
      User: '10001:10001',
      Labels: { [TEST_LABEL]: 'image-build' },
      Env: [
        // The private daemon has no bridge network, so published ports cannot work: host networking
        // for this test only, on a free loopback port.
        'DOCKER_MCP_HOST=127.0.0.1',
        `DOCKER_MCP_PORT=${port}`,
        `DOCKER_MCP_METRICS_PORT=${metricsPort}`,
        'DOCKER_MCP_POLICY_PRESET=admin',
        'DOCKER_MCP_LOG_LEVEL=debug',
      ],
      HostConfig: hardened({ NetworkMode: 'host', Init: true }),
    });
    await container.start();
    const base = `http://127.0.0.1:${port}`;
    try {
      const deadline = Date.now() + 30_000;
      let ready = false;
      while (!ready && Date.now() < deadline) {
        ready = await fetch(`${base}/ready`).then((r) => r.ok, () => false);
        if (!ready) await sleep(250);
      }
      if (!ready) {
        const logs = (await container.logs({ stdout: true, stderr: true, tail: 50 })).toString('utf8');
        throw new Error(`gateway never became ready:\n${logs}`);
      }
      const client = new Client({ name: 'image-e2e', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['container_run', 'container_logs', 'container_remove']));

      const containerName = uniqueName('dmcp-run');
      const ran = await client.callTool({
        name: 'container_run',
        arguments: { image: testEnv.testImage, name: containerName, cmd: ['echo', 'hello from the image'], network_mode: 'none', labels: { [TEST_LABEL]: 'image-build' }, wait: true },
      });
      expect(ran.isError, JSON.stringify(ran.content)).toBeFalsy();
      const logs = await client.callTool({ name: 'container_logs', arguments: { container: containerName } });
      expect(JSON.stringify(logs.content)).toContain('hello from the image');
      const removed = await client.callTool({ name: 'container_remove', arguments: { container: containerName, force: true } });
      expect(removed.isError, JSON.stringify(removed.content)).toBeFalsy();
      await expect(docker.getContainer(containerName).inspect()).rejects.toThrow();
      await client.close();
    } finally {
      await container.remove({ force: true });
    }
  }, 120_000);
});
