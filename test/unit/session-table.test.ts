// The session-slot rules of limits/sessions.ts on a fake clock: per-identity cap replacing the
// identity's own least recently used idle session (never another identity's), 429/503 refusals,
// session opens under the rate limit, idle expiry, and slot accounting that survives double release.
import { afterEach, describe, expect, it } from 'vitest';
import { SessionTable, type SessionLease, type SessionTableOptions } from '../../src/gateway/limits/sessions.js';

const alice = { id: 'token:alice', name: 'alice' };
const bob = { id: 'token:bob', name: 'bob' };

interface Fake {
  lease: SessionLease;
  busy: boolean;
  last: number;
  ended?: string;
}

describe('SessionTable', () => {
  let now = 1_000_000;
  let table: SessionTable;
  afterEach(() => table.close());

  function make(options: Partial<SessionTableOptions> = {}): SessionTable {
    now = 1_000_000;
    table = new SessionTable({ maxSessions: 10, maxPerIdentity: 3, idleMs: 60_000, opensPerMinute: 0, now: () => now, ...options });
    return table;
  }

  /** Opens and attaches a session whose activity time is now. */
  function open(who: { id: string; name: string }): Fake {
    const result = table.open(who, 'http');
    if (!result.ok) throw new Error(`${result.status} ${result.message}`);
    const fake: Fake = { lease: result.lease, busy: false, last: now };
    result.lease.attach({ lastActivity: () => fake.last, busy: () => fake.busy, end: (reason) => (fake.ended = reason) });
    now += 10;
    return fake;
  }

  it('at the per-identity cap replaces the least recently used idle session of that identity only', () => {
    make();
    const [a1, a2, a3] = [open(alice), open(alice), open(alice)];
    const b1 = open(bob);
    a1.last = now++;
    const a4 = open(alice);
    expect(a2.ended).toBe('evicted');
    expect([a1.ended, a3.ended, a4.ended, b1.ended]).toEqual([undefined, undefined, undefined, undefined]);
    expect(table.heldBy(alice.id)).toBe(3);
    expect(table.size()).toBe(4);
    // The transport's own close path after an eviction frees nothing more.
    a2.lease.release();
    a2.lease.release();
    expect(table.size()).toBe(4);
  });

  it('refuses with 429 when every session of the identity is busy or still being set up', () => {
    make();
    const sessions = [open(alice), open(alice)];
    for (const s of sessions) s.busy = true;
    const pending = table.open(alice, 'ws');
    expect(pending.ok).toBe(true);
    const refused = table.open(alice, 'http');
    expect(refused).toMatchObject({ ok: false, status: 429, retryAfterSeconds: 5 });
    expect(!refused.ok && refused.message).toMatch(/alice already has 3 sessions open, all busy \(max_sessions_per_identity=3\)/);
    expect(table.open(bob, 'http').ok).toBe(true);
  });

  it('a full pool takes an idle session of the caller, never of someone else, else answers 503', () => {
    make({ maxSessions: 3, maxPerIdentity: 0 });
    const [a1, , b1] = [open(alice), open(alice), open(bob)];
    const b2 = open(bob);
    expect(b1.ended).toBe('evicted');
    expect(a1.ended).toBeUndefined();
    b2.busy = true;
    const refused = table.open(bob, 'http');
    expect(refused).toMatchObject({ ok: false, status: 503 });
    expect(!refused.ok && refused.message).toMatch(/max_sessions=3/);
    expect(table.open({ id: 'token:carol', name: 'carol' }, 'http')).toMatchObject({ ok: false, status: 503 });
  });

  it('counts session opens under the rate limit, per identity, refilling over time', () => {
    make({ opensPerMinute: 2, maxPerIdentity: 0 });
    open(alice);
    open(alice);
    const limited = table.open(alice, 'ws');
    expect(limited).toMatchObject({ ok: false, status: 429, retryAfterSeconds: 30 });
    expect(!limited.ok && limited.message).toMatch(/alice may open 2 per minute \(rate_limit_per_minute\); retry in 30 s/);
    expect(table.open(bob, 'ws').ok).toBe(true);
    now += 30_000;
    expect(table.open(alice, 'ws').ok).toBe(true);
  });

  it('sweeps sessions idle past idleMs, but not busy ones or ones still being set up', () => {
    make();
    const [idle, busy] = [open(alice), open(alice)];
    busy.busy = true;
    const pending = table.open(bob, 'ws');
    expect(pending.ok).toBe(true);
    now += 60_001;
    table.sweep();
    expect(idle.ended).toBe('idle');
    expect(busy.ended).toBeUndefined();
    expect(table.size()).toBe(2);
    if (pending.ok) pending.lease.release();
    busy.lease.release();
    expect(table.size()).toBe(0);
  });
});
