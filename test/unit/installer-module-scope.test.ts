// Which Terraform file declares which variable (VariableSpec.scope): the module declares only what
// it uses, the root declares what terraform.tfvars sets, the module call passes only module inputs.
import { describe, expect, it } from 'vitest';
import type { InstallConfig } from '../../src/config/schema.js';
import { variablesTable, type VariableSpec } from '../../src/config/variables.js';
import { renderPlan } from '../../src/templates/index.js';
import { moduleCallHcl } from '../../src/templates/terraform/module-call.js';
import { moduleFiles } from '../../src/templates/terraform/module.js';
import { VERSION, configFrom, matrix, table } from './installer-helpers.js';

const declared = (tf: string): string[] => [...tf.matchAll(/^variable "([a-z0-9_]+)"/gm)].map((m) => m[1]!);
/** Attribute names at one indent (top level of tfvars, or the module call's arguments). */
const assigned = (tf: string, indent = ''): string[] => [...tf.matchAll(new RegExp(`^${indent}([a-z0-9_]+) *=`, 'gm'))].map((m) => m[1]!);
const file = (files: { path: string; contents: string }[], path: string): string => files.find((f) => f.path === path)!.contents;

describe.each(Object.entries(matrix))('module variables (%s)', (_label, data) => {
  const files = renderPlan(configFrom(data), table, { format: 'terraform', singleFile: false, version: VERSION }).files;
  const mod = 'terraform/modules/docker-mcp-gateway';

  it('every variable the module declares is used by one of its other .tf files', () => {
    const body = files.filter((f) => f.path.startsWith(`${mod}/`) && f.path.endsWith('.tf') && !f.path.endsWith('/variables.tf')).map((f) => f.contents).join('\n');
    const unused = declared(file(files, `${mod}/variables.tf`)).filter((name) => !new RegExp(`\\bvar\\.${name}\\b`).test(body));
    expect(unused).toEqual([]);
  });

  it('the root declares exactly what terraform.tfvars sets and passes the module exactly its inputs', () => {
    const rootVars = declared(file(files, 'terraform/variables.tf'));
    expect(assigned(file(files, 'terraform/terraform.tfvars')).sort()).toEqual([...rootVars].sort());
    const call = file(files, 'terraform/main.tf').split('module "docker_mcp_gateway" {')[1]!;
    const passed = assigned(call, '  ').filter((n) => n !== 'source');
    expect(passed.sort()).toEqual(declared(file(files, `${mod}/variables.tf`)).sort());
    // Each argument is its root variable, except an AUD passed by reference from the Access
    // application the root creates (then no root cf_access_aud exists to be set and ignored).
    for (const [, name, value] of call.matchAll(/^ {2}([a-z0-9_]+) *= *(.+)$/gm)) {
      if (name === 'source') continue;
      if (value === 'cloudflare_zero_trust_access_application.docker_mcp.aud') expect(rootVars).not.toContain(name);
      else {
        expect([name, value]).toEqual([name, `var.${name}`]);
        expect(rootVars).toContain(name);
      }
    }
  });
});

describe('VariableSpec.scope', () => {
  const extra: VariableSpec[] = [
    { name: 'kube_context_test', type: 'string', default: 'ctx', group: 'advanced', description: 'x', prompt: 'x', scope: 'root' },
    { name: 'installer_only_test', type: 'string', default: 'y', group: 'advanced', description: 'y', prompt: 'y', scope: 'installer' },
  ];
  const t = [...variablesTable(VERSION), ...extra];
  const config = { ...configFrom({}), kube_context_test: 'ctx', installer_only_test: 'y' } as unknown as InstallConfig;
  const files = moduleFiles(config, t, VERSION);

  it('root: declared and set in the root only, not passed to the module', () => {
    expect(declared(file(files, 'terraform/variables.tf'))).toContain('kube_context_test');
    expect(file(files, 'terraform/terraform.tfvars')).toMatch(/^kube_context_test += "ctx"$/m);
    expect(file(files, 'terraform/main.tf')).not.toContain('kube_context_test');
    expect(declared(file(files, 'terraform/modules/docker-mcp-gateway/variables.tf'))).not.toContain('kube_context_test');
    expect(file(files, 'terraform/modules/docker-mcp-gateway/README.md')).not.toContain('kube_context_test');
  });

  it('installer: in no Terraform file of the module or its root', () => {
    for (const f of files) expect(f.contents, f.path).not.toContain('installer_only_test');
    for (const name of ['allowed_emails', 'allowed_email_domains', 'cloudflare_provider_version']) {
      for (const f of files) expect(f.contents, `${f.path} ${name}`).not.toMatch(new RegExp(`\\b${name}\\b`));
    }
  });

  it('an existing repo\'s module call passes module inputs only', () => {
    const hcl = moduleCallHcl({ ...config, kube_context_test: 'other', installer_only_test: 'z', allowed_emails: ['me@example.com'] } as InstallConfig, t, VERSION);
    expect(hcl).not.toMatch(/kube_context_test|installer_only_test|allowed_emails/);
    expect(hcl).toContain('project_name');
  });
});
