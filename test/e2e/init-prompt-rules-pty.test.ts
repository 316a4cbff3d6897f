// Interactive init, in a pseudo-terminal: a rule between two answers is judged at the answer that
// breaks it and that question is asked again (the earlier answers kept); a choice that would be
// refused is never offered; the summary and the confirmation come before anything is written.
// Every variable not under test comes from DOCKER_MCP_INIT_* env (fixed, so never asked).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { envFor } from '../../src/config/variables.js';
import { ensureBuilt } from '../helpers/build.js';
import { DOWN, ENTER, envExcept, startInit } from '../helpers/pty.js';

let cwd: string;
beforeAll(() => ensureBuilt(), 180_000);
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'dmcp-pty-rules-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

it('a memory request above the limit: the user picks which answer to change (the request), asked with no refused default; the limit answer is kept', async () => {
  const s = startInit([], cwd, envExcept(['memory_limit', 'memory_request']));
  await s.expect(/advanced settings/);
  s.send(`y${ENTER}`);
  await s.expect(/Memory limit/);
  s.send(`1Gi${ENTER}`);
  await s.expect(/Memory request/);
  s.send(`2Gi${ENTER}`);
  const menu = await s.expect(/Change which answer\?[\s\S]*Memory request.*\(now: 2Gi\)/);
  expect(menu).toContain('! prompt "Memory request (empty: the memory limit)": 2Gi is more than prompt "Memory limit" 1Gi');
  expect(menu).toMatch(/Memory limit \(now: 1Gi\)/);
  s.send(`${DOWN}${ENTER}`);
  const again = await s.expect(/\? Memory request \(empty: the memory limit\):/);
  expect(again).not.toContain('(2Gi)');
  s.send(`768Mi${ENTER}`);
  const summary = await s.expect(/Write these 25 files \(25 create, 0 update, 0 remove\) to .*docker-mcp\?/);
  expect(summary).toMatch(/memory_limit\s+1Gi\s+\(prompt\)/);
  expect(summary).toMatch(/memory_request\s+768Mi\s+\(prompt\)/);
  expect(summary).toMatch(/create\s+terraform\/main\.tf/);
  s.send(ENTER); // the default is yes
  expect(await s.exit, s.screen().slice(-1500)).toBe(0);
  const answers = readFileSync(join(cwd, 'docker-mcp', 'docker-mcp.yaml'), 'utf8');
  expect(answers).toContain('memory_limit: 1Gi');
  expect(answers).toContain('memory_request: 768Mi');
}, 60_000);

it('auth none is not offered; Access with the tunnel off turns it on and asks for the domain; no at the confirmation writes nothing (exit 3)', async () => {
  const asked = ['enable_cloudflare_tunnel', 'tunnel_hostname', 'domain_suffix', 'auth_mode', 'cf_access_team', 'cf_access_aud', 'allowed_emails', 'allowed_email_domains'];
  const s = startInit([], cwd, envExcept(asked, { [envFor('policy_preset')]: 'operator' }));
  await s.expect(/Cloudflare Tunnel\?/);
  s.send(`n${ENTER}`);
  const menu = await s.expect(/both/);
  expect(menu).toMatch(/bearer/);
  expect(menu).toMatch(/cloudflare-access \(turns the Cloudflare Tunnel on/);
  expect(menu).not.toMatch(/\bnone\b/);
  s.send(`${DOWN}${DOWN}${ENTER}`);
  await s.expect(/turned it on[\s\S]*Tunnel host name/);
  s.send(ENTER);
  await s.expect(/Domain/);
  s.send(`example.com${ENTER}`);
  await s.expect(/Cloudflare Access team name/);
  s.send(ENTER);
  const teamMenu = await s.expect(/Change which answer\?[\s\S]*Cloudflare Access team name \(now: empty\)/);
  expect(teamMenu).toContain('required when prompt "Authentication" is both');
  s.send(`${DOWN}${ENTER}`);
  await s.expect(/\? Cloudflare Access team name/);
  s.send(`myteam${ENTER}`);
  await s.expect(/AUD tag/);
  s.send(ENTER);
  await s.expect(/Emails allowed/);
  s.send(ENTER);
  await s.expect(/Email domains allowed/);
  s.send(ENTER);
  // Four answers can fix it: the auth mode, an existing application's AUD, the emails or their domains.
  const emailMenu = await s.expect(/Change which answer\?[\s\S]*Email domains allowed.*\(now: empty\)/);
  expect(emailMenu).toContain('at least one is required for the Access policy');
  expect(emailMenu).toMatch(/AUD tag of an existing Access application/);
  s.send(`${DOWN}${DOWN}${DOWN}${ENTER}`);
  await s.expect(/\? Email domains allowed/);
  s.send(`example.com${ENTER}`);
  const summary = await s.expect(/Write these \d+ files \(\d+ create, 0 update, 0 remove\) to .*docker-mcp\?/);
  expect(summary).toMatch(/auth_mode\s+both\s+\(prompt\)/);
  expect(summary).toMatch(/policy_preset\s+operator\s+\(env DOCKER_MCP_INIT_POLICY_PRESET\)/);
  expect(summary).toMatch(/allowed_email_domains\s+example\.com\s+\(prompt\)/);
  s.send(`n${ENTER}`);
  expect(await s.exit, s.screen().slice(-1500)).toBe(3);
  expect(s.screen()).toContain('nothing was written (declined)');
  expect(existsSync(join(cwd, 'docker-mcp'))).toBe(false);
}, 60_000);
