// The drain step (src/gateway/tools/pipeline/drain.ts): once shutdown began a new call is refused
// before it runs (cancelled, with where to retry); until then calls pass.
import { describe, expect, it } from 'vitest';
import { drainStep } from '../../src/gateway/tools/pipeline/drain.js';
import { stubNext, toolCall } from './pipeline-helpers.js';

describe('drain step', () => {
  it('passes calls while the gateway runs and refuses them once it drains', async () => {
    let draining = false;
    const step = drainStep(() => draining);
    const next = stubNext();
    expect((await step(toolCall(), next)).outcome).toBe('ok');
    draining = true;
    const refused = await step(toolCall(), next);
    expect(next.calls).toHaveLength(1);
    expect(refused).toEqual({
      outcome: 'cancelled',
      result: { isError: true, content: [{ type: 'text', text: 'The gateway is shutting down and takes no new calls.\nHint: Retry: another replica, or this one once restarted, will answer.' }] },
    });
  });
});
