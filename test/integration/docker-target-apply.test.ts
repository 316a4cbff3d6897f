// `--target docker` on the real engine: render compose.yaml, apply it twice (the second is a no-op),
// read its status, destroy it, and check that nothing else on the daemon was touched. Services run
// the busybox test image (sleep) with the rendered hardening, so this needs no gateway image.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCompose, destroyCompose, statusCompose } from '../../src/lifecycle/docker-target/index.js';
import { renderCompose, renderEnvFile } from '../../src/templates/compose/render.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { freePort } from '../helpers/free-port.js';

type Doc = { services: Record<string, Record<string, unknown>> };

describe('docker target: apply, status, destroy', () => {
  const docker = testDocker();
  const project = uniqueName('dmcp-tgt');
  const dir = mkdtempSync(join(tmpdir(), 'dmcp-compose-'));
  const file = join(dir, 'compose.yaml');
  const bystanders: string[] = [];
  const gid = statSync(testEnv.dockerSocket).gid;
  // Published on the host: a fixed 8080 collides with whatever else this machine runs there.
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    const rendered = renderCompose({
      project,
      image: testEnv.testImage,
      port,
      dockerSocket: testEnv.dockerSocket,
      dockerSocketGid: gid,
      settings: { log_level: 'debug', docker_timeout: 45, enable_metrics: true, metrics_port: 9090 },
      secretsEnvFile: 'gateway.env',
      cpuLimit: '250m',
      memoryLimit: '64Mi',
      cloudflared: { envFile: 'cloudflared.env', image: testEnv.testImage },
    });
    // busybox cannot serve MCP: keep the rendered hardening, swap only what the process does.
    const doc = parse(rendered.contents) as Doc;
    doc.services.gateway!.command = ['sleep', '3600'];
    doc.services.gateway!.healthcheck = { test: ['CMD', 'true'], interval: '1s', retries: 3 };
    doc.services.cloudflared!.command = ['sleep', '3600'];
    writeFileSync(file, stringify(doc));
    writeFileSync(join(dir, 'gateway.env'), renderEnvFile({ DOCKER_MCP_AUTH_TOKENS: 'ci:admin:0123456789abcdef0123' }));
    writeFileSync(join(dir, 'cloudflared.env'), renderEnvFile({ TUNNEL_TOKEN: 'not-a-real-tunnel-token' }));
    // Neighbours that destroy must leave alone: an unrelated container, and one that claims the
    // same compose project but was not made by docker-mcp (as `docker compose up` would).
    const neighbours: Record<string, string>[] = [{ [TEST_LABEL]: 'bystander' }, { [TEST_LABEL]: 'bystander', 'com.docker.compose.project': project }];
    for (const labels of neighbours) {
      const c = await docker.createContainer({ Image: testEnv.testImage, Cmd: ['sleep', '3600'], Labels: labels, HostConfig: { NetworkMode: 'none' } });
      await c.start();
      bystanders.push(c.id);
    }
  });

  afterAll(async () => {
    await destroyCompose(file, { docker }).catch(() => undefined);
    await Promise.all(bystanders.map((id) => docker.getContainer(id).remove({ force: true }).catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies the rendered file with every hardening option, then a second apply changes nothing', async () => {
    const lines: string[] = [];
    const first = await applyCompose(file, { docker, log: (l) => lines.push(l) });
    expect(first.changed).toBe(true);
    expect(first.changes.map((c) => [c.service, c.action])).toEqual([['gateway', 'created'], ['cloudflared', 'created']]);
    expect(lines.join('\n')).not.toContain('0123456789abcdef0123');

    const gateway = await docker.getContainer(`${project}-gateway-1`).inspect();
    expect(gateway.Config.User).toBe('10001:10001');
    expect(gateway.HostConfig).toMatchObject({
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      GroupAdd: [String(gid)],
      Init: true,
      NanoCpus: 250_000_000,
      Memory: 64 * 1024 * 1024,
      RestartPolicy: { Name: 'unless-stopped' },
      Tmpfs: { '/tmp': 'rw,noexec,nosuid,size=16m' },
      Binds: [`${testEnv.dockerSocket}:/var/run/docker.sock`],
    });
    expect(gateway.Config.Env).toEqual(expect.arrayContaining([
      'DOCKER_MCP_HOST=0.0.0.0', `DOCKER_MCP_PORT=${port}`, 'DOCKER_MCP_LOG_LEVEL=debug', 'DOCKER_MCP_DOCKER_TIMEOUT=45',
      'DOCKER_MCP_DOCKER_HOST=unix:///var/run/docker.sock', 'DOCKER_MCP_AUTH_TOKENS=ci:admin:0123456789abcdef0123',
    ]));
    expect(gateway.Config.Labels).toMatchObject({
      'com.docker.compose.project': project,
      'com.docker.compose.service': 'gateway',
      'app.kubernetes.io/managed-by': 'docker-mcp',
    });
    expect(gateway.State.Health?.Status).toBe('healthy');
    const tunnel = await docker.getContainer(`${project}-cloudflared-1`).inspect();
    expect(tunnel.Config.Env).toContain('TUNNEL_TOKEN=not-a-real-tunnel-token');
    expect(new Date(tunnel.State.StartedAt).getTime()).toBeGreaterThanOrEqual(new Date(gateway.State.StartedAt).getTime());

    const second = await applyCompose(file, { docker });
    expect(second.changed).toBe(false);
    expect(second.changes.map((c) => c.action)).toEqual(['unchanged', 'unchanged']);
    expect((await docker.getContainer(`${project}-gateway-1`).inspect()).Id).toBe(gateway.Id);
  });

  it('reports status, and a changed secret recreates only the service that uses it', async () => {
    const status = await statusCompose(file, { docker });
    expect(status.healthy).toBe(true);
    expect(status.services.map((s) => [s.service, s.state, s.upToDate])).toEqual([['gateway', 'running', true], ['cloudflared', 'running', true]]);
    expect(status.services[0]!.health).toBe('healthy');

    writeFileSync(join(dir, 'gateway.env'), renderEnvFile({ DOCKER_MCP_AUTH_TOKENS: 'ci:admin:rotated-token-0123456789' }));
    expect((await statusCompose(file, { docker })).services[0]!.upToDate).toBe(false);
    const third = await applyCompose(file, { docker });
    expect(third.changes.map((c) => c.action)).toEqual(['recreated', 'unchanged']);
  });

  it('destroys exactly what it created', async () => {
    const result = await destroyCompose(file, { docker });
    expect(result.removed.containers.sort()).toEqual([`${project}-cloudflared-1`, `${project}-gateway-1`]);
    expect(result.removed.networks).toEqual([`${project}_default`]);
    const left = await docker.listContainers({ all: true, filters: { label: ['app.kubernetes.io/managed-by=docker-mcp', `com.docker.compose.project=${project}`] } });
    expect(left).toEqual([]);
    expect((await docker.listNetworks({ filters: { name: [`${project}_default`] } })).length).toBe(0);
    for (const id of bystanders) expect((await docker.getContainer(id).inspect()).State.Running).toBe(true);
    const status = await statusCompose(file, { docker });
    expect(status.services.map((s) => s.state)).toEqual(['missing', 'missing']);
    // Destroying again is a no-op, not an error.
    expect((await destroyCompose(file, { docker })).removed.containers).toEqual([]);
  });
});
