// Review 1 finding 11 (HCL part) and the Terraform-run cloudflared: a v5 ingress list written on one
// line, or compactly with `},{`, gets the docker-mcp rule in its own style with the managed marker (so a
// later run recognises the rule even after the hostname changed), every original byte kept.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepoPatch, planRepoPatch, renderPatchReport, type RepoPatchInput } from '../../src/patch/index.js';
import { fmtClean, hclErrors, input, insertedChunk, useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
const SERVICE = 'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080';


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

describe('cloudflared run by Terraform (kubernetes_deployment_v1 / kubernetes_deployment)', () => {
  it('namespace from kubernetes_namespace_v1.x.metadata[0].name and the literal pod template labels', async () => {
    const dir = copy('review1-f11-tf-cloudflared-deployment');
    const before = readFileSync(join(dir, 'main.tf'), 'utf8');
    await patch(dir);
    const after = readFileSync(join(dir, 'main.tf'), 'utf8');
    expect(after).not.toBe(before);
    expect(fmtClean(after)).toBe(true);
    const plan = await planRepoPatch(dir, input());
    expect(plan.cloudflared).toEqual({
      namespace: 'cloudflare',
      labels: { app: 'cloudflared', 'app.kubernetes.io/part-of': 'tunnel' },
      where: 'Deployment cloudflared in cloudflared.tf',
    });
  });

  it('kubernetes_deployment with namespace from a variable default; an unproven pod label falls back to match_labels', async () => {
    const dir = copy('review1-f11-tf-cloudflared-deployment');
    const path = join(dir, 'cloudflared.tf');
    const text = readFileSync(path, 'utf8')
      .replace('resource "kubernetes_deployment_v1"', 'variable "tunnel_namespace" {\n  default = "tunnel"\n}\n\nresource "kubernetes_deployment"')
      .replace('namespace = kubernetes_namespace_v1.tunnel.metadata[0].name', 'namespace = var.tunnel_namespace')
      .replace('"app.kubernetes.io/part-of" = "tunnel"\n        }', '"app.kubernetes.io/part-of" = terraform.workspace\n        }');
    expect(text).toContain('terraform.workspace');
    writeFileSync(path, text);
    const plan = await planRepoPatch(dir, input());
    expect(plan.refused, renderPatchReport(plan)).toBeNull();
    expect(plan.cloudflared).toEqual({ namespace: 'tunnel', labels: { app: 'cloudflared' }, where: 'Deployment cloudflared in cloudflared.tf' });
  });
});
