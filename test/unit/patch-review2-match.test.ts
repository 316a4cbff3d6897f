// Review 2 findings 1–4 and 11 (docs/dev/ISSUE17-REVIEW-2.md): init must judge rules the way
// cloudflared matches them (ingress/ingress.go matchHost, ingress/rule.go): only init's exact marker
// line makes a rule ours, `${VAR}` hostnames are unproven, `*.smith.dev` may catch
// `docker-mcp.johnsmith.dev` (older releases), a hostless path rule is tried for every host, and
// `hostname: "*"` last is a catch-all. Each fixture's README says what the correct patch is.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostMatch, isMarkerLine, pathTakesAll, templateMayMatch } from '../../src/patch/cloudflared-match.js';
import { applyRepoPatch, planRepoPatch, renderPatchReport, type RepoPatchInput } from '../../src/patch/index.js';
import { FIXTURES, fmtClean, hclErrors, input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
const SERVICE = 'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080';
const MARKER = '# docker-mcp: managed by docker-mcp init; re-run it to change this rule';

/** Plans and applies; every original line kept, .tf files parse and are fmt-clean, a second run plans nothing. */
async function patchTwice(fixture: string, file: string, inp: RepoPatchInput = input()): Promise<{ text: string; report: string }> {
  const dir = copy(fixture);
  const plan = await planRepoPatch(dir, inp);
  expect(plan.refused, renderPatchReport(plan)).toBeNull();
  await applyRepoPatch(plan);
  const text = readFileSync(join(dir, file), 'utf8');
  const kept = new Set(text.split('\n'));
  expect(readFileSync(join(FIXTURES, fixture, file), 'utf8').split('\n').filter((l) => !kept.has(l))).toEqual([]);
  if (file.endsWith('.tf')) {
    expect(await hclErrors(text)).toBe('');
    expect(fmtClean(text)).toBe(true);
  }
  expect((await planRepoPatch(dir, inp)).edits).toEqual([]);
  return { text, report: renderPatchReport(plan) };
}

const v4Rule = (indent: string, host = 'docker-mcp.example.com'): string =>
  `${indent}${MARKER}\n${indent}ingress_rule {\n${indent}  hostname = "${host}"\n${indent}  service  = "${SERVICE}"\n${indent}}\n`;
const yamlRule = (indent: string, host = 'docker-mcp.example.com', quote = ''): string =>
  `${indent}${MARKER}\n${indent}- hostname: ${quote}${host}${quote}\n${indent}  service: ${SERVICE}\n`;

describe('cloudflared matching, checked against ingress.go / rule.go', () => {
  it('wildcards: any depth below the suffix; older releases also take names ending in the bare suffix', () => {
    expect(hostMatch('*.example.com', 'docker-mcp.lab.example.com')).toBe('yes');
    expect(hostMatch('*.smith.dev', 'docker-mcp.johnsmith.dev')).toBe('older');
    expect(hostMatch('*.smith.dev', 'docker-mcp.example.com')).toBe('no');
    expect(hostMatch('*', 'docker-mcp.example.com')).toBe('yes');
  });

  it('${VAR} hostnames: unproven unless a literal head rules our host out', () => {
    expect(templateMayMatch('*.${SECRET_DOMAIN}', 'docker-mcp.example.com')).toBe(true);
    expect(templateMayMatch('${SECRET_DOMAIN}', 'docker-mcp.example.com')).toBe(true);
    expect(templateMayMatch('docker-mcp.${SECRET_DOMAIN}', 'docker-mcp.example.com')).toBe(true);
    expect(templateMayMatch('grafana.${SECRET_DOMAIN}', 'docker-mcp.example.com')).toBe(false);
  });

  it('paths that match every request path', () => {
    for (const p of ['/', '.*', '^/', '^/.*', '^.*', '.*$']) expect(pathTakesAll(p), p).toBe(true);
    for (const p of ['^/api', '/legacy$', '(']) expect(pathTakesAll(p), p).toBe(false);
  });

  it('only init\'s exact marker lines are ours', () => {
    expect(isMarkerLine(MARKER)).toBe(true);
    expect(isMarkerLine(' docker-mcp: managed by docker-mcp init')).toBe(true);
    expect(isMarkerLine('# Hand-written, NOT managed by docker-mcp: this is the old stdio bridge')).toBe(false);
    expect(isMarkerLine('# Public ingress controller (not managed by docker-mcp)')).toBe(false);
  });
});

describe('finding 1: a comment that mentions "managed by docker-mcp" does not make the rule ours', () => {
  it('v4: the "NOT managed by docker-mcp" mcp-bridge rule is kept; ours goes above the catch-all', async () => {
    const { text } = await patchTwice('review2-v4-not-managed-comment', 'main.tf');
    expect(text).toContain(`      hostname = "mcp-bridge.example.com"\n      service  = "http://mcp-bridge.tools:3000"\n    }\n${v4Rule('    ')}    ingress_rule {\n      service = "http_status:404"`);
  });

  it('YAML: the "(not managed by docker-mcp)" www rule keeps its host and originRequest; ours goes above the catch-all', async () => {
    const { text } = await patchTwice('review2-yaml-not-managed-comment', 'infrastructure/cloudflare-tunnel/configmap.yaml');
    expect(text).toContain(`          originServerName: www.example.com\n\n${yamlRule('      ')}      # Default rule - catch all`);
  });

  it('the rule init marked is still updated in place on a re-run (v4 and YAML)', async () => {
    const cases = [
      ['review2-v4-not-managed-comment', 'main.tf', 'service  = "http://mcp-bridge.tools:3000"'],
      ['review2-yaml-not-managed-comment', 'infrastructure/cloudflare-tunnel/configmap.yaml', 'originServerName: www.example.com'],
    ] as const;
    for (const [fixture, file, kept] of cases) {
      const dir = copy(fixture);
      await applyRepoPatch(await planRepoPatch(dir, input()));
      const moved = input({ serviceUrl: SERVICE.replace(':8080', ':9000') });
      const plan = await planRepoPatch(dir, moved);
      expect(plan.refused, renderPatchReport(plan)).toBeNull();
      await applyRepoPatch(plan);
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text.split('docker-mcp.example.com').length, fixture).toBe(2);
      expect(text).toContain(':9000');
      expect(text).toContain(kept);
    }
  });
});

