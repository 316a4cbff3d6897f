// plan/apply/status/doctor run where init leaves the user (its output folder) act on the install
// rendered there, over a plain-http API server (the stand-in, as a `kubectl proxy` endpoint would be:
// no insecure-skip-tls-verify), and re-applies with a changed access.env replace kustomize's hashed
// ConfigMap. The stand-in API server plays the cluster; the built bin plays the user's shell.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textSink } from '../helpers/text-sink.js';
import { kubectlApply } from '../../src/lifecycle/kubectl-target.js';
import { resolveRenderedDir } from '../../src/lifecycle/run.js';
import { startStandInApiServer, type StandIn } from './kube-standin.js';

const BIN = resolve('bin/docker-mcp.js');
let api: StandIn;
let work: string;
/** The stand-in's kubeconfig, plain http and without insecure-skip-tls-verify. */
let kubeconfig: string;

interface Run { code: number | null; stdout: string; stderr: string }

/** Not spawnSync: the stand-in API server answers from this process's event loop. */
function cli(args: string[], cwd: string): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: work, KUBECONFIG: kubeconfig } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  api = await startStandInApiServer();
  api.rolloutPolls = 0;
  work = mkdtempSync(join(tmpdir(), 'dmcp-outdir-'));
  kubeconfig = join(work, 'kubeconfig');
  api.kubeconfig(kubeconfig);
  writeFileSync(kubeconfig, readFileSync(kubeconfig, 'utf8').replace(/\n\s*insecure-skip-tls-verify: true/, ''));
  expect(readFileSync(kubeconfig, 'utf8')).toMatch(/server: http:\/\/127\.0\.0\.1:\d+\n/);
});
afterAll(async () => {
  await api.close();
  rmSync(work, { recursive: true, force: true });
});

describe('a plain-http API server (no insecure-skip-tls-verify), as kubectl allows', () => {
  it('plan and status talk to it instead of failing on the client library\'s TLS rule', async () => {
    expect((await cli(['init', '--yes', '--output-dir', 'plain'], work)).code).toBe(0);
    const plan = await cli(['plan', '--target', 'kubectl'], join(work, 'plain'));
    expect(plan.stdout + plan.stderr).not.toMatch(/HTTP protocol is not allowed/);
    expect(plan.code, plan.stderr).toBe(3);
    expect(plan.stderr).toMatch(/\+ create Deployment\/homelab\/homelab-docker-mcp-gateway/);
    const status = await cli(['status'], work);
    expect(status.stdout + status.stderr).not.toMatch(/HTTP protocol is not allowed/);
    expect(status.stdout).toMatch(/Objects:\n {2}\(none labelled as docker-mcp\)/);
  });
});

describe('status/doctor from an output folder inspect the install rendered there', () => {
  it('team-a/proj, not the homelab install beside it; flags still win; elsewhere the defaults stay', async () => {
    // Another install, in the default namespace homelab, applied and ready.
    expect((await cli(['init', '--yes', '--output-dir', 'home'], work)).code).toBe(0);
    expect((await cli(['apply', '--target', 'kubectl', '--yes'], join(work, 'home'))).code).toBe(0);
    expect((await cli(['init', '--yes', '--namespace', 'team-a', '--project-name', 'proj', '-o', 'out'], work)).code).toBe(0);
    const out = join(work, 'out');
    const applied = await cli(['apply', '--target', 'kubectl', '--yes'], out);
    expect(applied.code, applied.stderr).toBe(0);

    const ready = await cli(['status'], out);
    expect(ready.code, ready.stdout + ready.stderr).toBe(0);
    expect(ready.stdout).toMatch(/namespace team-a, instance proj \(from kubernetes\/ in \.\)/);
    expect(ready.stdout).toMatch(/Deployment\/proj-docker-mcp-gateway/);
    expect(ready.stdout).not.toMatch(/homelab-docker-mcp-gateway/);

    // team-a's Deployment gone: status there is not ready, whatever homelab's install does.
    for (const key of [...api.store.keys()].filter((k) => k.includes('/deployments/team-a/'))) api.store.delete(key);
    const broken = await cli(['status', '--json'], out);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ namespace: 'team-a', instance: 'proj', deployments: [] });

    const flagged = await cli(['status', '--namespace', 'homelab', '--instance', 'homelab'], out);
    expect(flagged.code, flagged.stdout).toBe(0);
    expect(flagged.stdout).toMatch(/namespace homelab, instance homelab \(--namespace\)/);
    // --namespace alone: that namespace's installs, not the rendered instance label in another namespace.
    const other = await cli(['status', '--namespace', 'homelab'], out);
    expect(other.code, other.stdout).toBe(0);
    expect(other.stdout).toMatch(/^context standin, namespace homelab \(--namespace\)/);
    const elsewhere = await cli(['status'], work);
    expect(elsewhere.stdout).toMatch(/namespace homelab \(the default: no docker-mcp init output in \.\)/);

    const doctor = await cli(['doctor'], out);
    expect(doctor.stdout).toMatch(/^Checking namespace team-a, instance proj \(from kubernetes\/ in \.\)\./);
    expect(doctor.stdout).toMatch(/Namespace Pod Security level: team-a: enforce=privileged/);
  });

  it('--format terraform: from the answers in docker-mcp.yaml', async () => {
    expect((await cli(['init', '--yes', '--format', 'terraform', '--namespace', 'team-b', '-o', 'tf'], work)).code).toBe(0);
    const status = await cli(['status', '--json'], join(work, 'tf'));
    expect(JSON.parse(status.stdout)).toMatchObject({ namespace: 'team-b', instance: 'homelab', namespaceFrom: 'from docker-mcp.yaml in .' });
  });
});

