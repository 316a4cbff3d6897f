// Sends the adversarial suite's requests to a gateway child process over the real transports: the
// SDK's Streamable HTTP client (most calls), a raw JSON-RPC WebSocket client on /ws and the legacy
// POST /mcp/call, all with a bearer token. Classifies each answer and checks what every answer must
// satisfy on its own: no stack trace and no secret of the protected container.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import WebSocket from 'ws';

export type Via = 'mcp' | 'ws' | 'legacy';
export type Method = 'tools/call' | 'prompts/get' | 'resources/read' | 'resources/subscribe' | 'completion/complete';

export interface Request {
  seq: number;
  via: Via;
  method: Method;
  params: Record<string, unknown>;
}

export interface Answer {
  outcome: 'ok' | 'error' | 'timeout' | 'transport';
  text: string;
}

// Long enough for every ordinary call on this daemon; a call still running then is cut, not failed.
const CALL_TIMEOUT_MS = 4_000;
const STACK = /\n\s+at [^\n]*\(?(?:node:|\/)[^\n]*:\d+:\d+\)?|node:internal\//;

/** Long values shortened for reports; replayable through the seed, readable by a person. */
export function describe(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'string' && v.length > 120) return `<${JSON.stringify(v.slice(0, 12))}… ${v.length} chars>`;
    if (Array.isArray(v) && v.length > 20) return [...(v as unknown[]).slice(0, 3), `<… ${v.length} items>`];
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 12) {
      const entries = Object.entries(v);
      return Object.fromEntries([...entries.slice(0, 4), ['<…>', `${entries.length} keys`]]);
    }
    return v;
  }) ?? String(value);
}

export function requestLabel(r: Request): string {
  return `${r.via} ${r.method} ${describe(r.params)}`;
}

class WsRpc {
  private next = 1;
  private readonly waiting = new Map<number, (msg: { result?: unknown; error?: { message?: string } } | undefined) => void>();
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      let msg: { id?: number; result?: unknown; error?: { message?: string } };
      try { msg = JSON.parse(data.toString('utf8')) as typeof msg; } catch { return; }
      if (typeof msg.id === 'number') this.waiting.get(msg.id)?.(msg);
    });
    socket.on('close', () => { for (const done of this.waiting.values()) done(undefined); });
  }
  static async open(url: string, token: string): Promise<WsRpc> {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, ['mcp'], { headers: { Authorization: `Bearer ${token}` }, maxPayload: 64 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => { socket.once('open', () => resolve()); socket.once('error', reject); });
    const rpc = new WsRpc(socket);
    await rpc.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'adversarial-ws', version: '0' } });
    socket.send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
    return rpc;
  }
  request(method: string, params: unknown): Promise<Answer> {
    const id = this.next++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.waiting.delete(id); resolve({ outcome: 'timeout', text: '' }); }, CALL_TIMEOUT_MS);
      this.waiting.set(id, (msg) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        if (!msg) resolve({ outcome: 'transport', text: 'WebSocket closed' });
        else if (msg.error) resolve({ outcome: 'error', text: msg.error.message ?? '' });
        else resolve({ outcome: isErrorResult(msg.result) ? 'error' : 'ok', text: JSON.stringify(msg.result) });
      });
      if (this.socket.readyState !== WebSocket.OPEN) { clearTimeout(timer); this.waiting.delete(id); resolve({ outcome: 'transport', text: 'WebSocket not open' }); return; }
      this.socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }
  close(): void {
    this.socket.terminate();
  }
}

const isErrorResult = (result: unknown): boolean => !!(result && typeof result === 'object' && (result as { isError?: boolean }).isError);

function transportError(error: unknown): boolean {
  const cause = (error as { cause?: { message?: string; code?: string } }).cause;
  const text = `${(error as Error).message} ${cause?.message ?? ''} ${cause?.code ?? ''}`;
  return /ECONNREFUSED|ECONNRESET|socket hang up|fetch failed|other side closed|terminated|EPIPE/i.test(text);
}

export class Channels {
  private constructor(readonly url: string, private readonly token: string, private mcp: Client, private ws: WsRpc | undefined) {}

  static async open(url: string, token: string): Promise<Channels> {
    const mcp = new Client({ name: 'adversarial', version: '0' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    const ws = await WsRpc.open(url, token).catch(() => undefined);
    return new Channels(url, token, mcp, ws);
  }

  get client(): Client {
    return this.mcp;
  }

  /** `timeoutMs`: how long to wait; liveness probes wait longer than fuzz calls, so load is not taken for a wedge. */
  async send(r: Request, timeoutMs = CALL_TIMEOUT_MS): Promise<Answer> {
    if (r.via === 'ws') return this.ws ? this.ws.request(r.method, r.params) : { outcome: 'transport', text: 'no WebSocket' };
    if (r.via === 'legacy') return this.legacy(r);
    try {
      const options = { timeout: timeoutMs };
      const p = r.params as never;
      const result: unknown =
        r.method === 'tools/call' ? await this.mcp.callTool(p, undefined, options)
          : r.method === 'prompts/get' ? await this.mcp.getPrompt(p, options)
            : r.method === 'resources/read' ? await this.mcp.readResource(p, options)
              : r.method === 'resources/subscribe' ? await this.mcp.subscribeResource(p, options)
                : await this.mcp.complete(p, options);
      return { outcome: isErrorResult(result) ? 'error' : 'ok', text: JSON.stringify(result) };
    } catch (error) {
      const message = (error as Error).message;
      if (/timed out|timeout/i.test(message) && !/Docker/.test(message)) return { outcome: 'timeout', text: message };
      return { outcome: transportError(error) ? 'transport' : 'error', text: message };
    }
  }

  private async legacy(r: Request): Promise<Answer> {
    const { name, arguments: args } = r.params as { name: string; arguments: unknown };
    try {
      const res = await fetch(`${this.url}/mcp/call`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ method: name, params: args }),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      const text = await res.text();
      return { outcome: res.ok ? 'ok' : 'error', text };
    } catch (error) {
      return { outcome: (error as Error).name === 'TimeoutError' ? 'timeout' : 'transport', text: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    this.ws?.close();
    await this.mcp.close().catch(() => undefined);
  }
}

/** What no answer may contain, whatever was asked. */
export function answerViolations(r: Request, a: Answer, secret: string): string[] {
  const out: string[] = [];
  if (a.text.includes(secret)) out.push('secret: the protected container\'s token came back in the answer');
  if (STACK.test(a.text)) out.push(`stack: a stack trace reached the caller (${a.text.match(STACK)?.[0]?.trim() ?? ''})`);
  return out;
}
