// The stdio <-> remote bridge. Messages pass through unchanged; the bridge only adds what a network
// needs: reconnecting with backoff, replaying the client's `initialize` on a fresh session so the
// local client never notices, and answering every request that cannot complete with a JSON-RPC
// error (never silence). A request is resent only when it provably never reached a live session.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isJSONRPCErrorResponse, isJSONRPCRequest, isJSONRPCResultResponse,
  type JSONRPCMessage, type JSONRPCRequest, type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { classifySendError, describeSendError, type SendFailure, type StreamEndListener } from './remote.js';

export type Logger = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

export interface BridgeOptions {
  /** The stdio side, already constructed (not started). */
  local: Transport;
  /** Makes a fresh remote transport for each connection attempt. */
  connectRemote: (onStreamEnd: StreamEndListener) => Transport;
  log: Logger;
  /** How long a request may wait for a connection before it is answered with an error. */
  queueTimeoutMs?: number;
  /** How long the replayed handshake or a liveness probe may take. */
  handshakeTimeoutMs?: number;
  /** Backoff bounds for reconnecting. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/** JSON-RPC error code for "the gateway connection failed" (implementation-defined server error range). */
export const CONNECTION_ERROR = -32000;
const INTERNAL_PREFIX = 'docker-mcp-connect:';

interface Queued { message: JSONRPCMessage; timer: NodeJS.Timeout | undefined }

export class Bridge {
  private remote: Transport | undefined;
  private state: 'idle' | 'connecting' | 'connected' | 'closed' = 'idle';
  private epoch = 0;
  private initialize: JSONRPCRequest | undefined;
  /** The client's own initialize was answered: later connections replay it internally. */
  private handshakeDone = false;
  private readonly pending = new Map<RequestId, number>();
  private readonly queue: Queued[] = [];
  /**
   * What the client sent after its initialize but before the answer: a client may pipeline
   * `notifications/initialized` and its first requests, and over Streamable HTTP they need the session
   * id that only the initialize answer carries (the gateway answers 400 without it).
   */
  private readonly held: JSONRPCMessage[] = [];
  private readonly internal = new Map<RequestId, (message: JSONRPCMessage | Error) => void>();
  private internalId = 0;
  private attempt = 0;
  private probing = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly opts: Required<Omit<BridgeOptions, 'local' | 'connectRemote' | 'log'>> & BridgeOptions;

  constructor(options: BridgeOptions) {
    this.opts = { queueTimeoutMs: 30_000, handshakeTimeoutMs: 10_000, minBackoffMs: 250, maxBackoffMs: 10_000, ...options };
  }

  async start(): Promise<void> {
    const { local } = this.opts;
    local.onmessage = (message) => this.fromLocal(message);
    local.onerror = (error) => this.opts.log('warn', `stdio: ${error.message}`);
    await local.start();
  }

  async close(): Promise<void> {
    this.state = 'closed';
    clearTimeout(this.reconnectTimer);
    for (const item of this.queue.splice(0)) clearTimeout(item.timer);
    const remote = this.remote;
    this.remote = undefined;
    if (remote) {
      // Politely end the HTTP session so the gateway frees it now rather than at its idle timeout.
      const terminate = (remote as { terminateSession?: () => Promise<void> }).terminateSession;
      await terminate?.call(remote).catch(() => undefined);
      await remote.close().catch(() => undefined);
    }
    await this.opts.local.close().catch(() => undefined);
  }

  private replyError(id: RequestId, message: string): void {
    this.pending.delete(id);
    void this.opts.local.send({ jsonrpc: '2.0', id, error: { code: CONNECTION_ERROR, message } }).catch(() => undefined);
  }

  /** The client's first initialize is on its way and unanswered: later messages must wait for it. */
  private awaitingHandshake(message: JSONRPCMessage): boolean {
    return !this.handshakeDone && this.initialize !== undefined && message !== this.initialize && this.pending.has(this.initialize.id);
  }

  /** Forwards now, or holds until the handshake is answered (see `held`). */
  private deliver(message: JSONRPCMessage): void {
    if (this.awaitingHandshake(message)) this.held.push(message);
    else this.forward(message);
  }

