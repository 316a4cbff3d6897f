// Black-box (the built bin): init's env prefix is its own (serve's DOCKER_MCP_* must not change what
// init renders), and every problem names what the user touched: flag, env var, file key, or prompt.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const BIN = resolve('bin/docker-mcp.js');
let cwd: string;

function run(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const init = (args: string[], env: Record<string, string> = {}) => run(['init', '--yes', ...args], env);
const rendered = (dir: string, file: string): string => readFileSync(join(cwd, dir, file), 'utf8');
const answers = (yaml: string): void => writeFileSync(join(cwd, 'docker-mcp.yaml'), yaml);

/** An invalid run: exit 2, nothing written, and the problem lines. */
function refused(args: string[], env: Record<string, string> = {}): string[] {
  const result = init(args, env);
  expect(result.code, result.stderr).toBe(2);
  expect(existsSync(join(cwd, 'docker-mcp'))).toBe(false);
  return result.stderr.split('\n').filter((l) => l.startsWith('  - ')).map((l) => l.slice(4));
}

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'dmcp-init-env-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

describe('init reads DOCKER_MCP_INIT_*, never serve\'s DOCKER_MCP_*', () => {
  it('a shell exporting serve\'s DOCKER_MCP_PORT / DOCKER_MCP_POLICY_PRESET renders the defaults, with a warning naming the new names', () => {
    const plain = init(['-o', 'plain']);
    expect(plain.code, plain.stderr).toBe(0);
    const served = init(['-o', 'served'], { DOCKER_MCP_PORT: '9999', DOCKER_MCP_POLICY_PRESET: 'admin' });
    expect(served.code, served.stderr).toBe(0);
    for (const file of ['kubernetes/configmap.yaml', 'kubernetes/deployment.yaml', 'kubernetes/service.yaml', 'terraform/terraform.tfvars']) {
      expect(rendered('served', file), file).toBe(rendered('plain', file));
    }
    expect(rendered('served', 'kubernetes/configmap.yaml')).toContain('DOCKER_MCP_PORT: "8080"');
    expect(rendered('served', 'kubernetes/configmap.yaml')).toContain('DOCKER_MCP_POLICY_PRESET: read-only');
    expect(rendered('served', 'kubernetes/configmap.yaml')).not.toContain('9999');
    const warnings = served.stderr.split('\n').filter((l) => /DOCKER_MCP_(PORT|POLICY_PRESET) is ignored/.test(l));
    expect(warnings).toEqual([
      'warning: DOCKER_MCP_PORT is ignored: init reads DOCKER_MCP_INIT_PORT (DOCKER_MCP_* is serve\'s env)',
      'warning: DOCKER_MCP_POLICY_PRESET is ignored: init reads DOCKER_MCP_INIT_POLICY_PRESET (DOCKER_MCP_* is serve\'s env)',
    ]);
    expect(plain.stderr).not.toContain('is ignored');
  });

  it('DOCKER_MCP_INIT_PORT / DOCKER_MCP_INIT_POLICY_PRESET do change the render, with no warning', () => {
    const result = init([], { DOCKER_MCP_INIT_PORT: '9999', DOCKER_MCP_INIT_POLICY_PRESET: 'admin', DOCKER_MCP_PORT: '7777' });
    expect(result.code, result.stderr).toBe(0);
    const configMap = rendered('docker-mcp', 'kubernetes/configmap.yaml');
    expect(configMap).toContain('DOCKER_MCP_PORT: "9999"');
    expect(configMap).toContain('DOCKER_MCP_POLICY_PRESET: admin');
    expect(result.stderr).not.toContain('is ignored');
  });

  it('init --help names the prefix init reads and says serve\'s DOCKER_MCP_* is ignored', () => {
    const help = run(['init', '--help']).stdout;
    expect(help).toContain('env (DOCKER_MCP_INIT_<NAME>)');
    expect(help).toMatch(/init reads only DOCKER_MCP_INIT_\*: serve's DOCKER_MCP_<NAME> .* is ignored/);
    expect(help).toContain('[env: DOCKER_MCP_INIT_MEMORY_LIMIT]');
  });
});

describe('init problems name what the user touched', () => {
  it('a bad memory_limit in docker-mcp.yaml is reported as `docker-mcp.yaml: memory_limit`', () => {
    answers('memory_limit: lots\n');
    const problems = refused([]);
    expect(problems).toEqual([expect.stringMatching(/^docker-mcp\.yaml: memory_limit: must be /)]);
  });

  it('one from the env is reported by its env name', () => {
    expect(refused([], { DOCKER_MCP_INIT_MEMORY_LIMIT: 'lots' })).toEqual([expect.stringMatching(/^DOCKER_MCP_INIT_MEMORY_LIMIT: must be /)]);
    // A coercion problem (not a number) too.
    expect(refused([], { DOCKER_MCP_INIT_PORT: 'x' })).toEqual(['DOCKER_MCP_INIT_PORT: must be a number (got "x")']);
  });

  it('one from a flag is reported as the flag', () => {
    expect(refused(['--memory-limit', 'lots'])).toEqual([expect.stringMatching(/^--memory-limit: must be /)]);
  });

  it('a cross-field conflict between a file value and a flag names each by its origin', () => {
    answers('memory_request: 2Gi\n');
    expect(refused(['--memory-limit', '1Gi'])).toEqual(['docker-mcp.yaml: memory_request: 2Gi is more than --memory-limit 1Gi']);
    answers('metrics_port: 8181\n');
    expect(refused([], { DOCKER_MCP_INIT_PORT: '8181' })).toEqual(['docker-mcp.yaml: metrics_port: must differ from DOCKER_MCP_INIT_PORT (8181)']);
  });

  it('a misspelled key in docker-mcp.yaml gets "did you mean"', () => {
    answers('replics: 2\n');
    expect(refused([])).toEqual(['docker-mcp.yaml: unknown key "replics"; did you mean replicas?']);
  });
});