describe('finding 2: a YAML hostname with an unresolved ${VAR} is unproven', () => {
  it('Flux postBuild `*.${SECRET_DOMAIN}`: ours goes above the first rule that may catch it, with a note', async () => {
    const { text, report } = await patchTwice('review2-flux-secret-domain', 'kubernetes/apps/network/cloudflared/app/configs/config.yaml');
    expect(text).toContain(`ingress:\n${yamlRule('  ', 'docker-mcp.example.com', '"')}  - hostname: "\${SECRET_DOMAIN}"`);
    expect(report).toContain('has a hostname with an unresolved ${…}');
  });

  it('`grafana.${SECRET_DOMAIN}` cannot be our host: ours stays above the catch-all', async () => {
    const dir = copy('review2-flux-secret-domain');
    const path = join(dir, 'kubernetes/apps/network/cloudflared/app/configs/config.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"${SECRET_DOMAIN}"', '"grafana.${SECRET_DOMAIN}"').replace('"*.${SECRET_DOMAIN}"', '"vault.${SECRET_DOMAIN}"'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.edits[0]!.after).toMatch(/service: \*svc\n {2}# docker-mcp: managed[^\n]*\n {2}- hostname: "docker-mcp\.example\.com"\n[^\n]*\n {2}- service: http_status:404/);
  });
});

describe('finding 3: `*.smith.dev` may catch docker-mcp.johnsmith.dev (older cloudflared)', () => {
  it('ours goes directly above it, and the note says why', async () => {
    const { text, report } = await patchTwice('review2-yaml-suffix-wildcard', 'config.yml', input({ hostname: 'docker-mcp.johnsmith.dev' }));
    expect(text).toContain(`    service: http://localhost:3000\n${yamlRule('  ', 'docker-mcp.johnsmith.dev')}  # the old domain: everything goes to the reverse proxy\n  - hostname: "*.smith.dev"`);
    expect(report).toContain('in older cloudflared releases');
  });
});

describe('finding 4: a hostless rule with a path is tried for every host', () => {
  it('v5 `path = "/"`: ours goes directly above it', async () => {
    const { text } = await patchTwice('review2-v5-path-catchall', 'main.tf');
    expect(text).toContain(`      },\n      ${MARKER}\n      {\n        hostname = "docker-mcp.example.com"\n        service  = "${SERVICE}"\n      },\n      {\n        # everything else goes to traefik\n        path    = "/"`);
  });

  it('v4 `path = ".*"`: ours goes directly above it', async () => {
    const { text, report } = await patchTwice('review2-v4-path-dotstar', 'main.tf');
    expect(text).toContain(`${v4Rule('    ')}    ingress_rule {\n      path    = ".*"`);
    expect(report).toContain('matches every request path');
  });

  it('YAML `path: ^/.*`: ours goes directly above it', async () => {
    const { text } = await patchTwice('review2-yaml-hostless-path', 'infrastructure/cloudflare-tunnel/configmap.yaml');
    expect(text).toContain(`${yamlRule('      ')}      # Everything else on any host goes through traefik\n      - path: ^/.*`);
  });

  it('v4: our rule below `path = ".*"` can never match: refused, naming both lines', async () => {
    const dir = copy('review2-v4-path-dotstar');
    const path = join(dir, 'main.tf');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace('    ingress_rule {\n      service = "http_status:404"', `${v4Rule('    ')}    ingress_rule {\n      service = "http_status:404"`));
    const plan = await planRepoPatch(dir, input());
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toContain('the docker-mcp rule (line 36) can never match: the rule for "any host, path .*" (line 31) catches docker-mcp.example.com first');
    // Following the advice (move it above the path rule) is accepted, and main.tf is left as the user wrote it.
    writeFileSync(path, text.replace('    ingress_rule {\n      path    = ".*"', `${v4Rule('    ')}    ingress_rule {\n      path    = ".*"`));
    const after = await planRepoPatch(dir, input());
    expect(after.refused, renderPatchReport(after)).toBeNull();
    expect(after.edits.map((e) => e.relPath)).toEqual(['docker-mcp.tf']);
  });
});

describe('finding 11: `hostname: "*"` as the last rule is the catch-all', () => {
  it('YAML: ours goes directly above it', async () => {
    const { text } = await patchTwice('review2-yaml-star-catchall', 'config.yml');
    expect(text).toContain(`${yamlRule('  ')}  - hostname: "*"\n    service: http_status:404`);
  });

  it('v4 block: ours goes directly above it', async () => {
    const { text } = await patchTwice('review2-v4-star-catchall', 'main.tf');
    expect(text).toContain(`${v4Rule('    ')}    ingress_rule {\n      hostname = "*"`);
  });

  it('v5 object: ours goes directly above it', async () => {
    const dir = copy('review2-v5-path-catchall');
    const path = join(dir, 'main.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/ {6}\{\n {8}# everything else[^]*?\},\n {6}\{\n {8}service = "http_status:404"/, '      {\n        hostname = "*"\n        service  = "http_status:404"'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    const text = plan.edits.find((e) => e.relPath === 'main.tf')!.after;
    expect(text).toContain(`      ${MARKER}\n      {\n        hostname = "docker-mcp.example.com"\n        service  = "${SERVICE}"\n      },\n      {\n        hostname = "*"`);
    expect(fmtClean(text)).toBe(true);
  });
});
