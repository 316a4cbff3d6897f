// The journey from the registry, walked from a directory with no checkout: this package is packed
// (`npm pack`), installed from the tarball into an empty directory, `npx docker-mcp-gateway init`
// renders client configs there, and every client command those files contain is spawned exactly as
// written (command and args; only the credential placeholders in its env get real values, and the
// URL of an endpoint this machine cannot reach becomes the test gateway's) against a gateway
// started from the installed `docker-mcp` bin. MCP initialize and tools/list must succeed through
// each. npx runs offline with an empty cache: it must find `docker-mcp-gateway` in ./node_modules,
// never download (the name `docker-mcp` on the registry is somebody else's package).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { CONNECT_ENV } from '../../src/contract/connect-env.js';
import { repoRoot } from '../helpers/build.js';
import { testEnv } from '../helpers/env.js';
import { freePort } from '../helpers/free-port.js';
import { npmEnv, packAndInstall, type PackedResult } from '../helpers/packed-install.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A command line that runs `npx docker-mcp <subcommand>`, i.e. the registry's unrelated package. */
const RUNS_UNRELATED = /npx\s+(-y\s+)?docker-mcp\s+(init|serve|connect|plan|apply|status|destroy|doctor|image)\b/;

const run = promisify(execFile);
const token = randomBytes(32).toString('hex');
const AUD = 'a'.repeat(64);

interface Launch { command: string; args: string[]; env?: Record<string, string> }

/** npx with no network and an empty cache of its own, so any download attempt fails (ENOTCACHED). */
function offlineNpm(): { env: Record<string, string>; cache: string } {
  const cache = tempDir('dmcp-npx-cache-');
  return { cache, env: { npm_config_offline: 'true', npm_config_cache: cache, npm_config_update_notifier: 'false' } };
}

/** Nothing was fetched: npx keeps what it downloads under <cache>/_npx, and the cache stayed empty. */
function expectNothingDownloaded(cache: string): void {
  expect(existsSync(join(cache, '_npx')), `npx downloaded a package into ${cache}/_npx`).toBe(false);
  expect(existsSync(join(cache, '_cacache', 'content-v2')), `npm fetched something into ${cache}`).toBe(false);
}

/** Every object with a `command` in a client JSON file: what a client would spawn. */
function launches(file: string): [string, Launch][] {
  const found: [string, Launch][] = [];
  const walk = (value: unknown, path: string): void => {
    if (!value || typeof value !== 'object') return;
    const obj = value as Record<string, unknown>;
    if (typeof obj.command === 'string') found.push([path, obj as unknown as Launch]);
    else for (const [k, v] of Object.entries(obj)) walk(v, `${path}.${k}`);
  };
  walk(JSON.parse(readFileSync(file, 'utf8')), file.split('/').slice(-2).join('/'));
  return found;
}

let packed: PackedResult;
let dir = '';
let gateway: ChildProcess | undefined;
let gatewayUrl = '';
let gatewayLog = '';
const rendered: Record<string, string> = {};

function installed(ctx: TestContext): string {
  if (!packed.ok) {
    process.stderr.write(`packed-tarball-clients: skipped: ${packed.skip}\n`);
    ctx.skip(packed.skip);
  }
  return dir;
}

/** `npx -y docker-mcp-gateway init …` from the install directory, offline; returns its output folder. */
async function initFromInstall(name: string, args: string[]): Promise<string> {
  const { env, cache } = offlineNpm();
  const out = join(dir, name);
  await run('npx', ['-y', 'docker-mcp-gateway', 'init', '--yes', '-o', out, ...args], { cwd: dir, env: npmEnv(env) });
  expectNothingDownloaded(cache);
  return out;
}

