// Interactive init, in a pseudo-terminal: a rule between two answers typed at prompts names both
// questions (not flags the user never typed), exits 2 and writes nothing. Every other variable comes
// from DOCKER_MCP_INIT_* env (fixed, so not asked), leaving just the two memory questions.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn } from 'node-pty';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { envFor, type VarValue } from '../../src/config/variables.js';
import { table } from '../unit/installer-helpers.js';

const BIN = resolve('bin/docker-mcp.js');
const ENTER = '\r';
let cwd: string;

const asEnv = (v: VarValue): string =>
  Array.isArray(v) ? v.join(',') : typeof v === 'object' ? Object.entries(v).map(([k, x]) => `${k}=${x}`).join(',') : String(v);

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'dmcp-pty-origin-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

it('a cross-field problem between two prompt answers names both prompts', async () => {
  const asked = ['memory_limit', 'memory_request'];
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: cwd, TERM: 'xterm' };
  for (const spec of table) if (!asked.includes(spec.name)) env[envFor(spec.name)] = asEnv(spec.default);
  const pty = spawn(process.execPath, [BIN, 'init'], { cwd, env, cols: 200, rows: 40 });
  let screen = '';
  const exit = new Promise<number>((res) => pty.onExit(({ exitCode }) => res(exitCode)));
  const script: [RegExp, string][] = [[/advanced settings/, `y${ENTER}`], [/Memory limit/, `1Gi${ENTER}`], [/Memory request/, `2Gi${ENTER}`]];
  let consumed = 0;
  pty.onData((d) => {
    screen += d;
    // eslint-disable-next-line no-control-regex
    const plain = screen.slice(consumed).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    const next = script[0];
    if (next && next[0].test(plain)) {
      script.shift();
      consumed = screen.length;
      pty.write(next[1]);
    }
  });
  const timer = setTimeout(() => pty.kill(), 20_000);
  const code = await exit;
  clearTimeout(timer);
  // eslint-disable-next-line no-control-regex
  const plain = screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  expect(script, plain.slice(-1500)).toEqual([]);
  expect(code, plain.slice(-1500)).toBe(2);
  expect(plain).toContain('prompt "Memory request (empty: the memory limit)": 2Gi is more than prompt "Memory limit" 1Gi');
  expect(plain).not.toContain('--memory');
  expect(existsSync(join(cwd, 'docker-mcp'))).toBe(false);
});
