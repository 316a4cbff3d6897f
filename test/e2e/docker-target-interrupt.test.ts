// Ctrl+C during `apply --target docker`, through the real bin on the private daemon. The moment is
// made deterministic from the outside: the test polls the daemon until the project's network (or
// container) exists, then sends SIGINT. apply must stop, remove what this run created (a first
// apply), say so in one line and exit 130; over a project that existed before, it removes nothing
// and says what is left and how to remove it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { renderCompose } from '../../src/templates/compose/render.js';
import { binPath, ensureBuilt } from '../helpers/build.js';
import { testDocker, testEnv, uniqueName } from '../helpers/env.js';

type Doc = { services: Record<string, Record<string, unknown>> };
interface Run { code: number | null; stderr: string; stdout: string }

describe('Ctrl+C during apply --target docker', () => {
  const docker = testDocker();
  const dirs: string[] = [];

  /** A compose folder whose gateway (busybox) stays "starting" for a minute, so apply is still waiting when signalled. */
  const folder = (healthy = false): { dir: string; project: string } => {
    const project = uniqueName('dmcp-int');
    const dir = mkdtempSync(join(tmpdir(), 'dmcp-int-'));
    dirs.push(dir);
    const doc = parse(renderCompose({
      project, image: testEnv.testImage, port: 8080, publish: false,
      dockerSocket: testEnv.dockerSocket, dockerSocketGid: statSync(testEnv.dockerSocket).gid,
    }).contents) as Doc;
    doc.services.gateway!.command = ['sleep', '3600'];
    doc.services.gateway!.healthcheck = healthy
      ? { test: ['CMD', 'true'], interval: '1s', retries: 3 }
      : { test: ['CMD', 'false'], interval: '1s', retries: 3, start_period: '60s' };
    writeFileSync(join(dir, 'compose.yaml'), stringify(doc));
    return { dir, project };
  };
  const args = (dir: string): string[] => ['apply', '--target', 'docker', '--dir', dir, '--docker-host', testEnv.dockerHost];

  /** apply in a child; `when` polls the daemon, and the child gets SIGINT once it is true. */
  const interruptWhen = async (dir: string, when: () => Promise<boolean>): Promise<Run> => {
    const child = spawn(process.execPath, [binPath, ...args(dir)], { env: { ...process.env, CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!(await when())) {
      if (Date.now() > deadline || child.exitCode !== null) break;
      await sleep(10);
    }
    child.kill('SIGINT');
    return { code: await exited, stdout, stderr };
  };
  const network = (project: string) => async (): Promise<boolean> =>
    (await docker.listNetworks({ filters: { name: [`${project}_default`] } })).length > 0;
  const containers = (project: string) => docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
  const nothingLeft = async (project: string): Promise<void> => {
    expect(await containers(project)).toEqual([]);
    expect(await network(project)()).toBe(false);
  };

  beforeAll(() => ensureBuilt());
  afterAll(async () => {
    for (const dir of dirs) {
      await new Promise((resolve) => spawn(process.execPath, [binPath, 'destroy', '--target', 'docker', '--yes', '--dir', dir, '--docker-host', testEnv.dockerHost]).on('close', resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('during a pull that never ends: stops at once, nothing created, exit 130', async () => {
    // A "registry" that accepts connections and never answers: the daemon's pull hangs on it.
    const held: Socket[] = [];
    const registry = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    try {
      const { dir, project } = folder();
      const doc = parse(readFileSync(join(dir, 'compose.yaml'), 'utf8')) as Doc;
      doc.services.gateway!.image = `127.0.0.1:${(registry.address() as AddressInfo).port}/never/answers:1`;
      writeFileSync(join(dir, 'compose.yaml'), stringify(doc));
      const started = Date.now();
      const run = await interruptWhen(dir, () => Promise.resolve(held.length > 0));
      expect(run.code, run.stderr).toBe(130);
      expect(run.stderr).toContain('docker-mcp: interrupted; nothing was created or changed.');
      // Not after the daemon's own registry timeouts (~25 s here): the request is aborted.
      expect(Date.now() - started).toBeLessThan(8_000);
      await nothingLeft(project);
    } finally {
      for (const socket of held) socket.destroy();
      registry.close();
    }
  }, 90_000);

  it('right after the network is created: removes it (and the container, if it got that far), exit 130', async () => {
    const { dir, project } = folder();
    const run = await interruptWhen(dir, network(project));
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toMatch(new RegExp(`^docker-mcp: interrupted; removed what this apply created \\(.*network ${project}_default\\)\\n$`, 'm'));
    await nothingLeft(project);
  }, 90_000);

  it('once the container exists (apply waiting for health): removes container and network, exit 130', async () => {
    const { dir, project } = folder();
    const run = await interruptWhen(dir, async () => (await containers(project)).length > 0);
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain(`docker-mcp: interrupted; removed what this apply created (container ${project}-gateway-1, network ${project}_default)`);
    await nothingLeft(project);
  }, 90_000);

  it('over a project that existed before: removes nothing, says what is left and how to remove it', async () => {
    const { dir, project } = folder(true);
    const first = spawnSync(process.execPath, [binPath, ...args(dir)], { encoding: 'utf8', timeout: 60_000 });
    expect(first.status, first.stderr).toBe(0);
    const before = (await containers(project))[0]!.Id;
    // A changed health check recreates the container; interrupt once the new one exists.
    const doc = parse(readFileSync(join(dir, 'compose.yaml'), 'utf8')) as Doc;
    doc.services.gateway!.healthcheck = { test: ['CMD', 'false'], interval: '1s', retries: 3, start_period: '60s' };
    writeFileSync(join(dir, 'compose.yaml'), stringify(doc));
    const run = await interruptWhen(dir, async () => (await containers(project)).some((c) => c.Id !== before));
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain(`docker-mcp: interrupted; project ${project} existed before this apply, so nothing was removed. ` +
      `This run made: container ${project}-gateway-1. Re-run apply to finish; \`docker-mcp destroy --target docker --dir ${dir}\` removes it.`);
    expect((await containers(project)).map((c) => c.Names[0])).toEqual([`/${project}-gateway-1`]);
    expect(await network(project)()).toBe(true);
  }, 90_000);
});
