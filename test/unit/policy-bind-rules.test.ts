// allowed_bind_paths at start-up: two roots that nest are a configuration error when one of them is
// writable (a container writing the outer one could swap a directory on the inner one's path for a
// symlink), and from a writable root only the root itself may be bound (checkBindSource).
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/shared/errors.js';
import { resolveGatewayConfig } from '../../src/gateway/config.js';
import { checkBindSource, parseBindRules } from '../../src/gateway/policy/paths.js';
import { buildSecurity } from '../../src/gateway/security-config.js';
import { testDocker } from '../helpers/env.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('parseBindRules', () => {
  it.each([
    [['/srv', '/srv/app']],
    [['/srv:ro', '/srv/app']],
    [['/srv', '/srv/app:ro']],
    [['/srv/app/', '/srv/./']],
  ])('refuses nested roots with a writable one: %j', (entries) => {
    expect(() => parseBindRules(entries)).toThrow(/nest and one is writable/);
  });

  it('accepts siblings, and read-only roots nested in read-only roots', () => {
    expect(parseBindRules(['/srv/a', '/srv/ab', '/srv/b:ro', '/srv/b/c:ro'])).toHaveLength(4);
  });
});

describe('checkBindSource', () => {
  const policy = { rules: parseBindRules(['/srv/rw', '/srv/ro:ro']), socketPaths: [], resolveLocal: false };
  const check = (source: string, readOnly = false) => () => checkBindSource({ source, readOnly, where: 'Binds[0]' }, policy);

  it('binds a writable root only as itself (however spelled)', () => {
    expect(check('/srv/rw')).not.toThrow();
    expect(check('/srv/rw/')).not.toThrow();
    expect(check('/srv/rw/sub/..')).not.toThrow();
    expect(check('/srv/rw/sub')).toThrow(/bind-subpath/);
    expect(check('/srv/rw/sub', true)).toThrow(/bind-subpath/);
  });

  it('binds subpaths of a read-only root read-only', () => {
    expect(check('/srv/ro/a/b', true)).not.toThrow();
    expect(check('/srv/ro/a/b')).toThrow(/bind-read-only/);
    expect(check('/srv/other', true)).toThrow(/bind-path/);
  });
});

describe('symlinks the gateway can see', () => {
  const dir = tempDir('dmcp-links-');
  mkdirSync(join(dir, 'real'));
  mkdirSync(join(dir, 'rw'));
  mkdirSync(join(dir, 'ro'));
  symlinkSync(join(dir, 'real'), join(dir, 'entry-link'));
  symlinkSync(join(dir, 'rw', 'sub'), join(dir, 'ro', 'into-rw'));
  const policy = { rules: parseBindRules([join(dir, 'entry-link'), join(dir, 'rw'), `${join(dir, 'ro')}:ro`]), socketPaths: [] };
  const check = (source: string, readOnly = false) => () => checkBindSource({ source, readOnly, where: 'Binds[0]' }, policy);

  it('an allowed entry that is itself a link must lead to an allowed path', () => {
    expect(check(join(dir, 'entry-link'))).toThrow(/resolves to .*real.*bind-path/);
  });

  it('a link under a read-only entry may not lead into a writable entry\'s subdirectories', () => {
    expect(check(join(dir, 'ro', 'into-rw'), true)).toThrow(/resolves to .*bind-subpath/);
  });
});

describe('start-up', () => {
  it('the gateway refuses to start with nested roots of which one is writable', () => {
    const { config } = resolveGatewayConfig({ env: { DOCKER_MCP_ALLOWED_BIND_PATHS: '/srv/data,/srv/data/uploads:ro' } });
    let error: unknown;
    try {
      buildSecurity(config, { docker: testDocker(), self: [] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/allowed_bind_paths entries \/srv\/data and \/srv\/data\/uploads:ro nest/);
  });
});
