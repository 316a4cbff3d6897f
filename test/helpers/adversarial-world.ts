// The world the adversarial suite attacks: its OWN private dockerd (so destructive calls and exact
// before/after snapshots cannot disturb or be disturbed by other test files), the busybox test
// image, fixtures the policy must protect, a loopback trap listener, and gateway child processes
// with the network recorder (net-recorder.js) preloaded.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { spawnGateway, type GatewayProcess } from './gateway-process.js';
import { createPrivateDaemon, unmountUnder, type PrivateDaemon } from './private-dockerd.js';
import { buildTestImage, TEST_IMAGE } from './test-image.js';

export const PROTECTED_NAME = 'cloudflared';
/** Stands in for the gateway's own container: a child process has none, so label protection is used. */
export const SELF_NAME = 'dmcp-gateway';
export const MANAGED_LABEL = 'dev.docker-mcp.managed';
export const NETWORK = 'advnet';
export const VOLUME = 'advdata';
/** A credential only the protected container holds: no tool, prompt or resource may ever show it. */
export const SECRET = `s3cr3t-${Math.random().toString(36).slice(2)}-tunnel-token`;

export interface Tokens { read: string; operate: string; admin: string }
export const TOKENS: Tokens = {
  read: 'adv-read-token-0123456789abcdef',
  operate: 'adv-operate-token-0123456789abcdef',
  admin: 'adv-admin-token-0123456789abcdef',
};

interface FixtureSpec {
  name: string;
  labels?: Record<string, string>;
  cmd: string[];
  env?: string[];
  aliases?: string[];
  start: boolean;
}

export const FIXTURES: FixtureSpec[] = [
  // `sh -c script $0 $1…`: the token sits on the command line (and in the env) as cloudflared's does.
  { name: PROTECTED_NAME, cmd: ['sh', '-c', 'sleep 3600', 'cloudflared', 'tunnel', 'run', '--token', SECRET], env: [`TUNNEL_TOKEN=${SECRET}`], aliases: ['tunnel'], start: true },
  { name: SELF_NAME, labels: { 'dev.docker-mcp.protected': 'true' }, cmd: ['sleep', '3600'], start: true },
  { name: 'web', labels: { [MANAGED_LABEL]: 'true' }, cmd: ['sleep', '3600'], aliases: ['web'], start: true },
  { name: 'worker', cmd: ['sleep', '3600'], start: true },
  { name: 'stopped', labels: { [MANAGED_LABEL]: 'true' }, cmd: ['sleep', '3600'], start: false },
];

export interface World {
  daemon: PrivateDaemon;
  docker: Dockerode;
  dir: string;
  /** The only host directory containers may bind (writable; holds `sub/` and `link -> /`). */
  allowedDir: string;
  image: string;
  imageId: string;
  hostNetworkId: string;
  protectedIds: Map<string, string>;
  /** Namespace modes an ordinary container gets on this daemon (cgroupns is `host` on cgroup v1). */
  defaultModes: Record<string, string>;
  trap: { port: number; hits: string[]; server: Server };
  ensureFixtures(): Promise<void>;
  close(): Promise<void>;
}

function startTrap(): Promise<World['trap']> {
  const hits: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (d: Buffer) => hits.push(d.toString('utf8').slice(0, 300)));
    socket.on('close', () => sockets.delete(socket));
    hits.push(`connection from ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`);
    socket.setTimeout(2000, () => socket.destroy());
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    resolve({ port: typeof address === 'object' && address ? address.port : 0, hits, server });
  }));
}

/**
 * Leaves nothing behind: containers first (a shim whose container outlives its daemon keeps
 * running), then user networks (a stopped daemon leaves its Linux bridges, and their address pools
 * stay taken for every other daemon on the host), then the daemon, then our own orphaned shims.
 */
