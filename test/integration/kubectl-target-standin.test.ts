// The kubectl target's request flow against a stand-in API server (test/integration/kube-standin.ts;
// there is no Kubernetes cluster here). Recorded server-side apply bodies are validated with the
// official schemas from kubernetes-models.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { textSink } from '../helpers/text-sink.js';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kubectlApply, kubectlDestroy, kubectlPlan } from '../../src/lifecycle/kubectl-target.js';
import { runDoctor } from '../../src/lifecycle/doctor.js';
import { collectStatus } from '../../src/lifecycle/status.js';
import { FIXTURES } from '../unit/patch-helpers.js';
import { startStandInApiServer, type StandIn } from './kube-standin.js';

const RENDERED = join(FIXTURES, 'rendered-kubernetes');
let api: StandIn;
let work: string;
let kubeconfig: string;

beforeAll(async () => {
  api = await startStandInApiServer();
  work = mkdtempSync(join(tmpdir(), 'dmcp-kube-'));
  kubeconfig = join(work, 'kubeconfig');
  api.kubeconfig(kubeconfig);
});
afterAll(async () => {
  await api.close();
  rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  api.requests.length = 0;
  api.store.clear();
});

describe('kubectl target against the stand-in API server', () => {
  it('server-side applies every object as field manager docker-mcp with force, in dependency order', async () => {
    const out = textSink();
    const code = await kubectlApply({ dir: RENDERED, kubeconfig, yes: true, pollMs: 10, out });
    expect(code).toBe(0);
    const patches = api.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.path)).toEqual([
      '/api/v1/namespaces/homelab/configmaps/homelab-docker-mcp-gateway',
      '/api/v1/namespaces/homelab/services/homelab-docker-mcp-gateway',
      '/apis/apps/v1/namespaces/homelab/deployments/homelab-docker-mcp-gateway',
    ]);
    for (const r of patches) {
      expect(r.query.get('fieldManager')).toBe('docker-mcp');
      expect(r.query.get('force')).toBe('true');
      expect(r.contentType).toBe('application/apply-patch+yaml');
    }
    // The bodies are valid objects by the official OpenAPI schemas.
    const [cm, svc, dep] = patches.map((r) => r.body);
    expect(() => new ConfigMap(cm as ConstructorParameters<typeof ConfigMap>[0]).validate()).not.toThrow();
    expect(() => new Service(svc as ConstructorParameters<typeof Service>[0]).validate()).not.toThrow();
    expect(() => new Deployment(dep as ConstructorParameters<typeof Deployment>[0]).validate()).not.toThrow();
    // Rollout progress was shown, then the gateway was asked for /ready through the service proxy.
    expect(out.text).toMatch(/rollout homelab\/homelab-docker-mcp-gateway: 1\/1 updated, 0\/1 available\n/);
    expect(out.text).toMatch(/rollout homelab\/homelab-docker-mcp-gateway: 1\/1 updated, 1\/1 available\n/);
    expect(api.requests.some((r) => decodeURIComponent(r.path) === '/api/v1/namespaces/homelab/services/homelab-docker-mcp-gateway:http/proxy/ready')).toBe(true);
  });

  it('prunes only objects labelled as this install that are no longer rendered', async () => {
    const labels = { 'app.kubernetes.io/managed-by': 'docker-mcp', 'app.kubernetes.io/instance': 'homelab-docker-mcp-gateway' };
    api.store.set('/api/v1/configmaps/homelab/old-settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old-settings', namespace: 'homelab', labels } });
    api.store.set('/api/v1/configmaps/homelab/someone-elses', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'someone-elses', namespace: 'homelab', labels: { ...labels, 'app.kubernetes.io/instance': 'other' } } });
    const out = textSink();
    expect(await kubectlPlan({ dir: RENDERED, kubeconfig, out })).toBe(3);
    expect(out.text).toContain('- prune  ConfigMap/homelab/old-settings');
    await kubectlApply({ dir: RENDERED, kubeconfig, yes: true, pollMs: 10, out: textSink() });
    const deletes = api.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
    expect(deletes).toEqual(['/api/v1/namespaces/homelab/configmaps/old-settings']);
    const lists = api.requests.filter((r) => r.method === 'GET' && r.query.has('labelSelector'));
    expect(lists[0]!.query.get('labelSelector')).toBe('app.kubernetes.io/managed-by=docker-mcp,app.kubernetes.io/instance=homelab-docker-mcp-gateway');
  });

  it('plan is a dry run (dryRun=All) and destroy deletes every labelled object', async () => {
    expect(await kubectlPlan({ dir: RENDERED, kubeconfig, out: textSink() })).toBe(3);
    expect(api.requests.filter((r) => r.method === 'PATCH').every((r) => r.query.get('dryRun') === 'All')).toBe(true);
    expect(api.store.size).toBe(0);
    await kubectlApply({ dir: RENDERED, kubeconfig, yes: true, pollMs: 10, out: textSink() });
    expect(await kubectlDestroy({ dir: RENDERED, kubeconfig, yes: true, out: textSink() })).toBe(0);
    expect(api.store.size).toBe(0);
  });

  it('a rollout that never becomes available times out with the next debugging step', async () => {
    api.rolloutPolls = 1_000;
    try {
      await expect(kubectlApply({ dir: RENDERED, kubeconfig, yes: true, pollMs: 10, timeoutSeconds: 0.2, out: textSink() })).rejects.toThrow(
        /did not finish within 0.2s \(1\/1 updated, 0\/1 available\).*kubectl -n homelab describe deployment/,
      );
    } finally {
      api.rolloutPolls = 1;
    }
  });

  it('--context selects a context by name and an unknown one is a usage error', async () => {
    await expect(kubectlPlan({ dir: RENDERED, kubeconfig, context: 'nope', out: textSink() })).rejects.toMatchObject({ exitCode: 2 });
    expect(await kubectlPlan({ dir: RENDERED, kubeconfig, context: 'other', out: textSink() })).toBe(3);
  });

  it('status reports objects, readiness and the gateway version', async () => {
    await kubectlApply({ dir: RENDERED, kubeconfig, yes: true, pollMs: 10, out: textSink() });
    const status = await collectStatus({ kubeconfig, namespace: 'homelab', instance: 'homelab-docker-mcp-gateway' });
    expect(status.objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Service']);
    expect(status.deployments[0]!.ready).toBe(true);
    expect(status.gateway).toEqual({ ready: true, detail: '/ready ok via service homelab-docker-mcp-gateway', version: '0.1.0' });
  });

  it('doctor: context, Pod Security level, gateway, ingress checks; each failure carries a fix', async () => {
    await kubectlApply({ dir: RENDERED, kubeconfig, yes: true, pollMs: 10, out: textSink() });
    api.namespaceLabels = { 'pod-security.kubernetes.io/enforce': 'baseline' };
    try {
      const { checks, code } = await runDoctor({ kubeconfig, namespace: 'homelab', terraformDir: join(FIXTURES, 'refuse-no-catch-all'), hostname: 'docker-mcp.invalid' });
      const by = Object.fromEntries(checks.map((c) => [c.id, c]));
      expect(by['kube-context']!.status).toBe('pass');
      expect(by.terraform!.detail).toMatch(/^Terraform 1\./);
      expect(by['pod-security']).toMatchObject({ status: 'fail', fix: expect.stringContaining('pod-security.kubernetes.io/enforce=privileged') as string });
      expect(by.gateway!.status).toBe('pass');
      expect(by['catch-all']!.status).toBe('fail');
      expect(by.dns!.status).toBe('fail');
      expect(code).toBe(1);
      for (const c of checks.filter((x) => x.status === 'fail')) expect(c.fix, c.id).toBeTruthy();
    } finally {
      api.namespaceLabels = { 'pod-security.kubernetes.io/enforce': 'privileged' };
    }
  });
});

describe('the real kubectl binary', () => {
  it('doctor shells out to `kubectl version --client -o json`', async () => {
    const json = JSON.parse(execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' })) as { clientVersion: { gitVersion: string } };
    const { checks } = await runDoctor({ kubeconfig, namespace: 'homelab' });
    expect(checks.find((c) => c.id === 'kubectl')).toMatchObject({ status: 'pass', detail: json.clientVersion.gitVersion });
  });
});
