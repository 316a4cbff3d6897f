// --target docker: the URL the rendered client configs use is the one the applied container is
// published on. init renders, `apply --target docker` creates the container on the harness's private
// daemon, and its port binding must be exactly the host IP and port of the clients' URL (127.0.0.1:<port>).
// The private daemon runs without iptables or the userland proxy (it must not touch this machine's
// network), so nothing answers on that binding here; that the URL serves MCP from the Docker host is
// test/e2e/packed-tarball-clients.test.ts (the docker-local entry run as written against a gateway on it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, expect, it } from 'vitest';
import { binPath, ensureBuilt } from '../helpers/build.js';
import { testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { freePort } from '../helpers/gateway.js';

const dir = mkdtempSync(join(tmpdir(), 'dmcp-docker-reach-'));
const cli = (args: string[]): { code: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [binPath, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

afterAll(() => {
  cli(['destroy', '--target', 'docker', '--yes', '--dir', dir, '--docker-host', testEnv.dockerHost]);
  rmSync(dir, { recursive: true, force: true });
});

it('the applied container is published on the host IP and port of the rendered clients\' URL', async () => {
  ensureBuilt();
  const port = await freePort();
  const init = cli(['init', '--yes', '--target', 'docker', '--output-dir', dir, '--project-name', uniqueName('dmcp-reach'), '--port', String(port),
    '--docker-socket-path', testEnv.dockerSocket, '--docker-socket-gid', String(statSync(testEnv.dockerSocket).gid)]);
  expect(init.code, init.stderr).toBe(0);
  const desktop = JSON.parse(readFileSync(join(dir, 'clients', 'claude-desktop.json'), 'utf8')) as { mcpServers: Record<string, { args: string[] }> };
  const url = new URL(desktop.mcpServers['docker-local']!.args.at(-1)!);
  expect(Object.keys(desktop.mcpServers)).toEqual(['docker-local']);

  // busybox stands in for the gateway image (no registry here); the rendered ports stay as they are.
  const file = join(dir, 'compose.yaml');
  const doc = parse(readFileSync(file, 'utf8')) as { name: string; services: { gateway: Record<string, unknown> } };
  Object.assign(doc.services.gateway, { image: testEnv.testImage, command: ['sleep', '3600'], healthcheck: { test: ['CMD', 'true'], interval: '1s', retries: 3 } });
  writeFileSync(file, stringify(doc));
  writeFileSync(join(dir, 'gateway.env'), 'DOCKER_MCP_AUTH_TOKENS=x\n');
  const apply = cli(['apply', '--target', 'docker', '--yes', '--dir', dir, '--docker-host', testEnv.dockerHost]);
  expect(apply.code, apply.stderr).toBe(0);

  const [container] = await testDocker().listContainers({ filters: { label: [`com.docker.compose.project=${doc.name}`] } });
  const info = await testDocker().getContainer(container!.Id).inspect();
  expect(info.Config.Env).toContain(`DOCKER_MCP_PORT=${url.port}`);
  expect(info.HostConfig.PortBindings).toEqual({ [`${url.port}/tcp`]: [{ HostIp: url.hostname, HostPort: url.port }] });
  expect(url.hostname).toBe('127.0.0.1');
}, 120_000);
