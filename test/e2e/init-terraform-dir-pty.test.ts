// `init --terraform-dir` in a pseudo-terminal: after the prompts it shows the combined diff and asks
// before touching the repo, after the summary of the choices (one question, never two); "n" leaves
// every file as it was (exit 3, as a declined plain init), "y" writes.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node-pty';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { binPath, ensureBuilt } from '../helpers/build.js';
import { fixtureCopy } from '../unit/patch-helpers.js';

const ENTER = '\r';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(join(dir, p)).isFile()).sort();
}

/** Runs init in a pty, answering each prompt that matches in turn; resolves with exit code and screen text. */
async function run(repo: string, answers: [RegExp, string][]): Promise<{ code: number; screen: string }> {
  // Every basic answer comes from the env, so the only prompts are "advanced?" and the final question.
  // The resume file of interactive runs goes under XDG_STATE_HOME: kept out of the repo listing.
  const state = mkdtempSync(join(tmpdir(), 'dmcp-state-'));
  dirs.push(state);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '', HOME: repo, XDG_STATE_HOME: state, TERM: 'xterm', DOCKER_MCP_INIT_DOMAIN_SUFFIX: 'example.com',
    DOCKER_MCP_INIT_PROJECT_NAME: 'homelab', DOCKER_MCP_INIT_ENVIRONMENT: 'production', DOCKER_MCP_INIT_NAMESPACE: 'homelab',
    DOCKER_MCP_INIT_REPLICAS: '1', DOCKER_MCP_INIT_ENABLE_CLOUDFLARE_TUNNEL: 'true', DOCKER_MCP_INIT_TUNNEL_HOSTNAME: 'docker-mcp',
    DOCKER_MCP_INIT_AUTH_MODE: 'bearer', DOCKER_MCP_INIT_POLICY_PRESET: 'read-only', DOCKER_MCP_INIT_CREATE_NAMESPACE: 'true',
  };
  const pty = spawn(process.execPath, [binPath, 'init', '--terraform-dir', repo], { cwd: repo, env, cols: 160, rows: 40 });
  let screen = '';
  let consumed = 0;
  const pending = [...answers];
  pty.onData((d) => {
    screen += d;
    // eslint-disable-next-line no-control-regex
    const plain = screen.slice(consumed).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    const next = pending[0];
    if (next && next[0].test(plain)) {
      pending.shift();
      consumed = screen.length;
      pty.write(next[1]);
    }
  });
  const code = await new Promise<number>((res) => pty.onExit(({ exitCode }) => res(exitCode)));
  expect(pending, `unanswered prompts; screen:\n${screen.slice(-1500)}`).toEqual([]);
  return { code, screen };
}

beforeAll(() => ensureBuilt(), 180_000);

describe('init --terraform-dir (interactive, in a pty)', () => {
  it('shows the diff and writes nothing when the answer is no', async () => {
    const repo = fixtureCopy('seed-v4');
    dirs.push(repo);
    const before = listing(repo).map((p) => `${p}\n${readFileSync(join(repo, p), 'utf8')}`);
    const { code, screen } = await run(repo, [[/advanced settings/, ENTER], [/Write these changes to .*\[y\/N\]/, `n${ENTER}`]]);
    expect(code).toBe(3);
    expect(screen).toContain('+++ b/docker-mcp.tf');
    expect(screen).toMatch(/domain_suffix\s+example\.com\s+\(env DOCKER_MCP_INIT_DOMAIN_SUFFIX\)/);
    expect(screen.indexOf('Your choices')).toBeLessThan(screen.indexOf('+++ b/docker-mcp.tf'));
    expect(screen.match(/Write these/g)).toHaveLength(1);
    expect(screen).toContain('nothing was written (declined)');
    expect(listing(repo).map((p) => `${p}\n${readFileSync(join(repo, p), 'utf8')}`)).toEqual(before);
  }, 60_000);

  it('writes the module, docker-mcp.tf and the tunnel rule when the answer is yes', async () => {
    const repo = fixtureCopy('seed-v4');
    dirs.push(repo);
    const { code, screen } = await run(repo, [[/advanced settings/, ENTER], [/Write these changes to .*\[y\/N\]/, `y${ENTER}`]]);
    expect(code, screen.slice(-1000)).toBe(0);
    expect(listing(repo)).toEqual(expect.arrayContaining(['docker-mcp.tf', 'modules/docker-mcp-gateway/main.tf']));
    expect(readFileSync(join(repo, 'modules/cloudflare-tunnel/main.tf'), 'utf8')).toContain('docker-mcp.${var.domain_suffix}');
  }, 60_000);
});
