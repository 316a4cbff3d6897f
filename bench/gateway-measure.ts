// Measuring helpers for gateway.bench.ts: the gateway as its own process (so RSS and CPU are its
// own), /proc readings, percentiles, and a minimal raw WebSocket JSON-RPC client for the
// throughput run (the SDK client's per-message validation would otherwise load the same two cores
// the gateway runs on, and we want to measure the gateway).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import WebSocket from 'ws';
import { freePort } from '../test/helpers/free-port.js';

export { freePort };

const BIN = resolve('bin/docker-mcp.js');

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn() to the first 200 from /ready. */
  readyMs: number;
  stop(): Promise<void>;
}

/** Spawns `node bin/docker-mcp.js serve` configured by env, and polls /ready every 5 ms. */
export async function spawnGateway(env: Record<string, string>, port: number, nodeArgs: string[] = [], bin = BIN): Promise<GatewayProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, bin, 'serve'], {
    env: { PATH: process.env.PATH ?? '', ...env, DOCKER_MCP_PORT: String(port) },
    // Logs go nowhere, as cheap as a container runtime draining stdout; errors stay visible.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (process.env.BENCH_GATEWAY_STDERR) process.stderr.write(c);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`gateway not ready within 20 s: ${stderr}`);
    const ok = await fetch(`${url}/ready`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = performance.now() - started;
  return {
    child, url, readyMs,
    stop: () => new Promise<void>((done) => {
      if (child.exitCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    }),
  };
}


/** Resident set size of a process in MB. */
export function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/** User + system CPU seconds a process has used. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function percentile(samples: number[], q: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

export function median(samples: number[]): number {
  return percentile(samples, 0.5);
}

/** One MCP session over a raw WebSocket: initialize, then request/response by id. */
export class RawWsClient {
  private nextId = 1;
  private readonly pending = new Map<number, (message: { result?: unknown; error?: unknown }) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: unknown };
      if (typeof message.id !== 'number') return;
      const resolve = this.pending.get(message.id);
      this.pending.delete(message.id);
      resolve?.(message);
    });
  }

  static async open(url: string): Promise<RawWsClient> {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, ['mcp']);
    await new Promise((res, rej) => {
      socket.once('open', res);
      socket.once('error', rej);
    });
    const client = new RawWsClient(socket);
    await client.request('initialize', {
      protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '0' },
    });
    socket.send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
    return client;
  }

  request(method: string, params: unknown): Promise<{ result?: unknown; error?: unknown }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  async callTool(name: string): Promise<void> {
    const reply = await this.request('tools/call', { name, arguments: {} });
    const result = reply.result as { isError?: boolean } | undefined;
    if (reply.error || !result || result.isError) throw new Error(`${name} failed: ${JSON.stringify(reply)}`);
  }

  close(): void {
    this.socket.close(1000);
  }
}
