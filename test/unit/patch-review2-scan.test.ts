// Review 2 findings 9, 10, 13, 14, 15, 17, 18 (docs/dev/ISSUE17-REVIEW-2.md): what the repo scan
// missed — a config Terraform never applies, no Terraform at all, cloudflared on a host, Terragrunt,
// rules kept in another file, symlinked directories, CRLF files. Each fixture's README says what the
// correct patch is.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parse } from 'yaml';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport } from '../../src/patch/index.js';
import { FIXTURES, fmtClean, hclErrors, input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();

describe('finding 9: lifecycle ignore_changes on the tunnel config', () => {
  it('refuses naming the ignore_changes line, with the v4 snippet and what to do', async () => {
    const dir = copy('review2-v4-lifecycle-ignore');
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toContain('ignore_changes = [config]');
    expect(plan.refused).toContain('main.tf:38');
    expect(plan.refused).toMatch(/never .*apply|never reach Cloudflare/);
    const report = renderPatchReport(plan);
    expect(report).toContain('ingress_rule {');
    expect(report).not.toContain('ingress = [');
  });

  it('`all` is refused too; ignore_changes on other attributes is not', async () => {
    for (const [value, refused] of [['all', true], ['[config[0].ingress_rule]', true], ['[tunnel_id]', false]] as const) {
      const dir = copy('review2-v4-lifecycle-ignore');
      const path = join(dir, 'main.tf');
      writeFileSync(path, readFileSync(path, 'utf8').replace('ignore_changes = [config]', `ignore_changes = ${value}`));
      const plan = await planRepoPatch(dir, input());
      expect(plan.refused !== null && plan.refused.includes('ignore_changes'), value).toBe(refused);
    }
  });
});

describe('finding 18: CRLF and BOM', () => {
  it('inserted lines end in CRLF like the rest of the file; the BOM stays; second run no-op', async () => {
    const dir = copy('review2-v4-bom-crlf');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    await applyRepoPatch(plan);
    const text = readFileSync(join(dir, 'main.tf'), 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text).toContain('"docker-mcp.example.com"\r\n');
    expect(text.match(/(?<!\r)\n/g)).toBeNull();
    const original = readFileSync(join(FIXTURES, 'review2-v4-bom-crlf', 'main.tf'), 'utf8');
    const kept = new Set(text.split('\n'));
    expect(original.split('\n').filter((l) => !kept.has(l))).toEqual([]);
    const noBom = text.slice(1);
    expect(await hclErrors(noBom)).toBe('');
    // terraform fmt drops a BOM, so the fixture (and the result) are checked without it.
    expect(fmtClean(original.slice(1))).toBe(true);
    expect(fmtClean(noBom)).toBe(true);
    expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  });
});

describe('finding 17: symlinked directories', () => {
  it('follows a symlinked module dir: the rule goes into the real file, the root module is the caller', async () => {
    const dir = copy('review2-symlink-module');
    mkdirSync(join(dir, 'infra', 'modules'));
    symlinkSync('../../shared/tunnel', join(dir, 'infra', 'modules', 'tunnel'));
    // A loop and a link leaving the repo must not hang or pull in outside files.
    symlinkSync('..', join(dir, 'shared', 'tunnel', 'loop'));
    symlinkSync(tmpdir(), join(dir, 'shared', 'outside'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.rootModuleDir).toBe(join(dir, 'infra'));
    expect(plan.edits.map((e) => e.relPath).sort()).toEqual(['infra/docker-mcp.tf', 'infra/main.tf', 'shared/tunnel/tunnel.tf']);
    await applyRepoPatch(plan);
    const tunnel = readFileSync(join(dir, 'shared', 'tunnel', 'tunnel.tf'), 'utf8');
    expect(tunnel).toContain('hostname = "docker-mcp.example.com"');
    expect(fmtClean(tunnel)).toBe(true);
    expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  });
});

describe('finding 17: a symlink leaving the git root', () => {
  it('is not followed, and the refusal says so', async () => {
    const dir = copy('review2-symlink-module');
    const elsewhere = mkdtempSync(join(tmpdir(), 'dmcp-outside-'));
    try {
      cpSync(join(dir, 'shared', 'tunnel'), elsewhere, { recursive: true });
      rmSync(join(dir, 'shared'), { recursive: true });
      mkdirSync(join(dir, 'infra', 'modules'));
      symlinkSync(elsewhere, join(dir, 'infra', 'modules', 'tunnel'));
      const plan = await planRepoPatch(dir, input());
      expect(plan.edits).toEqual([]);
      expect(plan.refused).toContain(`symlinks leaving the git root are not followed: infra/modules/tunnel -> ${realpathSync(elsewhere)}`);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('finding 13: cloudflared on a host', () => {
  it('localhost, 127.x, [::1] and ULA origins: the outside-the-cluster note and host restart advice', async () => {
    const dir = copy('review2-host-cloudflared');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    const notes = plan.notes.join('\n');
    for (const origin of ['http://localhost:3000', 'http://[::1]:8096', 'http://[fd12:3456:789a::10]:8123', 'http://127.0.0.1:9000']) {
      expect(notes).toContain(origin);
    }
    // The URL init writes is the in-cluster one: the note must say it does not resolve there.
    expect(notes).toContain(`runs outside the cluster (a systemd service or a container on a host), where the docker-mcp rule's service ${input().serviceUrl} does not resolve`);
    expect(notes).toContain('systemctl restart cloudflared');
    expect(renderPatchReport(plan)).not.toContain('kubectl');
  });

  it('a .tftpl config: no ${…} placeholder inside a printed shell command', async () => {
    const dir = copy('review2-tf-tftpl');
    const plan = await planRepoPatch(join(dir, 'cloudflared.yaml.tftpl'), input({ mode: 'yaml', terraformDir: dir }));
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    for (const s of plan.snippets.filter((x) => x.language === 'shell')) expect(s.text).not.toContain('${');
    expect(plan.notes.join('\n')).toContain('cloudflared.yaml.tftpl names the tunnel with the template placeholder ${tunnel_id}: where a command needs the tunnel, use its name or ID');
  });
});

describe('finding 14: Terragrunt', () => {
  for (const at of ['.', 'live/prod/cloudflare']) {
    it(`run on ${at}: refuses naming the unit, the module's tunnel config and the unit's inputs; a unit snippet`, async () => {
      const dir = copy('review2-terragrunt');
      const plan = await planRepoPatch(join(dir, at), input());
      expect(plan.edits).toEqual([]);
      expect(plan.rootModuleDir).toBeUndefined();
      expect(plan.refused).toMatch(/^Terragrunt: /);
      expect(plan.refused).not.toContain('no tunnel configuration found');
      expect(plan.refused).toContain('terragrunt.hcl:6');
      expect(plan.refused).toMatch(/cloudflare_zero_trust_tunnel_cloudflared_config\.this in (\.\.\/\.\.\/\.\.\/)?modules\/tunnel\/main\.tf/);
      expect(plan.refused).toContain('inputs.services in ');
      const [item, unit] = plan.snippets;
      expect(item!.where).toContain('terragrunt.hcl:11, inside inputs.services');
      expect(item!.text).toBe(`"docker-mcp" = "${input().serviceUrl}"\n`);
      expect(unit!.text).toContain('include "root" {');
      expect(unit!.text).toContain('source = "../../../modules//docker-mcp-gateway"');
      expect(unit!.text).toMatch(/inputs = \{\n {2}project_name += "homelab"/);
      expect(unit!.text).not.toContain('source = "./modules');
      expect(await hclErrors(unit!.text)).toBe('');
      const report = renderPatchReport(plan);
      expect(report).not.toContain('<root module>');
      expect(report).not.toContain('docker-mcp.tf next to');
    });
  }
});

describe('finding 14: Terragrunt, tunnel module one call below the unit\'s module', () => {
  it('still refuses, naming the unit\'s module, and writes nothing into either module', async () => {
    const dir = copy('review2-terragrunt');
    mkdirSync(join(dir, 'modules', 'stack'));
    writeFileSync(join(dir, 'modules', 'stack', 'main.tf'), 'variable "services" {\n  type = map(string)\n}\n\nmodule "tunnel" {\n  source = "../tunnel"\n\n  services = var.services\n}\n');
    const unit = join(dir, 'live', 'prod', 'cloudflare', 'terragrunt.hcl');
    writeFileSync(unit, readFileSync(unit, 'utf8').replace('modules//tunnel', 'modules//stack'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.rootModuleDir).toBeUndefined();
    expect(plan.refused).toMatch(/^Terragrunt: modules\/stack is the module that Terragrunt units deploy/);
    expect(plan.refused).toContain('modules/tunnel/main.tf');
  });
});

describe('finding 15: rules in another file or format', () => {
  it('jsondecode(file("ingress.json")): refusal naming the JSON file and line, one JSON item snippet', async () => {
    const plan = await planRepoPatch(copy('review2-v5-jsondecode-file'), input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toContain('its rules are read from ingress.json');
    expect(plan.refused).toContain('main.tf:25');
    expect(plan.refused).toContain('ingress.json:3');
    const rules = plan.snippets.filter((s) => s.title.startsWith('Ingress rule'));
    expect(rules).toHaveLength(1);
    expect(rules[0]!.language).toBe('json');
    expect(JSON.parse(rules[0]!.text.trim().replace(/,$/, ''))).toEqual({ hostname: 'docker-mcp.example.com', service: input().serviceUrl });
    expect(renderPatchReport(plan)).not.toContain('<root module>');
  });

  it('yamldecode(file("ingress.yaml")): one YAML list item with the provider\'s keys, at the file\'s catch-all line', async () => {
    const dir = copy('review2-v5-jsondecode-file');
    writeFileSync(join(dir, 'ingress.yaml'), '- hostname: grafana.example.com\n  service: http://grafana.monitoring:3000\n- service: http_status:404\n');
    const main = join(dir, 'main.tf');
    writeFileSync(main, readFileSync(main, 'utf8').replaceAll('jsondecode(file("${path.module}/ingress.json"))', 'yamldecode(file("${path.module}/ingress.yaml"))'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused).toContain('its rules are read from ingress.yaml');
    const rules = plan.snippets.filter((s) => s.title.startsWith('Ingress rule'));
    expect(rules.map((r) => [r.language, r.title])).toEqual([['yaml', 'Ingress rule, directly above the catch-all (ingress.yaml:3)']]);
    expect(parse(rules[0]!.text)).toEqual([{ hostname: 'docker-mcp.example.com', service: input().serviceUrl }]);
  });

  it('yamlencode({ ingress = [...] }) in a kubernetes_config_map: refusal naming the list, one snippet in its shape', async () => {
    const plan = await planRepoPatch(copy('review2-tf-yamlencode-configmap'), input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).not.toContain('no tunnel configuration found');
    expect(plan.refused).toContain('yamlencode(…) in main.tf (its `ingress` list at main.tf:32)');
    const rules = plan.snippets.filter((s) => s.title.startsWith('Ingress rule'));
    expect(rules).toHaveLength(1);
    expect(rules[0]!.title).toContain('(main.tf:37)');
    expect(await hclErrors(`x = [\n${rules[0]!.text}]\n`)).toBe('');
    // DNS the repo's way: a record like cloudflare_record.grafana (value = the tunnel's cname).
    const dns = plan.snippets.find((s) => s.title.startsWith('DNS record'));
    expect(dns?.text).toContain('value   = cloudflare_tunnel.home.cname');
    const report = renderPatchReport(plan);
    expect(report).not.toContain('<root module>');
    expect(report).not.toMatch(/provider v[45]/);
  });

  it('templatefile("cloudflared.yaml.tftpl") with a literal ingress: list is patched as YAML; DNS cloned', async () => {
    const dir = copy('review2-tf-tftpl');
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.mode).toBe('yaml');
    await applyRepoPatch(plan);
    const tpl = readFileSync(join(dir, 'cloudflared.yaml.tftpl'), 'utf8');
    expect(tpl).toContain(`  - hostname: docker-mcp.example.com\n    service: ${input().serviceUrl}\n  - service: http_status:404\n`);
    expect(tpl).toContain('tunnel: ${tunnel_id}');
    const main = readFileSync(join(dir, 'main.tf'), 'utf8');
    expect(main).toContain('resource "cloudflare_record" "docker_mcp" {');
    expect(fmtClean(main)).toBe(true);
    const original = readFileSync(join(FIXTURES, 'review2-tf-tftpl', 'main.tf'), 'utf8');
    const kept = new Set(main.split('\n'));
    expect(original.split('\n').filter((l) => !kept.has(l))).toEqual([]);
    expect((await planRepoPatch(dir, input())).edits).toEqual([]);
  });
});
