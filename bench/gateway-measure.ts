// Measuring helpers for gateway.bench.ts: the gateway as its own process (so RSS and CPU are its
// own), /proc readings, percentiles, and a minimal raw WebSocket JSON-RPC client for the
// throughput run (the SDK client's per-message validation would otherwise load the same two cores
// the gateway runs on, and we want to measure the gateway).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Readable } from 'node:stream';
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
export async function spawnGateway(env: Record<string, string>, port: number, nodeArgs: string[] = []): Promise<GatewayProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'serve'], {
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

const keepAlive = new Agent({ keepAlive: true });

/**
 * A `fetch` for the SDK's StreamableHTTPClientTransport (its `fetch` option) on node:http with a
 * keep-alive agent. Node's built-in fetch (undici) costs ~0.6 ms of client CPU per request on this
 * machine, more than the gateway's whole share of a call; this is what a latency-sensitive client
 * in Node would use. JSON replies are read whole, SSE replies stream.
 */
export function nodeHttpFetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const req = request(url, { method: init.method ?? 'GET', headers, agent: keepAlive, signal: init.signal ?? undefined }, (res) => {
      const replyHeaders = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) replyHeaders.append(name, item);
      }
      const status = res.statusCode ?? 0;
      const responseInit = { status, statusText: res.statusMessage ?? '', headers: replyHeaders };
      if (status === 204 || status === 304) {
        res.resume();
        resolve(new Response(null, responseInit));
      } else if (replyHeaders.get('content-type')?.startsWith('text/event-stream')) {
        resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, responseInit));
      } else {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(new Response(Buffer.concat(chunks), responseInit)));
        res.on('error', reject);
      }
    });
    req.on('error', reject);
    req.end(typeof init.body === 'string' ? init.body : undefined);
  });
}

/**
 * Starts one of the floor servers (bench/relay-floor.ts, bench/sdk-floor.ts) in its own process,
 * under the same loader, against dockerd's socket.
 */
export async function spawnFloor(script: string, socketPath: string, port: number): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [...process.execArgv, resolve(script)], {
    env: { ...process.env, FLOOR_SOCKET: socketPath, FLOOR_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ready, fail) => {
    child.stdout?.once('data', () => ready());
    child.once('exit', (code) => fail(new Error(`${script} exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

let relayId = 0;

/** One JSON-RPC tools/call POSTed to the relay with nodeHttpFetch, the reply read and parsed. */
export async function relayHttpCall(url: string, name: string): Promise<void> {
  const reply = await nodeHttpFetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++relayId, method: 'tools/call', params: { name, arguments: {} } }),
  });
  const message = (await reply.json()) as { result?: unknown };
  if (!message.result) throw new Error(`relay call ${name} failed: ${JSON.stringify(message)}`);
}
