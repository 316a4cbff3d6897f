// cloudflare/cloudflared.yaml (create_tunnel): a minimal connector for the tunnel the render creates,
// so the new tunnel has something to route through. Remotely managed: the ingress comes from the
// tunnel config resource, the pod needs only the token (a Secret the user creates from the Terraform
// output, NOTES.md). Flags and paths checked in cloudflare/cloudflared 2026.8.2: `--token-file`
// (cmd/cloudflared/tunnel/subcommands.go), `/ready` on the metrics listener (metrics/metrics.go),
// image user 65532 (Dockerfile).
import { stringify } from 'yaml';
import type { InstallConfig } from '../../config/schema.js';

/** 2026.8.0 and 2026.8.1 mangled request paths (REFERENCE.md); 2026.8.2 reverted that. Pinned, not :latest. */
export const CLOUDFLARED_IMAGE = 'cloudflare/cloudflared:2026.8.2';
export const CONNECTOR_YAML = 'cloudflare/cloudflared.yaml';
/** The Secret (key `token`) NOTES.md creates from `terraform output -raw tunnel_token`. */
export const TUNNEL_TOKEN_SECRET = 'cloudflared-token';
/** The default of cloudflared_pod_labels, so the connector is admitted by a policy left at its defaults. */
export const CONNECTOR_LABELS = { app: 'cloudflared' } as const;
const METRICS_PORT = 2000;
const NONROOT = 65532;

/**
 * The connector runs where the gateway's NetworkPolicy looks for cloudflared (cloudflared_namespace,
 * else the gateway's own) with cloudflared_pod_labels, which win over its own labels on a clash:
 * anywhere else the policy would refuse it and every request would get a 502.
 */
export const connectorNamespace = (c: InstallConfig): string => c.cloudflared_namespace || c.namespace;

export function connectorDeployment(c: InstallConfig): Record<string, unknown> {
  const name = `${c.project_name}-cloudflared`;
  const labels: Record<string, string> = {
    ...CONNECTOR_LABELS, 'app.kubernetes.io/name': 'cloudflared', 'app.kubernetes.io/instance': c.project_name, 'app.kubernetes.io/part-of': 'docker-mcp',
    ...c.cloudflared_pod_labels,
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: connectorNamespace(c), labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: labels.app!, 'app.kubernetes.io/instance': labels['app.kubernetes.io/instance']! } },
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          automountServiceAccountToken: false,
          // fsGroup: the token file is root-owned 0440.
          securityContext: { runAsNonRoot: true, runAsUser: NONROOT, runAsGroup: NONROOT, fsGroup: NONROOT, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'cloudflared',
              image: CLOUDFLARED_IMAGE,
              args: ['tunnel', '--no-autoupdate', '--metrics', `0.0.0.0:${METRICS_PORT}`, 'run', '--token-file', '/etc/cloudflared/token/token'],
              ports: [{ name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' }],
              // /ready answers 200 once the connector has a connection to the edge. No liveness probe on it:
              // an edge outage would restart connectors that reconnect by themselves.
              readinessProbe: { httpGet: { path: '/ready', port: 'metrics' }, periodSeconds: 10, failureThreshold: 3 },
              resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'token', mountPath: '/etc/cloudflared/token', readOnly: true }],
            },
          ],
          volumes: [{ name: 'token', secret: { secretName: TUNNEL_TOKEN_SECRET, defaultMode: 0o440 } }],
        },
      },
    },
  };
}

export function connectorYaml(c: InstallConfig, version: string): string {
  const header =
    `# Rendered by docker-mcp ${version}: a cloudflared connector for the tunnel the rendered Terraform\n` +
    `# creates (create_tunnel). Needs the Secret ${TUNNEL_TOKEN_SECRET} (key token) first; see NOTES.md.\n`;
  return header + stringify(connectorDeployment(c), { lineWidth: 0, version: '1.1' });
}
