// The real prompts, driven through a pseudo-terminal: answers land in the rendered files, inline
// validation rejects bad input, and Ctrl+C writes nothing.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn, type IPty } from 'node-pty';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const BIN = resolve('bin/docker-mcp.js');
const ENTER = '\r';
const DOWN = '\x1b[B';
let cwd: string;

interface Session {
  pty: IPty;
  expect(pattern: RegExp): Promise<void>;
  send(text: string): void;
  exit: Promise<number>;
}

function start(): Session {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: cwd, TERM: 'xterm' };
  const pty = spawn(process.execPath, [BIN, 'init'], { cwd, env, cols: 160, rows: 40 });
  let output = '';
  let consumed = 0;
  const waiters: (() => void)[] = [];
  pty.onData((d) => {
    output += d;
    waiters.splice(0).forEach((w) => w());
  });
  const exit = new Promise<number>((res) => pty.onExit(({ exitCode }) => res(exitCode)));
  return {
    pty,
    exit,
    send: (text) => pty.write(text),
    async expect(pattern) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        // eslint-disable-next-line no-control-regex
        const plain = output.slice(consumed).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
        const m = pattern.exec(plain);
        if (m) {
          consumed = output.length;
          return;
        }
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; got:\n${plain.slice(-800)}`);
        await new Promise<void>((res) => {
          waiters.push(res);
          setTimeout(res, 200);
        });
      }
    },
  };
}

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'dmcp-pty-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

describe('docker-mcp init (interactive, in a pty)', () => {
  it('asks the basic questions, validates inline, and renders the answers', async () => {
    const s = start();
    await s.expect(/Project name/);
    s.send(`lab${ENTER}`);
    await s.expect(/Environment name/);
    s.send(ENTER);
    await s.expect(/Kubernetes namespace/);
    s.send(`Bad_NS${ENTER}`);
    await s.expect(/lowercase letters, digits and -/);
    s.send(`${'\x7f'.repeat(6)}tools${ENTER}`);
    await s.expect(/Create the namespace/);
    s.send(ENTER);
    await s.expect(/Replicas/);
    s.send(ENTER);
    await s.expect(/Cloudflare Tunnel\?/);
    s.send(ENTER);
    await s.expect(/Tunnel host name/);
    s.send(ENTER);
    await s.expect(/Domain/);
    s.send(ENTER); // empty breaks the tunnel: go back to the tunnel question, or give the domain
    await s.expect(/required for the Cloudflare Tunnel[\s\S]*Change which answer\?[\s\S]*Domain.*\(now: empty\)/);
    s.send(`${DOWN}${ENTER}`);
    await s.expect(/\? Domain/);
    s.send(`example.com${ENTER}`);
    await s.expect(/Authentication/);
    s.send(ENTER);
    await s.expect(/Operation policy/);
    s.send(`${DOWN}${ENTER}`);
    await s.expect(/advanced settings/);
    s.send(ENTER);
    await s.expect(/Write these \d+ files \(\d+ create, \d+ update, \d+ remove\) to/);
    s.send(ENTER);
    expect(await s.exit).toBe(0);
    const answers = readFileSync(join(cwd, 'docker-mcp', 'docker-mcp.yaml'), 'utf8');
    expect(answers).toContain('project_name: lab');
    expect(answers).toContain('namespace: tools');
    expect(answers).toContain('domain_suffix: example.com');
    expect(answers).toContain('policy_preset: operator');
    expect(readFileSync(join(cwd, 'docker-mcp', 'cloudflare', 'cloudflared-ingress.yaml'), 'utf8')).toContain('lab-docker-mcp-gateway.tools.svc.cluster.local');
    expect(readFileSync(join(cwd, 'docker-mcp', 'terraform', 'cloudflare.tf'), 'utf8')).toContain('docker-mcp.example.com');
  });

  it('Ctrl+C at a prompt exits 130 and writes nothing', async () => {
    const s = start();
    await s.expect(/Project name/);
    s.send('\x03');
    expect(await s.exit).toBe(130);
    expect(existsSync(join(cwd, 'docker-mcp'))).toBe(false);
  });
});
