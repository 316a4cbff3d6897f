// The built bin's messages for the review's cases (issue 16, finding 4), black-box: init's unknown
// DOCKER_MCP_INIT_* warning, `-c <folder>`, a YAML error on one line, and a rendered file that
// cannot be read in `plan --target kubectl` (was "not a failure docker-mcp knows how to explain").
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, ensureBuilt, repoRoot } from '../helpers/build.js';

const root = mkdtempSync(join(tmpdir(), 'dmcp-msgs-'));

function cli(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [binPath, ...args], {
    cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: root, CI: '1', NO_COLOR: '1', ...env },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => ensureBuilt(), 300_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('docker-mcp messages name the true cause', () => {
  it('init warns about DOCKER_MCP_INIT_PROT (did you mean …PORT) and OUTPUT_DIR (a flag only)', () => {
    const run = cli(['init', '--yes', '--dry-run', '-o', 'env-out'], { DOCKER_MCP_INIT_PROT: '9000', DOCKER_MCP_INIT_OUTPUT_DIR: 'elsewhere' });
    expect(run.stderr).toContain('warning: DOCKER_MCP_INIT_PROT is ignored: no such variable; did you mean DOCKER_MCP_INIT_PORT?');
    expect(run.stderr).toContain('warning: DOCKER_MCP_INIT_OUTPUT_DIR is ignored: -o/--output-dir is a flag only (no env var)');
  });

  it('init -c <folder>: "is a directory", exit 2', () => {
    mkdirSync(join(root, 'answers'));
    const run = cli(['init', '--yes', '-c', 'answers']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('docker-mcp: config file answers is a directory, not a file: give -c a readable YAML file');
  });

  it('init -c <bad YAML>: one line with line and column', () => {
    writeFileSync(join(root, 'bad.yaml'), 'project_name: "x\n');
    const run = cli(['init', '--yes', '-c', 'bad.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('docker-mcp: bad.yaml: not valid YAML at line 2, column 1: Missing closing "quote');
  });

  it('plan --target kubectl with a rendered file that cannot be read: one true line, not "not a failure docker-mcp knows how to explain"', () => {
    expect(cli(['init', '--yes', '-o', 'out']).code).toBe(0);
    const service = join(root, 'out', 'kubernetes', 'service.yaml');
    rmSync(service);
    mkdirSync(service);
    const run = cli(['plan', '--target', 'kubectl', '--dir', join(root, 'out', 'kubernetes')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('docker-mcp: cannot read a file: a folder stands where a file was expected');
    expect(run.stderr).not.toContain('knows how to explain');
  });

  it('top-level --help keeps every line of its description under 80 columns (was "Cloudflare Tunnel changes" wrapped to column 0)', () => {
    const run = cli(['--help']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.filter((l) => l.length > 80)).toEqual([]);
    expect(lines.find((l) => l.includes('docker-mcp init'))).toContain('Cloudflare changes');
    expect(lines.filter((l) => /^Cloudflare/.test(l))).toEqual([]);
  });

  it('status --target docker --dir . without compose.yaml names the folder (was "No compose.yaml in .. Render")', () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    const run = spawnSync(process.execPath, [binPath, 'status', '--target', 'docker', '--dir', '.'], { cwd: empty, encoding: 'utf8', env: { PATH: '', HOME: root, CI: '1' } });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`No compose.yaml in ${empty}. Render one with`);
    expect(run.stderr).not.toContain('..');
  });

  it('the README\'s production line works outside a clone and renders exactly examples/production (it named examples/, which npm does not ship)', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const line = /^npx docker-mcp-gateway init --yes (--replicas .*)$/m.exec(readme);
    expect(line, 'README has the production init line').not.toBeNull();
    expect(line![1]).not.toContain('examples/');
    const where = join(root, 'prod');
    mkdirSync(where);
    const args = line![1]!.split(' ');
    const run = spawnSync(process.execPath, [binPath, 'init', '--yes', ...args], { cwd: where, encoding: 'utf8', env: { PATH: '', HOME: where, CI: '1' } });
    expect(run.status, run.stderr).toBe(0);
    const files = (dir: string, at = ''): string[] => readdirSync(join(dir, at)).flatMap((n) =>
      statSync(join(dir, at, n)).isDirectory() ? files(dir, join(at, n)) : n === '.docker-mcp-manifest.json' ? [] : [join(at, n)]);
    const example = join(repoRoot, 'examples', 'production');
    expect(files(join(where, 'docker-mcp')).sort()).toEqual(files(example).sort());
    for (const f of files(example)) expect(readFileSync(join(where, 'docker-mcp', f), 'utf8'), f).toBe(readFileSync(join(example, f), 'utf8'));
  });
});
