// Runs the real `docker-mcp` bin in a child process, as a user would, and collects how it ended.
import { spawn } from 'node:child_process';
import { binPath, repoRoot } from './build.js';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** This process' environment without DOCKER_* (DOCKER_MCP_* included), plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('DOCKER_')) env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * `docker-mcp <args>` until it exits. A command expected to fail at start-up but that starts
 * serving instead would never exit: it is killed after `killAfterMs`, so the test ends and fails.
 */
export function runBin(args: string[], env: Record<string, string> = cleanEnv(), killAfterMs = 15_000): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath, ...args], { cwd: repoRoot, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
