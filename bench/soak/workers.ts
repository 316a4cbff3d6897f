// Soak clients: each loops over a weighted mix of tool calls (plain calls and streams: log follow,
// events, exec, stats) over Streamable HTTP (the SDK client) or WebSocket, and regularly injects a
// fault: it drops its connection in the middle of a 30 s log follow, or ends its session. Every call
// is bounded in time, so a hang shows up as an error instead of stalling the soak.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { httpCall, openHttpSession, openWs, type RawWs } from '../../test/helpers/raw-mcp.js';

export interface WorkerStats {
  calls: number;
  errors: number;
  injected: number;
  reconnects: number;
  byTool: Record<string, number>;
  errorSamples: string[];
}

type Call = { name: string; arguments: Record<string, unknown> };
type Outcome = { ok: boolean; text: string };

const CALL_BOUND_MS = 30_000;

function mix(container: string): Call[] {
  return [
    { name: 'container_list', arguments: { all: true } },
    { name: 'container_list', arguments: {} },
    { name: 'container_inspect', arguments: { container } },
    { name: 'container_logs', arguments: { container, tail: 20 } },
    { name: 'container_logs', arguments: { container, follow: true, max_seconds: 1, tail: 1 } },
    { name: 'container_exec', arguments: { container, command: ['echo', 'soak'], user: '65534:65534', timeout_seconds: 10 } },
    { name: 'system_events', arguments: { window_seconds: 1, limit: 50 } },
    { name: 'container_stats', arguments: { container } },
    { name: 'system_info', arguments: {} },
    { name: 'image_list', arguments: {} },
  ];
}

function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${CALL_BOUND_MS} ms`)), CALL_BOUND_MS);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

const textOf = (result: CallToolResult): string => result.content.map((c) => (c.type === 'text' ? c.text : '')).join(' ');

interface Session {
  call(call: Call): Promise<Outcome>;
  /** Starts a long follow and drops the connection under it (the injected fault). */
  dropMidStream(container: string): Promise<void>;
  close(): Promise<void>;
}

async function httpSession(url: string): Promise<Session> {
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`));
  const client = new Client({ name: 'soak-http', version: '0' });
  await client.connect(transport);
  return {
    async call(call) {
      const result = (await client.callTool(call)) as CallToolResult;
      return { ok: !result.isError, text: textOf(result) };
    },
    async dropMidStream(container) {
      // A separate session, as a crashed client would leave behind (reaped by session_idle_seconds).
      const session = await openHttpSession(url);
      const pending = httpCall(url, session, 'container_logs', { container, follow: true, max_seconds: 30, tail: 1 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      pending.disconnect();
      await pending.settled;
    },
    async close() {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}

async function wsSession(url: string): Promise<Session> {
  let ws: RawWs = await openWs(url);
  return {
    async call(call) {
      const message = (await ws.request('tools/call', call)) as { result?: CallToolResult; error?: { message: string } };
      if (message.error) return { ok: false, text: `JSON-RPC error: ${message.error.message}` };
      return { ok: !message.result?.isError, text: message.result ? textOf(message.result) : '' };
    },
    async dropMidStream(container) {
      ws.send('tools/call', { name: 'container_logs', arguments: { container, follow: true, max_seconds: 30, tail: 1 } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      ws.socket.terminate();
      await ws.closed;
      ws = await openWs(url);
    },
    async close() {
      ws.socket.close(1000);
      await ws.closed;
    },
  };
}

/** Runs one client until `deadline`; faults every `faultEvery` calls, new session every `renewEvery`. */
export async function runWorker(
  kind: 'http' | 'ws',
  url: string,
  container: string,
  deadline: number,
  options: { faultEvery: number; renewEvery: number; seed: number },
): Promise<WorkerStats> {
  const stats: WorkerStats = { calls: 0, errors: 0, injected: 0, reconnects: 0, byTool: {}, errorSamples: [] };
  const calls = mix(container);
  const open = (): Promise<Session> => (kind === 'http' ? httpSession(url) : wsSession(url));
  const fail = (what: string): void => {
    stats.errors++;
    if (stats.errorSamples.length < 10) stats.errorSamples.push(`${kind}: ${what}`.slice(0, 300));
  };
  let session: Session | undefined;
  let n = options.seed;
  while (Date.now() < deadline) {
    try {
      session ??= await bounded(open(), 'connect');
      n++;
      if (n % options.faultEvery === 0) {
        await bounded(session.dropMidStream(container), 'injected disconnect');
        stats.injected++;
        continue;
      }
      if (n % options.renewEvery === 0) {
        await bounded(session.close(), 'close');
        session = undefined;
        stats.reconnects++;
        continue;
      }
      const call = calls[n % calls.length] as Call;
      const outcome = await bounded(session.call(call), call.name);
      stats.calls++;
      stats.byTool[call.name] = (stats.byTool[call.name] ?? 0) + 1;
      if (!outcome.ok) fail(`${call.name}: ${outcome.text}`);
    } catch (error) {
      fail(String(error));
      session = undefined;
    }
  }
  await session?.close().catch(() => undefined);
  return stats;
}
