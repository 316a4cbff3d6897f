// Starts a private, real Docker daemon: its own socket, data root, exec root and pid file under a
// temp dir, never the user's default daemon. Also used by reliability tests that kill and restart
// the daemon, so start/stop are separate and restartable.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'node:http';

export interface PrivateDaemon {
  dir: string;
  socketPath: string;
  /** unix:///…/docker.sock */
  host: string;
  /** tcp://127.0.0.1:<port> when started with `tls` (the daemon requires client certificates there). */
  tcpHost?: string;
  logFile: string;
  process: ChildProcess | undefined;
  /** Starts (or restarts) dockerd on the same directories. */
  start(): Promise<void>;
  /** SIGTERM and wait; SIGKILL when `hard`. */
  stop(options?: { hard?: boolean }): Promise<void>;
}

/** Pings the Engine API over a unix socket: true when it answers 200 OK. */
export function pingSocket(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

export function which(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin'])) {
    const candidate = join(dir, binary);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export interface PrivateDaemonOptions {
  /** Also listen on tcp://127.0.0.1:`port` with --tlsverify, using these PEM files. */
  tls?: { port: number; ca: string; cert: string; key: string };
}

export function createPrivateDaemon(baseDir?: string, options: PrivateDaemonOptions = {}): PrivateDaemon {
  // Short path: unix socket paths are limited to ~108 bytes.
  const dir = baseDir ?? mkdtempSync(join(tmpdir(), 'dmcp-d-'));
  mkdirSync(dir, { recursive: true });
  const socketPath = join(dir, 'docker.sock');
  const logFile = join(dir, 'dockerd.log');
  const daemonJson = join(dir, 'daemon.json');
  // Our own config file so /etc/docker/daemon.json on the host never leaks into tests. The address
  // pools: Docker's defaults hold ~31 networks per host, and every daemon on the machine (each test
  // run has its own, and a bridge network's interface lives in the host's namespace) draws from
  // them. 198.18.0.0/15 is the benchmarking range (RFC 2544): 512 /24 networks, never routed here.
  writeFileSync(daemonJson, `${JSON.stringify({ 'default-address-pools': [{ base: '198.18.0.0/15', size: 24 }] })}\n`);

  const daemon: PrivateDaemon = {
    dir,
    socketPath,
    host: `unix://${socketPath}`,
    logFile,
    ...(options.tls ? { tcpHost: `tcp://127.0.0.1:${options.tls.port}` } : {}),
    process: undefined,
    async start() {
      const dockerd = which('dockerd');
      if (!dockerd) throw new Error('dockerd not found; install Debian\'s docker.io (see test/helpers/global-setup.ts).');
      const log = openSync(logFile, 'a');
      const child = spawn(
        dockerd,
        [
          '--host', daemon.host,
          '--data-root', join(dir, 'data'),
          '--exec-root', join(dir, 'exec'),
          '--pidfile', join(dir, 'dockerd.pid'),
          '--config-file', daemonJson,
          // No default bridge and no iptables: the daemon must not touch the host's network.
          '--bridge', 'none',
          '--iptables=false',
          '--ip-masq=false',
          '--userland-proxy=false',
          '--storage-driver', 'overlay2',
          ...(options.tls
            ? ['--host', daemon.tcpHost ?? '', '--tlsverify', '--tlscacert', options.tls.ca, '--tlscert', options.tls.cert, '--tlskey', options.tls.key]
            : []),
        ],
        { stdio: ['ignore', log, log], detached: false },
      );
      daemon.process = child;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) {
          throw new Error(`dockerd exited with ${child.exitCode}; log tail:\n${tail(logFile)}`);
        }
        if (await pingSocket(socketPath)) return;
        await sleep(100);
      }
      throw new Error(`dockerd did not answer on ${socketPath} within 60 s; log tail:\n${tail(logFile)}`);
    },
    async stop(options = {}) {
      const child = daemon.process;
      if (!child || child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(options.hard ? 'SIGKILL' : 'SIGTERM');
      const escalate = setTimeout(() => child.kill('SIGKILL'), options.hard ? 5_000 : 30_000);
      await exited;
      clearTimeout(escalate);
      daemon.process = undefined;
      if (options.hard) {
        // A SIGKILLed dockerd leaves its managed containerd behind; end it too.
        const pidFile = join(dir, 'exec', 'containerd', 'containerd.pid');
        try {
          const pid = Number(readFileSync(pidFile, 'utf8'));
          if (pid) process.kill(pid, 'SIGKILL');
          // A restart that still finds the pid file (the killed process can linger unreaped for a
          // moment) "reuses" the dead containerd and times out; without it, a fresh one starts.
          rmSync(pidFile, { force: true });
          for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(20);
        } catch {
          /* not there: nothing to clean */
        }
      }
    },
  };
  return daemon;
}

/** Running and not a zombie (a zombie's pid still answers kill 0). */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Unmounts anything dockerd left under dir (overlay mounts, netns) so the dir can be removed. */
export function unmountUnder(dir: string): void {
  try {
    const mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[1])
      .filter((m): m is string => !!m && m.startsWith(dir))
      .sort((a, b) => b.length - a.length);
    for (const mount of mounts) {
      try {
        execFileSync('umount', ['-l', mount], { stdio: 'ignore' });
      } catch {
        /* best effort */
      }
    }
  } catch {
    /* /proc not available */
  }
}
