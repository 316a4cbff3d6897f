// Cluster semantics of the pod that schemas cannot see, asserted on both the YAML objects and the
// evaluated Terraform module: scheduling (co-location, spread, no nodeName), disruption budget,
// rollout, shutdown timing, resources, /tmp, the version label and the pass-through inputs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import type { InstallConfig } from '../../src/config/schema.js';
import { renderPlan } from '../../src/templates/index.js';
import { kubernetesObjects } from '../../src/templates/kubernetes/objects.js';
import { DRAIN_SECONDS, PRE_STOP_SECONDS } from '../../src/templates/kubernetes/pod.js';
import { moduleObjects } from './installer-module-eval.js';
import { VERSION, configFrom, exampleConfig, matrix, moduleVars, table } from './installer-helpers.js';

type Obj = Record<string, unknown> & { kind: string; metadata: { labels?: Record<string, string> } };
type PodSpec = Record<string, unknown> & {
  affinity?: { podAffinity?: unknown; podAntiAffinity?: unknown; nodeAffinity?: unknown };
  containers: (Record<string, unknown> & { resources: { requests: Record<string, string>; limits: Record<string, string> } })[];
  volumes: { name: string; emptyDir?: { sizeLimit?: string } }[];
};
type Deployment = Obj & { spec: { selector: { matchLabels: Record<string, string> }; strategy: unknown; template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: PodSpec } } };

/** The YAML objects and the module's objects for one configuration; both must show every property. */
async function bothRenderings(data: Record<string, unknown>): Promise<[string, Obj[]][]> {
  const config = configFrom(data);
  const plan = renderPlan(config, table, { format: 'both', singleFile: false, version: VERSION });
  return [
    ['yaml', kubernetesObjects(config, VERSION)],
    ['module', (await moduleObjects(plan.files, moduleVars(config))) as Obj[]],
  ];
}
const deploymentOf = (objects: Obj[]): Deployment => objects.find((o) => o.kind === 'Deployment') as Deployment;
const HOST_TERM = (c: InstallConfig) => ({
  labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'docker-mcp-gateway', 'app.kubernetes.io/instance': c.project_name } },
  topologyKey: 'kubernetes.io/hostname',
});

describe("the seed's Production Configuration", () => {
  it('is examples/production/docker-mcp.yaml exactly, and validates', () => {
    const data = parse(readFileSync('examples/production/docker-mcp.yaml', 'utf8')) as Record<string, unknown>;
    // The seed's module block minus what equals the defaults (project/namespace homelab, tunnel on,
    // host docker-mcp, socket on, log level info, health checks on).
    expect(data).toEqual({ replicas: 2, cpu_limit: '1000m', memory_limit: '1Gi', enable_network_policy: true, domain_suffix: 'yourdomain.com', enable_metrics: true });
    expect(matrix.production).toEqual(data);
    expect(exampleConfig('production').replicas).toBe(2);
  });

  it('builds with the real `kubectl kustomize`: co-located replicas, no nodeName, no budget', () => {
    const out = execFileSync('kubectl', ['kustomize', 'examples/production/kubernetes'], { encoding: 'utf8' });
    const objects = parseAllDocuments(out).map((d) => d.toJS() as Obj);
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Namespace', 'NetworkPolicy', 'Service', 'ServiceAccount']);
    const pod = deploymentOf(objects).spec.template.spec;
    expect(pod.affinity?.podAffinity).toEqual({ requiredDuringSchedulingIgnoredDuringExecution: [HOST_TERM(exampleConfig('production'))] });
    expect(out).not.toContain('nodeName');
  });

  it('NOTES.md and the module README say what the replicas protect against, and what not', () => {
    const notes = readFileSync('examples/production/NOTES.md', 'utf8');
    const readme = readFileSync('examples/production/terraform/modules/docker-mcp-gateway/README.md', 'utf8');
    for (const text of [notes, readme]) {
      expect(text).toMatch(/crashed or OOM-killed pod, a stuck process .* downtime during rollouts/s);
      expect(text).toMatch(/do not protect against node failure or a drain, nor a Docker daemon restart/);
      expect(text).toMatch(/no PodDisruptionBudget: .*block `kubectl drain` forever/s);
    }
    expect(readFileSync('examples/basic/NOTES.md', 'utf8')).not.toContain('## Replicas');
  });
});

