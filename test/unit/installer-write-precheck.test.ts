// init's write is all or nothing (src/cli/io/write.ts): a target that cannot be written must stop
// the batch before its first file. The review's case: docker-mcp/kubernetes is a file, so
// kubernetes/*.yaml cannot go there; init said so, but had already written NOTES.md, clients/* and
// docker-mcp.yaml, with no manifest to own them.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../src/cli/io/changes.js';
import { applyChanges } from '../../src/cli/io/write.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dmcp-write-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const create = (path: string): Change => ({ path, action: 'create', before: undefined, after: `${path}\n` });
// The order init renders in: the files at the top come before kubernetes/.
const batch = [create('NOTES.md'), create('clients/README.md'), create('docker-mcp.yaml'), create('kubernetes/deployment.yaml')];

describe('applyChanges checks every target before writing any', () => {
  it('a file where a subfolder goes: one line naming it, and nothing written (was NOTES.md, clients/, docker-mcp.yaml)', () => {
    const out = join(dir, 'docker-mcp');
    mkdirSync(out);
    writeFileSync(join(out, 'kubernetes'), '');
    expect(() => applyChanges(out, batch, 'test')).toThrow(/cannot write to .*docker-mcp\/kubernetes \(a parent is a file, not a folder\)/);
    expect(readdirSync(out)).toEqual(['kubernetes']);
  });

  it('a folder where a file goes: named, and nothing written', () => {
    const out = join(dir, 'docker-mcp');
    mkdirSync(join(out, 'kubernetes', 'deployment.yaml'), { recursive: true });
    expect(() => applyChanges(out, batch, 'test')).toThrow(/cannot write to .*kubernetes\/deployment\.yaml \(a folder is in the way of the file\)/);
    expect(readdirSync(out)).toEqual(['kubernetes']);
    expect(existsSync(join(out, 'NOTES.md'))).toBe(false);
  });

  it('a writable folder: every file and the manifest', () => {
    const out = join(dir, 'docker-mcp');
    applyChanges(out, batch, 'test');
    expect(readdirSync(out).sort()).toEqual(['.docker-mcp-manifest.json', 'NOTES.md', 'clients', 'docker-mcp.yaml', 'kubernetes']);
  });
});