async function teardown(daemon: PrivateDaemon, docker: Dockerode, dir: string, trap?: Server): Promise<void> {
  trap?.close();
  const left = await docker.listContainers({ all: true }).catch(() => [] as Dockerode.ContainerInfo[]);
  await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  const networks = await docker.listNetworks().catch(() => [] as Dockerode.NetworkInspectInfo[]);
  for (const n of networks.filter((x) => !['none', 'host', 'bridge'].includes(x.Name))) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  await daemon.stop();
  // Shims that still name our directory are ours: end them, and the process each kept alive, by pid.
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number)) {
    try {
      if (pid === process.pid || !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) continue;
      for (const child of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
        try {
          if (readFileSync(`/proc/${child}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(pid)) process.kill(Number(child), 'SIGKILL');
        } catch {
          /* gone meanwhile */
        }
      }
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
  unmountUnder(dir);
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

export async function createWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'dmcp-adv-'));
  const daemon = createPrivateDaemon(join(dir, 'd'));
  await daemon.start();
  const docker = new Dockerode({ socketPath: daemon.socketPath });
  try {
    return await populate(daemon, docker, dir);
  } catch (error) {
    // A failed setup must not leave a daemon running: afterAll never sees a world to close.
    await teardown(daemon, docker, dir);
    throw error;
  }
}

async function populate(daemon: PrivateDaemon, docker: Dockerode, dir: string): Promise<World> {
  buildTestImage(daemon.host, dir);
  const allowedDir = join(dir, 'allowed');
  mkdirSync(join(allowedDir, 'sub'), { recursive: true });
  symlinkSync('/', join(allowedDir, 'link'));
  // The private daemon draws its networks from 198.18.0.0/15 (test/helpers/private-dockerd.ts).
  await docker.createNetwork({ Name: NETWORK, Driver: 'bridge' });
  await docker.createVolume({ Name: VOLUME });
  const hostNetworkId = (await docker.getNetwork('host').inspect() as { Id: string }).Id;
  const imageId = (await docker.getImage(TEST_IMAGE).inspect()).Id;
  const trap = await startTrap();
  const protectedIds = new Map<string, string>();

  const ensureFixtures = async (): Promise<void> => {
    // An admin may legitimately remove or untag the test image (image_remove with force untags an
    // image in use): put the name back on the same image, or build it again, before re-creating fixtures.
    const present = await docker.getImage(TEST_IMAGE).inspect().then(() => true, () => false);
    if (!present) {
      const [repo, tag] = TEST_IMAGE.split(':') as [string, string];
      const retagged = await docker.getImage(imageId).tag({ repo, tag }).then(() => true, () => false);
      if (!retagged) buildTestImage(daemon.host, dir);
    }
    const existing = await docker.listContainers({ all: true });
    for (const spec of FIXTURES) {
      let info = existing.find((c) => c.Names.includes(`/${spec.name}`));
      if (!info) {
        const created = await docker.createContainer({
          name: spec.name, Image: TEST_IMAGE, Cmd: spec.cmd, Env: spec.env, Labels: spec.labels ?? {}, StopTimeout: 1,
          HostConfig: { NetworkMode: NETWORK },
          NetworkingConfig: { EndpointsConfig: { [NETWORK]: { Aliases: spec.aliases ?? [] } } },
        });
        info = { Id: created.id, State: 'created' } as Dockerode.ContainerInfo;
      }
      if (spec.name === PROTECTED_NAME || spec.name === SELF_NAME) protectedIds.set(spec.name, info.Id);
      const container = docker.getContainer(info.Id);
      if (spec.start && info.State === 'paused') await container.unpause().catch(() => undefined);
      if (spec.start && info.State !== 'running') await container.start().catch(() => undefined);
    }
  };
  await ensureFixtures();
  const ordinary = (await docker.getContainer('worker').inspect()).HostConfig as unknown as Record<string, string>;
  const defaultModes = Object.fromEntries(['NetworkMode', 'PidMode', 'IpcMode', 'UTSMode', 'UsernsMode', 'CgroupnsMode'].map((k) => [k, ordinary[k] ?? '']));

  return {
    daemon, docker, dir, allowedDir, image: TEST_IMAGE, imageId, hostNetworkId, protectedIds, defaultModes, trap, ensureFixtures,
    close: () => teardown(daemon, docker, dir, trap.server),
  };
}

export type Preset = 'read-only' | 'operator' | 'admin';

export interface Variant {
  name: string;
  preset: Preset;
  scope: keyof Tokens;
  env?: Record<string, string>;
}

export const VARIANTS: Variant[] = [
  { name: 'read-only', preset: 'read-only', scope: 'read' },
  { name: 'operator', preset: 'operator', scope: 'operate' },
  { name: 'operator+control_label_selector', preset: 'operator', scope: 'operate', env: { DOCKER_MCP_CONTROL_LABEL_SELECTOR: `${MANAGED_LABEL}=true` } },
  { name: 'admin', preset: 'admin', scope: 'admin' },
];

const recorderPath = fileURLToPath(new URL('./net-recorder.js', import.meta.url));

export interface RecordedGateway extends GatewayProcess {
  recordFile: string;
  /** Connections and lookups the gateway made, from the recorder's file. */
  netEvents(): { kind: string; host?: string; port?: number; path?: string }[];
}

/** A gateway child process with the realistic policy of `variant` and the network recorder preloaded. */
export async function startGateway(world: World, variant: Variant): Promise<RecordedGateway> {
  const recordFile = join(world.dir, `net-${Date.now()}-${Math.random().toString(36).slice(2, 6)}.jsonl`);
  const gateway = await spawnGateway(world.daemon.host, {
    NODE_OPTIONS: `--import ${recorderPath}`,
    DMCP_NET_RECORD_FILE: recordFile,
    DOCKER_MCP_AUTH_TOKENS: `reader:read:${TOKENS.read},operator:operate:${TOKENS.operate},admin:admin:${TOKENS.admin}`,
    DOCKER_MCP_POLICY_PRESET: variant.preset,
    DOCKER_MCP_ALLOWED_BIND_PATHS: world.allowedDir,
    DOCKER_MCP_ALLOWED_IMAGES: world.image.split(':')[0] ?? world.image,
    DOCKER_MCP_ALLOW_EXEC_ROOT: 'false',
    DOCKER_MCP_DOCKER_TIMEOUT: '10',
    DOCKER_MCP_ENABLE_METRICS: 'false',
    DOCKER_MCP_LOG_LEVEL: 'warn',
    ...variant.env,
  });
  return {
    ...gateway,
    recordFile,
    netEvents() {
      try {
        return readFileSync(recordFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string });
      } catch {
        return [];
      }
    },
  };
}
