// Transport review: a WebSocket peer sending a flood of tiny frames must not stall other identities.
// Before the fix ws handled every frame of a socket read in one go, and libuv reads up to 32 × 64 KiB
// per socket per event-loop turn: 500k frames of `{}` (4 MB, each answered with a parse error) from
// one read-scope token held the loop for seconds, so another identity's system_ping waited as long.
// The attacker runs in its own process so its sending does not share the gateway's event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../helpers/attacks.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openWs } from '../helpers/raw-mcp.js';

const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef01';

// Opens /ws, initializes, then sends `count` copies of `frame` as fast as the socket takes them.
const attacker = `
import WebSocket from 'ws';
const [url, token, frame, count] = process.argv.slice(1);
const ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws', ['mcp'], { headers: { Authorization: 'Bearer ' + token } });
ws.on('error', () => undefined);
ws.on('close', () => process.exit(0));
ws.on('open', () => {
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'flood', version: '0' } } }));
  let sent = 0;
  console.log('flooding');
  const pump = () => {
    while (sent < Number(count)) {
      sent++;
      ws.send(frame);
      if (ws.bufferedAmount > 4 * 1024 * 1024) return void setTimeout(pump, 2);
    }
  };
  pump();
});
`;

function flood(url: string, frame: string, count: number): ChildProcess {
  return spawn(process.execPath, ['--input-type=module', '-e', attacker, url, ALICE, frame, String(count)], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
}

describe('WebSocket frame floods', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ enable_metrics: false, auth_tokens: [`alice:read:${ALICE}`, `bob:read:${BOB}`] });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  for (const [what, frame] of [
    ['tiny invalid frames', '{}'],
    ['cancellation notifications', JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } })],
  ] as const) {
    it(`${what} from one identity do not stall another identity's calls`, async () => {
      const bob = await openWs(gateway.url, bearer(BOB));
      const child = flood(gateway.url, frame, 500_000);
      try {
        // Wait until the flood is under way.
        await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
        await new Promise((r) => setTimeout(r, 100));
        const latencies: number[] = [];
        for (let i = 0; i < 15; i++) {
          const started = Date.now();
          const reply = (await bob.request('tools/call', { name: 'system_ping', arguments: {} })) as { result?: { isError?: boolean } };
          latencies.push(Date.now() - started);
          expect(reply.result?.isError).toBeFalsy();
          await new Promise((r) => setTimeout(r, 100));
        }
        // Before: the first calls waited 3–6 s behind the flood. Now connections take turns.
        expect(Math.max(...latencies), latencies.join(',')).toBeLessThan(1_000);
      } finally {
        child.kill();
        bob.socket.terminate();
      }
    }, 60_000);
  }
});
