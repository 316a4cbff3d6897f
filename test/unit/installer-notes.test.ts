// NOTES.md tells the user how to apply exactly what was rendered, and warns before tunnel.tf takes
// over a tunnel's whole ingress list.
import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../src/templates/index.js';
import { VERSION, configFrom, table } from './installer-helpers.js';

function notes(data: Record<string, unknown>, format: 'both' | 'terraform' | 'yaml', singleFile = false): string {
  const plan = renderPlan(configFrom(data), table, { format, singleFile, version: VERSION });
  return plan.files.find((f) => f.path === 'NOTES.md')!.contents;
}
const applyLine = (text: string): string => text.split('\n').find((l) => /^\d+\. Apply: /.test(l)) ?? '';

describe('NOTES.md apply step', () => {
  it('offers Terraform and kustomize when both were rendered', () => {
    const line = applyLine(notes({}, 'both'));
    expect(line).toMatch(/Apply: `terraform -chdir=terraform init && terraform -chdir=terraform apply`, or `kubectl apply -k kubernetes\/`\. /);
    // The docker-mcp path beside the raw commands (issue 16): it shows the plan and asks first.
    expect(line).toContain('`docker-mcp plan` then `docker-mcp apply` (the Terraform), or `docker-mcp plan --target kubectl` then `docker-mcp apply --target kubectl` (the YAML)');
    expect(applyLine(notes({ kube_context: 'lab' }, 'yaml'))).toContain('`docker-mcp apply --target kubectl --context lab`');
  });

  it('names the single file when --single-file left no kustomization.yaml', () => {
    const line = applyLine(notes({}, 'yaml', true));
    expect(line).toContain('`kubectl apply -f kubernetes/docker-mcp-gateway.yaml`');
    expect(line).not.toContain('terraform');
    expect(line).not.toContain('-k kubernetes/');
  });

  it('offers only Terraform for --format terraform', () => {
    const line = applyLine(notes({}, 'terraform'));
    expect(line).toContain('terraform apply');
    expect(line).not.toContain('kubectl');
  });
});

describe('NOTES.md tunnel step', () => {
  it('for an existing tunnel: says its routes are left alone and points to the ingress rule and --terraform-dir', () => {
    const text = notes({ domain_suffix: 'example.com' }, 'both');
    expect(text).toMatch(/never manages the tunnel's config/);
    expect(text).toContain('cloudflare/cloudflared-ingress.yaml');
    expect(text).toContain('`docker-mcp init --terraform-dir <repo>`');
    expect(text).toContain('TF_VAR_cloudflare_tunnel_id=');
  });

  it('with only YAML, applies the standalone cloudflare/ Terraform before the gateway', () => {
    const text = notes({ domain_suffix: 'example.com' }, 'yaml');
    expect(text).not.toContain('terraform/cloudflare.tf');
    const first = text.indexOf('terraform -chdir=cloudflare init && terraform -chdir=cloudflare apply');
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(text.indexOf('Apply: `kubectl apply -k kubernetes/`'));
  });
});

describe('without the Docker socket', () => {
  it('warns and says so in NOTES.md that the pod will never be Ready', () => {
    const plan = renderPlan(configFrom({ enable_docker_socket: false }), table, { format: 'both', singleFile: false, version: VERSION });
    expect(plan.warnings.join('\n')).toMatch(/enable_docker_socket is off: .*never becomes Ready/);
    expect(plan.files.find((f) => f.path === 'NOTES.md')!.contents).toMatch(/DOCKER_MCP_DOCKER_HOST/);
  });
});
