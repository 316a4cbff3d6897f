// Re-runs with changed answers update the one docker-mcp rule; anything ambiguous or unrecognised
// changes nothing and explains itself with ready-to-paste snippets.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport } from '../../src/patch/index.js';
import { useFixtureCopies, fmtClean, hclErrors, input } from './patch-helpers.js';

const copy = useFixtureCopies();
const TUNNEL = 'modules/cloudflare-tunnel/main.tf';
const count = (text: string, needle: string): number => text.split(needle).length - 1;

describe('updating an existing docker-mcp rule', () => {
  it('changes the port in place instead of adding a second rule', async () => {
    const dir = copy('seed-v4');
    await applyRepoPatch(await planRepoPatch(dir, input()));
    const plan = await planRepoPatch(dir, input({ serviceUrl: 'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:9000' }));
    expect(plan.edits.map((e) => e.relPath)).toEqual([TUNNEL]);
    await applyRepoPatch(plan);
    const text = readFileSync(join(dir, TUNNEL), 'utf8');
    expect(count(text, 'docker-mcp-gateway')).toBe(1);
    expect(text).toContain('local:9000"');
    expect(fmtClean(text)).toBe(true);
  });

  it('renames the hostname and the services entry together', async () => {
    const dir = copy('v5');
    await applyRepoPatch(await planRepoPatch(dir, input()));
    const plan = await planRepoPatch(dir, input({ hostname: 'mcp.example.com' }));
    await applyRepoPatch(plan);
    const tunnel = readFileSync(join(dir, 'modules/tunnel/tunnel.tf'), 'utf8');
    const main = readFileSync(join(dir, 'main.tf'), 'utf8');
    expect(tunnel).toContain('hostname = "mcp.example.com"');
    expect(tunnel).not.toContain('docker-mcp.example.com');
    expect(main).toContain('services   = ["homepage", "open-webui", "flowise", "n8n", "mcp"]');
    expect((await planRepoPatch(dir, input({ hostname: 'mcp.example.com' }))).edits).toEqual([]);
  });

  it('adds per-rule Access to an existing rule later (v4 block and v5 object)', async () => {
    for (const fixture of ['seed-v4', 'v5']) {
      const dir = copy(fixture);
      await applyRepoPatch(await planRepoPatch(dir, input()));
      const access = { teamName: 'myteam', audTag: 'aud-1' };
      await applyRepoPatch(await planRepoPatch(dir, input({ access })));
      const file = fixture === 'v5' ? 'modules/tunnel/tunnel.tf' : TUNNEL;
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text).toMatch(fixture === 'v5' ? /origin_request = \{\n\s+access = \{/ : /origin_request \{\n\s+access \{/);
      expect(text).toContain('team_name = "myteam"');
      expect(await hclErrors(text)).toBe('');
      expect(fmtClean(text), text).toBe(true);
      // A changed AUD tag replaces the access settings, still once.
      await applyRepoPatch(await planRepoPatch(dir, input({ access: { ...access, audTag: 'aud-2' } })));
      const again = readFileSync(join(dir, file), 'utf8');
      expect(count(again, 'aud_tag')).toBe(1);
      expect(again).toContain('["aud-2"]');
      expect(fmtClean(again)).toBe(true);
    }
  });

  it('recognises a rule written by hand from the seed and leaves it alone when it already matches', async () => {
    const dir = copy('seed-v4');
    const path = join(dir, TUNNEL);
    const text = readFileSync(path, 'utf8').replace(
      '    ingress_rule {\n      service = "http_status:404"',
      '    ingress_rule {\n      hostname = "docker-mcp.${var.domain_suffix}"\n      service  = "http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080"\n    }\n' +
        '    ingress_rule {\n      service = "http_status:404"',
    );
    writeFileSync(path, text);
    const plan = await planRepoPatch(dir, input());
    const tunnelEdit = plan.edits.find((e) => e.relPath === TUNNEL)!;
    // Only the services list changes; no second rule.
    expect(count(tunnelEdit.after, 'docker-mcp-gateway')).toBe(1);
    expect(tunnelEdit.after).toContain('"docker-mcp"\n  ]');
  });
});

describe('refusing to guess', () => {
  it.each([
    ['refuse-no-catch-all', /no catch-all rule/],
    ['refuse-dynamic', /dynamic "config"/],
  ])('%s: no edits, an explanation and snippets', async (fixture, reason) => {
    const dir = copy(fixture);
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toMatch(reason);
    const report = renderPatchReport(plan);
    expect(report).toContain('Nothing was changed');
    expect(report).toContain('ingress_rule {');
    expect(report).toContain('module "docker_mcp_gateway"');
    await expect(applyRepoPatch(plan)).rejects.toThrow(/refusing to patch/);
  });

  it('an empty directory: expects a tunnel config', async () => {
    const dir = copy('refuse-dynamic');
    rmSync(join(dir, 'tunnel.tf'));
    writeFileSync(join(dir, 'main.tf'), 'locals {}\n');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toMatch(/no tunnel configuration found: expected a `cloudflare_zero_trust_tunnel_cloudflared_config` or `cloudflare_tunnel_config` resource/);
    expect(plan.snippets.map((s) => s.title).join('\n')).toMatch(/v4[\s\S]*v5/);
  });

  it('two tunnel configs are ambiguous', async () => {
    const dir = copy('seed-v4');
    const tunnel = readFileSync(join(dir, TUNNEL), 'utf8');
    writeFileSync(join(dir, 'second.tf'), tunnel.slice(tunnel.indexOf('resource "cloudflare_tunnel_config"')).split('\nlocals')[0]!.replace('"homelab" {', '"other" {'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toMatch(/^ambiguous: 2 tunnel configurations \(resource\.cloudflare_tunnel_config\.homelab \(modules\/cloudflare-tunnel\/main\.tf:\d+\), resource\.cloudflare_tunnel_config\.other \(second\.tf:1\)\)/);
  });

  it('a catch-all that is not last is refused (cloudflared would reject the config anyway)', async () => {
    const dir = copy('seed-v4');
    const path = join(dir, TUNNEL);
    const text = readFileSync(path, 'utf8');
    const catchAll = '    ingress_rule {\n      service = "http_status:404"\n    }\n';
    writeFileSync(path, text.replace(catchAll, '').replace('  config {\n', `  config {\n${catchAll}`));
    expect((await planRepoPatch(dir, input())).refused).toMatch(/must be the last/);
  });

  it('a file that does not parse is never edited', async () => {
    const dir = copy('seed-v4');
    const path = join(dir, TUNNEL);
    writeFileSync(path, readFileSync(path, 'utf8').replace('tunnel_id  = cloudflare_tunnel.homelab.id', 'tunnel_id  = = cloudflare_tunnel.homelab.id'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toMatch(/does not parse/);
  });

  it('refuses when the root main.tf already declares the module (pasted from the seed)', async () => {
    const dir = copy('seed-v4');
    writeFileSync(join(dir, 'main.tf'), `${readFileSync(join(dir, 'main.tf'), 'utf8')}\nmodule "docker_mcp_gateway" {\n  source = "./modules/docker-mcp-gateway"\n}\n`);
    expect((await planRepoPatch(dir, input())).refused).toMatch(/main.tf already declares module "docker_mcp_gateway"/);
  });

  it('skips .terraform/ (downloaded module copies are not the user\'s code)', async () => {
    const dir = copy('seed-v4');
    mkdirSync(join(dir, '.terraform/modules/cloudflare_tunnel'), { recursive: true });
    writeFileSync(join(dir, '.terraform/modules/cloudflare_tunnel/main.tf'), readFileSync(join(dir, TUNNEL), 'utf8'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toBeNull();
    expect(plan.edits.every((e) => !e.relPath.startsWith('.terraform'))).toBe(true);
  });

  it('apply refuses with exit code 4 when a file changed after planning', async () => {
    const dir = copy('seed-v4');
    const plan = await planRepoPatch(dir, input());
    writeFileSync(join(dir, TUNNEL), `${readFileSync(join(dir, TUNNEL), 'utf8')}\n# edited meanwhile\n`);
    await expect(applyRepoPatch(plan)).rejects.toMatchObject({ exitCode: 4 });
    expect(readFileSync(join(dir, TUNNEL), 'utf8')).not.toContain('docker-mcp');
  });
});
