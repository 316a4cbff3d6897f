// `init --target docker` to a running gateway, black-box: render with the bin, create gateway.env
// with the exact command NOTES.md prints, `apply --target docker` on the private daemon, reach /ready
// and answer MCP with that token, then `destroy` leaves nothing. Only variables a user would set
// (image, socket path and group, project name) come from flags; the one edit to compose.yaml drops
// the published port, because the private daemon runs without iptables (`--bridge none`), so like
// test/integration/docker-target-gateway.test.ts the host reaches the container on its project network.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { binPath, ensureBuilt } from '../helpers/build.js';
import { testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { GATEWAY_TEST_IMAGE, ensureGatewayImage } from '../helpers/gateway-image.js';

// Shared with docker-target-gateway.test.ts: whichever runs first builds it, the other waits for it.
const TAG = GATEWAY_TEST_IMAGE;

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [binPath, ...args], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, CI: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('init --target docker, then apply/destroy --target docker', () => {
  const docker = testDocker();
  const project = uniqueName('e2e');
  const dir = mkdtempSync(join(tmpdir(), 'dmcp-init-docker-'));
  const daemon = ['--dir', dir, '--docker-host', ''];

  beforeAll(async () => {
    ensureBuilt();
    daemon[3] = testEnv.dockerHost;
    await ensureGatewayImage(docker, testEnv.dockerHost);
  }, 300_000);

  afterAll(() => {
    cli(['destroy', '--target', 'docker', '--yes', ...daemon]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders compose.yaml, NOTES.md and the env example; a re-run is up to date', () => {
    const args = ['init', '--yes', '--target', 'docker', '--output-dir', dir, '--project-name', project, '--docker-image', TAG,
      '--docker-socket-path', testEnv.dockerSocket, '--docker-socket-gid', String(statSync(testEnv.dockerSocket).gid),
      '--policy-preset', 'operator', '--namespace', 'elsewhere'];
    const first = cli(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('create  compose.yaml');
    // Set, but meaningless for compose: said out loud, not silently dropped.
    expect(first.stderr).toContain('namespace does not apply to --target docker');
    for (const f of ['compose.yaml', 'gateway.env.example', 'NOTES.md', 'clients/claude-desktop.json']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(existsSync(join(dir, 'gateway.env'))).toBe(false);
    expect(readFileSync(join(dir, 'NOTES.md'), 'utf8')).toContain('docker-mcp apply --target docker --dir .');
    const again = cli(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/up to date/);
    // A bare re-run keeps the target the directory was rendered for.
    const bare = cli(args.filter((a, i) => a !== '--target' && args[i - 1] !== '--target'));
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.stdout).toMatch(/up to date/);
    const dry = cli([...args, '--dry-run', '--json', '--log-level', 'debug']);
    expect(dry.code, dry.stderr).toBe(3);
    const result = JSON.parse(dry.stdout) as { status: string; target: string; files: { path: string; action: string }[] };
    expect([result.status, result.target]).toEqual(['changes', 'docker']);
    expect(result.files.filter((f) => f.action !== 'unchanged')).toEqual([{ path: 'compose.yaml', action: 'update' }, { path: 'docker-mcp.yaml', action: 'update' }]);
    expect(cli(['init', '--yes', '--target', 'docker', '--format', 'yaml', '--output-dir', dir]).code).toBe(2);
  });

  it('applies to a healthy gateway that is ready and answers MCP with the NOTES.md token, then destroys it', async () => {
    // The gateway.env command from NOTES.md, run as printed.
    const notes = readFileSync(join(dir, 'NOTES.md'), 'utf8');
    const command = /`(\(umask 077 && printf [^`]+)`/.exec(notes)?.[1];
    expect(command).toBeDefined();
    execFileSync('sh', ['-c', command!], { cwd: dir });
    const token = /^DOCKER_MCP_AUTH_TOKENS=laptop:operate:([0-9a-f]{64})$/m.exec(readFileSync(join(dir, 'gateway.env'), 'utf8'))?.[1];
    expect(token).toBeDefined();

    const file = join(dir, 'compose.yaml');
    const doc = parse(readFileSync(file, 'utf8')) as { services: { gateway: { ports?: string[] } } };
    expect(doc.services.gateway.ports).toEqual(['127.0.0.1:8080:8080']);
    delete doc.services.gateway.ports;
    writeFileSync(file, stringify(doc));

    const applied = cli(['apply', '--target', 'docker', '--yes', ...daemon]);
    expect(applied.code, applied.stderr).toBe(0);
    const name = `${project}-docker-mcp-gateway-1`;
    const info = await docker.getContainer(name).inspect();
    expect(info.State.Health?.Status).toBe('healthy');
    const ip = info.NetworkSettings.Networks[`${project}-docker-mcp_default`]?.IPAddress;
    expect(ip).toBeTruthy();
    const base = `http://${ip}:8080`;
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    const client = new Client({ name: 'init-docker-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token!}` } } }));
    const ping = await client.callTool({ name: 'system_ping', arguments: {} });
    expect(ping.isError, JSON.stringify(ping.content)).toBeFalsy();
    await client.close();

    const destroyed = cli(['destroy', '--target', 'docker', '--yes', ...daemon]);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    const left = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}-docker-mcp`] } });
    expect(left).toEqual([]);
  }, 120_000);
});
