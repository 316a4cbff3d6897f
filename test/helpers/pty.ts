// Drives the real bin in a pseudo-terminal: wait for text on the screen (ANSI stripped), then type.
// Waits are bounded by generous deadlines; nothing sleeps as an assertion.
import { resolve } from 'node:path';
import { spawn, type IPty } from 'node-pty';
import { envFor, type VarValue } from '../../src/config/variables.js';
import { table } from '../unit/installer-helpers.js';

export const ENTER = '\r';
export const DOWN = '\x1b[B';
export const CTRL_C = '\x03';
export const BACKSPACE = '\x7f';
const BIN = resolve('bin/docker-mcp.js');

// eslint-disable-next-line no-control-regex
export const plain = (text: string): string => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

export interface Session {
  pty: IPty;
  /** Resolves once `pattern` appears in the output since the last match; the match text. */
  expect(pattern: RegExp, timeoutMs?: number): Promise<string>;
  send(text: string): void;
  /** Everything printed so far, ANSI stripped. */
  screen(): string;
  exit: Promise<number>;
}

export function startInit(args: string[], cwd: string, env: Record<string, string>): Session {
  const pty = spawn(process.execPath, [BIN, 'init', ...args], {
    cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, TERM: 'xterm', ...env }, cols: 200, rows: 50,
  });
  let output = '';
  let consumed = 0;
  const waiters: (() => void)[] = [];
  pty.onData((d) => {
    output += d;
    waiters.splice(0).forEach((w) => w());
  });
  const exit = new Promise<number>((res) => pty.onExit(({ exitCode }) => {
    res(exitCode);
    waiters.splice(0).forEach((w) => w());
  }));
  let exited = false;
  void exit.then(() => (exited = true));
  return {
    pty,
    exit,
    screen: () => plain(output),
    send: (text) => pty.write(text),
    async expect(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rest = plain(output.slice(consumed));
        const m = pattern.exec(rest);
        if (m) {
          consumed = output.length;
          return rest;
        }
        if (exited || Date.now() > deadline) throw new Error(`${exited ? 'exited' : 'timed out'} waiting for ${pattern}; got:\n${rest.slice(-1500)}`);
        await new Promise<void>((res) => {
          waiters.push(res);
          setTimeout(res, 250);
        });
      }
    },
  };
}

const asEnv = (v: VarValue): string =>
  Array.isArray(v) ? v.join(',') : typeof v === 'object' ? Object.entries(v).map(([k, x]) => `${k}=${x}`).join(',') : String(v);

/** DOCKER_MCP_INIT_* fixing every variable but `asked` at its default (plus `extra`), so only those are asked. */
export function envExcept(asked: string[], extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const spec of table) if (!asked.includes(spec.name)) env[envFor(spec.name)] = asEnv(spec.default);
  return { ...env, ...extra };
}
