// The Kubernetes objects as plain data (serialized by render.ts with `yaml`, never by string
// templates). The Terraform module expresses the same objects; test/unit/installer-parity checks it.
import { createHash } from 'node:crypto';
import { effectiveMemoryRequest, type InstallConfig } from '../../config/schema.js';
import { gatewayConfigData } from '../gateway-env.js';
import { networkPolicy } from './network-policy.js';
import {
  CONTAINER_NAME, CONTAINER_SOCKET, GATEWAY_ARGS, POD_SECURITY_ENFORCE, RUN_AS_USER, TOKENS_DIR, commonLabels, names,
  podSecurityLevel, selectorLabels, usesAccess, usesBearer,
} from '../model.js';
import { PRE_STOP_COMMAND, TERMINATION_GRACE_SECONDS, podScheduling, rolloutStrategy, wantsPdb } from './pod.js';

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } } & Record<string, unknown>;

/** sha256 of the ConfigMap data as Terraform's jsonencode() writes it (sorted keys, no spaces). */
export function configChecksum(data: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.keys(data).sort().map((k) => [k, data[k]]));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

function meta(c: InstallConfig, version: string, name: string): K8sObject['metadata'] {
  return { name, namespace: c.namespace, labels: commonLabels(c, version) };
}

export function podAnnotations(c: InstallConfig, data: Record<string, string>): Record<string, string> {
  // The user's pod_annotations first: ours win on a clash (the checksum must stay the checksum).
  return {
    ...c.pod_annotations,
    // Rolls the pods when the gateway's settings change (env is read only at start).
    'checksum/config': configChecksum(data),
    // The AUD sits in a ConfigMap of its own, read only at start too. Kustomize's hashed name rolls the
    // pods already; the module and --single-file (fixed names) need this. Left out while the AUD is
    // unknown at render time (the module gets it from the Access application and adds it then).
    ...(usesAccess(c) && c.cf_access_aud !== '' ? { 'checksum/access': configChecksum(gatewayConfigData(c, 'access')) } : {}),
    ...(c.enable_metrics
      ? { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(c.metrics_port), 'prometheus.io/path': '/metrics' }
      : {}),
  };
}

function deployment(c: InstallConfig, version: string, data: Record<string, string>): K8sObject {
  const n = names(c);
  const ports = [{ name: 'http', containerPort: c.port, protocol: 'TCP' }];
  if (c.enable_metrics) ports.push({ name: 'metrics', containerPort: c.metrics_port, protocol: 'TCP' });
  // The root filesystem is read-only; /tmp is the one writable place, bounded so a runaway writer
  // gets this pod evicted instead of filling the node's disk.
  const volumes: Record<string, unknown>[] = [{ name: 'tmp', emptyDir: { sizeLimit: c.tmp_size_limit } }];
  const mounts: Record<string, unknown>[] = [{ name: 'tmp', mountPath: '/tmp' }];
  if (c.enable_docker_socket) {
    volumes.push({ name: 'docker-socket', hostPath: { path: c.docker_socket_path, type: 'Socket' } });
    mounts.push({ name: 'docker-socket', mountPath: CONTAINER_SOCKET });
  }
  if (usesBearer(c)) {
    volumes.push({ name: 'auth-tokens', secret: { secretName: n.tokensSecret, defaultMode: 0o440 } });
    mounts.push({ name: 'auth-tokens', mountPath: TOKENS_DIR, readOnly: true });
  }
  const probes = c.enable_health_checks
    ? {
        livenessProbe: { httpGet: { path: '/health', port: 'http' }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
        readinessProbe: { httpGet: { path: '/ready', port: 'http' }, initialDelaySeconds: 2, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
      }
    : {};
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(c, version, n.name),
    spec: {
      replicas: c.replicas,
      selector: { matchLabels: selectorLabels(c) },
      strategy: rolloutStrategy(c),
      template: {
        metadata: { labels: commonLabels(c, version), annotations: podAnnotations(c, data) },
        spec: {
          serviceAccountName: n.name,
          automountServiceAccountToken: false,
          // Counts from the start of preStop: the pause, then the gateway's drain after SIGTERM
          // (shutdown_grace_seconds), then its exit; stated so nobody lowers it by accident.
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          ...podScheduling(c),
          ...(c.image_pull_secrets.length ? { imagePullSecrets: c.image_pull_secrets.map((name) => ({ name })) } : {}),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: RUN_AS_USER,
            runAsGroup: RUN_AS_USER,
            // Secret files are root-owned; fsGroup makes the 0440 tokens file readable by the gateway.
            fsGroup: RUN_AS_USER,
            // The socket is root:docker 0660 on the node; its group is the only access we grant.
            ...(c.enable_docker_socket ? { supplementalGroups: [c.docker_socket_gid] } : {}),
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: CONTAINER_NAME,
              image: c.docker_image,
              imagePullPolicy: c.image_pull_policy,
              args: [...GATEWAY_ARGS],
              envFrom: [
                { configMapRef: { name: n.configMap } },
                // DOCKER_MCP_CF_ACCESS_AUD alone (accessConfigMap below): kustomize generates it from an env file.
                ...(usesAccess(c) ? [{ configMapRef: { name: n.accessConfigMap } }] : []),
              ],
              ports,
              ...probes,
              lifecycle: { preStop: { exec: { command: [...PRE_STOP_COMMAND] } } },
              resources: {
                limits: { cpu: c.cpu_limit, memory: c.memory_limit },
                requests: { cpu: c.cpu_request, memory: effectiveMemoryRequest(c) },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: mounts,
            },
          ],
          volumes,
        },
      },
    },
  };
}