const SCHEDULING_CASES: [string, Record<string, unknown>, 'colocate' | 'spread' | 'none'][] = [
  ['one replica', {}, 'none'],
  ['two replicas with the socket', { replicas: 2 }, 'colocate'],
  ['three replicas on a named node', { replicas: 3, node_name: 'node-1' }, 'colocate'],
  ['two replicas on a remote daemon', { replicas: 2, enable_docker_socket: false }, 'spread'],
  ['one replica on a remote daemon', { enable_docker_socket: false }, 'none'],
];

describe.each(SCHEDULING_CASES)('scheduling: %s', (_name, data, expected) => {
  it('co-locates socket replicas (required affinity), spreads remote-daemon ones, and budgets only spread ones', async () => {
    const config = configFrom(data);
    for (const [how, objects] of await bothRenderings(data)) {
      const spec = deploymentOf(objects).spec.template.spec;
      expect(spec.affinity?.podAffinity, how).toEqual(expected === 'colocate' ? { requiredDuringSchedulingIgnoredDuringExecution: [HOST_TERM(config)] } : undefined);
      expect(spec.affinity?.podAntiAffinity, how).toEqual(
        expected === 'spread' ? { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: HOST_TERM(config) }] } : undefined,
      );
      // A PDB with co-located replicas would block `kubectl drain` forever (see kubernetes/pod.ts).
      const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget') as { spec: { minAvailable: number } } | undefined;
      expect(pdb?.spec.minAvailable, how).toBe(expected === 'spread' ? 1 : undefined);
    }
  });
});

// Remote-daemon replicas pinned to one node (node_name, or a hostname node selector) are all on the
// drained node like co-located ones: a minAvailable budget would block `kubectl drain` forever.
describe.each([
  ['node_name', { replicas: 2, enable_docker_socket: false, node_name: 'node-1' }],
  ['a hostname node selector', { replicas: 2, enable_docker_socket: false, node_selector: { 'kubernetes.io/hostname': 'node-1' } }],
])('spread replicas pinned by %s', (_name, data) => {
  it('get no PodDisruptionBudget', async () => {
    for (const [how, objects] of await bothRenderings(data)) expect(objects.map((o) => o.kind), how).not.toContain('PodDisruptionBudget');
  });
});

describe.each(Object.entries(matrix))('pod settings (%s)', (_label, data) => {
  it('never sets nodeName, in the YAML or the module', async () => {
    for (const [how, objects] of await bothRenderings(data)) expect(JSON.stringify(objects), how).not.toContain('nodeName');
    const config = configFrom(data);
    const main = renderPlan(config, table, { format: 'terraform', singleFile: false, version: VERSION }).files.find((f) => f.path.endsWith('docker-mcp-gateway/main.tf'))!;
    expect(main.contents).not.toMatch(/^\s*node_name\s*=/m);
  });

  it('rolls co-located replicas one at a time without a surge pod (their node needs no spare room), others surge first; drains before the grace period ends', async () => {
    const config = configFrom(data);
    const sharedNode = config.replicas > 1 && config.enable_docker_socket;
    for (const [how, objects] of await bothRenderings(data)) {
      const d = deploymentOf(objects);
      expect(d.spec.strategy, how).toEqual({
        type: 'RollingUpdate',
        rollingUpdate: sharedNode ? { maxSurge: 0, maxUnavailable: 1 } : { maxSurge: 1, maxUnavailable: 0 },
      });
      const pod = d.spec.template.spec;
      const command = (pod.containers[0]!.lifecycle as { preStop: { exec: { command: string[] } } }).preStop.exec.command;
      expect(command.slice(0, 2), how).toEqual(['node', '-e']);
      const pauseMs = Number(/setTimeout\(\(\) => \{\}, (\d+)\)/.exec(command[2]!)![1]);
      expect(pauseMs, how).toBe(PRE_STOP_SECONDS * 1000);
      // The grace period starts with preStop: the pause, then the gateway's drain, then its exit.
      expect(pod.terminationGracePeriodSeconds as number, how).toBeGreaterThan(PRE_STOP_SECONDS + DRAIN_SECONDS);
    }
  });

  it('requests the memory limit unless told otherwise, and bounds /tmp', async () => {
    const config = configFrom(data);
    for (const [how, objects] of await bothRenderings(data)) {
      const pod = deploymentOf(objects).spec.template.spec;
      const { requests, limits } = pod.containers[0]!.resources;
      expect(requests.memory, how).toBe(config.memory_request === '' ? limits.memory : config.memory_request);
      expect(pod.volumes.find((v) => v.name === 'tmp'), how).toEqual({ name: 'tmp', emptyDir: { sizeLimit: config.tmp_size_limit } });
    }
  });
});

