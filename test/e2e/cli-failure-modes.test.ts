// Every command of the bin through its documented failure modes, black-box: missing or invalid
// input, no kubeconfig, no terraform/kubectl on PATH, an unreachable Docker daemon, a missing
// rendered folder, a compose render without gateway.env, a missing image. Each run must exit with
// the documented code (README "Exit codes": 1 run-time failure, 2 bad input) and print a short true
// cause with no stack trace and no "unexpected error"; the Docker cases (on the harness's private
// daemon, never the machine's default one) must leave no container, network or volume behind.
import { spawn } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, ensureBuilt } from '../helpers/build.js';
import { testDocker, testEnv, uniqueName } from '../helpers/env.js';

const root = mkdtempSync(join(tmpdir(), 'dmcp-failures-'));
/** PATH with neither terraform nor kubectl (nor docker): the bin is started with node's absolute path. */
const emptyPath = join(root, 'empty-bin');
/** HOME without ~/.kube/config; KUBECONFIG unset. */
const home = join(root, 'home');
const NO_DAEMON = `unix://${join(root, 'no-such-dir', 'docker.sock')}`;

interface Run { code: number | null; stdout: string; stderr: string }

function cli(args: string[], opts: { cwd?: string; env?: Record<string, string>; stdin?: 'open' } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd: opts.cwd ?? root,
      // 'open': a pipe never written to nor closed, as an MCP client holds a spawned server's stdin.
      stdio: [opts.stdin === 'open' ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      // Nothing from the developer's shell: no kubeconfig, no DOCKER_MCP_*, no default daemon.
      env: { PATH: emptyPath, HOME: home, CI: '1', NO_COLOR: '1', DOCKER_HOST: NO_DAEMON, ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', () => child.stdin?.destroy());
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `--yes` where the command has it (plan and status never change anything, so they do not). */
const yes = (action: string): string[] => (action === 'apply' || action === 'destroy' ? ['--yes'] : []);

/** What a person must never see: a stack frame, a raw Node error, or "unexpected error". */
function expectClean(run: Run, expectedCode: number, cause: RegExp): void {
  const all = `${run.stdout}\n${run.stderr}`;
  const where = `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
  expect(all, where).not.toMatch(/^\s+at .+(:\d+:\d+\)?|\(native\))$/m);
  expect(all, where).not.toMatch(/unexpected error/i);
  expect(all, where).not.toMatch(/^(\w+)?Error: |node:internal|\[ERR_[A-Z_]+\]/m);
  expect(run.code, where).toBe(expectedCode);
  expect(all, where).toMatch(cause);
}

beforeAll(() => {
  ensureBuilt();
  mkdirSync(emptyPath, { recursive: true });
  mkdirSync(home, { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.concurrent('usage errors (exit 2, nothing written)', () => {
  it('unknown command', async () => expectClean(await cli(['frobnicate']), 2, /unknown command/));
  it('init: unknown flag', async () => expectClean(await cli(['init', '--yes', '--bogus']), 2, /unknown option/));
  it('init: invalid value, nothing written', async () => {
    const out = join(root, 'init-invalid');
    expectClean(await cli(['init', '--yes', '--output-dir', out, '--port', 'eighty']), 2, /port/);
    expect(existsSync(out)).toBe(false);
  });
  it('init: docker-mcp.yaml that is not YAML, nothing written', async () => {
    const cwd = join(root, 'bad-yaml');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, 'docker-mcp.yaml'), 'port: [\n');
    expectClean(await cli(['init', '--yes', '--output-dir', 'out'], { cwd }), 2, /docker-mcp\.yaml/);
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });
  it('init: --output-dir under a file (exit 1, one line)', async () => {
    writeFileSync(join(root, 'a-file'), '');
    expectClean(await cli(['init', '--yes', '--output-dir', join(root, 'a-file', 'out')]), 1, /cannot write to .*a-file/);
  });
  // Node's recursive mkdir never returns under /proc; init made folders that way and hung.
  for (const dir of ['/proc/docker-mcp-x', '/proc/docker-mcp-x/deeper']) {
    it(`init: --output-dir ${dir} (exit 1 at once, one line, nothing written)`, async () => {
      const started = Date.now();
      const run = await cli(['init', '--yes', '--output-dir', dir]);
      expectClean(run, 1, /cannot write to \/proc\/docker-mcp-x \(/);
      expect(run.stderr.split('\n').filter((l) => l.startsWith('docker-mcp:'))).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(existsSync('/proc/docker-mcp-x')).toBe(false);
    });
  }
  it('init: invalid --target', async () => expectClean(await cli(['init', '--yes', '--target', 'nomad']), 2, /target/));
  it('plan: invalid --target', async () => expectClean(await cli(['plan', '--target', 'nomad']), 2, /target/));
  it('apply --target kubectl: bad --timeout', async () =>
    expectClean(await cli(['apply', '--target', 'kubectl', '--timeout', 'soon', '--dir', join(root, 'nowhere')]), 2, /--timeout|does not exist/));
  it('image build: bad --tag', async () => expectClean(await cli(['image', 'build', '--tag', 'UPPER CASE']), 2, /--tag/));
  it('image build: bad --docker-host', async () => expectClean(await cli(['image', 'build', '--docker-host', 'ftp://x']), 2, /--docker-host/));
  it('serve: invalid setting', async () => expectClean(await cli(['serve', '--port', 'eighty']), 2, /port/));
  it('serve: port already in use (exit 1)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expectClean(await cli(['serve', '--host', '127.0.0.1', '--port', String(port)]), 1, /already in use/);
    } finally {
      server.close();
    }
  });
  it('connect: no URL', async () => expectClean(await cli(['connect']), 2, /url|argument/i));
  it('connect: not a URL', async () => expectClean(await cli(['connect', 'not a url']), 2, /url/i));
});

// connect checks the gateway before bridging: a client that spawns it gets exit 1 and the cause,
// with stdin still open (a client keeps it open; closing it is a clean exit 0).
describe.concurrent('connect to a gateway it cannot use (exit 1, one line)', () => {
  const connect = (args: string[], env: Record<string, string> = {}): Promise<Run> => cli(['connect', ...args], { env, stdin: 'open' });
  it('connection refused', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    expectClean(await connect([`http://127.0.0.1:${port}/mcp`]), 1, new RegExp(`connection refused \\(nothing listens on 127\\.0\\.0\\.1:${port}`));
  });
  it('DNS failure', async () => expectClean(await connect(['https://gateway.invalid/mcp']), 1, /gateway\.invalid does not resolve|no answer/));
  for (const [status, cause] of [[401, /HTTP 401\): check DOCKER_MCP_TOKEN/], [403, /HTTP 403/], [404, /HTTP 404/], [502, /HTTP 502/]] as const) {
    it(`HTTP ${status}`, async () => {
      const server = createHttpServer((_req, res) => res.writeHead(status).end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      try {
        const run = await connect([`http://127.0.0.1:${port}/mcp`], { DOCKER_MCP_TOKEN: 'not-the-right-token-123' });
        expectClean(run, 1, cause);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
        expect(run.stderr).not.toContain('not-the-right-token-123');
      } finally {
        server.close();
      }
    });
  }
});

