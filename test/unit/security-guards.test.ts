// Transport-level guards and configuration: hostile Origin/Host, oversized and deeply nested
// bodies, __proto__ keys, rate and concurrency limits, refusing to bind publicly without auth,
// RFC 9728 metadata, secrets kept out of the audit log, and buildSecurity's config checks.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/gateway/audit/audit-log.js';
import { isSecretKey, logRedactPaths, redactForLog } from '../../src/gateway/audit/redact.js';
import { assertSafeBinding, protectedResourceMetadata, resourceMetadataUrl, unauthenticatedWarning } from '../../src/gateway/auth/exposure.js';
import { UsageError } from '../../src/shared/errors.js';
import { resolveGatewayConfig } from '../../src/gateway/config.js';
import { checkOriginAndHost, originHostOptions, parseJsonSafely, readLimitedBody, BodyTooLargeError } from '../../src/gateway/limits/http-guards.js';
import { createCallLimits } from '../../src/gateway/limits/rate-limit.js';
import { buildSecurity } from '../../src/gateway/security-config.js';
import { testDocker } from '../helpers/env.js';
import { tempDir } from '../helpers/temp-dir.js';

const base = { host: '127.0.0.1', port: 8080 };

function config(env: Record<string, string>) {
  return resolveGatewayConfig({ env }).config;
}

describe('Origin and Host (DNS rebinding)', () => {
  const local = originHostOptions(base);
  const check = (headers: Record<string, string>, opts = local) => checkOriginAndHost({ headers }, opts);

  it('accepts non-browser clients and the gateway\'s own origin', () => {
    expect(check({ host: '127.0.0.1:8080' })).toEqual({ ok: true });
    expect(check({ host: 'localhost:8080', origin: 'http://localhost:8080' })).toEqual({ ok: true });
  });

  it.each([
    ['https://evil.example'], ['null'], ['http://localhost:3000'], ['http://127.0.0.1:8080.evil.example'], ['file://'], ['http://localhost:8080@evil.example'],
  ])('refuses hostile Origin %s with 403', (origin) => {
    expect(check({ host: '127.0.0.1:8080', origin })).toMatchObject({ ok: false, status: 403 });
  });

  it.each([['evil.example'], ['evil.example:8080'], ['127.0.0.1.nip.io:8080'], ['localhost.evil.example'], [''], ['local host']])(
    'refuses rebinding Host %s on a loopback bind',
    (host) => {
      expect(check({ host })).toMatchObject({ ok: false, status: 403 });
    },
  );

  it('derives defaults from public_url and honours explicit lists', () => {
    const pub = originHostOptions({ host: '0.0.0.0', port: 8080, public_url: 'https://mcp.example.com', allowed_hosts: ['mcp.example.com', '*.svc.cluster.local'] });
    expect(check({ host: 'mcp.example.com', origin: 'https://mcp.example.com' }, pub)).toEqual({ ok: true });
    expect(check({ host: 'docker-mcp.ns.svc.cluster.local:8080' }, pub)).toEqual({ ok: true });
    expect(check({ host: 'mcp.example.com.evil.example' }, pub)).toMatchObject({ ok: false });
    expect(check({ host: 'mcp.example.com', origin: 'https://evil.example' }, pub)).toMatchObject({ ok: false, status: 403 });
  });
});

