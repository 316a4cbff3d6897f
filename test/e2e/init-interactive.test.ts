// The real prompts, driven through a pseudo-terminal: answers land in the rendered files, inline
// validation rejects bad input, and Ctrl+C writes nothing.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DOWN, ENTER, startInit, type Session } from '../helpers/pty.js';

let cwd: string;

/** init in a pseudo-terminal, with HOME (and so the resume state) inside the test's own folder. */
const start = (): Session => startInit([], cwd, {});

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
