// Attacks on reading auth_tokens_file (at start-up and at every reload, auth/token-reload.ts): the
// YAML parser's own warnings must not print a token, and the file read must be bounded, so a
// tokens path that is a FIFO or a huge file (a mistaken symlink, a runaway write) cannot hang the
// reloader or the start-up, or make the gateway read without limit.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTokenReload, type TokenReloader } from '../../src/gateway/auth/token-reload.js';
import { TokenStore } from '../../src/gateway/auth/token-store.js';
import { fingerprintOf, MAX_TOKENS_FILE_BYTES, parseTokensFile, readTokensFile } from '../../src/gateway/auth/tokens.js';

const A = 'a'.repeat(24);
const SECRET = 'S3cretTokenValue-0123456789abcdef';
const GOOD = `- { name: alice, scope: read, token: "${A}" }\n`;

describe('parsing a tokens file', () => {
  afterEach(() => vi.restoreAllMocks());

  it('YAML warnings (an unknown tag or directive) never reach stderr with the line that holds the token', () => {
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const tagged = `tokens:\n  - name: ci\n    scope: read\n    token: !secret ${SECRET}\n`;
    expect(parseTokensFile(tagged, '/etc/t').map((e) => e.name)).toEqual(['ci']);
    expect(() => parseTokensFile(`%TOKEN ${SECRET}\n---\n- { name: ci, scope: read, token: x }\n`, '/etc/t')).toThrow();
    // yaml's warnings carry a code frame: the offending line, token and all.
    const printed = JSON.stringify(warned.mock.calls.map((args) => args.map((a) => String((a as Error).message ?? a))));
    expect(printed).not.toContain(SECRET);
    expect(warned).not.toHaveBeenCalled();
  });
});

describe('reading a tokens file is bounded', () => {
  let dir: string;
  let reloader: TokenReloader | undefined;
  afterEach(() => {
    reloader?.stop();
    reloader = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  function reload(path: string) {
    const store = new TokenStore(parseTokensFile(GOOD, path));
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const counter = new Counter({ name: 'reloads', help: 'h', labelNames: ['result'], registers: [new Registry()] });
    reloader = startTokenReload({
      path, intervalMs: 3_600_000, fingerprint: fingerprintOf(GOOD), inline: [], store, log, counter, settleMs: 10, onReplaced: () => 0,
    });
    return { store, lines, counter, reloader };
  }

  it(`refuses a file over ${MAX_TOKENS_FILE_BYTES} bytes at a reload and at start-up, keeping the previous tokens`, async () => {
    dir = mkdtempSync(join(tmpdir(), 'tokens-big-'));
    const path = join(dir, 'tokens');
    // Valid YAML with a new token, padded by a comment: without a bound it is read whole and applied.
    writeFileSync(path, `- { name: bob, scope: admin, token: "${'b'.repeat(24)}" }\n#${'x'.repeat(2 * MAX_TOKENS_FILE_BYTES)}\n`);
    const { store, lines, counter } = reload(path);
    await reloader!.poll();
    expect(store.list().map((e) => e.name)).toEqual(['alice']);
    const refused = lines.filter((l) => l.level === 50);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.msg).toContain(`larger than ${MAX_TOKENS_FILE_BYTES} bytes`);
    expect((await counter.get()).values).toEqual([expect.objectContaining({ labels: { result: 'unreadable' }, value: 1 })]);
    expect(() => readTokensFile(path)).toThrow(/larger than/);
  });

  it('refuses a FIFO (or a device) without blocking: the poll ends, the previous tokens stay', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tokens-fifo-'));
    const path = join(dir, 'tokens');
    execFileSync('mkfifo', [path]);
    const { store, lines } = reload(path);
    try {
      const outcome = await Promise.race([
        reloader!.poll().then(() => 'done'),
        new Promise((resolve) => setTimeout(() => resolve('blocked'), 2_000)),
      ]);
      expect(outcome).toBe('done');
      expect(store.list().map((e) => e.name)).toEqual(['alice']);
      expect(lines.filter((l) => l.level === 50)[0]?.msg).toContain('not a regular file');
      // Start-up reads synchronously: a FIFO there would block the whole process before it listens.
      expect(() => readTokensFile(path)).toThrow(/not a regular file/);
    } finally {
      // Unblocks a reader stuck in open() (the unbounded implementation) so the worker can exit.
      try {
        closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // No reader waiting: nothing to release.
      }
    }
  });
});
