// `docker-mcp serve` as a user runs it: the real bin in a child process. Bad settings exit 2 with
// one message; stdio speaks MCP with logs on stderr only; HTTP mode logs where it listens, writes
// one JSON log line per tool call, and exits 0 on SIGTERM.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { binPath, ensureBuilt, repoRoot } from '../helpers/build.js';
import { cleanEnv, runBin } from '../helpers/run-bin.js';
import { testEnv } from '../helpers/env.js';
import { freePort } from '../helpers/gateway.js';

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('docker-mcp serve (black box)', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('exits 2 with one clear message on an invalid port', async () => {
    const result = await runBin(['serve', '--port', '99999']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^docker-mcp: Invalid gateway settings:\n {2}- port: .*65535.*\(got "99999" from --port\)\n$/);
  });

  it('exits 2 naming the env variable when the env holds a bad value', async () => {
    const result = await runBin(['serve'], cleanEnv({ DOCKER_MCP_LOG_LEVEL: 'loud' }));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DOCKER_MCP_LOG_LEVEL');
  });

  it('speaks MCP over stdio with logs on stderr only', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [binPath, 'serve', '--stdio'],
      cwd: repoRoot,
      env: cleanEnv({ DOCKER_MCP_DOCKER_HOST: testEnv.dockerHost, DOCKER_MCP_LOG_LEVEL: 'info' }),
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const client = new Client({ name: 'stdio-test', version: '0' });
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('system_ping');
    const ping = await client.callTool({ name: 'system_ping', arguments: {} });
    expect(ping.structuredContent).toMatchObject({ ok: true });
    const unknown = await client.callTool({ name: 'nope', arguments: {} }).catch((e: unknown) => e);
    expect((unknown as { code?: number }).code).toBe(-32602);
    await client.close();
    const lines = stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    // One line per call: the audit line (to stderr under --stdio, stdout carries MCP).
    expect(lines.filter((l) => l.tool === 'system_ping')).toEqual([
      expect.objectContaining({ audit: true, transport: 'stdio', outcome: 'ok', identity: 'local' }),
    ]);
  });

  it('serves HTTP, logs JSON lines with request id/transport/tool/duration/outcome, and exits 0 on SIGTERM', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [binPath, 'serve', '--port', String(port), '--metrics-port', String(metricsPort)], {
      cwd: repoRoot,
      env: cleanEnv({ DOCKER_HOST: testEnv.dockerHost }),
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exit = exited(child);
    try {
      const deadline = Date.now() + 15_000;
      while (!stdout.includes('docker-mcp listening') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const started = JSON.parse(stdout.split('\n')[0] ?? '{}') as Record<string, unknown>;
      expect(started).toMatchObject({ mcp: `http://127.0.0.1:${port}/mcp`, docker: testEnv.dockerHost });
      expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
      const res = await fetch(`http://127.0.0.1:${port}/mcp/call`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'e2e-call-1' },
        body: JSON.stringify({ method: 'docker.system.ping', params: {} }),
      });
      expect(await res.json()).toMatchObject({ result: { ok: true } });
      expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
      const calls = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.tool === 'system_ping');
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ audit: true, requestId: 'e2e-call-1', transport: 'legacy', outcome: 'ok', level: 30 });
      expect(typeof calls[0]?.durationMs).toBe('number');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exit).toBe(0);
    expect(stdout).toContain('"msg":"stopped"');
  });
});
