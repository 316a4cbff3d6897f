// Review 1 finding 11: two kustomize overlays, each with its own cloudflared config. init cannot
// pick the tunnel, so it refuses and names `--cloudflared-configmap <path>` for each config; running
// the command it suggests patches that overlay only, and a second run is a no-op.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { runInit } from '../helpers/init-run.js';
import { FIXTURES, useFixtureCopies } from '../unit/patch-helpers.js';

const copy = useFixtureCopies();
const SUFFIX = ['--domain-suffix', 'example.com'];
const OVERLAYS = 'k8s/cloudflared/overlays';

const init = runInit;

beforeAll(() => ensureBuilt(), 180_000);

describe('init --terraform-dir on a repo with two cloudflared overlays', () => {
  it('refuses naming --cloudflared-configmap for each config; the suggested command then succeeds', () => {
    const repo = copy('review1-f11-two-overlays');
    const refused = init(repo, ['--yes', '--terraform-dir', '.', ...SUFFIX]);
    expect(refused.code, refused.out).toBe(5);
    // Paths relative to where init ran, so the suggestion can be pasted as is.
    expect(refused.out).toContain(`--cloudflared-configmap ${OVERLAYS}/prod/config.yaml or --cloudflared-configmap ${OVERLAYS}/staging/config.yaml`);
    const flag = /--cloudflared-configmap (\S+prod\S+)/.exec(refused.out)?.[1];
    expect(flag).toBe(`${OVERLAYS}/prod/config.yaml`);

    const args = ['--yes', '--terraform-dir', '.', '--cloudflared-configmap', flag!, ...SUFFIX];
    const patched = init(repo, args);
    expect(patched.code, patched.out).toBe(0);
    const prod = readFileSync(join(repo, OVERLAYS, 'prod/config.yaml'), 'utf8');
    const original = readFileSync(join(FIXTURES, 'review1-f11-two-overlays', OVERLAYS, 'prod/config.yaml'), 'utf8');
    expect(prod).toBe(
      original.replace(
        '  - service: http_status:404',
        '  # docker-mcp: managed by docker-mcp init; re-run it to change this rule\n  - hostname: docker-mcp.example.com\n    service: http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080\n  - service: http_status:404',
      ),
    );
    expect(readFileSync(join(repo, OVERLAYS, 'staging/config.yaml'), 'utf8')).toBe(readFileSync(join(FIXTURES, 'review1-f11-two-overlays', OVERLAYS, 'staging/config.yaml'), 'utf8'));
    const again = init(repo, args);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toContain('up to date');
    expect(readFileSync(join(repo, OVERLAYS, 'prod/config.yaml'), 'utf8')).toBe(prod);
  });
});
