// The session slots shared by Streamable HTTP sessions and WebSocket connections, and the rules
// that keep one identity from taking them all (issue 14, class 7):
// - opening a session costs a token from a per-identity bucket of rate_limit_per_minute opens a
//   minute, kept apart from the tool-call bucket so an identity at its call limit can still
//   reconnect (and be told about the call limit) after a network drop;
// - one identity holds at most max_sessions_per_identity slots; at that cap, and when the whole
//   pool (max_sessions) is full, a new session of that identity ends the identity's own
//   least-recently-used idle session (a client that reconnects after a drop leaves exactly such a
//   session behind, and the spec has the old one's client re-initialize on 404) and is refused
//   only when all of its sessions are busy; nobody's session is ever ended for another identity;
// - a session idle for session_idle_seconds is ended. Idle means no client request in flight and
//   no client message for that long: a standby SSE GET stream or WebSocket pings keep a dead
//   session alive only until then.
import { RateLimiter } from './rate-limit.js';

export type SessionTransport = 'http' | 'ws';
export type EndReason = 'evicted' | 'idle';

/** What the table needs from a live session; the transport supplies it once the session exists. */
export interface SessionHandle {
  /** When the client last sent an MCP message (ms since the epoch). */
  lastActivity(): number;
  /** A client request is being answered: the session is neither evicted nor expired. */
  busy(): boolean;
  /** Ends the session; its slot is already free. */
  end(reason: EndReason): void;
}

export interface SessionLease {
  /** Until attached, the slot counts as busy (a session being set up cannot be evicted). */
  attach: (handle: SessionHandle) => void;
  /** Frees the slot; idempotent, and a no-op once the table itself ended the session. */
  release: () => void;
}

export type OpenResult =
  | { ok: true; lease: SessionLease }
  | { ok: false; status: 429 | 503; retryAfterSeconds: number; message: string };

export interface SessionTableOptions {
  maxSessions: number;
  /** 0 disables the per-identity cap. */
  maxPerIdentity: number;
  idleMs: number;
  /** Session opens per identity per minute; 0 disables. */
  opensPerMinute: number;
  now?: () => number;
  /** Told about every session the table ends, for the log. */
  onEnd?: (identityId: string, transport: SessionTransport, reason: EndReason) => void;
}

interface Entry {
  identityId: string;
  transport: SessionTransport;
  handle?: SessionHandle;
  released: boolean;
}

export class SessionTable {
  private readonly byIdentity = new Map<string, Set<Entry>>();
  private total = 0;
  private readonly opens: RateLimiter;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: SessionTableOptions) {
    this.now = options.now ?? Date.now;
    this.opens = new RateLimiter(options.opensPerMinute, this.now);
    // Sweeping every half idle period ends a session at most 1.5 idle periods after its last message.
    this.sweeper = setInterval(() => this.sweep(), Math.max(100, Math.min(60_000, options.idleMs / 2)));
    this.sweeper.unref();
  }

  /** Slots in use (set-up and open sessions of both transports). */
  size(): number {
    return this.total;
  }

  /** Sessions `identityId` holds. */
  heldBy(identityId: string): number {
    return this.byIdentity.get(identityId)?.size ?? 0;
  }

  open(identity: { id: string; name: string }, transport: SessionTransport): OpenResult {
    const { maxSessions, maxPerIdentity } = this.options;
    const rate = this.opens.take(identity.id);
    if (!rate.ok) {
      const limit = this.options.opensPerMinute;
      return refuse(429, rate.retryAfterSeconds,
        `Too many new sessions: ${identity.name} may open ${limit} per minute (rate_limit_per_minute); retry in ${rate.retryAfterSeconds} s.`);
    }
    const mine = this.byIdentity.get(identity.id);
    if (maxPerIdentity > 0 && (mine?.size ?? 0) >= maxPerIdentity && !this.evictOwn(mine)) {
      return refuse(429, 5,
        `${identity.name} already has ${maxPerIdentity} sessions open, all busy (max_sessions_per_identity=${maxPerIdentity}); ` +
          'end one (DELETE /mcp with its Mcp-Session-Id, or close a WebSocket) or retry when a call finishes.');
    }
    if (this.total >= maxSessions && !this.evictOwn(mine)) {
      return refuse(503, 5, `Too many open sessions (max_sessions=${maxSessions}); retry later.`);
    }
    const entry: Entry = { identityId: identity.id, transport, released: false };
    const set = mine ?? new Set<Entry>();
    set.add(entry);
    this.byIdentity.set(identity.id, set);
    this.total++;
    return {
      ok: true,
      lease: {
        attach: (handle) => {
          entry.handle = handle;
        },
        release: () => this.remove(entry),
      },
    };
  }

  /** Ends sessions idle for longer than idleMs; runs on a timer, exposed for tests. */
  sweep(): void {
    const cutoff = this.now() - this.options.idleMs;
    for (const set of [...this.byIdentity.values()]) {
      for (const entry of [...set]) {
        if (entry.handle && !entry.handle.busy() && entry.handle.lastActivity() < cutoff) this.end(entry, 'idle');
      }
    }
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  /** Ends the least recently used idle session in `mine`; false when every one is busy. */
  private evictOwn(mine: Set<Entry> | undefined): boolean {
    let victim: Entry | undefined;
    for (const entry of mine ?? []) {
      if (!entry.handle || entry.handle.busy()) continue;
      if (!victim || entry.handle.lastActivity() < victim.handle!.lastActivity()) victim = entry;
    }
    if (!victim) return false;
    this.end(victim, 'evicted');
    return true;
  }

  private end(entry: Entry, reason: EndReason): void {
    // The slot is free at once; the transport's close path then finds its lease already released.
    this.remove(entry);
    this.options.onEnd?.(entry.identityId, entry.transport, reason);
    entry.handle?.end(reason);
  }

  private remove(entry: Entry): void {
    if (entry.released) return;
    entry.released = true;
    this.total--;
    const set = this.byIdentity.get(entry.identityId);
    set?.delete(entry);
    if (set?.size === 0) this.byIdentity.delete(entry.identityId);
  }
}

function refuse(status: 429 | 503, retryAfterSeconds: number, message: string): OpenResult {
  return { ok: false, status, retryAfterSeconds, message };
}
