// Per-identity limits on tool calls: a token bucket (rate_limit_per_minute, bursting up to the same
// number) and a cap on calls in flight (max_concurrent_calls). Both answer with a retry-after so
// HTTP can send 429 + Retry-After and JSON-RPC can carry the hint. Buckets of idle identities are
// pruned so a stream of distinct identities cannot grow memory without bound.
export type LimitResult = { ok: true } | { ok: false; retryAfterSeconds: number; message: string };

const MAX_TRACKED = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  /** `perMinute` 0 disables the limiter. */
  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perMinute / 60_000;
  }

  take(identityId: string): LimitResult {
    if (this.perMinute <= 0) return { ok: true };
    const now = this.now();
    const bucket = this.buckets.get(identityId) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    // Re-inserting keeps Map order = least recently used first, which pruning relies on.
    this.buckets.delete(identityId);
    this.buckets.set(identityId, bucket);
    this.prune();
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
    return {
      ok: false,
      retryAfterSeconds,
      message: `Rate limit of ${this.perMinute} calls per minute reached; retry in ${retryAfterSeconds} s (rate_limit_per_minute).`,
    };
  }

  private prune(): void {
    // Evict least recently used identities; an evicted bucket restarts full, which only matters
    // to someone holding more than MAX_TRACKED valid credentials.
    while (this.buckets.size > MAX_TRACKED) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) break;
      this.buckets.delete(oldest);
    }
  }
}

export type Acquired = { ok: true; release: () => void } | { ok: false; retryAfterSeconds: number; message: string };

export class ConcurrencyLimiter {
  private readonly inFlight = new Map<string, number>();

  /** `max` 0 disables the cap. */
  constructor(private readonly max: number) {}

  acquire(identityId: string): Acquired {
    if (this.max <= 0) return { ok: true, release: () => undefined };
    const current = this.inFlight.get(identityId) ?? 0;
    if (current >= this.max) {
      return {
        ok: false,
        retryAfterSeconds: 1,
        message: `${this.max} calls are already running for this identity; retry when one finishes (max_concurrent_calls).`,
      };
    }
    this.inFlight.set(identityId, current + 1);
    let released = false;
    return {
      ok: true,
      // Idempotent so a double release (finally + abort handler) cannot free someone else's slot.
      release: () => {
        if (released) return;
        released = true;
        const n = (this.inFlight.get(identityId) ?? 1) - 1;
        if (n <= 0) this.inFlight.delete(identityId);
        else this.inFlight.set(identityId, n);
      },
    };
  }

  running(identityId: string): number {
    return this.inFlight.get(identityId) ?? 0;
  }
}

export interface CallLimits {
  rate: RateLimiter;
  concurrency: ConcurrencyLimiter;
  /**
   * Both checks in the right order: the concurrency slot is taken last so a rate-limited call
   * does not hold one. Call `release()` when the call ends, however it ends.
   */
  admit(identityId: string): Acquired;
}

export function createCallLimits(perMinute: number, maxConcurrent: number, now?: () => number): CallLimits {
  const rate = new RateLimiter(perMinute, now);
  const concurrency = new ConcurrencyLimiter(maxConcurrent);
  return {
    rate,
    concurrency,
    admit(identityId) {
      const r = rate.take(identityId);
      if (!r.ok) return r;
      return concurrency.acquire(identityId);
    },
  };
}