  private releaseHeld(): void {
    for (const message of this.held.splice(0)) {
      if (this.state === 'connected') this.forward(message);
      else if (isJSONRPCRequest(message)) this.replyError(message.id, 'docker-mcp connect: the session with the gateway did not start; the request was not sent');
    }
  }

  private fromLocal(message: JSONRPCMessage): void {
    if (this.state === 'closed') return;
    if (isJSONRPCRequest(message) && message.method === 'initialize') this.initialize = message;
    if (this.state === 'connected') {
      this.deliver(message);
      return;
    }
    // Before the first session exists, a notification (notifications/initialized sent right after
    // initialize) belongs to the session about to start: queue it with the requests.
    if (!isJSONRPCRequest(message) && !this.handshakeDone && this.initialize) {
      this.enqueue(message);
      return;
    }
    if (!isJSONRPCRequest(message)) {
      // Notifications and answers to the old session's requests mean nothing to a new session.
      this.opts.log('debug', `dropped ${'method' in message ? message.method : 'response'} while not connected`);
      return;
    }
    this.enqueue(message);
    if (this.state === 'idle') void this.connect();
  }

  private enqueue(message: JSONRPCMessage): void {
    const item: Queued = { message, timer: undefined };
    if (isJSONRPCRequest(message)) {
      item.timer = setTimeout(() => {
        const index = this.queue.indexOf(item);
        if (index < 0) return;
        this.queue.splice(index, 1);
        this.replyError(message.id, `docker-mcp connect: the gateway has been unreachable for ${Math.round(this.opts.queueTimeoutMs / 1000)} s; the request was not sent`);
      }, this.opts.queueTimeoutMs);
    }
    this.queue.push(item);
  }

  private forward(message: JSONRPCMessage): void {
    const remote = this.remote!;
    const epoch = this.epoch;
    if (isJSONRPCRequest(message)) this.pending.set(message.id, epoch);
    remote.send(message).catch((error: unknown) => this.onSendFailure(message, epoch, classifySendError(error), error));
  }

  private onSendFailure(message: JSONRPCMessage, epoch: number, failure: SendFailure, error: unknown): void {
    const detail = describeSendError(error);
    const id = isJSONRPCRequest(message) ? message.id : undefined;
    if (failure === 'not-delivered' && id !== undefined && this.pending.get(id) === epoch) {
      // Safe to resend after reconnecting: it never reached a live session.
      this.pending.delete(id);
      this.enqueue(message);
    } else if (id !== undefined && this.pending.has(id)) {
      const hint = failure === 'unauthorized' ? ' (check --token / DOCKER_MCP_TOKEN or the Cloudflare Access service token)' : '';
      this.replyError(id, `docker-mcp connect: the gateway did not take the request: ${detail}${hint}`);
    }
    if (failure === 'not-delivered' || failure === 'connection-lost') this.dropped(epoch, detail);
    else this.opts.log(failure === 'unauthorized' ? 'error' : 'warn', `gateway refused a message: ${detail}`);
  }

  /** The connection of `epoch` is gone: fail what was in flight on it and reconnect. */
  private dropped(epoch: number, reason: string): void {
    if (epoch !== this.epoch || this.state !== 'connected') return;
    this.opts.log('warn', `connection to the gateway lost (${reason}); reconnecting`);
    this.epoch++;
    this.state = 'connecting';
    const old = this.remote;
    this.remote = undefined;
    if (old) {
      old.onclose = undefined;
      old.onerror = undefined;
      old.onmessage = undefined;
      void old.close().catch(() => undefined);
    }
    for (const [id, sentOn] of [...this.pending]) {
      if (sentOn === epoch) this.replyError(id, 'docker-mcp connect: the connection to the gateway was lost while this request was in flight; it may or may not have run');
    }
    for (const [id, resolve] of this.internal) {
      this.internal.delete(id);
      resolve(new Error('connection lost'));
    }
    this.releaseHeld();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.state === 'closed') return;
    const base = Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * 2 ** this.attempt);
    const delay = Math.round(base / 2 + (Math.random() * base) / 2);
    this.attempt++;
    this.state = 'connecting';
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private onStreamEnd(epoch: number, ids: RequestId[]): void {
    // Give the SDK's reader a moment to deliver the stream's last event before judging.
    setTimeout(() => {
      const unanswered = ids.filter((id) => this.pending.get(id) === epoch);
      if (!unanswered.length || epoch !== this.epoch) return;
      for (const id of unanswered) this.replyError(id, 'docker-mcp connect: the gateway closed the response stream without answering; the request may or may not have run');
      this.probe(epoch);
    }, 500);
  }

