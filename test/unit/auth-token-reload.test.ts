// The pieces behind reloading auth_tokens_file (auth/token-store.ts, revocation.ts, token-reload.ts):
// which credentials a new set revokes, what a sweep ends, that a file still being written is not
// applied half-way, and that a refusal names places but never values. The whole flow against a
// real process and a kubelet-style volume is test/integration/auth-token-rotation.test.ts.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/gateway/auth/authenticator.js';
import { isRevoked, RevocationHub } from '../../src/gateway/auth/revocation.js';
import { startTokenReload, type TokenReloader } from '../../src/gateway/auth/token-reload.js';
import { TokenStore } from '../../src/gateway/auth/token-store.js';
import { fingerprintOf, parseTokenList, parseTokensFile } from '../../src/gateway/auth/tokens.js';
import type { Identity } from '../../src/gateway/security.js';
import { WebSocketServerTransport } from '../../src/gateway/transports/ws-transport.js';

const A = 'a'.repeat(24);
const B = 'b'.repeat(24);
const C = 'c'.repeat(24);
const request = (token: string): IncomingMessage => ({ headers: { authorization: `Bearer ${token}` }, url: '/mcp' }) as unknown as IncomingMessage;

async function identityOf(auth: ReturnType<typeof createAuthenticator>, token: string): Promise<Identity> {
  const result = await auth.authenticate(request(token));
  if (!result.ok) throw new Error(result.message);
  return result.identity;
}

describe('token store and revocation', () => {
  it('revokes removed and changed tokens (new value or new scope), keeps unchanged ones', async () => {
    const store = new TokenStore(parseTokenList([`alice:operate:${A}`, `bob:read:${B}`, `ci:read:${C}`]));
    const auth = createAuthenticator({ mode: 'bearer', tokenStore: store });
    const [alice, bob, ci] = await Promise.all([identityOf(auth, A), identityOf(auth, B), identityOf(auth, C)]);
    const change = store.replace(parseTokenList([`alice:operate:${'d'.repeat(24)}`, `bob:read:${B}`, `eve:admin:${'e'.repeat(24)}`]));
    expect(change).toEqual({ added: ['eve'], removed: ['ci'], changed: ['alice'] });
    expect([isRevoked(alice), isRevoked(bob), isRevoked(ci)]).toEqual([true, false, true]);
    expect((await auth.authenticate(request(A))).ok).toBe(false);
    expect((await auth.authenticate(request(B))).ok).toBe(true);

    // Same token, lower scope: a WebSocket authenticated with the old scope must not keep it.
    const bob2 = await identityOf(auth, B);
    expect(store.replace(parseTokenList([`bob:admin:${B}`])).changed).toEqual(['bob']);
    expect(isRevoked(bob2)).toBe(true);
  });

  it('a sweep ends exactly what revoked credentials opened; watching an already revoked one ends it soon', async () => {
    const store = new TokenStore(parseTokenList([`alice:operate:${A}`, `bob:read:${B}`]));
    const auth = createAuthenticator({ mode: 'bearer', tokenStore: store });
    const hub = new RevocationHub();
    const ended: string[] = [];
    const alice = await identityOf(auth, A);
    hub.watch(alice, () => ended.push('alice-ws'));
    const unwatch = hub.watch(alice, () => ended.push('alice-finished'));
    hub.watch(await identityOf(auth, B), () => ended.push('bob'));
    unwatch();
    // An identity without a credential (Access, OAuth, local) is never watched.
    hub.watch({ id: 'local', kind: 'anonymous', name: 'local', scopes: new Set() }, () => ended.push('local'));
    expect(hub.size()).toBe(2);
    store.replace(parseTokenList([`bob:read:${B}`]));
    expect(hub.sweep()).toBe(1);
    expect(ended).toEqual(['alice-ws']);
    hub.watch(alice, () => ended.push('late'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).toEqual(['alice-ws', 'late']);
  });

  it('refusals name the place, never the value (a token pasted one line off becomes a key)', () => {
    const text = `tokens:\n  - name: ci\n    scope: read\n    token: short\n  - name: x\n    scope: read\n    ${A}: 1\n    token: ${B}\n`;
    let message = '';
    try {
      parseTokensFile(text, '/etc/t');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('tokens.0.token: tokens need at least 16 characters');
    expect(message).toContain('tokens.1: unknown key');
    for (const secret of [A, B, 'short']) expect(message).not.toContain(secret);
  });
});

describe('startTokenReload', () => {
  let dir: string;
  let reloader: TokenReloader | undefined;
  afterEach(() => {
    reloader?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies a new content only once two reads agree, and reports a bad one once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'reload-'));
    const path = join(dir, 'tokens');
    const first = `- { name: alice, scope: read, token: "${A}" }\n`;
    writeFileSync(path, first);
    const store = new TokenStore(parseTokensFile(first, path));
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const counter = new Counter({ name: 'reloads', help: 'h', labelNames: ['result'], registers: [new Registry()] });
    let sweeps = 0;
    reloader = startTokenReload({
      path, intervalMs: 3_600_000, fingerprint: fingerprintOf(first), inline: [], store, log, counter, settleMs: 300, onReplaced: () => ++sweeps,
    });
    // Rewritten during the settle gap: the two reads differ, nothing is applied yet.
    writeFileSync(path, `- { name: bob, scope: read, token: "${B}" }\n`);
    const polling = reloader.poll();
    await new Promise((resolve) => setTimeout(resolve, 100));
    writeFileSync(path, `- { name: carol, scope: read, token: "${C}" }\n`);
    await polling;
    expect(store.list().map((e) => e.name)).toEqual(['alice']);
    await reloader.poll();
    expect(store.list().map((e) => e.name)).toEqual(['carol']);
    expect(sweeps).toBe(1);

    writeFileSync(path, 'tokens: [');
    await reloader.poll();
    await reloader.poll();
    expect(store.list().map((e) => e.name)).toEqual(['carol']);
    const refused = lines.filter((l) => l.level === 50);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.msg).toContain('keeping the previous 1 tokens');
    expect((await counter.get()).values).toEqual(expect.arrayContaining([
      expect.objectContaining({ labels: { result: 'ok' }, value: 1 }),
      expect.objectContaining({ labels: { result: 'invalid' }, value: 1 }),
    ]));
    expect(JSON.stringify(lines)).not.toMatch(/aaaa|bbbb|cccc/);
  });
});

describe('a WebSocket the server is closing', () => {
  it('handles no frame that arrives after its close frame (a revoked token cannot slip a call in)', async () => {
    const socket = Object.assign(new EventEmitter(), { OPEN: 1, readyState: 1, bufferedAmount: 0 });
    const identity: Identity = { id: 'token:alice', kind: 'token', name: 'alice', scopes: new Set(['read']) };
    const transport = new WebSocketServerTransport(socket as never, identity);
    const received: unknown[] = [];
    transport.onmessage = (message) => received.push(message);
    await transport.start();
    const frame = (id: number): Buffer => Buffer.from(JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/list' }));
    socket.emit('message', frame(1), false);
    socket.readyState = 2; // CLOSING: the server sent its close frame (revoked, idle, replaced)
    socket.emit('message', frame(2), false);
    expect(received).toEqual([expect.objectContaining({ id: 1 })]);
    expect(transport.busy()).toBe(true);
  });
});
