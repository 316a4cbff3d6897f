// The patcher on each fixture repo: golden outputs, idempotency, and every patched file parses
// with the real grammar and passes the real `terraform fmt -check`.
// UPDATE_GOLDEN=1 npx vitest run test/unit/patch-repo.test.ts rewrites test/golden/patched/.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport, type RepoPatchInput } from '../../src/patch/index.js';
import { GOLDEN, useFixtureCopies, fmtClean, hclErrors, input } from './patch-helpers.js';

const copy = useFixtureCopies();

const ACCESS = { teamName: 'myteam', audTag: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0' };
const cases: { fixture: string; input: RepoPatchInput; changed: string[] }[] = [
  { fixture: 'seed-v4', input: input(), changed: ['modules/cloudflare-tunnel/main.tf', 'docker-mcp.tf'] },
  { fixture: 'v5', input: input({ access: ACCESS }), changed: ['modules/tunnel/tunnel.tf', 'main.tf', 'docker-mcp.tf'] },
  {
    fixture: 'commented',
    input: input({ hostname: 'docker-mcp.lab.example.net', access: ACCESS }),
    changed: ['cloudflare.tf', 'docker-mcp.tf'],
  },
  { fixture: 'k8s-yaml', input: input({ access: ACCESS }), changed: ['cloudflared.yaml'] },
];

function checkGolden(fixture: string, relPath: string, actual: string): void {
  const path = join(GOLDEN, fixture, relPath);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  expect(existsSync(path), `missing golden ${path} (UPDATE_GOLDEN=1 to create)`).toBe(true);
  expect(actual, `golden ${fixture}/${relPath} (UPDATE_GOLDEN=1 to accept)`).toBe(readFileSync(path, 'utf8'));
}

describe.each(cases)('patching the $fixture fixture', ({ fixture, input: patchInput, changed }) => {
  it('edits exactly the expected files and matches the golden output', async () => {
    const dir = copy(fixture);
    const plan = await planRepoPatch(dir, patchInput);
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual([...changed].sort());
    for (const edit of plan.edits) checkGolden(fixture, edit.relPath, edit.after);
  });

  it('writes files that parse and pass terraform fmt -check', async () => {
    const dir = copy(fixture);
    const plan = await planRepoPatch(dir, patchInput);
    await applyRepoPatch(plan);
    for (const edit of plan.edits.filter((e) => e.relPath.endsWith('.tf'))) {
      const text = readFileSync(edit.path, 'utf8');
      expect(await hclErrors(text), edit.relPath).toBe('');
      expect(fmtClean(text), `${edit.relPath} is not terraform fmt clean`).toBe(true);
    }
  });

  it('is idempotent: a second run plans no edits', async () => {
    const dir = copy(fixture);
    await applyRepoPatch(await planRepoPatch(dir, patchInput));
    const again = await planRepoPatch(dir, patchInput);
    expect(again.refused).toBeNull();
    expect(again.edits).toEqual([]);
    expect(renderPatchReport(again)).toContain('Already up to date');
  });

  it('keeps everything outside the edit byte-for-byte', async () => {
    const dir = copy(fixture);
    const plan = await planRepoPatch(dir, patchInput);
    for (const edit of plan.edits.filter((e) => e.before !== null)) {
      const after = new Set(edit.after.split('\n'));
      const removed = edit.before!.split('\n').filter((l) => !after.has(l));
      // Only the services list line(s) may change (a comma, or the new element on a one-line list).
      expect(removed.filter((l) => !/services|^\s*"[^"]*"\s*(#.*)?$/.test(l)), 'lines the user wrote disappeared').toEqual([]);
    }
  });
});

describe('the seed layout in detail', () => {
  it('inserts the rule directly before the catch-all and adds "docker-mcp" to services', async () => {
    const dir = copy('seed-v4');
    const plan = await planRepoPatch(dir, input());
    const main = plan.edits.find((e) => e.relPath === 'modules/cloudflare-tunnel/main.tf')!.after;
    const rule = main.indexOf('hostname = "docker-mcp.${var.domain_suffix}"');
    const catchAll = main.indexOf('service = "http_status:404"');
    const n8n = main.indexOf('"n8n.${var.domain_suffix}"');
    expect(rule).toBeGreaterThan(n8n);
    expect(rule).toBeLessThan(catchAll);
    expect(main).toMatch(/"n8n",\n\s+"docker-mcp"\n\s+\]/);
    expect(plan.notes.join('\n')).toContain('${var.domain_suffix} is "example.com"');
    // The module call goes to its own file in the root module, never into the user's main.tf.
    expect(plan.edits.find((e) => e.relPath === 'docker-mcp.tf')?.before).toBeNull();
    expect(plan.edits.some((e) => e.relPath === 'main.tf')).toBe(false);
  });

  it('writes a literal hostname when var.domain_suffix resolves to another domain', async () => {
    const dir = copy('seed-v4');
    const plan = await planRepoPatch(dir, input({ hostname: 'docker-mcp.other.org' }));
    const main = plan.edits.find((e) => e.relPath.endsWith('main.tf') && e.relPath !== 'main.tf')!.after;
    expect(main).toContain('hostname = "docker-mcp.other.org"');
    expect(plan.notes.join('\n')).toMatch(/is "example.com", not "other.org"/);
  });
});