function service(c: InstallConfig, version: string): K8sObject {
  const ports = [{ name: 'http', port: c.port, targetPort: 'http', protocol: 'TCP' }];
  if (c.enable_metrics) ports.push({ name: 'metrics', port: c.metrics_port, targetPort: 'metrics', protocol: 'TCP' });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(c, version, names(c).name),
    spec: { type: 'ClusterIP', selector: selectorLabels(c), ports },
  };
}

/**
 * The ConfigMap with the Access AUD, when it is known at render time (--cf-access-aud). Not part of
 * kubernetesObjects: kustomize generates it (configMapGenerator, hashed name) and --single-file adds it
 * only when the AUD is known; otherwise NOTES.md says how to create it from the Terraform output.
 */
export function accessConfigMap(c: InstallConfig, version: string): K8sObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(c, version, names(c).accessConfigMap), data: gatewayConfigData(c, 'access') };
}

/**
 * The namespace, labelled with the level the pod needs. kubectl apply on a namespace that already
 * exists merges this label into it (NOTES.md says so); create_namespace off renders none.
 */
function namespace(c: InstallConfig, version: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: c.namespace, labels: { ...commonLabels(c, version), [POD_SECURITY_ENFORCE]: podSecurityLevel(c) } },
  };
}

/** Every object, in apply order (the namespace first: everything else lives in it). */
export function kubernetesObjects(c: InstallConfig, version: string): K8sObject[] {
  const n = names(c);
  const data = gatewayConfigData(c, 'main');
  const objects: K8sObject[] = [
    ...(c.create_namespace ? [namespace(c, version)] : []),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(c, version, n.name), automountServiceAccountToken: false },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(c, version, n.configMap), data },
    deployment(c, version, data),
    service(c, version),
  ];
  if (c.enable_network_policy) objects.push(networkPolicy(c, meta(c, version, n.name)));
  if (wantsPdb(c)) {
    objects.push({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(c, version, n.name),
      spec: { minAvailable: 1, selector: { matchLabels: selectorLabels(c) } },
    });
  }
  if (c.enable_service_monitor) {
    objects.push({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: meta(c, version, n.name),
      spec: { selector: { matchLabels: selectorLabels(c) }, endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }] },
    });
  }
  return objects;
}
