// The Kubernetes objects as plain data (serialized by render.ts with `yaml`, never by string
// templates). The Terraform module expresses the same objects; test/unit/installer-parity checks it.
import { createHash } from 'node:crypto';
import type { InstallConfig } from '../../config/schema.js';
import { gatewayConfigData } from '../gateway-env.js';
import {
  CONTAINER_NAME, CONTAINER_SOCKET, GATEWAY_ARGS, POD_SECURITY_ENFORCE, RUN_AS_USER, TOKENS_DIR, commonLabels, names,
  podSecurityLevel, selectorLabels, usesBearer,
} from '../model.js';

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
  return {
    // Rolls the pods when the gateway's settings change (env is read only at start).
    'checksum/config': configChecksum(data),
    ...(c.enable_metrics
      ? { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(c.metrics_port), 'prometheus.io/path': '/metrics' }
      : {}),
  };
}

function deployment(c: InstallConfig, version: string, data: Record<string, string>): K8sObject {
  const n = names(c);
  const ports = [{ name: 'http', containerPort: c.port, protocol: 'TCP' }];
  if (c.enable_metrics) ports.push({ name: 'metrics', containerPort: c.metrics_port, protocol: 'TCP' });
  const volumes: Record<string, unknown>[] = [{ name: 'tmp', emptyDir: {} }];
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
  const pinning = {
    ...(c.node_name ? { nodeName: c.node_name } : {}),
    ...(Object.keys(c.node_selector).length ? { nodeSelector: c.node_selector } : {}),
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(c, version, n.name),
    spec: {
      replicas: c.replicas,
      selector: { matchLabels: selectorLabels(c) },
      template: {
        metadata: { labels: commonLabels(c, version), annotations: podAnnotations(c, data) },
        spec: {
          serviceAccountName: n.name,
          automountServiceAccountToken: false,
          // The gateway drains in-flight calls for shutdown_grace_seconds (20 s) after SIGTERM;
          // stated explicitly so nobody lowers it below that by accident.
          terminationGracePeriodSeconds: 30,
          ...pinning,
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
              envFrom: [{ configMapRef: { name: n.configMap } }],
              ports,
              ...probes,
              resources: {
                limits: { cpu: c.cpu_limit, memory: c.memory_limit },
                requests: { cpu: c.cpu_request, memory: c.memory_request },
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

function networkPolicy(c: InstallConfig, version: string): K8sObject {
  const ingress: Record<string, unknown>[] = [
    // cloudflared in this namespace is the only way in from outside (seed: `-l app=cloudflared`).
    { from: [{ podSelector: { matchLabels: { app: 'cloudflared' } } }], ports: [{ protocol: 'TCP', port: c.port }] },
  ];
  if (c.enable_metrics) {
    ingress.push({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': c.metrics_namespace } } }],
      ports: [{ protocol: 'TCP', port: c.metrics_port }],
    });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(c, version, names(c).name),
    spec: { podSelector: { matchLabels: selectorLabels(c) }, policyTypes: ['Ingress'], ingress },
  };
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
  const data = gatewayConfigData(c);
  const objects: K8sObject[] = [
    ...(c.create_namespace ? [namespace(c, version)] : []),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(c, version, n.name), automountServiceAccountToken: false },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(c, version, n.configMap), data },
    deployment(c, version, data),
    service(c, version),
  ];
  if (c.enable_network_policy) objects.push(networkPolicy(c, version));
  if (c.replicas > 1) {
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