describe.concurrent('missing rendered folder (exit 2)', () => {
  const nowhere = join(root, 'not-rendered');
  for (const action of ['plan', 'apply', 'destroy']) {
    it(`${action} --target terraform`, async () => expectClean(await cli([action, ...yes(action), '--dir', nowhere]), 2, /not-rendered/));
    it(`${action} --target kubectl`, async () => expectClean(await cli([action, '--target', 'kubectl', ...yes(action), '--dir', nowhere]), 2, /not-rendered/));
    it(`${action} --target docker`, async () => expectClean(await cli([action, '--target', 'docker', ...yes(action), '--dir', nowhere]), 2, /compose\.yaml/));
  }
  it('status --target docker', async () => expectClean(await cli(['status', '--target', 'docker', '--dir', nowhere]), 2, /compose\.yaml/));
});

describe.concurrent('missing tools and cluster access (exit 1)', () => {
  // A real init render is the input each of these would get.
  const rendered = join(root, 'rendered');
  let rendering: Promise<Run> | undefined;
  const ready = (): Promise<Run> => (rendering ??= cli(['init', '--yes', '--output-dir', rendered, '--format', 'both']));

  it('init renders without kubectl on PATH', async () => expectClean(await ready(), 0, /create/));
  for (const action of ['plan', 'apply', 'destroy']) {
    it(`${action} --target terraform without terraform on PATH`, async () => {
      await ready();
      expectClean(await cli([action, ...yes(action)], { cwd: rendered }), 1, /terraform was not found/);
    });
    it(`${action} --target kubectl without a kubeconfig`, async () => {
      await ready();
      expectClean(await cli([action, '--target', 'kubectl', ...yes(action)], { cwd: rendered }), 1, /no kubeconfig found/);
    });
  }
  it('apply --target kubectl with a --kubeconfig that does not exist', async () => {
    await ready();
    expectClean(await cli(['apply', '--target', 'kubectl', '--yes', '--kubeconfig', join(root, 'nope.yaml')], { cwd: rendered }), 1, /kubeconfig/);
  });
  it('status without a kubeconfig', async () => expectClean(await cli(['status']), 1, /no kubeconfig found/));
  it('status --json without a kubeconfig', async () => expectClean(await cli(['status', '--json']), 1, /no kubeconfig found/));
  it('status with an unknown --context', async () => {
    const kubeconfig = join(root, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    expectClean(await cli(['status', '--kubeconfig', kubeconfig, '--context', 'gone']), 2, /no context "gone"/);
  });
  it('status with an unreachable cluster', async () => {
    const kubeconfig = join(root, 'kubeconfig-down.yaml');
    writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'current-context: down',
      'clusters: [{name: down, cluster: {server: "https://127.0.0.1:1"}}]',
      'contexts: [{name: down, context: {cluster: down, user: me}}]', 'users: [{name: me, user: {token: x}}]', '',
    ].join('\n'));
    expectClean(await cli(['status', '--kubeconfig', kubeconfig]), 1, /ECONNREFUSED|cannot/);
  });
  it('doctor without a kubeconfig', async () => expectClean(await cli(['doctor']), 1, /no kubeconfig found/));
  it('doctor --json without a kubeconfig', async () => expectClean(await cli(['doctor', '--json']), 1, /no kubeconfig found/));
});