  /** Something looked wrong on the remote side: ask the gateway; no answer means the connection is gone. */
  private probe(epoch: number): void {
    if (this.probing || epoch !== this.epoch || this.state !== 'connected') return;
    this.probing = true;
    void this.request({ method: 'ping' })
      .catch((error: unknown) => this.dropped(epoch, (error as Error).message))
      .finally(() => (this.probing = false));
  }

  private request(body: { method: string; params?: JSONRPCRequest['params'] }): Promise<JSONRPCMessage> {
    const id = `${INTERNAL_PREFIX}${++this.internalId}`;
    const remote = this.remote;
    if (!remote) return Promise.reject(new Error('not connected'));
    return new Promise<JSONRPCMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.internal.delete(id);
        reject(new Error(`no answer to ${body.method} within ${this.opts.handshakeTimeoutMs} ms`));
      }, this.opts.handshakeTimeoutMs);
      this.internal.set(id, (message) => {
        clearTimeout(timer);
        this.internal.delete(id);
        if (message instanceof Error) reject(message);
        else if (isJSONRPCErrorResponse(message)) reject(new Error(message.error.message));
        else resolve(message);
      });
      remote.send({ jsonrpc: '2.0', id, ...body }).catch((error: unknown) => {
        clearTimeout(timer);
        this.internal.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  private fromRemote(epoch: number, message: JSONRPCMessage): void {
    if (epoch !== this.epoch) return;
    if ((isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) && message.id !== undefined) {
      const internal = this.internal.get(message.id);
      if (internal) return internal(message);
      if (!this.pending.has(message.id)) {
        this.opts.log('debug', 'dropped a late answer to a request already failed');
        return;
      }
      this.pending.delete(message.id);
      if (this.initialize && message.id === this.initialize.id) {
        if (isJSONRPCResultResponse(message)) {
          this.handshakeDone = true;
          this.setProtocolVersion(message.result.protocolVersion);
        }
        // The client sees its initialize answer first, then what it pipelined goes out on the session.
        void this.opts.local.send(message).catch((error: unknown) => this.opts.log('warn', `stdout: ${(error as Error).message}`));
        this.releaseHeld();
        return;
      }
    }
    void this.opts.local.send(message).catch((error: unknown) => this.opts.log('warn', `stdout: ${(error as Error).message}`));
  }

  private setProtocolVersion(version: unknown): void {
    const remote = this.remote as { setProtocolVersion?: (v: string) => void } | undefined;
    if (typeof version === 'string') remote?.setProtocolVersion?.(version);
  }

  private async connect(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'connecting';
    const epoch = this.epoch;
    const remote = this.opts.connectRemote((ids) => this.onStreamEnd(epoch, ids));
    remote.onmessage = (message) => this.fromRemote(epoch, message);
    remote.onerror = (error) => {
      this.opts.log('debug', `remote: ${error.message}`);
      this.probe(epoch);
    };
    remote.onclose = () => this.dropped(epoch, 'closed by the gateway');
    try {
      await remote.start();
      this.remote = remote;
      if (this.handshakeDone && this.initialize) {
        // A fresh session: replay the client's handshake so it can carry on as if nothing happened.
        const answer = await this.request({ method: 'initialize', params: this.initialize.params });
        if (isJSONRPCResultResponse(answer)) this.setProtocolVersion(answer.result.protocolVersion);
        await remote.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      }
    } catch (error) {
      this.remote = undefined;
      remote.onclose = undefined;
      void remote.close().catch(() => undefined);
      const failure = classifySendError(error);
      this.opts.log(failure === 'unauthorized' ? 'error' : 'info', `gateway not reachable yet: ${describeSendError(error)}`);
      this.epoch++;
      this.scheduleReconnect();
      return;
    }
    if (this.state !== 'connecting') return;
    this.state = 'connected';
    if (this.attempt > 0) this.opts.log('info', 'reconnected to the gateway');
    this.attempt = 0;
    for (const item of this.queue.splice(0)) {
      clearTimeout(item.timer);
      this.deliver(item.message);
    }
  }
}
