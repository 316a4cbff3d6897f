// Interactive init, the second review's findings (issue 16), in a pseudo-terminal: a wrong repo path is
// refused before the first question; Enter on a map default holding a comma keeps it; a y/n question takes
// only y/yes/n/no/Enter. Every variable not under test comes from DOCKER_MCP_INIT_* env (never asked).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { resumePath } from '../../src/cli/prompts/resume.js';
import { variablesTable } from '../../src/config/variables.js';
import { ensureBuilt } from '../helpers/build.js';
import { fixtureCopy } from '../unit/patch-helpers.js';
import { BACKSPACE, CTRL_C, DOWN, ENTER, envExcept, startInit } from '../helpers/pty.js';

let cwd: string;
beforeAll(() => ensureBuilt(), 180_000);
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'dmcp-pty-review2-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

it.each([
  [['--terraform-dir', 'nope'], '--terraform-dir: nope is not a directory'],
  [['--terraform-dir', '.', '--cloudflared-configmap', 'missing.yaml'], '--cloudflared-configmap: missing.yaml does not exist'],
])('init %j: a wrong path is refused before the first question (exit 2, nothing saved for resume)', async (args, problem) => {
  const state = join(cwd, 'state');
  const s = startInit(args, cwd, { XDG_STATE_HOME: state });
  expect(await s.exit, s.screen()).toBe(2);
  expect(s.screen()).toContain(problem);
  expect(s.screen()).not.toMatch(/^\? /m);
  expect(existsSync(state) ? readdirSync(state, { recursive: true }) : []).toEqual([]);
}, 60_000);