describe.concurrent('unreachable Docker daemon (exit 1)', () => {
  const dir = join(root, 'compose-nodaemon');
  let rendering: Promise<void> | undefined;
  const ready = (): Promise<void> => (rendering ??= cli(['init', '--yes', '--target', 'docker', '--output-dir', dir])
    .then(() => writeFileSync(join(dir, 'gateway.env'), 'DOCKER_MCP_AUTH_TOKENS=x\n')));
  for (const action of ['plan', 'apply', 'destroy', 'status']) {
    it(`${action} --target docker`, async () => {
      await ready();
      expectClean(await cli([action, '--target', 'docker', ...yes(action), '--dir', dir]), 1, /Docker daemon unreachable/);
    });
  }
  it('image build', async () => expectClean(await cli(['image', 'build']), 1, /Docker Engine|daemon/));
});

describe('docker target on the private daemon: nothing half-created', () => {
  const docker = testDocker();
  const dir = join(root, 'compose');
  const project = uniqueName('dmcp-fail');
  const daemon = (): string[] => ['--dir', dir, '--docker-host', testEnv.dockerHost];

  async function leftovers(): Promise<string[]> {
    // init names the compose project after --project-name (with a suffix): match by prefix.
    const filters = { label: ['com.docker.compose.project'] };
    const ours = (labels: Record<string, string> | null | undefined): boolean => Boolean(labels?.['com.docker.compose.project']?.startsWith(project));
    const containers = (await docker.listContainers({ all: true, filters })).filter((c) => ours(c.Labels));
    const networks = (await docker.listNetworks({ filters })).filter((n) => ours(n.Labels));
    const volumes = ((await docker.listVolumes({ filters })).Volumes ?? []).filter((v) => ours(v.Labels));
    return [...containers.map((c) => c.Names[0]!), ...networks.map((n) => n.Name), ...volumes.map((v) => v.Name)];
  }

  beforeAll(async () => {
    const init = await cli(['init', '--yes', '--target', 'docker', '--output-dir', dir, '--project-name', project,
      '--docker-image', `${project}-missing:1`, '--docker-socket-path', testEnv.dockerSocket,
      '--docker-socket-gid', String(statSync(testEnv.dockerSocket).gid)]);
    expect(init.code, init.stderr).toBe(0);
  });
  afterAll(async () => {
    await cli(['destroy', '--target', 'docker', '--yes', ...daemon()]);
  });

  it('apply without gateway.env: exit 2, says how to create it, creates nothing', async () => {
    expect(existsSync(join(dir, 'gateway.env'))).toBe(false);
    const run = await cli(['apply', '--target', 'docker', '--yes', ...daemon()]);
    expect(await leftovers()).toEqual([]);
    expectClean(run, 2, /gateway\.env\.example/);
  });
  it('plan and status without gateway.env: exit 2', async () => {
    expectClean(await cli(['plan', '--target', 'docker', ...daemon()]), 2, /gateway\.env/);
    expectClean(await cli(['status', '--target', 'docker', ...daemon()]), 2, /gateway\.env/);
  });
  it('destroy without gateway.env still works (nothing to remove)', async () => {
    expectClean(await cli(['destroy', '--target', 'docker', '--yes', ...daemon()]), 0, /Removed 0 container/);
  });
  it('apply with a missing image: exit 1, names the image and `image build`, creates nothing', async () => {
    writeFileSync(join(dir, 'gateway.env'), 'DOCKER_MCP_AUTH_TOKENS=x\n');
    const run = await cli(['apply', '--target', 'docker', '--yes', ...daemon()]);
    expect(await leftovers()).toEqual([]);
    expectClean(run, 1, new RegExp(`${project}-missing:1[\\s\\S]*image build`));
  });
  // No registry is reachable here, so the daemon's pull of a base image it does not have fails for
  // real: the default node:20-bookworm-slim, and a name nobody publishes.
  for (const base of [undefined, `${project}-nobase/node:20`]) {
    it(`image build without the base image ${base ?? '(default)'}: one line cause and how to proceed, nothing tagged`, async () => {
      const tag = `${project}-built:1`;
      const run = await cli(['image', 'build', '--tag', tag, ...(base ? ['--base-image', base] : []), '--docker-host', testEnv.dockerHost]);
      const name = base ?? 'node:20-bookworm-slim';
      expectClean(run, 1, new RegExp(`base image ${name.replace(/[.:/]/g, '\\$&')} is not on the Docker daemon`));
      const last = run.stderr.trim().split('\n').filter((l) => l.startsWith('docker-mcp:'));
      expect(last, run.stderr).toHaveLength(1);
      expect(last[0]).toMatch(/^docker-mcp: Image build failed: the base image .* could not be pulled \(.*\): pass --base-image <an image `docker images` lists>.*docker load/);
      expect(await docker.listImages({ filters: { reference: [tag] } })).toEqual([]);
    }, 120_000);
  }
  it('status with a missing image: reports, no stack', async () => {
    expectClean(await cli(['status', '--target', 'docker', ...daemon()]), 1, /NOT healthy/);
  });
});

