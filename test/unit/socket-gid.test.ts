// init --target docker fills docker_socket_gid from the socket's group on this machine, only when
// the user gave no value, and keeps the default when the socket is not here.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectSocketGid, socketGroupId } from '../../src/cli/io/socket-gid.js';
import { choicesSummary } from '../../src/cli/prompts/summary.js';
import type { Origin } from '../../src/config/sources.js';
import { variablesTable, type VarValue } from '../../src/config/variables.js';

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

  it('shows a found gid as "detected" in the interactive summary', () => {
    const table = variablesTable('0.0.0');
    const values = { ...Object.fromEntries(table.map((s) => [s.name, s.default])), docker_socket_path: '/x' } as Record<string, VarValue>;
    const origins: Record<string, Origin> = Object.fromEntries(table.map((s) => [s.name, 'default']));
    detectSocketGid(values, origins, () => 106);
    expect(choicesSummary(table, values, origins)).toMatch(/docker_socket_gid\s+106\s+\(detected\)/);
  });

  it('keeps a value the user gave, whatever the socket says', () => {
    for (const origin of ['flag', 'env', 'config', 'prompt'] as const) expect(run(origin, '/x', () => 106).docker_socket_gid).toBe(999);
  });

  it('keeps the default when the socket is not on this machine', () => {
    expect(socketGroupId(join(dir, 'missing.sock'))).toBeUndefined();
    expect(run('default', join(dir, 'missing.sock')).docker_socket_gid).toBe(999);
  });
});
