// Clients that vanish mid-call: an aborted Streamable HTTP POST (stateful session), a terminated
// WebSocket, a dropped /mcp/call and stdio EOF. The Docker request behind each (log follow, exec,
// events, pull) must be aborted: the gateway's own gauges (calls in flight, sockets open to the
// daemon) return to their baseline, and for a pull the daemon's own request to the registry closes.
import { spawn } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, ensureBuilt } from '../helpers/build.js';
import { startTickingContainer, testDocker, testEnv } from '../helpers/env.js';
import { metricValue, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { httpCall, openHttpSession, openWs, until } from '../helpers/raw-mcp.js';

/** A registry front that holds manifest requests open, so a pull is reliably still running. */
async function startHoldingRegistry(upstream: string): Promise<{ address: string; held: () => number; close: () => Promise<void> }> {
  const held = new Set<IncomingMessage>();
  const server: Server = createServer((req, res) => {
    if (req.url?.includes('/manifests/')) {
      held.add(req);
      res.once('close', () => held.delete(req));
      return;
    }
    const forward = request(`http://${upstream}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () => held.size,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describe('client disconnects abort the Docker request behind the call', () => {
  let gateway: TestGateway;
  let container: string;
  let holding: Awaited<ReturnType<typeof startHoldingRegistry>>;
  const gauges = async (): Promise<{ calls: number; sockets: number }> => {
    const text = await (await fetch(gateway.metricsUrl ?? '')).text();
    const calls = ['http', 'ws', 'legacy'].reduce((sum, t) => sum + metricValue(text, 'docker_mcp_tool_calls_in_flight', { transport: t }), 0);
    return { calls, sockets: metricValue(text, 'docker_mcp_docker_connections') };
  };
  const atBaseline = async (): Promise<boolean> => {
    const g = await gauges();
    return g.calls === 0 && g.sockets === 0;
  };
  const inFlight = async (sockets = 1): Promise<boolean> => {
    const g = await gauges();
    return g.calls >= 1 && g.sockets >= sockets;
  };

  beforeAll(async () => {
    // The holding registry is on the host's loopback: the policy refuses such registries unless
    // allowed_images names them literally (policy/registry-hosts.ts).
    holding = await startHoldingRegistry(testEnv.registry);
    gateway = await startTestGateway({ enable_metrics: true, policy_preset: 'admin', allowed_images: ['**', `${holding.address}/**`] });
    container = await startTickingContainer('chatty');
  });
  afterAll(async () => {
    await gateway?.stop();
    await holding?.close();
    await testDocker().getContainer(container).remove({ force: true }).catch(() => undefined);
  });

  const calls: [string, string, Record<string, unknown>][] = [
    ['log follow', 'container_logs', { container: '', follow: true, max_seconds: 60, tail: 1 }],
    ['exec', 'container_exec', { container: '', command: ['sleep', '60'], user: '65534:65534', timeout_seconds: 60 }],
    ['events', 'system_events', { window_seconds: 60, limit: 1000, types: ['container'] }],
  ];

  for (const [what, tool, args] of calls) {
    it(`HTTP stream closed during ${what}`, async () => {
      await until(atBaseline, 5_000, 'baseline before');
      const session = await openHttpSession(gateway.url);
      const call = httpCall(gateway.url, session, tool, { ...args, ...('container' in args ? { container } : {}) });
      await until(() => inFlight(), 5_000, `${what} in flight`);
      call.disconnect();
      const ms = await until(atBaseline, 3_000, `${what}: gauges back to baseline after the disconnect`);
      expect(ms).toBeLessThan(3_000);
    });

    it(`WebSocket dropped during ${what}`, async () => {
      await until(atBaseline, 5_000, 'baseline before');
      const ws = await openWs(gateway.url);
      ws.send('tools/call', { name: tool, arguments: { ...args, ...('container' in args ? { container } : {}) } });
      await until(() => inFlight(), 5_000, `${what} in flight`);
      ws.socket.terminate();
      await until(atBaseline, 3_000, `${what}: gauges back to baseline after the WebSocket dropped`);
    });
  }

  it('/mcp/call dropped during log follow', async () => {
    await until(atBaseline, 5_000, 'baseline before');
    const controller = new AbortController();
    const pending = fetch(`${gateway.url}/mcp/call`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, signal: controller.signal,
      body: JSON.stringify({ method: 'docker.container.logs', params: { container, follow: true, max_seconds: 60, tail: 1 } }),
    }).catch(() => undefined);
    await until(() => inFlight(), 5_000, 'legacy follow in flight');
    controller.abort();
    await pending;
    await until(atBaseline, 3_000, 'gauges back to baseline after /mcp/call dropped');
  });

  it('HTTP stream closed during an image pull (held at the registry)', async () => {
    const registry = holding;
    try {
      await until(atBaseline, 5_000, 'baseline before');
      const session = await openHttpSession(gateway.url);
      const call = httpCall(gateway.url, session, 'image_pull', { reference: `${registry.address}/dmcp-test/busybox:latest` });
      await until(async () => registry.held() === 1 && (await inFlight()), 10_000, 'pull waiting on the registry');
      call.disconnect();
      // The gateway's socket to the daemon is closed: the pull request is aborted on our side. (Docker
      // 20.10 itself keeps its manifest request to the registry open until its own timeout; that part
      // is the daemon's, not ours, so it is not asserted.)
      await until(atBaseline, 3_000, 'gauges back to baseline after the disconnect');
    } finally {
      await registry.close();
    }
  });

  it('stdio EOF during log follow ends the process at once', async () => {
    ensureBuilt();
    const child = spawn(process.execPath, [binPath, 'serve', '--stdio'], {
      env: { PATH: process.env.PATH ?? '', DOCKER_MCP_DOCKER_HOST: testEnv.dockerHost, DOCKER_MCP_LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const send = (message: unknown): boolean => child.stdin.write(`${JSON.stringify(message)}\n`);
    send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '0' } } });
    await until(() => out.includes('"id":0'), 10_000, 'stdio initialize');
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'container_logs', arguments: { container, follow: true, max_seconds: 60, tail: 1 } } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = Date.now();
    child.stdin.end();
    const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 5_000))]);
    if (code === 'hung') child.kill('SIGKILL');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
