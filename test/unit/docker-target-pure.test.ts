// Pure pieces of issue 6: the image context's dependency placement, the compose renderer and parser,
// and the connect bridge's target and credential handling. No daemon needed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { credentialHeaders } from '../../src/connect/command.js';
import { resolveTarget } from '../../src/connect/remote.js';
import { placeDependencies, planBuildContext } from '../../src/image/context.js';
import { defaultImageTag } from '../../src/image/names.js';
import { durationNs, memoryBytes } from '../../src/lifecycle/docker-target/container-spec.js';
import { loadProject, parseEnvFile } from '../../src/lifecycle/docker-target/project.js';
import { composeCpus, composeMemory, renderCompose } from '../../src/templates/compose/render.js';

const tmp = mkdtempSync(join(tmpdir(), 'dmcp-unit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function pkg(dir: string, name: string, dependencies: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', dependencies }));
}

describe('image context', () => {
  it('places an npx-style hoisted tree so every package resolves the copy it resolves here', () => {
    // <prefix>/node_modules/{docker-mcp, a, b@1}, docker-mcp/node_modules/b@2, a/node_modules/c
    const nm = join(tmp, 'prefix', 'node_modules');
    pkg(join(nm, 'docker-mcp'), 'docker-mcp', { a: '1', b: '2', handlebars: '4' });
    pkg(join(nm, 'docker-mcp', 'node_modules', 'b'), 'b');
    pkg(join(nm, 'a'), 'a', { b: '1', c: '1' });
    pkg(join(nm, 'b'), 'b');
    pkg(join(nm, 'a', 'node_modules', 'c'), 'c');
    pkg(join(nm, 'handlebars'), 'handlebars');
    const placed = placeDependencies(join(nm, 'docker-mcp'), new Set(['a', 'b']));
    const map = Object.fromEntries(placed.map((p) => [p.target, p.source.slice(nm.length + 1)]));
    expect(map).toEqual({
      'node_modules/a': 'a',
      'node_modules/b': 'docker-mcp/node_modules/b',
      'node_modules/a/node_modules/b': 'b',
      'node_modules/c': 'a/node_modules/c',
    });
    expect(defaultImageTag('1.2.3')).toBe('docker-mcp-gateway:1.2.3');
  });

  it('carries only the dependencies the bundle loads at run time, and only dist/bundle/', () => {
    const context = planBuildContext();
    const top = context.packages.filter((p) => !p.target.slice('node_modules/'.length).includes('node_modules/'));
    expect(top.map((p) => p.target)).toContain('node_modules/dockerode');
    // Bundled (zod, the MCP SDK, pino…) or installer-only: not in the image.
    for (const name of ['zod', '@modelcontextprotocol/sdk', 'pino', 'prom-client', 'handlebars', '@kubernetes/client-node']) {
      expect(top.map((p) => p.target)).not.toContain(`node_modules/${name}`);
    }
    const dist = context.entries.filter((e) => e.name.startsWith('dist/'));
    expect(dist.some((e) => e.name === 'dist/bundle/docker-mcp.js')).toBe(true);
    expect(dist.filter((e) => !e.name.startsWith('dist/bundle'))).toEqual([]);
  });

  it('names a missing dependency', () => {
    const dir = join(tmp, 'broken');
    pkg(dir, 'docker-mcp', { missing: '1' });
    expect(() => placeDependencies(dir, new Set(['missing']))).toThrow(/needs missing/);
  });
});

describe('compose renderer and parser', () => {
  it('converts Kubernetes quantities', () => {
    expect([composeCpus('500m'), composeCpus('2'), composeMemory('512Mi'), composeMemory('1Gi'), composeMemory('1G')]).toEqual(['0.5', '2', '512M', '1G', '1000000000']);
    expect(() => composeMemory('lots')).toThrow(/memory quantity/);
    expect([durationNs('1m30s'), memoryBytes('512M')]).toEqual([90e9, 512 * 1024 * 1024]);
  });

  it('renders the hardened gateway and refuses secrets in compose.yaml', () => {
    const options = { project: 'homelab', image: 'docker-mcp-gateway:0.1.0', port: 8080, dockerSocketGid: 998 };
    const doc = parse(renderCompose({ ...options, settings: { log_level: 'warn' }, cloudflared: { envFile: 'tunnel.env' } }).contents) as {
      services: { gateway: Record<string, unknown>; cloudflared: Record<string, unknown> };
    };
    expect(doc.services.gateway).toMatchObject({
      user: '10001:10001', group_add: ['998'], read_only: true, cap_drop: ['ALL'], init: true,
      security_opt: ['no-new-privileges:true'], ports: ['127.0.0.1:8080:8080'],
      environment: { DOCKER_MCP_HOST: '0.0.0.0', DOCKER_MCP_PORT: '8080', DOCKER_MCP_LOG_LEVEL: 'warn' },
    });
    expect(doc.services.cloudflared).toMatchObject({ env_file: ['tunnel.env'], depends_on: { gateway: { condition: 'service_healthy' } } });
    expect(() => renderCompose({ ...options, settings: { auth_tokens: ['a:admin:0123456789abcdef'] } })).toThrow(/secret/);
  });

  it('refuses unsupported keys instead of dropping them, and interpolates like compose', () => {
    const dir = join(tmp, 'proj');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.env'), 'TAG=1.2\n# comment\nQUOTED="a b"\n');
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: busybox:${TAG}\n    environment: [X=${QUOTED}, Y=${NOPE:-dflt}, Z=$$HOME]\n');
    const project = loadProject(join(dir, 'compose.yaml'));
    expect(project.name).toBe('proj');
    expect(project.services[0]).toMatchObject({ image: 'busybox:1.2', environment: { X: 'a b', Y: 'dflt', Z: '$HOME' } });
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: x\n    privileged: true\n    build: .\n');
    expect(() => loadProject(join(dir, 'compose.yaml'))).toThrow(/privileged is not supported[\s\S]*build is not supported/);
    expect(parseEnvFile("export A='1'\nB = 2\n")).toEqual({ A: '1', B: '2' });
  });
});

describe('connect target and credentials', () => {
  it('derives the endpoint from the transport', () => {
    expect(resolveTarget('https://gw.example.com/mcp', 'ws', {}).url.href).toBe('wss://gw.example.com/ws');
    expect(resolveTarget('https://gw.example.com', undefined, {}).url.href).toBe('https://gw.example.com/mcp');
    expect(resolveTarget('wss://gw.example.com/ws', undefined, {}).kind).toBe('ws');
  });

  it('never sends credentials in clear to a remote host, nor accepts them in the URL', () => {
    const headers = credentialHeaders({ token: 't0k3n', cfAccessClientId: 'id', cfAccessClientSecret: 's3cret' });
    expect(headers).toEqual({ Authorization: 'Bearer t0k3n', 'CF-Access-Client-Id': 'id', 'CF-Access-Client-Secret': 's3cret' });
    expect(() => resolveTarget('http://gw.example.com/mcp', undefined, headers)).toThrow(/plain http/);
    expect(resolveTarget('http://gw.lan/mcp', undefined, headers, true).url.host).toBe('gw.lan');
    expect(resolveTarget('http://127.0.0.1:8080/mcp', undefined, headers).url.port).toBe('8080');
    expect(() => resolveTarget('https://u:p@gw.example.com/mcp', undefined, {})).toThrow(/not in the URL/);
    expect(() => credentialHeaders({ cfAccessClientId: 'id' })).toThrow(/go together/);
  });
});