it('a docker-mcp.yaml map value with a comma is offered as default and Enter keeps it as is', async () => {
  writeFileSync(join(cwd, 'docker-mcp.yaml'), 'pod_annotations:\n  example.com/ports: "8080,9090"\n');
  const s = startInit([], cwd, envExcept(['pod_annotations']));
  await s.expect(/Review the 1 advanced setting \(/);
  s.send(`y${ENTER}`);
  await s.expect(/\? Extra pod annotations .*\(example\.com\/ports=8080,9090\)/);
  s.send(ENTER);
  const summary = await s.expect(/Write these \d+ files/);
  expect(summary).not.toContain('is not key=value');
  expect(summary).toMatch(/pod_annotations\s+example\.com\/ports=8080,9090/);
  s.send(ENTER);
  expect(await s.exit, s.screen().slice(-1500)).toBe(0);
  const rendered = readdirSync(join(cwd, 'docker-mcp'), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => readFileSync(join(cwd, 'docker-mcp', f), 'utf8'))
    .join('\n');
  expect(rendered).toMatch(/example\.com\/ports: "?8080,9090"?/);
}, 60_000);

it('Write these files (Y/n): any other text is asked again, not taken as yes', async () => {
  const s = startInit([], cwd, envExcept([]));
  await s.expect(/Write these 25 files .*\(Y\/n\)/);
  s.send(`2${ENTER}`);
  await s.expect(/answer y or n/);
  s.send(`${BACKSPACE}n${ENTER}`);
  expect(await s.exit, s.screen().slice(-1500)).toBe(3);
  expect(existsSync(join(cwd, 'docker-mcp'))).toBe(false);
}, 60_000);

it('a yes/no question refuses text that is not y/yes/n/no', async () => {
  mkdirSync(join(cwd, 'x'));
  const s = startInit(['-o', 'x'], cwd, envExcept(['enable_metrics']));
  await s.expect(/advanced setting .*\(y\/N\)/);
  s.send(`maybe${ENTER}`);
  await s.expect(/answer y or n/);
}, 60_000);

it('--terraform-dir never asks the tunnel question; a docker-mcp.yaml turning the tunnel off is refused before the first question', async () => {
  writeFileSync(join(cwd, 'docker-mcp.yaml'), 'enable_cloudflare_tunnel: false\n');
  const s = startInit(['--terraform-dir', '.'], cwd, { XDG_STATE_HOME: join(cwd, 'state') });
  expect(await s.exit, s.screen()).toBe(2);
  expect(s.screen()).toContain('docker-mcp.yaml: enable_cloudflare_tunnel');
  expect(s.screen()).not.toMatch(/^\? /m);
}, 60_000);

it('a select asked again because its answer broke a rule defaults to the first choice no rule refuses', async () => {
  const asked = ['enable_cloudflare_tunnel', 'domain_suffix', 'tunnel_hostname', 'auth_mode', 'cf_access_team', 'cf_access_aud', 'allowed_emails', 'allowed_email_domains'];
  const s = startInit([], cwd, envExcept(asked));
  const steps: [RegExp, string][] = [
    [/Expose/, ENTER], [/Tunnel host name/, ENTER], [/\? Domain/, `ex.com${ENTER}`], [/Authentication/, `${DOWN}${DOWN}${ENTER}`],
    [/team name/, `t${ENTER}`], [/AUD tag/, ENTER], [/Emails allowed/, ENTER], [/Email domains/, ENTER], [/Change which answer\?/, ENTER],
  ];
  for (const [pattern, keys] of steps) {
    await s.expect(pattern);
    s.send(keys);
  }
  const again = await s.expect(/\? Authentication:[\s\S]*❯/);
  expect(again).toMatch(/❯ bearer/); // not "both", the answer that broke the rule
  s.send(CTRL_C);
  expect(await s.exit).toBe(130);
}, 60_000);

it('--terraform-dir: declining after an unwritable state dir does not claim the answers are saved; Ctrl+C with them saved says they stay', async () => {
  const dir = fixtureCopy('seed-v4');
  try {
    const asked = ['auth_mode', 'cf_access_team', 'cf_access_aud', 'allowed_emails', 'allowed_email_domains'];
    const env = envExcept(asked, { DOCKER_MCP_INIT_DOMAIN_SUFFIX: 'example.com' });
    writeFileSync(join(cwd, 'not-a-dir'), '');
    const s = startInit(['--terraform-dir', dir], dir, { ...env, XDG_STATE_HOME: join(cwd, 'not-a-dir') });
    await s.expect(/Authentication/);
    s.send(ENTER); // bearer
    await s.expect(/Write these changes to .*\[y\/N\]/);
    s.send(`n${ENTER}`);
    expect(await s.exit, s.screen().slice(-1500)).toBe(3);
    expect(s.screen()).toContain('answers will not be saved for resume');
    expect(s.screen()).not.toContain('answers are saved');

    const t = startInit(['--terraform-dir', dir], dir, { ...env, XDG_STATE_HOME: join(cwd, 'state') });
    await t.expect(/Authentication/);
    t.send(ENTER);
    await t.expect(/Write these changes to .*\[y\/N\]/);
    t.send(CTRL_C);
    expect(await t.exit).toBe(130);
    expect(t.screen()).toContain('interrupted; nothing was written (the answers stay saved: run init again to resume)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

it('Ctrl+C at the resume offer says the saved answers stay', async () => {
  const env = { ...envExcept(['replicas', 'namespace']), XDG_STATE_HOME: join(cwd, 'state') };
  const first = startInit([], cwd, env);
  await first.expect(/Kubernetes namespace/);
  first.send(`other${ENTER}`);
  await first.expect(/Replicas/);
  first.send(CTRL_C);
  expect(await first.exit).toBe(130);
  const s = startInit([], cwd, env);
  await s.expect(/Resume the 1 answer/);
  s.send(CTRL_C);
  expect(await s.exit).toBe(130);
  expect(s.screen()).toContain('the saved answers stay: run init again to resume');
}, 60_000);

it('an "(empty: …)" question with a default says Backspace clears it, and Backspace then Enter answers empty', async () => {
  writeFileSync(join(cwd, 'docker-mcp.yaml'), 'memory_request: 256Mi\n');
  const s = startInit([], cwd, envExcept(['memory_request']));
  await s.expect(/Review the 1 advanced setting \(/);
  s.send(`y${ENTER}`);
  await s.expect(/\? Memory request \(empty: the memory limit\) \[Backspace clears the default\]: \(256Mi\)/);
  s.send(`${BACKSPACE}${ENTER}`);
  const summary = await s.expect(/Write these \d+ files/);
  expect(summary).not.toContain('memory_request');
  s.send(`n${ENTER}`);
  expect(await s.exit).toBe(3);
}, 60_000);

it('resume offers three choices; "saved answers as defaults" asks every question again with them; another version\'s defaults are left out', async () => {
  const env = { ...envExcept(['project_name', 'environment', 'docker_image']), XDG_STATE_HOME: join(cwd, 'state') };
  const path = resumePath(join(cwd, 'docker-mcp'), 'kubernetes', env);
  mkdirSync(dirname(path), { recursive: true });
  const oldImage = variablesTable('0.0.1').find((s) => s.name === 'docker_image')!.default as string;
  writeFileSync(path, stringify({ dir: cwd, savedAt: new Date().toISOString(), version: '0.0.1', answers: { project_name: 'lab', environment: 'staging', docker_image: oldImage } }));
  const s = startInit([], cwd, env);
  const offer = await s.expect(/Resume the 2 answers from .*UTC\?[\s\S]*No: start fresh/);
  expect(offer).toContain('Left out 1 saved answer that was the default of docker-mcp 0.0.1: docker_image');
  expect(offer).toContain('Go through the questions with my saved answers as defaults');
  s.send(`${DOWN}${ENTER}`);
  await s.expect(/\? Project name \(prefixes every resource name\): \(lab\)/);
  s.send(ENTER);
  await s.expect(/\? Environment name: \(staging\)/);
  s.send(`qa${ENTER}`);
  await s.expect(/Review the 1 advanced setting/);
  s.send(`y${ENTER}`);
  const image = await s.expect(/\? Gateway image: \(.+\)/);
  expect(image).not.toContain(oldImage);
  s.send(CTRL_C);
  expect(await s.exit).toBe(130);
  const saved = parse(readFileSync(path, 'utf8')) as { answers: Record<string, unknown>; version: string };
  expect(saved.answers).toEqual({ project_name: 'lab', environment: 'qa' });
  expect(saved.version).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
}, 60_000);

it('backing out of Access restores the tunnel "no" it had overridden; the Access answers it made irrelevant are not shown', async () => {
  const asked = ['enable_cloudflare_tunnel', 'domain_suffix', 'tunnel_hostname', 'auth_mode', 'cf_access_team', 'cf_access_aud', 'allowed_emails', 'allowed_email_domains'];
  const s = startInit([], cwd, envExcept(asked));
  const steps: [RegExp, string][] = [
    [/Expose/, `n${ENTER}`], [/Authentication/, `${DOWN}${ENTER}`], [/Tunnel host name/, ENTER], [/\? Domain/, `ex.com${ENTER}`],
    [/team name/, `myteam${ENTER}`], [/AUD tag/, ENTER], [/Emails allowed/, ENTER], [/Email domains/, ENTER],
    [/Change which answer\?/, ENTER], [/\? Authentication:[\s\S]*❯ bearer/, ENTER],
  ];
  for (const [pattern, keys] of steps) {
    await s.expect(pattern);
    s.send(keys);
  }
  const summary = await s.expect(/Write these \d+ files/);
  expect(summary).toContain('No Cloudflare Access: the tunnel is back to false, as it was.');
  expect(summary).toMatch(/enable_cloudflare_tunnel\s+false\s+\(prompt\)/);
  expect(summary).not.toContain('cf_access_team');
  expect(summary).not.toContain('myteam');
  s.send(`n${ENTER}`);
  expect(await s.exit, s.screen().slice(-1500)).toBe(3);
}, 60_000);