describe('docker target: a container create the daemon refuses is rolled back', () => {
  const docker = testDocker();
  const dir = join(root, 'compose-rollback');
  const project = uniqueName('dmcp-rb');

  afterAll(async () => {
    await cli(['destroy', '--target', 'docker', '--yes', '--dir', dir, '--docker-host', testEnv.dockerHost]);
  });

  it('apply: exit 1 with the daemon\'s one-line cause, and no network or container left', async () => {
    const init = await cli(['init', '--yes', '--target', 'docker', '--output-dir', dir, '--project-name', project,
      '--docker-socket-path', testEnv.dockerSocket, '--docker-socket-gid', String(statSync(testEnv.dockerSocket).gid)]);
    expect(init.code, init.stderr).toBe(0);
    writeFileSync(join(dir, 'gateway.env'), 'DOCKER_MCP_AUTH_TOKENS=x\n');
    // Every precondition holds (the image is on the daemon, no name is taken), so apply creates the
    // network; then the daemon refuses the container itself: more CPUs than this machine has.
    const file = join(dir, 'compose.yaml');
    const doc = parse(readFileSync(file, 'utf8')) as { name: string; services: { gateway: Record<string, unknown> & { deploy: { resources: { limits: Record<string, unknown> } } } } };
    doc.services.gateway.image = testEnv.testImage;
    doc.services.gateway.deploy.resources.limits.cpus = '4096';
    writeFileSync(file, stringify(doc));

    const run = await cli(['apply', '--target', 'docker', '--yes', '--dir', dir, '--docker-host', testEnv.dockerHost]);
    expectClean(run, 1, /CPU/);
    expect(run.stdout + run.stderr).toMatch(new RegExp(`Removed network ${doc.name}_default`));
    const mine = { label: [`com.docker.compose.project=${doc.name}`] };
    expect(await docker.listContainers({ all: true, filters: mine })).toEqual([]);
    expect((await docker.listNetworks({ filters: mine })).map((n) => n.Name)).toEqual([]);
    expect((await docker.listNetworks({ filters: { name: [`${doc.name}_default`] } })).map((n) => n.Name)).toEqual([]);
  }, 120_000);
});

