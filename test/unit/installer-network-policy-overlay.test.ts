// GitOps tools move the YAML into another namespace without re-rendering it: a kustomize overlay's
// `namespace:`, Flux's Kustomization `targetNamespace`. Both rewrite metadata.namespace only, never a
// NetworkPolicy's namespaceSelector. With cloudflared in the gateway's own namespace (the default),
// the policy must keep admitting it there: a peer naming "homelab" would then admit nobody.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kubernetesFiles } from '../../src/templates/kubernetes/render.js';
import { connects, type Policy } from '../helpers/network-policy-fake.js';
import { VERSION, configFrom, matrix } from './installer-helpers.js';

function overlaid(data: Record<string, unknown>, namespace: string): Policy {
  const dir = mkdtempSync(join(tmpdir(), 'np-overlay-'));
  for (const f of kubernetesFiles(configFrom(data), VERSION, false)) {
    mkdirSync(dirname(join(dir, 'base', f.path)), { recursive: true });
    writeFileSync(join(dir, 'base', f.path), f.contents);
  }
  mkdirSync(join(dir, 'overlay'));
  writeFileSync(join(dir, 'overlay', 'kustomization.yaml'), `resources: [../base/kubernetes]\nnamespace: ${namespace}\n`);
  const out = execFileSync('kubectl', ['kustomize', join(dir, 'overlay')], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS() as Policy).find((o) => o.kind === 'NetworkPolicy')!;
}

const gateway = (namespace: string) => ({ pod: { namespace, labels: { 'app.kubernetes.io/name': 'docker-mcp-gateway', 'app.kubernetes.io/instance': 'homelab' } } });
const pod = (namespace: string, labels: Record<string, string>) => ({ pod: { namespace, labels } });

describe('NetworkPolicy under a namespace override (kustomize overlay, Flux targetNamespace)', () => {
  it('still admits cloudflared from the gateway\'s own namespace, and only there', () => {
    const policy = overlaid(matrix.production!, 'apps');
    expect(policy.metadata.namespace).toBe('apps');
    expect(connects([policy], pod('apps', { app: 'cloudflared' }), gateway('apps'), { port: 8080 })).toBe(true);
    expect(connects([policy], pod('homelab', { app: 'cloudflared' }), gateway('apps'), { port: 8080 })).toBe(false);
    expect(connects([policy], pod('apps', { app: 'web' }), gateway('apps'), { port: 8080 })).toBe(false);
  });

  it('keeps a cloudflared namespace that was named explicitly', () => {
    const policy = overlaid({ ...matrix.production, cloudflared_namespace: 'cloudflared' }, 'apps');
    expect(connects([policy], pod('cloudflared', { app: 'cloudflared' }), gateway('apps'), { port: 8080 })).toBe(true);
    expect(connects([policy], pod('apps', { app: 'cloudflared' }), gateway('apps'), { port: 8080 })).toBe(false);
  });
});
