// plan/status on what `docker-mcp init` really writes, run from where init leaves the user (the
// output folder, where NOTES.md is). The stand-in API server plays the cluster; the built bin plays
// the user's shell.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { textSink } from '../helpers/text-sink.js';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifests } from '../../src/lifecycle/kube.js';
import { kubectlPlan } from '../../src/lifecycle/kubectl-target.js';
import { resolveRenderedDir } from '../../src/lifecycle/run.js';
import { terraformPlan } from '../../src/lifecycle/terraform.js';
import { startStandInApiServer, type StandIn } from './kube-standin.js';

const BIN = resolve('bin/docker-mcp.js');
let api: StandIn;
let work: string;
let kubeconfig: string;
let prod: string;
let access: string;

function cli(args: string[], cwd: string, env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: work, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  api = await startStandInApiServer();
  work = mkdtempSync(join(tmpdir(), 'dmcp-journey-'));
  kubeconfig = join(work, 'kubeconfig');
  api.kubeconfig(kubeconfig);
  const rendered = cli(['init', '--yes', '--config', resolve('examples/production/docker-mcp.yaml'), '--output-dir', 'prod'], work);
  expect(rendered.code, rendered.stderr).toBe(0);
  const withAccess = cli(
    ['init', '--yes', '--auth-mode', 'both', '--cf-access-team', 't', '--allowed-email-domains', 'example.com', '--domain-suffix', 'example.com', '--output-dir', 'access'],
    work,
  );
  expect(withAccess.code, withAccess.stderr).toBe(0);
  prod = join(work, 'prod');
  access = join(work, 'access');
});
afterAll(async () => {
  await api.close();
  rmSync(work, { recursive: true, force: true });
});

describe('plan --target kubectl on the rendered kubernetes/ folder', () => {
  it('from the output folder, plans every rendered object (the kustomization is not one)', async () => {
    const dir = resolveRenderedDir(prod, 'kubectl');
    expect(dir).toBe(join(prod, 'kubernetes'));
    const out = textSink();
    expect(await kubectlPlan({ dir, kubeconfig, out })).toBe(3);
    for (const kind of ['Namespace', 'ServiceAccount', 'ConfigMap', 'Service', 'NetworkPolicy', 'Deployment']) {
      expect(out.text).toMatch(new RegExp(`(\\+ create|~ update|  unchanged) ${kind}/`));
    }
    expect(out.text).not.toMatch(/Kustomization/);
  });

  it('the docker-mcp plan command NOTES.md gives for the YAML runs as written from the output folder', async () => {
    const notes = readFileSync(join(prod, 'NOTES.md'), 'utf8');
    const command = /`docker-mcp (plan --target kubectl[^`]*)`/.exec(notes)![1]!;
    // Not spawnSync: the stand-in API server answers from this process's event loop.
    const child = spawn(process.execPath, [BIN, ...command.split(' ')], { cwd: prod, env: { PATH: process.env.PATH ?? '', HOME: work, KUBECONFIG: kubeconfig } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    const result = { code, stdout, stderr };
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout + result.stderr).toMatch(/create Deployment\//);
  });

  it('applies what `kubectl apply -k` would, the Access AUD ConfigMap included, once access.env is written', () => {
    const dir = join(access, 'kubernetes');
    expect(() => readManifests(dir)).toThrow(/access\.env, which does not exist yet: write it first \(NOTES\.md/);
    // Names and every ConfigMap reference equal to kustomize's, for two contents: kustomize's hash
    // suffix (a new name when access.env changes, so the pods restart) and the Deployment rewritten to it.
    const seen = new Set<string>();
    for (const aud of ['aud-from-terraform', 'a-rotated-aud <&> "quoted"']) {
      writeFileSync(join(dir, 'access.env'), `DOCKER_MCP_CF_ACCESS_AUD=${aud}\n`);
      const ours = readManifests(dir);
      const generated = ours.find((o) => o.kind === 'ConfigMap' && o.metadata!.name!.startsWith('homelab-docker-mcp-gateway-access-')) as { metadata: { name: string }; data?: Record<string, string> } | undefined;
      expect(generated?.data).toEqual({ DOCKER_MCP_CF_ACCESS_AUD: aud });
      seen.add(generated!.metadata.name);
      const built = parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
      const names = (list: { kind?: string; metadata?: { name?: string } }[]): string[] => list.map((o) => `${o.kind}/${o.metadata!.name!}`).sort();
      expect(names(ours)).toEqual(names(built));
      const refs = (list: unknown[]): string[] => (JSON.stringify(list.filter((o) => (o as { kind: string }).kind === 'Deployment')).match(/"configMapRef":\{"name":"[^"]+"/g) ?? []).sort();
      expect(refs(ours)).toEqual(refs(built));
      expect(refs(ours).join()).toContain(generated!.metadata.name);
    }
    expect(seen.size).toBe(2);
  });
});

describe('plan --target terraform from the output folder', () => {
  it('uses terraform/ when the folder is init output, and refuses a folder with no .tf instead of "initialising an empty directory"', async () => {
    expect(resolveRenderedDir(prod, 'terraform')).toBe(join(prod, 'terraform'));
    await expect(terraformPlan({ dir: join(prod, 'clients'), binary: 'false' })).rejects.toThrow(/holds no Terraform configuration \(\*\.tf\)/);
  });

  it('the bin runs terraform in terraform/ and says so', () => {
    const stub = join(work, 'terraform-stub');
    writeFileSync(stub, `#!/bin/sh\npwd > ${join(work, 'tf-cwd')}\nexit 1\n`);
    chmodSync(stub, 0o755);
    const r = cli(['plan'], prod, { DOCKER_MCP_TERRAFORM: stub });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`using ${join('.', 'terraform')}`);
    expect(readFileSync(join(work, 'tf-cwd'), 'utf8').trim()).toBe(join(prod, 'terraform'));
  });
});