beforeAll(async () => {
  packed = await packAndInstall();
  if (!packed.ok) return;
  dir = packed.install.dir;
  process.stderr.write(`packed-tarball-clients: npm install <tarball>: ${packed.install.installSeconds.toFixed(1)} s, node_modules ${packed.install.installedSize}\n`);
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}/mcp`;
  // The installed `docker-mcp` bin, not this checkout's.
  gateway = spawn(process.execPath, [join(dir, 'node_modules', '.bin', 'docker-mcp'), 'serve', '--port', String(port), '--docker-host', testEnv.dockerHost], {
    cwd: dir, env: npmEnv({ DOCKER_MCP_AUTH_TOKENS: `packed:read:${token}` }),
  });
  gateway.stdout!.on('data', (d: Buffer) => (gatewayLog += d.toString()));
  gateway.stderr!.on('data', (d: Buffer) => (gatewayLog += d.toString()));
  const deadline = Date.now() + 30_000;
  while ((await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined))?.status !== 200) {
    if (gateway.exitCode !== null || Date.now() > deadline) throw new Error(`installed gateway not ready:\n${gatewayLog}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  const access = ['--domain-suffix', 'example.com', '--auth-mode', 'both', '--cf-access-team', 'team', '--allowed-emails', 'a@example.com'];
  // The docker target on the test gateway's port: its docker-local entry needs no URL swap at all.
  rendered.docker = await initFromInstall('docker', ['--target', 'docker', '--port', String(port), ...access, '--cf-access-aud', AUD]);
  rendered.kubernetes = await initFromInstall('kubernetes', access);
  // No domain: the configs use the loopback end of a `kubectl port-forward` on --port, which is where
  // the test gateway listens, so they run as written (issue 16 item 7).
  rendered['kubernetes-port-forward'] = await initFromInstall('kubernetes-port-forward', ['--port', String(port)]);
}, 600_000);

afterAll(async () => {
  if (gateway?.exitCode === null) {
    const exited = new Promise((r) => gateway!.once('exit', r));
    gateway.kill('SIGTERM');
    await exited;
  }
});

