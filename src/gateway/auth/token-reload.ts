// Picks up a changed auth_tokens_file without a restart, so rotating the Kubernetes Secret (or
// editing the file on a compose host) takes effect by itself.
//
// Why polling the content and not fs.watch: the kubelet updates a Secret volume by writing a new
// `..<timestamp>` directory and renaming a temporary symlink over `..data`; the key file is the
// symlink `tokens -> ..data/tokens`. An inotify watch on the file follows the old inode, which is
// then deleted, so it never sees the new one; a watch on the directory sees the rename but not an
// edit through a single-file bind mount, and inotify does not work on every filesystem (NFS, some
// FUSE and overlay setups). Reading the file (through the symlinks, as open() resolves them) and
// comparing a SHA-256 of its bytes every auth_tokens_reload_seconds works for all of these, catches
// edits that keep the size and mtime, and costs one small read per interval.
//
// Semantics (docs/security.md, "Token rotation"):
// - a new content is applied only when two reads settleMs apart agree, so a file being written in
//   place is not applied half-written;
// - a file that does not parse, fails the schema, lists no tokens or clashes with auth_tokens keeps
//   the previous set: one error line (names the file and the problem, never a value) and
//   docker_mcp_auth_tokens_reload_total{result="invalid"}, once per distinct bad content;
// - a missing or unreadable file keeps the previous set too (result "missing" / "unreadable", once
//   until it is readable again);
// - a good one replaces the set, `onReplaced` ends what removed or changed tokens opened, and one
//   info line names the count and the token names (added, removed, changed): never a token or digest.
import { open } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import { UsageError } from '../../shared/errors.js';
import type { TokenStore } from './token-store.js';
import { checkTokenSet, fingerprintOf, GREW_WHILE_READ, parseTokensFile, TOKENS_FILE_OPEN_FLAGS, tokensFileProblem, type TokenEntry } from './tokens.js';

export type ReloadResult = 'ok' | 'invalid' | 'missing' | 'unreadable';

export interface TokenReloadOptions {
  path: string;
  intervalMs: number;
  /** Fingerprint of the bytes loaded at start-up (tokens.ts readTokensFile). */
  fingerprint: string;
  /** Tokens from the auth_tokens setting, merged with every new file as at start-up. */
  inline: readonly TokenEntry[];
  store: TokenStore;
  log: Logger;
  counter: Counter<'result'>;
  /** Called once a new set is in place; ends what revoked tokens opened and says how many. */
  onReplaced: () => number;
  /** Gap between the two reads that must agree (default 250 ms). */
  settleMs?: number;
}

export interface TokenReloader {
  /** One check now (the timer does the same). */
  poll(): Promise<void>;
  stop(): void;
}

type Read = { ok: true; text: string; fingerprint: string } | { ok: false; result: 'missing' | 'unreadable'; reason: string };

/**
 * One bounded read, as at start-up (tokens.ts readBoundedSync): a FIFO or device is refused without
 * waiting on it, and no more than MAX_TOKENS_FILE_BYTES (+1) is ever read or held.
 */
async function readBounded(path: string): Promise<Buffer> {
  const handle = await open(path, TOKENS_FILE_OPEN_FLAGS);
  try {
    const stats = await handle.stat();
    const problem = tokensFileProblem(stats);
    if (problem) throw new Error(problem);
    const buffer = Buffer.alloc(stats.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length === buffer.length) throw new Error(GREW_WHILE_READ);
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

async function readOnce(path: string): Promise<Read> {
  try {
    const bytes = await readBounded(path);
    return { ok: true, text: bytes.toString('utf8'), fingerprint: fingerprintOf(bytes) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const missing = code === 'ENOENT' || code === 'ENOTDIR';
    return { ok: false, result: missing ? 'missing' : 'unreadable', reason: missing ? 'no such file' : (code ?? (error as Error).message) };
  }
}

/** The problems of a refused file on one line: messages from tokens.ts name places, never values. */
function problemsOf(error: unknown): string {
  if (error instanceof UsageError && error.problems.length) return error.problems.join('; ');
  return (error as Error).message.replace(/\s*\n\s*/g, ' ');
}

export function startTokenReload(options: TokenReloadOptions): TokenReloader {
  const { path, store, log, counter } = options;
  const settleMs = options.settleMs ?? 250;
  let applied = options.fingerprint;
  // What the last refusal was about (a content fingerprint or a read error), so a bad file is
  // reported once, not every interval.
  let refused: string | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const refuse = (result: Exclude<ReloadResult, 'ok'>, key: string, problem: string): void => {
    if (refused === key) return;
    refused = key;
    counter.inc({ result });
    log.error({ file: path, result, kept: store.list().length },
      `auth_tokens_file reload refused, keeping the previous ${store.list().length} tokens: ${problem}`);
  };

  const check = async (): Promise<void> => {
    const first = await readOnce(path);
    if (!first.ok) return refuse(first.result, `read:${first.result}:${first.reason}`, `cannot read ${path}: ${first.reason}`);
    if (first.fingerprint === applied) {
      refused = undefined;
      return;
    }
    if (first.fingerprint === refused) return;
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const second = await readOnce(path);
    // Still being written (or swapped again): the next interval looks again.
    if (stopped || !second.ok || second.fingerprint !== first.fingerprint) return;
    let next: TokenEntry[];
    try {
      const fromFile = parseTokensFile(second.text, path);
      // At start-up an empty file is refused unless auth_tokens or OAuth stand in; at a reload it is
      // far more likely a truncated write than a wish to lock every token out.
      if (fromFile.length === 0) throw new UsageError(`${path} lists no tokens (to revoke them all, remove the tokens and restart, or scale to 0)`);
      next = [...fromFile, ...options.inline];
      checkTokenSet(next);
    } catch (error) {
      return refuse('invalid', second.fingerprint, problemsOf(error));
    }
    const change = store.replace(next);
    applied = second.fingerprint;
    refused = undefined;
    const ended = options.onReplaced();
    counter.inc({ result: 'ok' });
    log.info(
      { file: path, count: next.length, names: next.map((e) => e.name), ...change, ended },
      `auth_tokens_file reloaded: ${next.length} tokens (${change.added.length} added, ${change.removed.length} removed, ${change.changed.length} changed); ` +
        `${ended} connections or sessions of removed or changed tokens ended`,
    );
  };

  const poll = (): Promise<void> => {
    // One check at a time: a slow filesystem must not stack reads up.
    running ??= check()
      .catch((error: unknown) => log.error({ err: error, file: path }, 'auth_tokens_file reload failed'))
      .finally(() => (running = undefined));
    return running;
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void poll().finally(schedule), options.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    poll,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