describe('status without a kubeconfig', () => {
  it('says there is no kubeconfig and where it looked, without a stack trace', () => {
    const r = cli(['status'], prod);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no kubeconfig found \(~\/\.kube\/config does not exist and KUBECONFIG is not set\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('says which cluster call failed, without a stack trace, when the API server is gone', () => {
    const dead = join(work, 'dead-kubeconfig');
    writeFileSync(dead, readFileSync(kubeconfig, 'utf8').replace(/server: \S+/, 'server: https://127.0.0.1:1'));
    const r = cli(['status', '--kubeconfig', dead], prod);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('an output folder without the format asked for', () => {
  it('says which format to render instead of reading docker-mcp.yaml as a Kubernetes object', () => {
    const r = cli(['init', '--yes', '--format', 'terraform', '--output-dir', 'tf-only'], work);
    expect(r.code, r.stderr).toBe(0);
    expect(() => resolveRenderedDir(join(work, 'tf-only'), 'kubectl')).toThrow(/without kubernetes\/: re-run init with --format yaml \(or both\), or use --target terraform/);
    const plan = cli(['plan', '--target', 'kubectl'], join(work, 'tf-only'));
    expect(plan.code).toBe(2);
    expect(plan.stderr).not.toMatch(/docker-mcp\.yaml: every object needs/);
  });

  it('with --format yaml, points terraform at the Cloudflare root it did render', () => {
    const r = cli(['init', '--yes', '--format', 'yaml', '--domain-suffix', 'example.com', '--output-dir', 'yaml-only'], work);
    expect(r.code, r.stderr).toBe(0);
    expect(() => resolveRenderedDir(join(work, 'yaml-only'), 'terraform')).toThrow(/without terraform\/: .*; the Cloudflare side is its own Terraform root: --dir cloudflare/);
    expect(resolveRenderedDir(join(work, 'yaml-only', 'cloudflare'), 'terraform')).toBe(join(work, 'yaml-only', 'cloudflare'));
  });
});

describe('terraform failures explained from the output folder', () => {
  it('give commands that run where the user is (terraform -chdir=terraform)', () => {
    const stub = join(work, 'terraform-exists');
    writeFileSync(stub, '#!/bin/sh\ncase "$1" in init) exit 0;; esac\necho \'Error: namespaces "homelab" already exists\' >&2\nexit 1\n');
    chmodSync(stub, 0o755);
    const r = cli(['plan'], prod, { DOCKER_MCP_TERRAFORM: stub });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("`terraform -chdir=terraform import 'module.docker_mcp_gateway.kubernetes_namespace_v1.gateway[0]' homelab`");
  });
});
