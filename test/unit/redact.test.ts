// The one redaction module (src/gateway/audit/redact.ts): what it recognises, what it must leave
// alone, that it keeps result shapes, and that its cost stays linear on hostile text (container
// logs are written by whatever runs in the container).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSecretKey, redactData, redactForLog, redactText, redactToolResult } from '../../src/gateway/audit/redact.js';

describe('redactText', () => {
  it.each([
    ['cloudflared tunnel run --token eyJhIjoiYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTYiLCJ0IjoieCJ9', 'cloudflared tunnel run --token [REDACTED]'],
    ['app --token s1 --password=s2 -password s3 --name visible', 'app --token [REDACTED] --password=[REDACTED] -password [REDACTED] --name visible'],
    ['|1 DB_PASSWORD=s1 /bin/sh -c echo hi', '|1 DB_PASSWORD=[REDACTED] /bin/sh -c echo hi'],
    ['/bin/sh -c #(nop)  ENV DB_PASSWORD=s1', '/bin/sh -c #(nop)  ENV DB_PASSWORD=[REDACTED]'],
    ['exec_create: sh -c true --password=s1', 'exec_create: sh -c true --password=[REDACTED]'],
    ['wget --header "Authorization: Bearer s1" http://x/', 'wget --header "Authorization: Bearer [REDACTED]" http://x/'],
    ['curl -H Authorization:Bearer s1', 'curl -H Authorization:Bearer [REDACTED]'],
    ['{"password":"a b c","user":"bob","db.password": "x y"}', '{"password":"[REDACTED]","user":"bob","db.password": "[REDACTED]"}'],
    ['["TUNNEL_TOKEN=a b", "PLAIN=visible"]', '["TUNNEL_TOKEN=[REDACTED]", "PLAIN=visible"]'],
    ["PASSWORD='my secret value' NEXT=1", "PASSWORD='[REDACTED]' NEXT=1"],
    ['password: hunter2', 'password: [REDACTED]'],
    ['see postgres://app:s1@db/app', 'see postgres://app:[REDACTED]@db/app'],
    ['GET /cb?access_token=s1&state=visible', 'GET /cb?access_token=[REDACTED]&state=visible'],
    ['Authorization: Basic dXNlcjpwYXNz', 'Authorization: Basic [REDACTED]'],
    ['id eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln ok', 'id [REDACTED] ok'],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789 AKIAABCDEFGHIJKLMNOP', '[REDACTED] [REDACTED]'],
    ['k -----BEGIN RSA PRIVATE KEY-----\nMIIE\nabc\n-----END RSA PRIVATE KEY----- after', 'k [REDACTED] after'],
    ['SSH_KEY=-----BEGIN OPENSSH PRIVATE KEY----- b3Bl -----END OPENSSH PRIVATE KEY----- x', 'SSH_KEY=[REDACTED] x'],
    ['app --token\u00a0s1 --password\u2003s2', 'app --token\u00a0[REDACTED] --password\u2003[REDACTED]'],
    ['redis-server --requirepass s1', 'redis-server --requirepass [REDACTED]'],
  ])('%s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
    // Text made from already-redacted data comes out the same.
    expect(redactText(expected)).toBe(expected);
  });

  it.each([
    'author: Jane Doe, image busybox:latest, sha256:0123456789abcdef0123456789abcdef, 10.0.0.1:8080',
    'docker run -p 8080:80 -e MODE=prod --no-auth /data', // single-letter flags and switches
    'PASSWORD_FILE=/run/secrets/db TOKEN_URL=https://auth.example/token docker login --password-stdin -u me',
    'AUTH_ENABLED=true SECRET=false 2026-12-07T17:50:43.123Z Basic authentication failed',
    'passthrough=tcp bypass compass monkey=1 PUBLIC_KEY=ssh-ed25519 AAAA',
    'Invalid arguments for system_events: (arguments): Unrecognized key: "windowSeconds"', // zod's message
  ])('leaves ordinary text alone: %s', (input) => {
    expect(redactText(input)).toBe(input);
  });

  it('stays linear on hostile text (1 MiB each, well under a second)', () => {
    const mib = 1 << 20;
    const hostile = [
      'eyJ'.repeat(mib / 3), 'a'.repeat(mib), '-----BEGIN '.repeat(mib / 11), 'a=b'.repeat(mib / 3), '--token '.repeat(mib / 8),
      'http://a:b'.repeat(mib / 10), '"PASSWORD='.repeat(mib / 10), 'password: '.repeat(mib / 10), 'Bearer '.repeat(mib / 7),
      'x:'.repeat(mib / 2), `${'A'.repeat(60)}_TOKEN=`.repeat(mib / 68),
    ];
    for (const text of hostile) {
      const started = performance.now();
      redactText(text);
      expect(performance.now() - started, text.slice(0, 20)).toBeLessThan(1000);
    }
  });
});

