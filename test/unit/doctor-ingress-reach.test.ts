// doctor (review 2, findings 11 and 19): docker-mcp's rule must be reachable — no earlier rule
// (a wildcard, a hostless path rule) catches its hostname — judged with the patcher's matcher; and
// `hostname: "*"` last is a catch-all. A failing check names the shadowing rule's file:line and the fix.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingressFacts, type IngressFacts } from '../../src/lifecycle/ingress-check.js';
import { reachCheck } from '../../src/lifecycle/ingress-reach.js';
import { applyRepoPatch, planRepoPatch } from '../../src/patch/index.js';
import { input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
const SERVICE = 'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080';

/** Puts a docker-mcp rule (as main's init did) directly above `anchor` in `file`. */
function placeRule(dir: string, file: string, anchor: string, rule: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(anchor);
  writeFileSync(path, text.replace(anchor, `${rule}${anchor}`));
}

async function facts(dir: string, host = 'docker-mcp.example.com'): Promise<IngressFacts> {
  const result = await ingressFacts(dir, host);
  if (typeof result === 'string') throw new Error(result);
  return result;
}

describe('doctor: docker-mcp\'s ingress rule can be reached', () => {
  it('YAML: below a hostless `path: ^/.*` rule it fails, naming that rule\'s line and the fix', async () => {
    const dir = copy('review2-yaml-hostless-path');
    placeRule(dir, 'infrastructure/cloudflare-tunnel/configmap.yaml', '      # Default rule - catch all', `      - hostname: docker-mcp.example.com\n        service: ${SERVICE}\n`);
    const found = await facts(dir);
    expect(found.shadowedBy).toMatchObject({ shown: 'any host, path ^/.*', proven: true });
    expect(found.shadowedBy!.at).toMatch(/infrastructure\/cloudflare-tunnel\/configmap\.yaml:30$/);
    const check = reachCheck(found);
    expect(check.status).toBe('fail');
    expect(check.detail).toContain('configmap.yaml:30 comes first and has no hostname and its path ^/.* matches every request path');
    expect(check.fix).toContain('move docker-mcp\'s rule above the rule at');
  });

  it('v4: below a hostless `path = ".*"` rule it fails with main.tf:31', async () => {
    const dir = copy('review2-v4-path-dotstar');
    placeRule(dir, 'main.tf', '    ingress_rule {\n      service = "http_status:404"', `    ingress_rule {\n      hostname = "docker-mcp.example.com"\n      service  = "${SERVICE}"\n    }\n`);
    const check = reachCheck(await facts(dir));
    expect(check).toMatchObject({ status: 'fail' });
    expect(check.detail).toContain('the rule for "any host, path .*" at main.tf:31 comes first');
  });

  it('v5: below `*.example.com` it fails (label-only --hostname too)', async () => {
    const dir = copy('review2-v5-path-catchall');
    placeRule(dir, 'main.tf', '      {\n        # everything else', `      {\n        hostname = "*.example.com"\n        service  = "http://traefik.kube-system:80"\n      },\n      {\n        hostname = "docker-mcp.example.com"\n        service  = "${SERVICE}"\n      },\n`);
    for (const host of ['docker-mcp.example.com', 'docker-mcp']) {
      const check = reachCheck(await facts(dir, host));
      expect(check.status, host).toBe('fail');
      expect(check.detail).toContain('the rule for "*.example.com" at main.tf:31 comes first');
    }
  });

  it('YAML: below `*.smith.dev` for docker-mcp.johnsmith.dev it warns (older cloudflared releases only)', async () => {
    const dir = copy('review2-yaml-suffix-wildcard');
    placeRule(dir, 'config.yml', '  - service: http_status:404', `  - hostname: docker-mcp.johnsmith.dev\n    service: ${SERVICE}\n`);
    const check = reachCheck(await facts(dir, 'docker-mcp.johnsmith.dev'));
    expect(check.status).toBe('warn');
    expect(check.detail).toContain('in older cloudflared releases');
  });

  it('a docker-mcp rule whose hostname the repo does not prove cannot be judged: skip, not a false ok', async () => {
    const dir = copy('review2-v4-path-dotstar');
    placeRule(dir, 'main.tf', '    ingress_rule {\n      service = "http_status:404"', `    # docker-mcp: managed by docker-mcp init; re-run it to change this rule\n    ingress_rule {\n      hostname = "docker-mcp.\${var.lab}"\n      service  = "${SERVICE}"\n    }\n`);
    const found = await facts(dir, 'docker-mcp');
    expect(found.shadowedBy).toBeUndefined();
    expect(reachCheck(found)).toMatchObject({ status: 'skip' });
  });

  it('after init the rule is reachable, and `hostname: "*"` last counts as the catch-all', async () => {
    for (const fixture of ['review2-yaml-hostless-path', 'review2-v4-path-dotstar', 'review2-yaml-star-catchall', 'review2-v4-star-catchall', 'review2-flux-secret-domain']) {
      const dir = copy(fixture);
      await applyRepoPatch(await planRepoPatch(dir, input()));
      const found = await facts(dir);
      expect(found.catchAllLast, fixture).toBe(true);
      expect(found.shadowedBy, fixture).toBeNull();
      expect(reachCheck(found).status, fixture).toBe('pass');
    }
  });
});