describe('the packed tarball, installed into an empty directory', () => {
  it('is docker-mcp-gateway with the bins docker-mcp and docker-mcp-gateway, on one launcher', async (ctx) => {
    installed(ctx);
    if (!packed.ok) return;
    const { stdout } = await run('tar', ['-xzOf', packed.install.tarball, 'package/package.json']);
    const meta = JSON.parse(stdout) as { name: string; bin: Record<string, string> };
    expect(meta.name).toBe('docker-mcp-gateway');
    expect(meta.bin).toEqual({ 'docker-mcp': 'bin/docker-mcp.js', 'docker-mcp-gateway': 'bin/docker-mcp.js' });
    const pkg = realpathSync(join(dir, 'node_modules', 'docker-mcp-gateway'));
    // A copy from the tarball, not a link back into this checkout.
    expect(pkg.startsWith(realpathSync(repoRoot))).toBe(false);
    for (const bin of ['docker-mcp', 'docker-mcp-gateway']) {
      expect(realpathSync(join(dir, 'node_modules', '.bin', bin))).toBe(join(pkg, 'bin', 'docker-mcp.js'));
    }
  });

  it('runs from both bins through npx, offline; connect --help shows a config that runs this package', async (ctx) => {
    installed(ctx);
    const { env, cache } = offlineNpm();
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', 'docker-mcp-gateway', 'package.json'), 'utf8')) as { version: string };
    for (const bin of ['docker-mcp-gateway', 'docker-mcp']) {
      const { stdout } = await run('npx', ['-y', bin, '--version'], { cwd: dir, env: npmEnv(env) });
      expect(stdout.trim(), bin).toBe(pkg.version);
    }
    const help = await run('npx', ['-y', 'docker-mcp-gateway', 'connect', '--help'], { cwd: dir, env: npmEnv(env) });
    expect(help.stdout).toContain('"args": ["-y", "docker-mcp-gateway", "connect", ');
    expect(help.stdout).not.toMatch(RUNS_UNRELATED);
    expect(help.stdout).not.toContain('"-y", "docker-mcp",');
    expectNothingDownloaded(cache);
  });

  it('renders client configs that run this package, never the registry\'s unrelated docker-mcp', (ctx) => {
    installed(ctx);
    for (const out of Object.values(rendered)) {
      for (const file of readdirSync(join(out, 'clients'))) {
        const path = join(out, 'clients', file);
        // Every package runner names this package: `npx docker-mcp …` would fetch somebody else's.
        const runners = file.endsWith('.json')
          ? launches(path).filter(([, l]) => l.command === 'npx').map(([, l]) => l.args.find((a) => !a.startsWith('-')))
          : [...readFileSync(path, 'utf8').matchAll(/\bnpx\s+(?:-y\s+)?(\S+)/g)].map((m) => m[1]);
        for (const name of runners) expect(name, file).toBe('docker-mcp-gateway');
      }
      expect(readFileSync(join(out, 'NOTES.md'), 'utf8')).not.toMatch(RUNS_UNRELATED);
    }
  });

  for (const target of ['docker', 'kubernetes', 'kubernetes-port-forward'] as const) {
    it(`runs every client command rendered for --target ${target} exactly as written, through npx, offline, to the gateway`, async (ctx) => {
      installed(ctx);
      const all = readdirSync(join(rendered[target]!, 'clients')).filter((f) => f.endsWith('.json'))
        .flatMap((f) => launches(join(rendered[target]!, 'clients', f)));
      // Claude Desktop's entries: docker-remote and docker-local (docker), docker-remote (a domain),
      // docker-port-forward (no domain).
      expect(all.length).toBeGreaterThanOrEqual(target === 'docker' ? 2 : 1);
      const values: Record<string, string> = { [CONNECT_ENV.token]: token, [CONNECT_ENV.cfAccessClientId]: 'svc.access', [CONNECT_ENV.cfAccessClientSecret]: 'cf-secret-1234' };
      for (const [where, launch] of all) {
        expect(launch.command, where).toBe('npx');
        expect(launch.args.slice(0, 3), where).toEqual(['-y', 'docker-mcp-gateway', 'connect']);
        // The only argument swapped: an endpoint URL this machine cannot reach (the tunnel's) becomes
        // the test gateway's. docker-local and docker-port-forward already are that URL.
        const url = launch.args.at(-1)!;
        if (/docker-(local|port-forward)$/.test(where)) expect(url).toBe(gatewayUrl);
        else expect(url, where).toMatch(/^https:\/\//);
        const args = [...launch.args.slice(0, -1), gatewayUrl];
        const env = Object.fromEntries(Object.keys(launch.env ?? {}).map((k) => {
          expect(values[k], `${where}: unknown env ${k}`).toBeDefined();
          return [k, values[k]!];
        }));
        const npm = offlineNpm();
        let stderr = '';
        const transport = new StdioClientTransport({ command: launch.command, args, env: { ...npmEnv(npm.env), ...env }, cwd: dir, stderr: 'pipe' });
        transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
        const client = new Client({ name: `packed-${target}`, version: '0' });
        try {
          await client.connect(transport);
          const { tools } = await client.listTools();
          expect(tools.map((t) => t.name), `${where}\n${stderr}`).toContain('system_ping');
        } catch (error) {
          throw new Error(`${where}: ${launch.command} ${args.join(' ')} failed: ${(error as Error).message}\n${stderr}\n${gatewayLog}`);
        } finally {
          await client.close().catch(() => undefined);
        }
        expectNothingDownloaded(npm.cache);
      }
    }, 120_000);
  }

  it('serves MCP over stdio with `npx -y docker-mcp-gateway serve --stdio`, offline', async (ctx) => {
    installed(ctx);
    const npm = offlineNpm();
    const transport = new StdioClientTransport({
      command: 'npx', args: ['-y', 'docker-mcp-gateway', 'serve', '--stdio', '--docker-host', testEnv.dockerHost], env: npmEnv(npm.env), cwd: dir, stderr: 'pipe',
    });
    const client = new Client({ name: 'packed-stdio', version: '0' });
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('system_ping');
    await client.close();
    expectNothingDownloaded(npm.cache);
  }, 60_000);
});