describe('secret names', () => {
  it.each(['TUNNEL_TOKEN', 'DB_PASSWORD', 'PGPASSWORD', 'splunk-token', 'com.example.db-password', 'traefik.http.middlewares.x.basicauth.users',
    'apiKey', 'AWS_SECRET_ACCESS_KEY', 'APP_KEY', 'registryAuth', 'IdentityToken', 'Authorization', 'cf-access-client-id', 'DB_PASS', 'AUTH_SALT',
    'requirepass', 'DBPASS', 'DB_PWD'])('%s is secret', (name) => {
    expect(isSecretKey(name)).toBe(true);
  });
  it.each(['Author', 'author', 'PASSWORD_FILE', 'token-file', 'password-stdin', 'no-auth', 'TOKEN_URL', 'PUBLIC_KEY', 'passthrough', 'bypass', 'monkey', 'p', 'PWD', 'OLDPWD', 'Labels', 'Env', 'key', 'Keys'])('%s is not', (name) => {
    expect(isSecretKey(name)).toBe(false);
  });

  it('no output-schema property of any tool is a secret name, so redaction never changes a typed field', () => {
    const tools = JSON.parse(readFileSync(new URL('../golden/tool-schemas.json', import.meta.url), 'utf8')) as { outputSchema?: unknown }[];
    const names = new Set<string>();
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const properties = (node as { properties?: Record<string, unknown> }).properties;
      if (properties) for (const key of Object.keys(properties)) names.add(key);
      for (const child of Object.values(node)) walk(child);
    };
    for (const tool of tools) walk(tool.outputSchema);
    expect(names.size).toBeGreaterThan(100);
    expect([...names].filter(isSecretKey)).toEqual([]);
  });
});

describe('redactData', () => {
  it('knows env entries, argv pairs, secret keys and free text, and keeps the shape', () => {
    const inspect = {
      Args: ['--token', 'a b', '--name', 'web'],
      Config: {
        Env: ['TUNNEL_TOKEN=a b c', 'PLAIN=visible'],
        Labels: { 'com.example.db-password': 's1', 'com.example.auth-enabled': 'true', role: 'web' },
        Healthcheck: { Test: ['CMD-SHELL', 'curl -H "Authorization: Bearer s2" http://x/'], Retries: 3 },
      },
      HostConfig: { LogConfig: { Type: 'splunk', Config: { 'splunk-token': 's3', 'splunk-url': 'https://s' } } },
      auth: { username: 'u', password: 'p', retries: 2, nested: ['x'] },
    };
    expect(redactData(inspect)).toEqual({
      Args: ['--token', '[REDACTED]', '--name', 'web'],
      Config: {
        Env: ['TUNNEL_TOKEN=[REDACTED]', 'PLAIN=visible'],
        Labels: { 'com.example.db-password': '[REDACTED]', 'com.example.auth-enabled': 'true', role: 'web' },
        Healthcheck: { Test: ['CMD-SHELL', 'curl -H "Authorization: Bearer [REDACTED]" http://x/'], Retries: 3 },
      },
      HostConfig: { LogConfig: { Type: 'splunk', Config: { 'splunk-token': '[REDACTED]', 'splunk-url': 'https://s' } } },
      auth: { username: '[REDACTED]', password: '[REDACTED]', retries: 2, nested: ['[REDACTED]'] },
    });
    // The input is not modified.
    expect(inspect.Config.Env[0]).toBe('TUNNEL_TOKEN=a b c');
  });

  it('redacts every content item of a tool result and its structured content', () => {
    const result = redactToolResult({
      content: [{ type: 'text', text: 'run --token s1' }, { type: 'resource', resource: { uri: 'x://y', text: 'PASSWORD=s2' } }],
      structuredContent: { processes: [['1', 'app --password=s3']] },
    });
    expect(JSON.stringify(result)).not.toMatch(/s[123]\b/);
  });

  it('keeps an Error\'s message and stack in a log line, redacted (Docker echoes command lines in errors)', () => {
    const logged = redactForLog({ err: new Error('exec: "--password=s1": executable file not found') }) as { err: { name: string; message: string; stack: string } };
    expect(logged.err.name).toBe('Error');
    expect(logged.err.message).toBe('exec: "--password=[REDACTED]": executable file not found');
    expect(logged.err.stack).not.toContain('s1"');
  });

  it('bounds log lines: depth, list length and string size', () => {
    const deep: Record<string, unknown> = {};
    let node = deep;
    for (let i = 0; i < 30; i++) node = (node.next = {});
    expect(JSON.stringify(redactForLog(deep))).toContain('[…]');
    expect((redactForLog(Array.from({ length: 500 }, () => 'x')) as unknown[]).length).toBe(200);
    expect((redactForLog('y'.repeat(5000)) as string).length).toBeLessThan(2100);
  });
});
