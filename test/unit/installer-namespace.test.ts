// The namespace exists before anything is put in it (issue 15 item 2): the YAML renders it first,
// the module creates it and every namespaced resource reaches it through a reference (so Terraform
// orders it), its Pod Security label is the level the pod really meets, and create_namespace off
// renders none and keeps the "label your namespace" step.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Namespace } from 'kubernetes-models/v1';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import type { InstallConfig } from '../../src/config/schema.js';
import { kubernetesObjects } from '../../src/templates/kubernetes/objects.js';
import { renderPlan } from '../../src/templates/index.js';
import type { Value } from './installer-hcl-eval.js';
import { VERSION, configFrom, table } from './installer-helpers.js';
import { evaluateModule } from './installer-module-eval.js';
import { attributeNode, findBlock, topBlocks } from './installer-tf-topblocks.js';

const ENFORCE = 'pod-security.kubernetes.io/enforce';
type Obj = Record<string, unknown> & { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } };

const render = (c: InstallConfig, singleFile = false) => renderPlan(c, table, { format: 'both', singleFile, version: VERSION });
const file = (c: InstallConfig, path: string, singleFile = false): string => render(c, singleFile).files.find((f) => f.path === path)!.contents;

interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type?: string }; runAsUser?: number };
  containers: {
    securityContext?: { allowPrivilegeEscalation?: boolean; runAsNonRoot?: boolean; runAsUser?: number; capabilities?: { drop?: string[]; add?: string[] }; privileged?: boolean };
    ports?: { hostPort?: number }[];
  }[];
  volumes?: Record<string, unknown>[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
}

/**
 * The Pod Security Standards checks this pod can fail (kubernetes.io/docs/concepts/security/pod-security-standards):
 * baseline forbids hostPath, host namespaces, privileged and added capabilities; restricted also
 * limits volume types and needs runAsNonRoot, allowPrivilegeEscalation false, drop ALL and a
 * RuntimeDefault or Localhost seccomp profile.
 */
function psaViolations(pod: PodSpec): { baseline: string[]; restricted: string[] } {
  const baseline: string[] = [];
  const restricted: string[] = [];
  const allowedVolumes = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
  for (const v of pod.volumes ?? []) {
    if ('hostPath' in v) baseline.push(`hostPath volume ${String(v.name)}`);
    const type = Object.keys(v).find((k) => k !== 'name')!;
    if (!allowedVolumes.includes(type)) restricted.push(`volume type ${type}`);
  }
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) baseline.push('host namespaces');
  const podNonRoot = pod.securityContext?.runAsNonRoot === true;
  const podSeccomp = pod.securityContext?.seccompProfile?.type;
  for (const c of pod.containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) baseline.push('privileged');
    if (sc.capabilities?.add?.some((cap) => cap !== 'NET_BIND_SERVICE')) baseline.push('added capabilities');
    if (c.ports?.some((p) => p.hostPort)) baseline.push('host ports');
    if (sc.runAsUser === 0 || pod.securityContext?.runAsUser === 0) restricted.push('runAsUser 0');
    if (sc.allowPrivilegeEscalation !== false) restricted.push('allowPrivilegeEscalation not false');
    if (!podNonRoot && sc.runAsNonRoot !== true) restricted.push('runAsNonRoot not true');
    if (!sc.capabilities?.drop?.includes('ALL')) restricted.push('capabilities not dropping ALL');
    if (!['RuntimeDefault', 'Localhost'].includes(podSeccomp ?? '')) restricted.push('seccomp not RuntimeDefault');
  }
  return { baseline, restricted: [...baseline, ...restricted] };
}

const podOf = (objects: Obj[]): PodSpec =>
  (objects.find((o) => o.kind === 'Deployment')!.spec as { template: { spec: PodSpec } }).template.spec;

const configs: Record<string, Record<string, unknown>> = {
  socket: {},
  'no socket': { enable_docker_socket: false },
  production: { replicas: 2, node_name: 'node-1', enable_network_policy: true, enable_metrics: true, domain_suffix: 'example.com', image_pull_secrets: ['regcred'] },
  'service monitor': { enable_metrics: true, enable_service_monitor: true, namespace: 'tools' },
};

