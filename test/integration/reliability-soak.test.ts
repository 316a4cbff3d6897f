// A short soak (about 30 s of load) with the same assertions as `npm run soak` (bench/soak.ts, 5
// minutes, results in docs/reliability.md): HTTP and WebSocket clients mixing calls, streams and
// injected disconnects against a gateway process on a private daemon; no errors but the injected
// ones, nothing left in flight, fds, handles and RSS within the stated bounds.
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../bench/soak/runner.js';

describe('short soak', () => {
  it('30 s of mixed load over HTTP and WebSocket stays clean and flat', async () => {
    const result = await runSoak({ durationMs: 30_000, httpClients: 3, wsClients: 3, sampleMs: 1_000 });
    expect(result.failures).toEqual([]);
    expect(result.totals.calls).toBeGreaterThan(100);
    expect(result.totals.injected).toBeGreaterThan(5);
  }, 120_000);
});
