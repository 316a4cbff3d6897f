// Issue 17 behaviour 7: what the repo reveals is said in the report (the plan's notes).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planRepoPatch } from '../../src/patch/index.js';
import { input, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();

describe('what the repo reveals', () => {
  it('a root without the kubernetes provider: says so and names the root that has one (shape 6)', async () => {
    const plan = await planRepoPatch(copy('shape06-v5-locals-wildcard-split-roots'), input());
    expect(plan.notes).toContain(
      'The root module cloudflare has no kubernetes provider, which the gateway module needs; the root kubernetes has one: ' +
        'move cloudflare/docker-mcp.tf there (with its module), or use `docker-mcp init --output-dir` for plain Kubernetes manifests instead.',
    );
  });

  it('says nothing about providers when the root has the kubernetes provider (shape 1)', async () => {
    const plan = await planRepoPatch(copy('shape01-v4-child-module-records'), input());
    expect(plan.notes.join('\n')).not.toContain('kubernetes provider');
  });

  it('rules that only reach LAN addresses: cloudflared probably runs outside the cluster', async () => {
    const dir = copy('shape05-v5-compact-other-domain');
    const path = join(dir, 'cloudflare.tf');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/http:\/\/[a-z-]+\.[a-z]+\.svc\.cluster\.local/g, 'http://192.168.1.30'));
    const plan = await planRepoPatch(dir, input());
    expect(plan.notes.join('\n')).toMatch(/reach addresses on cloudflared's own host or LAN \(http:\/\/192\.168\.1\.30:3000, [^)]*\) and none a cluster Service: cloudflared probably runs outside the cluster \([^)]*\), where the docker-mcp rule's service http:\/\/\S+\.svc\.cluster\.local:8080 does not resolve/);
  });

  it('no LAN warning when some rules reach cluster Services (shape 1 mixes both)', async () => {
    const plan = await planRepoPatch(copy('shape01-v4-child-module-records'), input());
    expect(plan.notes.join('\n')).not.toContain('LAN');
  });
});