describe('memory request', () => {
  it('defaults to the limit and can be set below it', async () => {
    expect(configFrom({}).memory_request).toBe('');
    for (const [how, objects] of await bothRenderings({ memory_limit: '2Gi' })) {
      expect(deploymentOf(objects).spec.template.spec.containers[0]!.resources.requests.memory, how).toBe('2Gi');
    }
    for (const [how, objects] of await bothRenderings({ memory_limit: '2Gi', memory_request: '1Gi' })) {
      expect(deploymentOf(objects).spec.template.spec.containers[0]!.resources.requests.memory, how).toBe('1Gi');
    }
  });
});

describe('app.kubernetes.io/version', () => {
  it.each([
    ['registry.local:5000/docker-mcp-gateway:1.4.2', '1.4.2'],
    ['docker-mcp-gateway:v2.0.0-rc.1', 'v2.0.0-rc.1'],
    [`ghcr.io/x/docker-mcp-gateway@sha256:${'a'.repeat(64)}`, VERSION],
    [`ghcr.io/x/docker-mcp-gateway:1.0@sha256:${'a'.repeat(64)}`, VERSION],
    ['registry.local:5000/docker-mcp-gateway', VERSION],
    ['docker-mcp-gateway:_private', VERSION],
    [`docker-mcp-gateway:${'a'.repeat(64)}`, VERSION],
  ])('%s -> %s, on every object and the pods', async (image, label) => {
    for (const [how, objects] of await bothRenderings({ docker_image: image })) {
      for (const o of objects) expect(o.metadata.labels?.['app.kubernetes.io/version'], `${how} ${o.kind}`).toBe(label);
      expect(deploymentOf(objects).spec.template.metadata.labels['app.kubernetes.io/version'], how).toBe(label);
    }
  });
});

describe('pass-through inputs', () => {
  const data = {
    replicas: 2, node_name: 'node-1', node_selector: { disktype: 'ssd' },
    labels: { team: 'platform', 'app.kubernetes.io/name': 'hijack', environment: 'x' },
    pod_annotations: { 'example.com/owner': 'ops team', 'checksum/config': 'forged' },
    tolerations: ['dedicated=docker:NoSchedule', 'node-role.kubernetes.io/control-plane:NoSchedule', 'maintenance'],
    node_affinity: ['kubernetes.io/arch=amd64|arm64', 'example.com/has-docker'],
    priority_class_name: 'homelab-critical',
  };

  it('reach every object and the pods, never the selectors, and cannot override the module\'s own keys', async () => {
    for (const [how, objects] of await bothRenderings(data)) {
      for (const o of objects) {
        expect(o.metadata.labels, `${how} ${o.kind}`).toMatchObject({ team: 'platform', 'app.kubernetes.io/name': 'docker-mcp-gateway', environment: 'production' });
      }
      const d = deploymentOf(objects);
      expect(d.spec.selector.matchLabels, how).toEqual({ 'app.kubernetes.io/name': 'docker-mcp-gateway', 'app.kubernetes.io/instance': 'homelab' });
      expect(d.spec.template.metadata.labels.team, how).toBe('platform');
      const annotations = d.spec.template.metadata.annotations;
      expect(annotations['example.com/owner'], how).toBe('ops team');
      expect(annotations['checksum/config'], how).toMatch(/^[0-9a-f]{64}$/);
      const pod = d.spec.template.spec;
      expect(pod.nodeSelector, how).toEqual({ disktype: 'ssd', 'kubernetes.io/hostname': 'node-1' });
      expect(pod.priorityClassName, how).toBe('homelab-critical');
      expect(pod.tolerations, how).toEqual([
        { key: 'dedicated', operator: 'Equal', value: 'docker', effect: 'NoSchedule' },
        { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
        // No effect: the API matches every effect.
        { key: 'maintenance', operator: 'Exists' },
      ]);
      expect(pod.affinity?.nodeAffinity, how).toEqual({
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [
            { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] },
            { key: 'example.com/has-docker', operator: 'Exists' },
          ] }],
        },
      });
      expect(pod.affinity?.podAffinity, how).toBeDefined();
    }
  });

  it('leave the pod spec alone when unset', async () => {
    for (const [how, objects] of await bothRenderings({})) {
      const pod = deploymentOf(objects).spec.template.spec;
      for (const key of ['nodeSelector', 'priorityClassName', 'tolerations', 'affinity']) expect(pod[key], `${how} ${key}`).toBeUndefined();
    }
  });
});
