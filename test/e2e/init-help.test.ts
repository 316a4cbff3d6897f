// `docker-mcp init --help` as a newcomer's only manual: the structured lists say their item syntax,
// and every example it shows renders (as --dry-run) instead of failing on a flag it names.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve('bin/docker-mcp.js');
let cwd: string;

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'dmcp-help-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('docker-mcp init --help', () => {
  const help = (): string => run(['init', '--help']).stdout.replace(/\s+/g, ' ');

  it('says the item syntax of the structured lists', () => {
    const text = help();
    expect(text).toContain('--network-policy-extra-ingress <a,b,…> More peers');
    expect(text).toMatch(/extra-ingress <a,b,…> [^[]*each item NAMESPACE\[\/KEY=VALUE\[\+KEY=VALUE…\]\]\[:http\|metrics\]/);
    expect(text).toMatch(/extra-egress <a,b,…> [^[]*each item CIDR\[:PORT\]/);
    expect(text).toMatch(/--tolerations <a,b,…> [^[]*each item key\[=value\]\[:Effect\]/);
    expect(text).toMatch(/--node-affinity <a,b,…> [^[]*each item key\[=value1\|value2…\]/);
  });

  it('every example renders (the --terraform-dir one needs a repo and is left out)', () => {
    const raw = run(['init', '--help']).stdout;
    const examples = raw
      .slice(raw.indexOf('Examples:'))
      .replace(/\\\n\s*/g, '')
      .split('\n')
      .map((l) => l.replace(/#.*$/, '').trim())
      .filter((l) => l.startsWith('docker-mcp init') && !l.includes('--terraform-dir'));
    expect(examples.length).toBeGreaterThanOrEqual(6);
    for (const [i, example] of examples.entries()) {
      const args = example.split(/\s+/).slice(1).filter((a) => a !== '--dry-run');
      const r = run([...args, '--dry-run', '--output-dir', `out-${i}`]);
      expect(r.code, `${example}\n${r.stderr}`).toBe(3);
    }
  });
});