describe.each(Object.entries(configs))('namespace (%s)', (_label, data) => {
  const c = configFrom(data);
  const objects = kubernetesObjects(c, VERSION) as Obj[];

  it('is the first YAML object, labelled with the level the pod really meets', () => {
    const ns = objects[0]!;
    expect(ns).toMatchObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: c.namespace } });
    expect(ns.metadata.namespace).toBeUndefined();
    new Namespace(ns).validate();
    const v = psaViolations(podOf(objects));
    if (c.enable_docker_socket) {
      // hostPath breaks baseline, so nothing short of privileged admits the pod.
      expect(v.baseline).toContain('hostPath volume docker-socket');
      expect(ns.metadata.labels![ENFORCE]).toBe('privileged');
    } else {
      expect(v.restricted).toEqual([]);
      expect(ns.metadata.labels![ENFORCE]).toBe('restricted');
    }
    for (const o of objects.slice(1)) expect(o.metadata.namespace, o.kind).toBe(c.namespace);
  });

  it('comes first in the kustomization and in the single file', () => {
    const kustomization = parse(file(c, 'kubernetes/kustomization.yaml')) as { resources: string[] };
    expect(kustomization.resources[0]).toBe('namespace.yaml');
    const docs = parseAllDocuments(file(c, 'kubernetes/docker-mcp-gateway.yaml', true)).map((d) => d.toJS() as Obj);
    expect(docs[0]!.kind).toBe('Namespace');
  });

  it('is created by the module, and every namespaced resource reaches it through a reference', async () => {
    const plan = render(c);
    const main = plan.files.find((f) => f.path.endsWith('modules/docker-mcp-gateway/main.tf'))!.contents;
    const blocks = await topBlocks(main);
    findBlock(blocks, 'resource', 'kubernetes_namespace_v1', 'gateway');
    const resources = blocks.filter((b) => b.type === 'resource' && b.labels[0] !== 'kubernetes_namespace_v1');
    expect(resources.length).toBeGreaterThan(4);
    for (const r of resources) {
      const uses = [...r.text.matchAll(/^\s*namespace\s*=\s*(.+)$/gm)].map((m) => m[1]!.trim());
      expect(uses.length, r.labels.join('.')).toBeGreaterThan(0);
      for (const u of uses) expect(u, r.labels.join('.')).toBe('local.namespace');
    }
    const locals = blocks.filter((b) => b.type === 'locals').find((b) => /^\s*namespace\s*=/m.test(b.text))!;
    const expr = attributeNode(locals.body, 'namespace').text;
    expect(expr).toBe('var.create_namespace ? kubernetes_namespace_v1.gateway[0].metadata[0].name : var.namespace');
    const { objects: tf } = await evaluateModule(plan.files, c as unknown as Record<string, Value>);
    expect(tf.find((o) => o.kind === 'Namespace')).toEqual(objects[0]);
  });
});

describe('create_namespace off (a shared namespace)', () => {
  const c = configFrom({ create_namespace: false, namespace: 'shared' });
  const plan = render(c);
  const notes = plan.files.find((f) => f.path === 'NOTES.md')!.contents;

  it('renders no Namespace anywhere', async () => {
    expect(kubernetesObjects(c, VERSION).map((o) => o.kind)).not.toContain('Namespace');
    expect(plan.files.map((f) => f.path)).not.toContain('kubernetes/namespace.yaml');
    const { objects } = await evaluateModule(plan.files, c as unknown as Record<string, Value>);
    expect(objects.map((o) => o.kind)).not.toContain('Namespace');
    expect((objects.find((o) => o.kind === 'Deployment')!.metadata as { namespace: string }).namespace).toBe('shared');
    // Field for field the YAML objects (the parity test's check, for this configuration).
    const key = (o: Record<string, unknown>): string => `${o.kind as string}/${(o.metadata as { name: string }).name}`;
    const yaml = kubernetesObjects(c, VERSION) as Record<string, unknown>[];
    expect(objects.map(key).sort()).toEqual(yaml.map(key).sort());
    for (const y of yaml) expect(objects.find((o) => key(o) === key(y)), key(y)).toEqual(y);
  });

  it('keeps the "label your namespace" step with its risk', () => {
    expect(notes).toContain('`kubectl label namespace shared pod-security.kubernetes.io/enforce=privileged`');
    expect(notes).toMatch(/relabelling a shared namespace loosens it for every workload in it/);
    expect(notes).not.toContain('-target=');
  });
});

describe('create_namespace on', () => {
  const notes = render(configFrom({})).files.find((f) => f.path === 'NOTES.md')!.contents;

  it('never tells anyone to label the namespace the render creates, and explains an existing one', () => {
    expect(notes).not.toContain('kubectl label namespace');
    expect(notes).toMatch(/`kubectl apply` would set this label on the existing namespace and loosen it for every workload in it/);
    expect(notes).toContain("terraform import 'module.docker_mcp_gateway.kubernetes_namespace_v1.gateway[0]' homelab");
    expect(notes).toContain('--create-namespace=false');
  });
});

describe('kubectl kustomize over the rendered kubernetes/ directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dmcp-kustomize-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds, with the Namespace first and every other object in it', () => {
    const c = configFrom({ namespace: 'gateway', enable_network_policy: true, enable_metrics: true, replicas: 2, node_name: 'n1' });
    for (const f of render(c).files.filter((x) => x.path.startsWith('kubernetes/'))) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.contents);
    }
    const out = execFileSync('kubectl', ['kustomize', join(dir, 'kubernetes')], { encoding: 'utf8' });
    const docs = parseAllDocuments(out).map((d) => d.toJS() as Obj);
    // kustomize orders by its legacy kind order, which also puts Namespaces first.
    expect(docs[0]!.kind).toBe('Namespace');
    new Namespace(docs[0]).validate();
    expect(docs[0]!.metadata).toMatchObject({ name: 'gateway', labels: { [ENFORCE]: 'privileged' } });
    for (const d of docs.slice(1)) expect(d.metadata.namespace, d.kind).toBe('gateway');
    expect(docs.map((d) => d.kind).sort()).toEqual(kubernetesObjects(c, VERSION).map((o) => o.kind).sort());
  });
});

it('the Pod Security checker flags what it should (so a "restricted" verdict means something)', () => {
  const objects = kubernetesObjects(configFrom({ enable_docker_socket: false }), VERSION) as Obj[];
  const pod = structuredClone(podOf(objects));
  pod.containers[0]!.securityContext!.allowPrivilegeEscalation = true;
  pod.securityContext!.seccompProfile = { type: 'Unconfined' };
  pod.volumes!.push({ name: 'h', hostPath: { path: '/' } });
  const v = psaViolations(pod);
  expect(v.baseline).toEqual(['hostPath volume h']);
  expect(v.restricted).toEqual(expect.arrayContaining(['allowPrivilegeEscalation not false', 'seccomp not RuntimeDefault', 'volume type hostPath']));
});
