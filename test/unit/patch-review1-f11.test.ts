// Review 1 finding 11 (HCL part) and the Terraform-run cloudflared: a v5 ingress list written on one
// line, or compactly with `},{`, gets the docker-mcp rule in its own style with the managed marker (so a
// later run recognises the rule even after the hostname changed), every original byte kept.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport, type RepoPatchInput } from '../../src/patch/index.js';
import { fmtClean, hclErrors, input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
const SERVICE = 'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080';

/** The one chunk `after` adds to `before`; fails when any original byte changed or moved. */
function insertedChunk(before: string, after: string): string {
  let p = 0;
  while (p < before.length && before[p] === after[p]) p++;
  const rest = before.slice(p);
  expect(after.endsWith(rest), `bytes after offset ${p} changed`).toBe(true);
  return after.slice(p, after.length - rest.length);
}

async function patch(dir: string, overrides: Partial<RepoPatchInput> = {}): Promise<void> {
  const plan = await planRepoPatch(dir, input(overrides));
  expect(plan.refused, renderPatchReport(plan)).toBeNull();
  await applyRepoPatch(plan);
  expect((await planRepoPatch(dir, input(overrides))).edits).toEqual([]);
}

describe('finding 11: a one-line v5 ingress list', () => {
  it('gets the rule inside that line with an inline marker; fmt clean; a new hostname updates it in place', async () => {
    const dir = copy('review1-f11-v5-one-line-list');
    const path = join(dir, 'main.tf');
    const before = readFileSync(path, 'utf8');
    await patch(dir);
    const after = readFileSync(path, 'utf8');
    expect(insertedChunk(before, after)).toBe(`/* docker-mcp: managed by docker-mcp init */ { hostname = "docker-mcp.example.com", service = "${SERVICE}" }, `);
    expect(after.split('\n').length).toBe(before.split('\n').length);
    expect(await hclErrors(after)).toBe('');
    expect(fmtClean(after)).toBe(true);
    // The marker is what makes a changed hostname an update, not a second rule.
    await patch(dir, { hostname: 'mcp.example.com' });
    expect(readFileSync(path, 'utf8')).toBe(after.replace('"docker-mcp.example.com"', '"mcp.example.com"'));
  });
});

describe('finding 11: compact `},{` lists still hold', () => {
  it('adds the object with the same `},{` separator and the marker as its first line; every line kept', async () => {
    const dir = copy('review1-f11-v5-compact-comma');
    const path = join(dir, 'main.tf');
    const before = readFileSync(path, 'utf8');
    await patch(dir);
    const after = readFileSync(path, 'utf8');
    const ours = `      # docker-mcp: managed by docker-mcp init; re-run it to change this rule\n      hostname = "docker-mcp.example.com"\n      service  = "${SERVICE}"\n      },{\n`;
    expect(after).toBe(before.replace('      },{\n      service = "http_status:404"', `      },{\n${ours}      service = "http_status:404"`));
    expect(await hclErrors(after)).toBe('');
    // `},{` is the repo's own (fmt would write `}, {`); with that undone the file is fmt clean.
    expect(fmtClean(after.replaceAll('},{', '}, {'))).toBe(true);
    await patch(dir, { hostname: 'mcp.example.com' });
    expect(readFileSync(path, 'utf8')).toBe(after.replace('"docker-mcp.example.com"', '"mcp.example.com"'));
  });

  it('shape 5 (`}, {` and `},{` mixed): the marker is inside the new object and a re-run with a new hostname updates it', async () => {
    const dir = copy('shape05-v5-compact-other-domain');
    const path = join(dir, 'cloudflare.tf');
    await patch(dir);
    const after = readFileSync(path, 'utf8');
    expect(after).toContain('      }, {\n      # docker-mcp: managed by docker-mcp init; re-run it to change this rule\n      hostname = "docker-mcp.example.com"\n');
    await patch(dir, { hostname: 'mcp.example.com' });
    expect(readFileSync(path, 'utf8')).toBe(after.replace('"docker-mcp.example.com"', '"mcp.example.com"'));
  });
});
