// Interactive init, in a pseudo-terminal: Ctrl+C keeps the answers given so far (outside the output
// directory, 0600), the next run offers them and skips those questions, a successful write removes
// the file, and a corrupt file is one warning line, never a stack.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { resumePath } from '../../src/cli/prompts/resume.js';
import { ensureBuilt } from '../helpers/build.js';
import { CTRL_C, ENTER, envExcept, startInit } from '../helpers/pty.js';

let cwd: string;
beforeAll(() => ensureBuilt(), 180_000);
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'dmcp-pty-resume-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

const asked = ['project_name', 'environment', 'namespace'];

it('Ctrl+C saves the answers so far; the next run resumes them, asks the rest, and removes the file after writing', async () => {
  const saved = resumePath(join(cwd, 'docker-mcp'), 'kubernetes', { HOME: cwd });
  const first = startInit([], cwd, envExcept(asked));
  await first.expect(/Project name/);
  first.send(`lab${ENTER}`);
  await first.expect(/Environment name/);
  first.send(`staging${ENTER}`);
  await first.expect(/Kubernetes namespace/);
  first.send(CTRL_C);
  expect(await first.exit).toBe(130);
  expect(first.screen()).toContain('interrupted; 2 answers saved — run init again to resume');
  expect(existsSync(join(cwd, 'docker-mcp'))).toBe(false);
  expect(statSync(saved).mode & 0o777).toBe(0o600);

  // The env now sets the environment: it wins over the saved answer, which is not offered.
  const second = startInit([], cwd, envExcept(asked, { DOCKER_MCP_INIT_ENVIRONMENT: 'qa' }));
  await second.expect(/Resume the 1 answer from \d{4}-\d\d-\d\d \d\d:\d\d UTC\?/);
  second.send(ENTER);
  const resumed = await second.expect(/Kubernetes namespace/);
  expect(resumed).toMatch(/Project name \(prefixes every resource name\): lab/);
  expect(resumed).not.toMatch(/staging/);
  expect(resumed).not.toMatch(/\? Project name/);
  second.send(`tools${ENTER}`); // every advanced setting comes from env: no opt-in to offer
  await second.expect(/Write these \d+ files/);
  second.send(`y${ENTER}`);
  expect(await second.exit, second.screen().slice(-1500)).toBe(0);
  const answers = readFileSync(join(cwd, 'docker-mcp', 'docker-mcp.yaml'), 'utf8');
  expect(answers).toContain('project_name: lab');
  expect(answers).toContain('environment: qa');
  expect(answers).toContain('namespace: tools');
  expect(existsSync(saved)).toBe(false);
}, 60_000);

it('a corrupt resume file is one warning line and is ignored', async () => {
  const saved = resumePath(join(cwd, 'docker-mcp'), 'kubernetes', { HOME: cwd });
  mkdirSync(dirname(saved), { recursive: true });
  writeFileSync(saved, 'answers: [unclosed\n  : {');
  const s = startInit([], cwd, envExcept(asked));
  await s.expect(/Project name/);
  s.send(CTRL_C);
  expect(await s.exit).toBe(130);
  const screen = s.screen();
  expect(screen.match(/warning: .*init-[0-9a-f]{16}\.yaml: unreadable \(.*\); ignoring it/g)).toHaveLength(1);
  expect(screen).not.toMatch(/^\s+at /m);
  expect(screen).not.toContain('Resume the');
}, 60_000);

it('an unwritable state directory is one warning line; the run carries on and says nothing was saved', async () => {
  writeFileSync(join(cwd, 'state'), 'a file, not a directory');
  const s = startInit([], cwd, { ...envExcept(asked), XDG_STATE_HOME: join(cwd, 'state') });
  await s.expect(/Project name/);
  s.send(`lab${ENTER}`);
  await s.expect(/Environment name/);
  s.send(`qa${ENTER}`);
  await s.expect(/Kubernetes namespace/);
  s.send(CTRL_C);
  expect(await s.exit).toBe(130);
  const screen = s.screen();
  expect(screen.match(/warning: answers will not be saved for resume \(ENOTDIR[^)]*\)/g)).toHaveLength(1);
  expect(screen).toContain('interrupted; nothing was written');
  expect(screen).not.toMatch(/answers? saved/);
}, 60_000);

it('resume drops invalid and now-irrelevant saved answers (naming the invalid ones); the count at Ctrl+C is what is on disk', async () => {
  const saved = resumePath(join(cwd, 'docker-mcp'), 'kubernetes', { HOME: cwd });
  mkdirSync(dirname(saved), { recursive: true });
  // A hand-edited file: a project name that fails its check, and Access fields while auth is bearer (irrelevant).
  writeFileSync(saved, 'dir: x\nsavedAt: "2020-01-01T00:00:00.000Z"\nanswers:\n  project_name: "Not Valid!"\n  environment: staging\n  cf_access_team: myteam\n');
  const s = startInit([], cwd, envExcept(asked));
  const offer = await s.expect(/Resume the 1 answer from 2020-01-01 00:00 UTC\?[\s\S]*❯ Yes: skip the questions already answered/);
  expect(offer).toContain('Dropped 1 invalid saved answer: project_name');
  s.send(ENTER);
  await s.expect(/Project name/);
  s.send(CTRL_C);
  expect(await s.exit).toBe(130);
  expect(s.screen()).toContain('interrupted; 1 answer saved');
  const onDisk = readFileSync(saved, 'utf8');
  expect(onDisk).toContain('environment: staging');
  expect(onDisk).not.toContain('project_name');
  expect(onDisk).not.toContain('cf_access_team');
}, 60_000);

it('a resume file older than the docker-mcp.yaml it would override is offered with that said, defaulting to no; no starts fresh', async () => {
  const saved = resumePath(join(cwd, 'docker-mcp'), 'kubernetes', { HOME: cwd });
  mkdirSync(dirname(saved), { recursive: true });
  writeFileSync(saved, 'dir: x\nsavedAt: "2020-01-01T00:00:00.000Z"\nanswers:\n  project_name: old\n');
  writeFileSync(join(cwd, 'docker-mcp.yaml'), 'project_name: edited\n');
  const s = startInit([], cwd, envExcept(asked));
  await s.expect(/Resume the 1 answer from 2020-01-01 00:00 UTC \(docker-mcp\.yaml changed since\)\?[\s\S]*❯ No: start fresh/);
  s.send(ENTER);
  await s.expect(/Project name \(prefixes every resource name\): \(edited\)/);
  s.send(CTRL_C);
  expect(await s.exit).toBe(130);
}, 60_000);

it('init --yes for the same directory removes the resume file (nothing left to resume once written)', () => {
  const saved = resumePath(join(cwd, 'docker-mcp'), 'kubernetes', { HOME: cwd });
  mkdirSync(dirname(saved), { recursive: true });
  writeFileSync(saved, 'dir: x\nsavedAt: "2020-01-01T00:00:00.000Z"\nanswers:\n  project_name: old\n');
  const r = spawnSync(process.execPath, [resolve('bin/docker-mcp.js'), 'init', '--yes'], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: cwd } });
  expect(r.status, r.stderr).toBe(0);
  expect(existsSync(saved)).toBe(false);
}, 60_000);

it.each(['false', '0'])('CI=%s is not CI: init asks', async (ci) => {
  const s = startInit([], cwd, { ...envExcept(asked), CI: ci });
  await s.expect(/\? Project name/);
  s.send(CTRL_C);
  expect(await s.exit).toBe(130);
}, 60_000);
