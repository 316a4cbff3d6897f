// `docker-mcp serve` with a config file, through the real bin: a mistake in the file (unknown key,
// wrong type, invalid YAML, a file that does not exist) exits 2 with one message on stderr naming the
// file and the key; a good file is read, env beats it and a flag beats env (port, log level), and
// what only the file sets (metrics port, Docker endpoint) is used.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { binPath, ensureBuilt, repoRoot } from '../helpers/build.js';
import { cleanEnv, runBin, type Finished } from '../helpers/run-bin.js';
import { testEnv } from '../helpers/env.js';
import { freePort } from '../helpers/gateway.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('dmcp-serve-config-');

function runServe(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return runBin(['serve', ...args], cleanEnv(env));
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('docker-mcp serve --config (black box)', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('exits 2 listing an unknown key and a wrong type, naming the file and each key', async () => {
    const path = file('bad.yaml', 'metrics-port: 9191\ndocker_timeout: true\n');
    const result = await runServe(['--config', path]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'docker-mcp: Invalid gateway settings:\n' +
        `  - ${path}: unknown setting "metrics-port" (did you mean "metrics_port"?)\n` +
        `  - docker_timeout: expected a number (got true from config key docker_timeout in ${path})\n`,
    );
  });

  it('exits 2 on invalid YAML, with the line', async () => {
    const path = file('broken.yaml', 'port: 8081\n  host: x\n');
    const result = await runServe(['--config', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^docker-mcp: Config file ${path} is not valid YAML/JSON: .*line 1`));
  });

  it('exits 2 when the file named by DOCKER_MCP_CONFIG does not exist', async () => {
    const missing = join(dir, 'absent.yaml');
    const result = await runServe([], { DOCKER_MCP_CONFIG: missing });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`docker-mcp: Cannot read config file ${missing} (given by DOCKER_MCP_CONFIG): no such file\n`);
  });

  it('serves with flag > env > file: --port beats the env port, the env log level beats the file, the file sets the rest', async () => {
    const [filePort, envPort, flagPort, metricsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const path = file(
      'good.yaml',
      `port: ${filePort}\nlog_level: error\nmetrics_port: ${metricsPort}\ndocker_host: ${testEnv.dockerHost}\n`,
    );
    const child = spawn(process.execPath, [binPath, 'serve', '--port', String(flagPort)], {
      cwd: repoRoot,
      env: cleanEnv({ DOCKER_MCP_CONFIG: path, DOCKER_MCP_PORT: String(envPort), DOCKER_MCP_LOG_LEVEL: 'info' }),
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const deadline = Date.now() + 15_000;
      // The start line is logged at info, so seeing it at all shows the env beat `log_level: error`.
      while (!stdout.includes('docker-mcp listening') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const started = JSON.parse(stdout.split('\n')[0] ?? '{}') as Record<string, unknown>;
      expect(started).toMatchObject({ mcp: `http://127.0.0.1:${flagPort}/mcp`, docker: testEnv.dockerHost });
      expect((await fetch(`http://127.0.0.1:${flagPort}/ready`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);
      for (const port of [filePort, envPort]) {
        await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
      }
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exit).toBe(0);
  });
});
