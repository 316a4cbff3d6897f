// Runs `docker-mcp serve` as a real child process (bin/docker-mcp.js on dist/), for what only a
// process shows: signals, exit codes, replicas, RSS and file descriptors.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { binPath, ensureBuilt } from './build.js';
import { freePort } from './free-port.js';

// Not gateway.ts's: that module pulls in vitest, and the soak (bench/soak.ts) runs outside it.

export interface GatewayProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  metricsUrl: string;
  /** Everything written to stdout/stderr so far (JSON log lines). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running. */
  kill(): void;
}

/** Starts a gateway on loopback with free ports; `env` adds DOCKER_MCP_* settings. */
export async function spawnGateway(dockerHost: string, env: Record<string, string> = {}, args: string[] = []): Promise<GatewayProcess> {
  ensureBuilt();
  const [port, metricsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [binPath, 'serve', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DOCKER_MCP_DOCKER_HOST: dockerHost,
      DOCKER_MCP_HOST: '127.0.0.1',
      DOCKER_MCP_PORT: String(port),
      DOCKER_MCP_METRICS_PORT: String(metricsPort),
      DOCKER_MCP_LOG_LEVEL: 'info',
      // Tests and the soak hammer one identity; the limits are tested elsewhere.
      DOCKER_MCP_RATE_LIMIT_PER_MINUTE: '0',
      DOCKER_MCP_MAX_CONCURRENT_CALLS: '0',
      // One identity for every client: a per-identity session cap would replace live sessions.
      DOCKER_MCP_MAX_SESSIONS_PER_IDENTITY: '0',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gateway did not start within 20 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    pid: child.pid ?? 0,
    url,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    output: () => output,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Open file descriptors of a process (Linux /proc). */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
