// The tokens step of NOTES.md, run exactly as written (bash, the real openssl): it must print a token,
// write a file the gateway's own loader accepts, and keep only that token's digest in it, since the
// Secret made from the file is read into the Terraform state (verify_tokens_secret).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTokensFile, matchToken } from '../../src/gateway/auth/tokens.js';
import { renderExample } from './installer-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'dmcp-notes-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tokensBlock(notes: string): string {
  const step = notes.slice(notes.indexOf('Create the tokens Secret'));
  const block = /```sh\n([\s\S]*?)```/.exec(step)![1]!;
  // The block is indented under its list item; the last line loads it into a cluster we do not have.
  return block.split('\n').map((l) => l.replace(/^ {3}/, '')).filter((l) => !/^kubectl\b/.test(l)).join('\n');
}

describe('NOTES.md tokens step', () => {
  const notes = renderExample('basic').files.find((f) => f.path === 'NOTES.md')!.contents;

  it('writes a file the gateway loads, holding the printed token as a digest only', () => {
    const out = execFileSync('bash', ['-euo', 'pipefail', '-c', tokensBlock(notes)], { cwd: dir, encoding: 'utf8' });
    const token = /Token for the clients .*: ([0-9a-f]{64})$/m.exec(out)![1]!;
    const text = readFileSync(join(dir, 'tokens.yaml'), 'utf8');
    expect(text).not.toContain(token);
    expect(text).toMatch(/token_sha256: [0-9a-f]{64}\n/);
    const entries = loadTokensFile(join(dir, 'tokens.yaml'));
    expect(entries.map((e) => [e.name, e.scope])).toEqual([['laptop', 'read']]);
    expect(matchToken(entries, token)?.name).toBe('laptop');
    expect(matchToken(entries, 'f'.repeat(64))).toBeUndefined();
  });
});
