// YAML mode: the cloudflared ConfigMap's inner config.yaml gets the rule (comments kept), the rest
// of the manifest stays byte-for-byte, and re-runs update instead of appending.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments, parseDocument } from 'yaml';
import { applyRepoPatch, planRepoPatch } from '../../src/patch/index.js';
import { fixtureCopy, input } from './patch-helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function copy(): string {
  const dir = fixtureCopy('k8s-yaml');
  dirs.push(dir);
  return dir;
}
function ingressOf(path: string): { hostname?: string; service: string; originRequest?: unknown }[] {
  const cm = parseAllDocuments(readFileSync(path, 'utf8'))[0]!.toJS() as { data: Record<string, string> };
  return (parseDocument(cm.data['config.yaml']!).toJS() as { ingress: { hostname?: string; service: string }[] }).ingress;
}

describe('patching a cloudflared ConfigMap', () => {
  it('inserts before the catch-all, keeps comments and the other document untouched', async () => {
    const dir = copy();
    const path = join(dir, 'cloudflared.yaml');
    const before = readFileSync(path, 'utf8');
    await applyRepoPatch(await planRepoPatch(path, input({ access: { teamName: 'myteam', audTag: 'aud' } })));
    const after = readFileSync(path, 'utf8');
    const rules = ingressOf(path);
    expect(rules.map((r) => r.hostname ?? r.service)).toEqual([
      'homepage.example.com', 'open-webui.example.com', 'flowise.example.com', 'n8n.example.com', 'docker-mcp.example.com', 'http_status:404',
    ]);
    expect(rules[4]!.originRequest).toEqual({ access: { required: true, teamName: 'myteam', audTag: ['aud'] } });
    for (const comment of ['# Dashboard', '# Everything else', '# cloudflared reads this file via --config', '# two connectors for HA']) {
      expect(after).toContain(comment);
    }
    expect(after.slice(after.indexOf('\n---\n'))).toBe(before.slice(before.indexOf('\n---\n')));
  });

  it('finds the ConfigMap when given the directory, and a second run changes nothing', async () => {
    const dir = copy();
    await applyRepoPatch(await planRepoPatch(dir, input()));
    expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  });

  it('updates the existing rule when the port changes', async () => {
    const dir = copy();
    await applyRepoPatch(await planRepoPatch(dir, input()));
    await applyRepoPatch(await planRepoPatch(dir, input({ serviceUrl: 'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:9000' })));
    const rules = ingressOf(join(dir, 'cloudflared.yaml'));
    expect(rules.filter((r) => r.hostname === 'docker-mcp.example.com').map((r) => r.service)).toEqual([
      'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:9000',
    ]);
  });

  it('patches a plain cloudflared config file too', async () => {
    const dir = copy();
    const path = join(dir, 'config.yml');
    rmSync(join(dir, 'cloudflared.yaml'));
    writeFileSync(path, 'tunnel: homelab # name\ningress:\n  - hostname: a.example.com\n    service: http://a:80\n  - service: http_status:404\n');
    await applyRepoPatch(await planRepoPatch(dir, input()));
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('tunnel: homelab # name');
    expect((parseDocument(text).toJS() as { ingress: unknown[] }).ingress).toHaveLength(3);
  });

  it('refuses an ingress list without a catch-all', async () => {
    const dir = copy();
    const path = join(dir, 'cloudflared.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/\n\s+# Everything else\n\s+- service: http_status:404/, ''));
    const plan = await planRepoPatch(path, input());
    expect(plan.refused).toMatch(/catch-all/);
    expect(plan.snippets[0]!.text).toContain('- hostname: docker-mcp.example.com');
  });
});
