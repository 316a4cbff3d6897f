// The audit trail of a real `docker-mcp serve` process (bin/docker-mcp.js, settings from the env as
// in a Deployment) with audit_file set: one line per call with identity, transport, tool, redacted
// arguments, decision, outcome and duration — including a denied call and an image_pull carrying
// registry credentials, whose password must appear nowhere: not in the file, not on the process's
// stdout/stderr (debug logging on), not in any response.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, connectWith, createArgs, resultText, unchangedBy } from '../helpers/attacks.js';
import { binPath, ensureBuilt, repoRoot } from '../helpers/build.js';
import { testEnv } from '../helpers/env.js';
import { freePort } from '../helpers/gateway.js';

const TOKEN = `auditor-token-${Math.random().toString(36).slice(2)}-0123456789`;
const PASSWORD = `S3cret-registry-pass-${Math.random().toString(36).slice(2)}`;
const ENV_SECRET = `hunter2-${Math.random().toString(36).slice(2)}`;

let child: ChildProcess;
let output = '';
let url: string;
let dir: string;
const responses: string[] = [];

interface AuditLine {
  audit: boolean; time: string; identity: string; transport: string; tool: string; arguments: Record<string, unknown>;
  decision: unknown; outcome: string; errorKind?: string; durationMs: number;
}

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'dmcp-audit-'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, [binPath, 'serve'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DOCKER_MCP_PORT: String(port), DOCKER_MCP_ENABLE_METRICS: 'false', DOCKER_MCP_DOCKER_HOST: testEnv.dockerHost,
      DOCKER_MCP_AUTH_TOKENS: `auditor:admin:${TOKEN}`, DOCKER_MCP_POLICY_PRESET: 'admin', DOCKER_MCP_LOG_LEVEL: 'debug',
      DOCKER_MCP_ALLOWED_IMAGES: `${testEnv.testImage.split(':')[0]!},${testEnv.registry}/dmcp-test/**`,
      DOCKER_MCP_AUDIT_FILE: join(dir, 'audit', 'audit.log'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!(await fetch(`${url}/ready`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`gateway did not start:\n${output}`);
    await sleep(100);
  }
}, 120_000);

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('audit log of a running gateway', () => {
  it('records allowed, denied and credentialed calls over MCP and /mcp/call without leaking secrets', async () => {
    const { client } = await connectWith(url, bearer(TOKEN));
    const auth = { username: 'robot', password: PASSWORD, serveraddress: testEnv.registry };
    const pull = await client.callTool({ name: 'image_pull', arguments: { reference: `${testEnv.registry}/dmcp-test/busybox:latest`, auth } });
    responses.push(JSON.stringify(pull));
    expect(pull.isError, resultText(pull)).toBeFalsy();
    const denied = await unchangedBy(() =>
      client.callTool({ name: 'container_create', arguments: createArgs({ privileged: true, env: { DB_PASSWORD: ENV_SECRET } }) }));
    responses.push(JSON.stringify(denied));
    expect(denied.isError).toBe(true);
    await client.close();
    const legacy = await fetch(`${url}/mcp/call`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...bearer(TOKEN) },
      body: JSON.stringify({ method: 'docker.image.pull', params: { reference: `${testEnv.registry}/dmcp-test/busybox:latest`, auth } }),
    });
    responses.push(await legacy.text());
    expect(legacy.status).toBe(200);
    // A failing pull echoes registry errors: the password must not come back through them either.
    const failing = await fetch(`${url}/mcp/call`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...bearer(TOKEN) },
      body: JSON.stringify({ method: 'docker.image.pull', params: { reference: `${testEnv.registry}/dmcp-test/missing:${PASSWORD.slice(-6)}`, auth } }),
    });
    responses.push(await failing.text());

    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    const file = readFileSync(join(dir, 'audit', 'audit.log'), 'utf8');
    const lines = file.trim().split('\n').map((l) => JSON.parse(l) as AuditLine);

    const pulls = lines.filter((l) => l.tool === 'image_pull');
    expect(pulls.map((l) => l.transport).sort()).toEqual(['http', 'legacy', 'legacy']);
    const okPull = pulls.find((l) => l.transport === 'http')!;
    expect(okPull).toMatchObject({ audit: true, identity: 'token:auditor', decision: 'allow', outcome: 'ok' });
    expect(okPull.arguments.reference).toBe(`${testEnv.registry}/dmcp-test/busybox:latest`);
    expect(okPull.errorKind).toBeUndefined();
    // A failure says which kind it was: Docker refused it (tool_error), not a timeout or a bug.
    const failedPull = pulls.find((l) => l.outcome === 'error')!;
    expect(failedPull).toMatchObject({ transport: 'legacy', errorKind: 'tool_error' });
    expect(JSON.stringify(okPull.arguments.auth)).toContain('REDACTED');
    expect(typeof okPull.durationMs).toBe('number');
    expect(Date.parse(okPull.time)).not.toBeNaN();

    const create = lines.find((l) => l.tool === 'container_create')!;
    expect(create).toMatchObject({ identity: 'token:auditor', transport: 'http', outcome: 'denied', decision: { result: 'deny', rule: 'privileged' } });
    expect((create.arguments.env as Record<string, string>).DB_PASSWORD).toBe('[REDACTED]');

    // The same lines go to stdout; credentials appear nowhere.
    expect(output).toContain('"audit":true');
    for (const [where, text] of [['audit file', file], ['stdout/stderr', output], ['responses', responses.join('\n')]] as const) {
      expect(text, where).not.toContain(PASSWORD);
      expect(text, where).not.toContain(TOKEN);
      expect(text, where).not.toContain(ENV_SECRET);
      expect(text, where).not.toContain(Buffer.from(JSON.stringify(auth)).toString('base64'));
    }
  });
});
