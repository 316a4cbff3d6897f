// `init --terraform-dir` edits the user's own repo: Ctrl+C at its [y/N] is an interruption (exit 130,
// nothing written), and without someone to ask (CI, --json) it refuses instead of waiting on a
// question (exit 2). Its questions never offer what it refuses: the tunnel (which must be on) is not
// asked, the AUD question does not promise an Access application, the emails are not asked once an
// AUD is given.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { CTRL_C, DOWN, ENTER, envExcept, startInit } from '../helpers/pty.js';
import { fixtureCopy } from '../unit/patch-helpers.js';

const dirs: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const snapshot = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(join(dir, p)).isFile()).sort().map((p) => `${p}\n${readFileSync(join(dir, p), 'utf8')}`);

function repo(): string {
  const dir = fixtureCopy('seed-v4');
  dirs.push(dir);
  return dir;
}

it('Ctrl+C at "Write these changes? [y/N]" is exit 130 "interrupted; nothing was written"; the tunnel, AUD and emails questions follow what it needs', async () => {
  const dir = repo();
  const before = snapshot(dir);
  const asked = ['enable_cloudflare_tunnel', 'auth_mode', 'cf_access_team', 'cf_access_aud', 'allowed_emails', 'allowed_email_domains'];
  const s = startInit(['--terraform-dir', dir], dir, { ...envExcept(asked, { DOCKER_MCP_INIT_DOMAIN_SUFFIX: 'example.com' }), XDG_STATE_HOME: join(dir, '.state') });
  await s.expect(/Authentication/);
  s.send(`${DOWN}${ENTER}`); // cloudflare-access
  await s.expect(/Cloudflare Access team name/);
  s.send(`myteam${ENTER}`);
  const aud = await s.expect(/\? AUD tag of an existing Access application:/);
  expect(aud).not.toContain('empty');
  s.send(`${'a'.repeat(64)}${ENTER}`);
  await s.expect(/Write these changes to .*\[y\/N\]/);
  s.send(CTRL_C);
  expect(await s.exit, s.screen().slice(-1500)).toBe(130);
  const screen = s.screen();
  expect(screen).toContain('interrupted; nothing was written');
  expect(screen).not.toMatch(/Aborted|not a failure docker-mcp knows|^\s+at /m);
  expect(screen).not.toContain('Expose through a Cloudflare Tunnel');
  expect(screen).not.toContain('Emails allowed');
  rmSync(join(dir, '.state'), { recursive: true, force: true });
  expect(snapshot(dir)).toEqual(before);
}, 60_000);

it.each([
  [[], { CI: '1' }],
  [['--json'], {}],
])('init --terraform-dir %j %j without --yes refuses at once (exit 2) instead of waiting on a question', async (args, env) => {
  const dir = repo();
  const before = snapshot(dir);
  const s = startInit(['--terraform-dir', dir, ...args], dir, { ...envExcept([], { DOCKER_MCP_INIT_DOMAIN_SUFFIX: 'example.com' }), ...env });
  expect(await s.exit, s.screen().slice(-1500)).toBe(2);
  expect(s.screen()).toContain(`pass --yes to write these changes into ${dir}, or --dry-run to see them`);
  expect(s.screen()).not.toContain('[y/N]');
  expect(snapshot(dir)).toEqual(before);
}, 60_000);

it('init --terraform-dir with no terminal and no --yes refuses with exit 2 (nothing written, nothing waited on)', () => {
  const dir = repo();
  const before = snapshot(dir);
  const r = spawnSync(process.execPath, [resolve('bin/docker-mcp.js'), 'init', '--terraform-dir', dir, '--domain-suffix', 'example.com'], {
    cwd: dir, encoding: 'utf8', timeout: 60_000, input: '', env: { PATH: process.env.PATH, HOME: dir },
  });
  expect(r.status, r.stderr).toBe(2);
  expect(r.stderr).toContain(`pass --yes to write these changes into ${dir}, or --dry-run to see them`);
  expect(snapshot(dir)).toEqual(before);
}, 60_000);
