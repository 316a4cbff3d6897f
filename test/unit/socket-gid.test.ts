// init --target docker fills docker_socket_gid from the socket's group on this machine, only when
// the user gave no value, and keeps the default when the socket is not here.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectSocketGid, socketGroupId } from '../../src/cli/io/socket-gid.js';
import type { Origin } from '../../src/config/sources.js';
import type { VarValue } from '../../src/config/variables.js';

describe('detectSocketGid', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dmcp-gid-'));
  const file = join(dir, 'docker.sock');
  writeFileSync(file, '');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (origin: Origin, path: string, stat?: (p: string) => number | undefined): Record<string, VarValue> => {
    const values: Record<string, VarValue> = { docker_socket_path: path, docker_socket_gid: 999 };
    detectSocketGid(values, { docker_socket_gid: origin, docker_socket_path: 'flag' }, stat);
    return values;
  };

  it('reads the group of the file at docker_socket_path', () => {
    expect(socketGroupId(file)).toBe(statSync(file).gid);
    expect(run('default', '/x', () => 106).docker_socket_gid).toBe(106);
    expect(run('default', file).docker_socket_gid).toBe(statSync(file).gid);
  });

  it('keeps a value the user gave, whatever the socket says', () => {
    for (const origin of ['flag', 'env', 'config', 'prompt'] as const) expect(run(origin, '/x', () => 106).docker_socket_gid).toBe(999);
  });

  it('keeps the default when the socket is not on this machine', () => {
    expect(socketGroupId(join(dir, 'missing.sock'))).toBeUndefined();
    expect(run('default', join(dir, 'missing.sock')).docker_socket_gid).toBe(999);
  });
});
