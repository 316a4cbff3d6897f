// The server half of the SDK Transport contract over one accepted WebSocket: one JSON-RPC message
// per text frame, parsed with the same rules as HTTP bodies, and what the session table needs to
// judge the connection idle (limits/sessions.ts): the client's last frame and its requests in flight.
import { randomUUID } from 'node:crypto';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage, type MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import type { RawData, WebSocket } from 'ws';
import { parseJsonSafely } from '../limits/http-guards.js';
import { toAuthInfo } from '../request-context.js';
import type { Identity } from '../security.js';

/** Close codes (RFC 6455 §7.4.1). */
export const CloseCode = { normal: 1000, goingAway: 1001, protocolError: 1002, unsupportedData: 1003, policyViolation: 1008, tooBig: 1009, internalError: 1011 } as const;

/** The server half of the SDK Transport contract over one accepted socket. */
export class WebSocketServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  readonly sessionId = randomUUID();
  /** When the client last sent a frame; pings and pongs are control frames and do not count. */
  lastActivity = Date.now();
  /** Client requests not yet answered, by JSON-RPC id: while any is, the connection is busy. */
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly socket: WebSocket,
    private readonly identity: Identity,
    /**
     * Bytes queued for a peer that does not read before it is cut off: what the gateway sends waits
     * in this process's memory, and requests other than tool calls cost no rate-limit token.
     */
    private readonly maxBufferedBytes = Number.POSITIVE_INFINITY,
    private readonly onOverflow?: (queuedBytes: number) => void,
  ) {}

  start(): Promise<void> {
    this.socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    this.socket.on('close', () => this.onclose?.());
    this.socket.on('error', (error) => this.onerror?.(error));
    return Promise.resolve();
  }

  /** A client request is being answered. */
  busy(): boolean {
    return this.pending.size > 0;
  }

  private receive(data: RawData, isBinary: boolean): void {
    // ws still delivers frames that arrive after the server sent its close frame (a revoked token,
    // an idle or replaced session): none of them may start work.
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.lastActivity = Date.now();
    if (isBinary) {
      this.socket.close(CloseCode.unsupportedData, 'binary frames are not supported; send JSON-RPC as text');
      return;
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    // Same JSON rules as HTTP bodies: bounded nesting, no `__proto__` keys.
    const safe = parseJsonSafely(text);
    if (!safe.ok) {
      this.reject(null, -32700, `Parse error: ${safe.message}`);
      return;
    }
    const parsed = safe.value;
    if (Array.isArray(parsed)) {
      this.reject(null, -32600, 'Invalid Request: JSON-RPC batches are not supported (removed in MCP 2025-06-18); send one message per frame.');
      return;
    }
    const message = JSONRPCMessageSchema.safeParse(parsed);
    if (!message.success) {
      const id = (parsed as { id?: unknown } | null)?.id;
      this.reject(typeof id === 'string' || typeof id === 'number' ? id : null, -32600, 'Invalid Request: not a JSON-RPC 2.0 message.');
      return;
    }
    this.track(message.data);
    // The id is the caller's: a 1 MB id would otherwise sit in every log line of the call.
    const rpcId = 'id' in message.data ? String(message.data.id).slice(0, 128) : 'n';
    const authInfo = toAuthInfo(this.identity, 'ws', `ws:${this.sessionId.slice(0, 8)}:${rpcId}`);
    this.onmessage?.(message.data, { authInfo });
  }

  private track(message: JSONRPCMessage): void {
    if ('method' in message && 'id' in message) {
      const key = String(message.id);
      this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    } else if ('method' in message && message.method === 'notifications/cancelled') {
      // The spec has no answer follow a cancelled request, so it stops counting now.
      const id = (message.params as { requestId?: unknown } | undefined)?.requestId;
      if (typeof id === 'string' || typeof id === 'number') this.settle(String(id));
    }
  }

  private settle(key: string): void {
    const n = (this.pending.get(key) ?? 0) - 1;
    if (n > 0) this.pending.set(key, n);
    else this.pending.delete(key);
  }

  private reject(id: string | number | null, code: number, message: string): void {
    if (this.socket.readyState === this.socket.OPEN && !this.overflowing()) this.socket.send(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }));
  }

  /** True (and the connection cut) once the peer has left more than maxBufferedBytes unread. */
  private overflowing(): boolean {
    const queued = this.socket.bufferedAmount;
    if (queued <= this.maxBufferedBytes) return false;
    this.onOverflow?.(queued);
    // A close frame would wait behind the backlog the peer is not reading.
    this.socket.terminate();
    return true;
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (!('method' in message) && 'id' in message) this.settle(String(message.id));
    return new Promise((resolve, reject) => {
      if (this.socket.readyState !== this.socket.OPEN || this.overflowing()) {
        reject(new Error('WebSocket is not open'));
        return;
      }
      this.socket.send(JSON.stringify(message), (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): Promise<void> {
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(CloseCode.normal, 'session closed');
    return Promise.resolve();
  }
}
