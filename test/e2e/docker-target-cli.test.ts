// `plan|apply|status|destroy --target docker` through the real bin against the private daemon:
// exit codes, "up to date" on the second apply, --json, and the two classes of bad input (no
// compose.yaml; an unreachable daemon), each changing nothing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCompose } from '../../src/templates/compose/render.js';
import { binPath, ensureBuilt } from '../helpers/build.js';
import { testDocker, testEnv, uniqueName } from '../helpers/env.js';

type Doc = { services: Record<string, Record<string, unknown>> };

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [binPath, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('docker target through the CLI', () => {
  const project = uniqueName('dmcp-cli');
  const dir = mkdtempSync(join(tmpdir(), 'dmcp-cli-compose-'));
  const hostArgs = ['--dir', dir, '--docker-host', '' as string];

  beforeAll(() => {
    ensureBuilt();
    hostArgs[3] = testEnv.dockerHost;
    const rendered = renderCompose({
      project,
      image: testEnv.testImage,
      port: 8080,
      dockerSocket: testEnv.dockerSocket,
      dockerSocketGid: statSync(testEnv.dockerSocket).gid,
      publish: false,
    });
    // busybox cannot serve MCP: keep the rendered hardening, swap only what the process does.
    const doc = parse(rendered.contents) as Doc;
    doc.services.gateway!.command = ['sleep', '3600'];
    doc.services.gateway!.healthcheck = { test: ['CMD', 'true'], interval: '1s', retries: 3 };
    writeFileSync(join(dir, 'compose.yaml'), stringify(doc));
  });

  afterAll(() => {
    cli(['destroy', '--target', 'docker', '--yes', ...hostArgs]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('plans changes (exit 3), applies, then reports up to date and healthy', async () => {
    expect(cli(['plan', '--target', 'docker', ...hostArgs]).code).toBe(3);
    const first = cli(['apply', '--target', 'docker', '--yes', ...hostArgs]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('created');
    const running = await testDocker().listContainers({ filters: { label: [`com.docker.compose.project=${project}`] } });
    expect(running.map((c) => c.State)).toEqual(['running']);

    const second = cli(['apply', '--target', 'docker', ...hostArgs]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Up to date');
    expect(cli(['plan', '--target', 'docker', ...hostArgs]).code).toBe(0);

    const status = cli(['status', '--target', 'docker', '--json', ...hostArgs]);
    expect(status.code, status.stderr).toBe(0);
    const parsed = JSON.parse(status.stdout) as { healthy: boolean; services: { service: string; upToDate: boolean }[] };
    expect(parsed.healthy).toBe(true);
    expect(parsed.services).toEqual([expect.objectContaining({ service: 'gateway', upToDate: true })]);
  });

  it('destroy without --yes and without a terminal refuses (exit 2) and removes nothing', async () => {
    const refused = cli(['destroy', '--target', 'docker', ...hostArgs]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const still = await testDocker().listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
    expect(still).toHaveLength(1);

    const destroyed = cli(['destroy', '--target', 'docker', '--yes', ...hostArgs]);
    expect(destroyed.code).toBe(0);
    const gone = await testDocker().listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
    expect(gone).toHaveLength(0);
  });

  it('without a compose.yaml: exit 2 and says how to render one', () => {
    const empty = mkdtempSync(join(tmpdir(), 'dmcp-cli-empty-'));
    const result = cli(['apply', '--target', 'docker', '--dir', empty, '--docker-host', testEnv.dockerHost]);
    rmSync(empty, { recursive: true, force: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('init --target docker');
  });

  it('with an unreachable daemon: exit 1 naming the endpoint', () => {
    const result = cli(['apply', '--target', 'docker', '--dir', dir, '--docker-host', 'unix:///nonexistent/docker.sock']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Docker daemon unreachable at unix:///nonexistent/docker.sock');
  });
});