describe('bodies and JSON', () => {
  async function post(body: Buffer, headers: Record<string, string> = {}): Promise<number> {
    const server = createServer((req, res) => {
      readLimitedBody(req, 1024).then(
        () => res.writeHead(200).end(),
        (error: unknown) => res.writeHead(error instanceof BodyTooLargeError ? 413 : 400).end(),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      return await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(body);
      });
    } finally {
      server.close();
    }
  }

  it('413 for declared and for chunked oversized bodies, 200 at the limit', async () => {
    expect(await post(Buffer.alloc(1024))).toBe(200);
    expect(await post(Buffer.alloc(1025))).toBe(413);
    expect(await post(Buffer.alloc(50_000), { 'transfer-encoding': 'chunked' })).toBe(413);
  });

  it('refuses deep nesting without recursion, __proto__ keys (also escaped) and malformed JSON', () => {
    expect(parseJsonSafely('['.repeat(100_000) + ']'.repeat(100_000))).toMatchObject({ ok: false, message: expect.stringMatching(/deeper/) as unknown });
    expect(parseJsonSafely('{"a":{"__proto__":{"isAdmin":true}}}')).toMatchObject({ ok: false, message: expect.stringMatching(/__proto__/) as unknown });
    expect(parseJsonSafely('{"\\u005f_proto__":{"x":1}}')).toMatchObject({ ok: false });
    expect(parseJsonSafely('{"a":[{"\\u005F\\u005Fproto\\u005F\\u005F":1}]}')).toMatchObject({ ok: false });
    expect(parseJsonSafely('{"a":[1,{"b":"__proto"}]}')).toEqual({ ok: true, value: { a: [1, { b: '__proto' }] } });
    expect(parseJsonSafely('{"jsonrpc":"2.0",')).toMatchObject({ ok: false, message: 'Malformed JSON.' });
    expect(parseJsonSafely('{"s":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')).toMatchObject({ ok: true });
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

describe('rate and concurrency limits', () => {
  it('token bucket per identity with a retry-after, refilling over time', () => {
    let now = 0;
    const limits = createCallLimits(3, 0, () => now);
    for (let i = 0; i < 3; i++) expect(limits.admit('a').ok).toBe(true);
    const limited = limits.admit('a');
    expect(limited).toMatchObject({ ok: false, retryAfterSeconds: 20 });
    expect(limits.admit('b').ok).toBe(true);
    now += 20_000;
    expect(limits.admit('a').ok).toBe(true);
  });

  it('caps calls in flight per identity; release is idempotent', () => {
    const limits = createCallLimits(0, 2);
    const one = limits.admit('a');
    const two = limits.admit('a');
    expect(limits.admit('a')).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    if (!one.ok || !two.ok) throw new Error('expected slots');
    one.release();
    one.release();
    expect(limits.concurrency.running('a')).toBe(1);
    expect(limits.admit('a').ok).toBe(true);
    expect(limits.admit('a').ok).toBe(false);
  });
});

describe('exposure', () => {
  it('refuses a public bind without auth (exit 2) unless allow_unauthenticated, and warns then', () => {
    const open = { ...base, host: '0.0.0.0', allow_unauthenticated: false, auth_mode: undefined, auth_tokens: undefined, auth_tokens_file: undefined, cf_access_team: undefined, cf_access_aud: undefined };
    expect(() => assertSafeBinding(open)).toThrow(UsageError);
    try {
      assertSafeBinding(open);
    } catch (error) {
      expect((error as UsageError).exitCode).toBe(2);
    }
    expect(() => assertSafeBinding({ ...open, host: '127.0.0.1' })).not.toThrow();
    expect(() => assertSafeBinding({ ...open, host: '::ffff:10.0.0.1' })).toThrow(UsageError);
    expect(() => assertSafeBinding({ ...open, allow_unauthenticated: true })).not.toThrow();
    expect(unauthenticatedWarning({ ...open, allow_unauthenticated: true })).toMatch(/WITHOUT authentication/);
    expect(() => assertSafeBinding({ ...open, auth_tokens: ['a:read:0123456789abcdef'] })).not.toThrow();
  });

  it('serves RFC 9728 metadata only with an authorization server and a public URL', () => {
    expect(protectedResourceMetadata({ public_url: 'https://mcp.example.com', oauth_authorization_servers: undefined })).toBeUndefined();
    const doc = protectedResourceMetadata({ public_url: 'https://mcp.example.com/', oauth_authorization_servers: ['https://auth.example.com/'] });
    expect(doc).toMatchObject({ resource: 'https://mcp.example.com', authorization_servers: ['https://auth.example.com/'], bearer_methods_supported: ['header'] });
    expect(resourceMetadataUrl({ public_url: 'https://mcp.example.com/mcp', oauth_authorization_servers: ['https://a'] })).toBe('https://mcp.example.com/.well-known/oauth-protected-resource/mcp');
  });
});

describe('audit log and redaction', () => {
  it('has each stdout line written before record() returns (nothing waits in a buffer)', async () => {
    // A child process records three lines, then blocks its event loop. An asynchronous
    // destination would have written at most the first by then and kept the rest in memory,
    // to be lost if the process died; a synchronous one has written all three.
    const dir = tempDir('dmcp-audit-');
    const out = join(dir, 'stdout.log');
    const fd = openSync(out, 'w');
    const module = pathToFileURL(resolve('dist/gateway/audit/audit-log.js')).href;
    const script = `import { createAuditLog } from ${JSON.stringify(module)};
      const audit = createAuditLog();
      for (const tool of ['first', 'second', 'third']) audit.record({ identity: 'i', transport: 'ws', tool, outcome: 'ok', durationMs: 1, decision: { allowed: true } });
      process.stderr.write('recorded\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    try {
      await new Promise<void>((ready, fail) => {
        child.stderr?.on('data', (chunk: Buffer) => (chunk.toString().includes('recorded') ? ready() : undefined));
        child.once('exit', (code) => fail(new Error(`child exited ${code}`)));
      });
      const tools = readFileSync(out, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { tool: string }).tool);
      expect(tools).toEqual(['first', 'second', 'third']);
    } finally {
      child.kill('SIGKILL');
    }
  });

  const secrets = ['s3cr3t-pass', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'registry-password', 'db-pass-value'];

  it('writes one JSON line per call to stdout and the audit file, with secrets redacted', async () => {
    const dir = tempDir('dmcp-audit-');
    const file = join(dir, 'audit.log');
    const lines: string[] = [];
    const stream = new Writable({ write(chunk: Buffer, _e, cb) { lines.push(chunk.toString()); cb(); } });
    const audit = createAuditLog({ audit_file: file, stream });
    audit.record({
      identity: 'token:ops', transport: 'http', tool: 'image_pull', outcome: 'ok', durationMs: 12.4, decision: { allowed: true },
      arguments: {
        image: 'busybox', auth: { username: 'u', password: secrets[3] }, password: secrets[0], token: secrets[1],
        env: ['DB_PASSWORD=' + secrets[4], 'MODE=prod', `GITHUB=${secrets[2]}`], note: `Bearer ${secrets[1]}`,
      },
    });
    audit.record({ identity: 'token:ops', transport: 'ws', tool: 'container_create', outcome: 'denied', durationMs: 1, decision: { allowed: false, rule: 'privileged', reason: 'no' } });
    await audit.close();
    const fileLines = readFileSync(file, 'utf8').trim().split('\n');
    expect(fileLines).toHaveLength(2);
    for (const text of [lines.join(''), fileLines.join('\n')]) {
      for (const s of secrets) expect(text).not.toContain(s);
    }
    const first = JSON.parse(fileLines[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ audit: true, identity: 'token:ops', transport: 'http', tool: 'image_pull', decision: 'allow', outcome: 'ok', durationMs: 12 });
    expect((first.arguments as { env: string[] }).env).toEqual(['DB_PASSWORD=[REDACTED]', 'MODE=prod', 'GITHUB=[REDACTED]']);
    expect(JSON.parse(fileLines[1]!)).toMatchObject({ decision: { result: 'deny', rule: 'privileged' }, outcome: 'denied' });
    expect(typeof first.time).toBe('string');
  });

  it('withholds every key the log redact paths name, so the audit log needs no pino redact of its own', () => {
    const keys = logRedactPaths.map((path) => /\["([^"]+)"\]$/.exec(path)?.[1] ?? path.split('.').pop()!);
    expect(keys.length).toBeGreaterThan(20);
    expect(keys.filter((key) => !isSecretKey(key))).toEqual([]);
    const withEveryKey = Object.fromEntries(keys.map((key) => [key, 'plain-looking-value']));
    expect(Object.values(redactForLog(withEveryKey) as Record<string, string>).every((v) => v === '[REDACTED]')).toBe(true);
  });

  it('redacts registry auth objects and keeps ordinary values', () => {
    expect(redactForLog({ X_Registry_Auth: 'abc', registryAuth: { identitytoken: 'x' }, name: 'web', labels: { a: 'b' } })).toEqual({
      X_Registry_Auth: '[REDACTED]', registryAuth: { identitytoken: '[REDACTED]' }, name: 'web', labels: { a: 'b' },
    });
  });
});

describe('buildSecurity configuration checks', () => {
  it('reports every problem at once and never echoes a token', () => {
    const dir = tempDir('dmcp-sec-');
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(policyFile, 'preset: operator\ntools:\n  deny: ["image_*"]\n');
    const cfg = config({ DOCKER_MCP_AUTH_MODE: 'both', DOCKER_MCP_AUTH_TOKENS: 'ops:operate:TOPSECRET-0123456789', DOCKER_MCP_OAUTH_AUTHORIZATION_SERVERS: 'https://auth.example.com', DOCKER_MCP_POLICY_FILE: policyFile });
    let message = '';
    try {
      buildSecurity(cfg, { docker: testDocker(), self: [] });
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/cf_access_team/);
    expect(message).toMatch(/cf_access_aud/);
    expect(message).toMatch(/public_url/);
    expect(message).not.toContain('TOPSECRET');
  });

  it('refuses a policy file with unknown keys (a typo must not allow everything)', () => {
    const dir = tempDir('dmcp-sec-');
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(policyFile, 'tools:\n  dney: ["*"]\n');
    expect(() => buildSecurity(config({ DOCKER_MCP_POLICY_FILE: policyFile }), { docker: testDocker(), self: [] })).toThrow(/dney|Unrecognized/);
  });

  it('builds a working security layer from env settings', async () => {
    const security = buildSecurity(
      config({ DOCKER_MCP_HOST: '0.0.0.0', DOCKER_MCP_AUTH_TOKENS: 'ops:operate:ops-token-0123456789abcdef', DOCKER_MCP_PUBLIC_URL: 'https://mcp.example.com' }),
      { docker: testDocker(), self: [], auditStream: new Writable({ write: (_c, _e, cb) => cb() }) },
    );
    expect(security.mode).toBe('bearer');
    const auth = await security.authenticator.authenticate({ headers: { authorization: 'Bearer ops-token-0123456789abcdef' }, url: '/mcp' } as never);
    expect(auth.ok && auth.identity.id).toBe('token:ops');
    expect(security.guard.check({ headers: { host: 'x', origin: 'https://evil.example' } })).toMatchObject({ ok: false, status: 403 });
    expect(security.maxBodyBytes).toBe(1024 * 1024);
    await security.close();
  });
});
