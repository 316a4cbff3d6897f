// Review of issue 14 (surface): the audit line. Its arguments and error text went through
// redaction, but the policy decision's `reason` was written as the policy wrote it, and policy
// reasons quote what the caller sent: `ADD https://bob:<password>@host/f` refused by
// build-remote-source put the password in the audit file in clear (the tool result and the
// line's own `error` field showed [REDACTED]). Also checked here: a caller cannot split, forge or
// blow up an audit line with newlines, U+2028, JSON fragments or a huge argument.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { callRaw, connectHttp, startAdminGateway, textOf } from '../helpers/mcp-clients.js';
import { openWs } from '../helpers/raw-mcp.js';
import { tempDir } from '../helpers/temp-dir.js';

const PASSWORD = `Pw${Date.now().toString(36)}SurfaceAudit`;
const GH_TOKEN = `ghp_${'A1b2C3d4E5'.repeat(4).slice(0, 36)}`;
let gateway: TestGateway;
let client: Client;
let auditFile = '';

beforeAll(async () => {
  auditFile = join(tempDir('dmcp-surface-audit-'), 'audit.log');
  gateway = await startAdminGateway({ audit_file: auditFile });
  client = await connectHttp(gateway);
}, 60_000);
afterAll(async () => {
  await client?.close();
  await gateway?.stop();
});

const auditLines = (): Array<Record<string, unknown>> =>
  readFileSync(auditFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('audit lines', () => {
  it('a denial reason that quotes the caller\'s input is redacted like the arguments', async () => {
    const dockerfile = `FROM ${testEnv.testImage}\nADD https://bob:${PASSWORD}@example.invalid/f /f\nADD https://x-access-token:${GH_TOKEN}@github.com/o/r/raw/f /g\n`;
    for (const file of [dockerfile, `FROM ${testEnv.testImage}\nADD https://x-access-token:${GH_TOKEN}@github.com/o/r/raw/f /g\n`]) {
      const result = await callRaw(client, 'image_build', { dockerfile: file, network: 'none' });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/build-remote-source/);
    }
    const text = readFileSync(auditFile, 'utf8');
    const denied = auditLines().filter((l) => l.tool === 'image_build');
    expect(denied).toHaveLength(2);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(GH_TOKEN);
    expect(JSON.stringify(denied[0]!.decision)).toMatch(/build-remote-source.*\[REDACTED\]/);
  });

  it('newlines, U+2028, JSON fragments and a huge argument stay inside one parseable line', async () => {
    const before = auditLines().length;
    const forged = '"}\n{"audit":true,"identity":"admin","tool":"system_prune","outcome":"ok"}\u2028\u2029\r{"x":"';
    await callRaw(client, 'container_inspect', { container: forged });
    await callRaw(client, 'system_events', { filters: { [forged]: ['x'] } });
    await callRaw(client, 'container_list', { name: 'n'.repeat(900_000) });
    const lines = auditLines();
    expect(lines.length - before).toBe(3);
    expect(lines.some((l) => l.tool === 'system_prune')).toBe(false);
    expect(Math.max(...readFileSync(auditFile, 'utf8').split('\n').map((l) => l.length))).toBeLessThan(20_000);
  });

  it('a huge JSON-RPC id over WebSocket does not make a huge audit line (it became the line\'s requestId uncut)', async () => {
    const ws = await openWs(gateway.url);
    const id = `id-${'i'.repeat(400_000)}`;
    const answered = new Promise<void>((resolve) => ws.socket.on('message', (data: Buffer) => { if (data.toString().includes('"result"') && data.length > 400_000) resolve(); }));
    ws.socket.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'system_ping', arguments: {} } }));
    await answered;
    ws.socket.close();
    const lines = readFileSync(auditFile, 'utf8').split('\n').filter((l) => l.includes('"tool":"system_ping"'));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThan(20_000);
  });

  it('resource reads, subscriptions and prompts leave audit lines too (a log resource showed container_logs data untraced)', async () => {
    const docker = testDocker();
    const name = uniqueName('surface-audit');
    const container = await docker.createContainer({ Image: testEnv.testImage, name, Cmd: ['echo', 'audited-log-line'], Labels: { [TEST_LABEL]: 'surface-audit' }, HostConfig: { NetworkMode: 'none' } });
    const roFile = join(tempDir('dmcp-surface-audit-ro-'), 'audit.log');
    const readOnly = await startTestGateway({ policy_preset: 'read-only', audit_file: roFile });
    const ro = await connectHttp(readOnly);
    try {
      await container.start();
      await container.wait();
      const uri = `docker://containers/${name}/logs`;
      const read = await client.readResource({ uri });
      expect(JSON.stringify(read)).toContain('audited-log-line');
      await client.getPrompt({ name: 'diagnose_container', arguments: { container: name } });
      await client.subscribeResource({ uri: `docker://containers/${name}/inspect` });
      const lines = auditLines();
      expect(lines.find((l) => l.tool === 'resources/read' && JSON.stringify(l.arguments).includes(uri))).toMatchObject({ outcome: 'ok', decision: 'allow' });
      expect(lines.find((l) => l.tool === 'prompts/get' && JSON.stringify(l.arguments).includes(name))).toMatchObject({ outcome: 'ok' });
      expect(lines.find((l) => l.tool === 'resources/subscribe')).toMatchObject({ outcome: 'ok' });
      // A read-only identity is refused the log resource, and the refusal is on record.
      await expect(ro.readResource({ uri })).rejects.toThrow(/Not allowed/);
      const denied = readFileSync(roFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(denied.find((l) => l.tool === 'resources/read')).toMatchObject({ outcome: 'denied', decision: { result: 'deny', rule: 'insufficient_scope' } });
    } finally {
      await ro.close();
      await readOnly.stop();
      await container.remove({ force: true });
    }
  }, 60_000);

  it('a read token calling admin tools leaves denied lines on every transport (403 and "Unknown tool" left none)', async () => {
    const roFile = join(tempDir('dmcp-surface-audit-scope-'), 'audit.log');
    const readOnly = await startTestGateway({ policy_preset: 'read-only', audit_file: roFile });
    try {
      const http = await connectHttp(readOnly);
      await http.callTool({ name: 'container_remove', arguments: { container: 'probe-http' } }).catch(() => undefined);
      await http.close();
      const ws = await openWs(readOnly.url);
      await ws.request('tools/call', { name: 'container_remove', arguments: { container: 'probe-ws' } });
      ws.socket.close();
      const legacy = await fetch(`${readOnly.url}/mcp/call`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: 'docker.container.remove', params: { container: 'probe-legacy' } }) });
      expect(legacy.status).toBeGreaterThanOrEqual(400);
      const lines = readFileSync(roFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const probe of ['probe-http', 'probe-ws', 'probe-legacy']) {
        expect(lines.find((l) => l.tool === 'container_remove' && JSON.stringify(l.arguments).includes(probe)), probe).toMatchObject({ outcome: 'denied' });
      }
    } finally {
      await readOnly.stop();
    }
  }, 60_000);

  it('an arguments object of many short keys does not make a huge audit line (keys were not bounded)', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 40_000; i++) many[`k${i}`] = 'v';
    await callRaw(client, 'container_list', many);
    const line = readFileSync(auditFile, 'utf8').split('\n').filter((l) => l.includes('"tool":"container_list"')).at(-1)!;
    expect(line.length).toBeLessThan(25_000);
    expect(JSON.parse(line)).toMatchObject({ outcome: 'error', errorKind: 'invalid_args', arguments: { '[truncated]': expect.stringMatching(/chars$/) as unknown } });
  });
});
