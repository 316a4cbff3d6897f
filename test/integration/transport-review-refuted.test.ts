// Transport review: attacks that did not work, kept so they keep not working. Each drives a real
// gateway over raw sockets (what an SDK client would never send) and checks what came back.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../helpers/attacks.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openWs } from '../helpers/raw-mcp.js';

const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef01';

/** Sends `text` on a fresh TCP connection and returns the status line and body of the answer. */
function raw(port: number, text: string): Promise<{ status: string; body: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ status: out.split('\r\n')[0] ?? '', body: out.slice(out.indexOf('\r\n\r\n') + 4) }));
    socket.end(text);
  });
}

function legacyCall(method: string, headerLines: string[], host = '127.0.0.1'): string {
  const body = JSON.stringify({ method, params: {} });
  return [`POST /mcp/call HTTP/1.1`, `Host: ${host}`, 'Content-Type: application/json', ...headerLines, `Content-Length: ${body.length}`, 'Connection: close', '', body].join('\r\n');
}

describe('transport attacks that must keep failing', () => {
  let gateway: TestGateway;
  let port = 0;
  beforeAll(async () => {
    gateway = await startTestGateway({ enable_metrics: true, auth_tokens: [`alice:read:${ALICE}`, `bob:admin:${BOB}`] });
    port = Number(new URL(gateway.url).port);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('header tricks: duplicate Authorization, two tokens in one, other schemes, a foreign Host', async () => {
    // Node keeps the first Authorization: an invalid one is not rescued by a valid admin token after it.
    expect((await raw(port, legacyCall('docker.system.info', ['Authorization: Bearer nope', `Authorization: Bearer ${BOB}`]))).status).toMatch(/ 401 /);
    // A valid read token first: the request runs as alice (read), never as the admin after it.
    const exec = await raw(port, legacyCall('docker.container.exec', [`Authorization: Bearer ${ALICE}`, `Authorization: Bearer ${BOB}`]));
    expect(exec.status).toMatch(/ 403 /);
    expect(exec.body).toContain('alice has read');
    for (const header of [`Authorization: Bearer ${ALICE}, Bearer ${BOB}`, `Authorization: bearer\t${ALICE}`, `Authorization: Basic ${Buffer.from(`x:${ALICE}`).toString('base64')}`]) {
      const answer = await raw(port, legacyCall('docker.system.info', [header]));
      expect(answer.status, header).toMatch(/ 401 /);
      expect(answer.body).not.toContain(ALICE);
    }
    expect((await raw(port, legacyCall('docker.system.info', [`Authorization: Bearer ${ALICE}`], 'evil.example'))).status).toMatch(/ 403 /);
  });

  it('/mcp/call method names cannot reach a tool the token may not use or a prototype key', async () => {
    for (const method of ['docker.container.exec', 'docker.container.stop', 'container_exec']) {
      expect((await raw(port, legacyCall(method, [`Authorization: Bearer ${ALICE}`]))).status, method).toMatch(/ 403 /);
    }
    for (const method of ['docker.__proto__', 'constructor', 'docker..container.list', 'toString']) {
      expect((await raw(port, legacyCall(method, [`Authorization: Bearer ${ALICE}`]))).status, method).toMatch(/ 404 /);
    }
  });

  it('a tools/call sent as a notification is not executed; a second initialize keeps the identity', async () => {
    const calls = async (): Promise<number> => {
      const text = await (await fetch(gateway.metricsUrl ?? '')).text();
      return text.split('\n').filter((l) => l.startsWith('docker_mcp_tool_calls_total')).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    };
    const alice = await openWs(gateway.url, bearer(ALICE));
    try {
      const before = await calls();
      alice.socket.send(JSON.stringify({ jsonrpc: '2.0', method: 'tools/call', params: { name: 'system_ping', arguments: {} } }));
      await new Promise((r) => setTimeout(r, 300));
      expect(await calls()).toBe(before);
      // The same message as a request is counted: the metric does see calls.
      await alice.request('tools/call', { name: 'system_ping', arguments: {} });
      expect(await calls()).toBe(before + 1);
      await alice.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'again', version: '0' } });
      const tools = ((await alice.request('tools/list', {})).result as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
      expect(tools).not.toContain('container_exec');
      expect(tools).toContain('container_list');
    } finally {
      alice.socket.terminate();
    }
  });

  it('a message fragmented past ws_max_payload_bytes is closed with 1009', async () => {
    const alice = await openWs(gateway.url, bearer(ALICE));
    const chunk = 'a'.repeat(512 * 1024);
    for (let i = 0; i < 4; i++) alice.socket.send(chunk, { fin: false });
    expect(await alice.closed).toBe(1009);
    // The gateway still serves.
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  });

  it('malformed WebSocket frames close that connection only', async () => {
    /** A masked client frame with a raw first byte (FIN, RSV bits, opcode). */
    const frame = (first: number, payload: Buffer): Buffer => {
      const mask = randomBytes(4);
      const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)));
      return Buffer.concat([Buffer.from([first, 0x80 | payload.length]), mask, masked]);
    };
    const attacks: Record<string, Buffer> = {
      'invalid UTF-8 text': frame(0x81, Buffer.from([0xff, 0xfe, 0xfd])),
      'RSV1 without permessage-deflate': frame(0xc1, Buffer.from('{}')),
      'reserved opcode 3': frame(0x83, Buffer.from('x')),
      'fragmented ping': frame(0x09, Buffer.from('x')),
      'close with code 999': frame(0x88, Buffer.from([0x03, 0xe7])),
      'continuation without a start': frame(0x80, Buffer.from('x')),
    };
    for (const [what, bytes] of Object.entries(attacks)) {
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        let out = Buffer.alloc(0);
        socket.on('error', () => undefined);
        socket.on('data', (d: Buffer) => {
          const first = out.length === 0;
          out = Buffer.concat([out, d]);
          if (first && out.toString('latin1').startsWith('HTTP/1.1 101')) socket.write(bytes);
        });
        socket.on('close', () => resolve(out.toString('latin1')));
        socket.write(['GET /ws HTTP/1.1', 'Host: 127.0.0.1', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Protocol: mcp', `Authorization: Bearer ${ALICE}`, '', ''].join('\r\n'));
        setTimeout(() => socket.destroy(), 5_000);
      });
      expect(answer, what).toMatch(/^HTTP\/1\.1 101/);
      // The gateway answered with a close frame (opcode 8) and is still serving.
      expect(answer.includes('\x88'), what).toBe(true);
      expect((await fetch(`${gateway.url}/health`)).status, what).toBe(200);
    }
  });

  it('two WebSocket requests with one id are both answered', async () => {
    const alice = await openWs(gateway.url, bearer(ALICE));
    try {
      const answers: unknown[] = [];
      alice.socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { id?: unknown };
        if (message.id === 'dup') answers.push(message);
      });
      for (let i = 0; i < 2; i++) alice.socket.send(JSON.stringify({ jsonrpc: '2.0', id: 'dup', method: 'resources/read', params: { uri: 'docker://system/info' } }));
      await new Promise((r) => setTimeout(r, 1_500));
      expect(answers).toHaveLength(2);
    } finally {
      alice.socket.terminate();
    }
  });
});
