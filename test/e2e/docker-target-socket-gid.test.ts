// The socket's group, from init to status, with the real gateway image on the private daemon (its
// socket is root:<docker group> 0660, and the gateway runs as 10001): init reads the group id from
// the socket when none is given; with a wrong one the gateway cannot reach Docker, so its /ready is
// 503 and the rendered health check (which asks /ready) keeps it unhealthy: apply exits 1 with
// /ready's cause and status exits 1 showing it. With the detected one, both say healthy (exit 0).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { binPath, ensureBuilt } from '../helpers/build.js';
import { testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { GATEWAY_TEST_IMAGE, ensureGatewayImage } from '../helpers/gateway-image.js';

type Compose = { services: Record<string, { group_add?: string[]; ports?: string[]; healthcheck?: Record<string, unknown> }> };

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [binPath, ...args], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, CI: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('docker target: the Docker socket group', () => {
  const docker = testDocker();
  const root = mkdtempSync(join(tmpdir(), 'dmcp-gid-e2e-'));
  const dirs: string[] = [];
  let gid = 0;

  /** init --yes --target docker into a fresh folder; gateway.env made with NOTES.md's command; port not published (no iptables on the private daemon). */
  const render = (extra: string[]): { dir: string; compose: Compose } => {
    const dir = join(root, String(dirs.length));
    dirs.push(dir);
    const init = cli(['init', '--yes', '--target', 'docker', '--output-dir', dir, '--project-name', uniqueName('gid'),
      '--docker-image', GATEWAY_TEST_IMAGE, ...extra]);
    expect(init.code, init.stderr).toBe(0);
    const command = /`(\(umask 077 && printf [^`]+)`/.exec(readFileSync(join(dir, 'NOTES.md'), 'utf8'))?.[1];
    execFileSync('sh', ['-c', command!], { cwd: dir });
    const compose = parse(readFileSync(join(dir, 'compose.yaml'), 'utf8')) as Compose;
    return { dir, compose };
  };
  const write = (dir: string, compose: Compose): void => writeFileSync(join(dir, 'compose.yaml'), stringify(compose));
  const daemon = (dir: string): string[] => ['--dir', dir, '--docker-host', testEnv.dockerHost];

  beforeAll(async () => {
    ensureBuilt();
    gid = statSync(testEnv.dockerSocket).gid;
    await ensureGatewayImage(docker, testEnv.dockerHost);
  }, 300_000);

  afterAll(() => {
    for (const dir of dirs) cli(['destroy', '--target', 'docker', '--yes', ...daemon(dir)]);
    rmSync(root, { recursive: true, force: true });
  });

  it('init reads the group from the socket, keeps a given one, and keeps the default (with the check in NOTES.md) when there is no socket', () => {
    expect(gid).not.toBe(999);
    expect(render(['--docker-socket-path', testEnv.dockerSocket]).compose.services.gateway!.group_add).toEqual([String(gid)]);
    expect(render(['--docker-socket-path', testEnv.dockerSocket, '--docker-socket-gid', '4242']).compose.services.gateway!.group_add).toEqual(['4242']);
    const missing = render(['--docker-socket-path', join(root, 'no-such.sock')]);
    expect(missing.compose.services.gateway!.group_add).toEqual(['999']);
    expect(readFileSync(join(missing.dir, 'NOTES.md'), 'utf8')).toContain(`stat -c %g ${join(root, 'no-such.sock')}`);
  });

  it('a wrong socket group: apply exits 1 with /ready\'s cause, and status exits 1 showing it', () => {
    const { dir, compose } = render(['--docker-socket-path', testEnv.dockerSocket, '--docker-socket-gid', String(gid + 1)]);
    const gateway = compose.services.gateway!;
    delete gateway.ports;
    // The rendered probe, on a short clock: unhealthy after ~3 s instead of the rendered ~60 s.
    expect(JSON.stringify(gateway.healthcheck?.test)).toContain('/ready');
    Object.assign(gateway.healthcheck!, { interval: '1s', retries: 2, start_period: '1s', start_interval: '1s' });
    write(dir, compose);

    const applied = cli(['apply', '--target', 'docker', ...daemon(dir)]);
    expect(applied.code, applied.stdout + applied.stderr).toBe(1);
    expect(applied.stderr).toMatch(/unhealthy; its last health check said: 503 .*permission denied/);
    expect(applied.stderr).toContain("is the gateway user in the socket's group?");
    const status = cli(['status', '--target', 'docker', ...daemon(dir)]);
    expect(status.code, status.stdout + status.stderr).toBe(1);
    expect(status.stdout).toContain('NOT healthy');
    expect(status.stdout).toMatch(/last health check: 503 .*permission denied/);
  }, 120_000);

  it('the detected group: apply and status say healthy (exit 0)', () => {
    const { dir, compose } = render(['--docker-socket-path', testEnv.dockerSocket]);
    expect(compose.services.gateway!.group_add).toEqual([String(gid)]);
    delete compose.services.gateway!.ports;
    write(dir, compose);
    const applied = cli(['apply', '--target', 'docker', ...daemon(dir)]);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const status = cli(['status', '--target', 'docker', ...daemon(dir)]);
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toMatch(/healthy[\s\S]*running \(healthy\)/);
  }, 120_000);
});
