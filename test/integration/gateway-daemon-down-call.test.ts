// POST /mcp/call while the Docker daemon cannot be reached: 503 with Retry-After, like /ready, and
// not 422 (which the README reserves for Docker refusing a request). Both ways a call meets the dead
// daemon are covered: the socket failing under the call itself, and the gate refusing the next one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('/mcp/call with the Docker daemon unreachable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dmcp-nosock-'));
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ docker_host: `unix://${join(dir, 'missing.sock')}`, ready_timeout_seconds: 1 });
  });
  afterAll(async () => {
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (): Promise<Response> => fetch(`${gateway.url}/mcp/call`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ method: 'docker.container.list', params: {} }),
  });

  it('answers 503 with Retry-After and the cause, on the first call and on the gated ones after it', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await call();
      const body = (await res.json()) as { error: { message: string; data?: { outcome?: string } } };
      expect(res.status, body.error.message).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(body.error.message).toMatch(/Docker daemon (unreachable|unavailable)/);
      expect(body.error.message).toContain('missing.sock');
      expect(body.error.data?.outcome).toBe('tool_error');
    }
    expect((await fetch(`${gateway.url}/ready`)).status).toBe(503);
  });
});