describe('a --target docker output folder', () => {
  it('status and plan drive the docker target (its compose.yaml), not a cluster or terraform/', async () => {
    expect((await cli(['init', '--yes', '--target', 'docker', '-o', 'dock'], work)).code).toBe(0);
    for (const command of ['status', 'plan']) {
      const r = await cli([command], join(work, 'dock'));
      // No gateway.env yet: the docker target's own first check, before any daemon is needed.
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/gateway\.env does not exist/);
      expect(r.stderr).not.toMatch(/kubeconfig|terraform/);
    }
  });

  it('after switching an output folder to --target docker: no empty kubernetes/ or terraform/ left, plan uses docker', async () => {
    expect((await cli(['init', '--yes', '-o', 'switch'], work)).code).toBe(0);
    const dir = join(work, 'switch');
    // A file of the user's keeps its folder (and only its folder).
    mkdirSync(join(dir, 'terraform', 'mine'), { recursive: true });
    writeFileSync(join(dir, 'terraform', 'mine', 'notes.txt'), 'mine\n');
    const switched = await cli(['init', '--yes', '--target', 'docker', '-o', 'switch'], work);
    expect(switched.code, switched.stderr).toBe(0);
    expect(existsSync(join(dir, 'kubernetes'))).toBe(false);
    expect(existsSync(join(dir, 'terraform', 'modules'))).toBe(false);
    expect(readFileSync(join(dir, 'terraform', 'mine', 'notes.txt'), 'utf8')).toBe('mine\n');
    const plan = await cli(['plan'], dir);
    expect(plan.stderr).not.toMatch(/using .*terraform|holds no Terraform configuration/);
    expect(plan.stderr).toMatch(/gateway\.env does not exist/);
    // --target terraform there: the manifest says init rendered no Terraform, whatever folder is left.
    expect(() => resolveRenderedDir(dir, 'terraform')).toThrow(/without terraform\//);
  });
});

describe('re-applying with a changed access.env', () => {
  it('creates the new hashed ConfigMap, points the Deployment at it and prunes the old one', async () => {
    expect((await cli(['init', '--yes', '--auth-mode', 'both', '--cf-access-team', 't', '--allowed-email-domains', 'example.com', '--domain-suffix', 'example.com', '--namespace', 'acc', '-o', 'acc'], work)).code).toBe(0);
    const dir = join(work, 'acc', 'kubernetes');
    const accessMaps = (): string[] => [...api.store.keys()].filter((k) => k.startsWith('/api/v1/configmaps/acc/homelab-docker-mcp-gateway-access')).sort();
    // What an earlier docker-mcp applied: the generated ConfigMap under its plain name.
    const plain = 'homelab-docker-mcp-gateway-access';
    api.store.set(`/api/v1/configmaps/acc/${plain}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: plain, namespace: 'acc', labels: { 'app.kubernetes.io/managed-by': 'docker-mcp', 'app.kubernetes.io/instance': 'homelab' } } });
    const names: string[] = [];
    for (const aud of ['first-aud', 'second-aud']) {
      writeFileSync(join(dir, 'access.env'), `DOCKER_MCP_CF_ACCESS_AUD=${aud}\n`);
      const out = textSink();
      expect(await kubectlApply({ dir, kubeconfig, yes: true, pollMs: 10, out })).toBe(0);
      expect(accessMaps()).toHaveLength(1);
      names.push(accessMaps()[0]!.split('/').pop()!);
      const deployment = JSON.stringify([...api.store.entries()].find(([k]) => k.includes('/deployments/acc/'))![1]);
      expect(deployment).toContain(`"name":"${names.at(-1)}"`);
      expect(out.text).toContain(`pruned  ConfigMap/acc/${names.length === 1 ? plain : names[0]}`);
    }
    expect(names[0]).not.toEqual(names[1]);
  });
});
