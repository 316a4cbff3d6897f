// `docker-mcp status`: this install's objects, pods and readiness, and the gateway's own /ready
// and version (via /health), all through the API server.
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { CliError, ExitCode, type ExitCodeValue } from '../shared/errors.js';
import { FIELD_MANAGER, INSTANCE, MANAGED_BY, apiError, loadKubeConfig, type KubeOptions } from './kube.js';
import { PRUNABLE } from './kubectl-target.js';
import { gatewayReady, rolloutState } from './rollout.js';

export interface StatusOptions extends KubeOptions {
  namespace: string;
  instance?: string;
  /** Where namespace came from (--namespace, the rendered output in --dir, the default): shown with it. */
  from?: string;
}

export interface StatusReport {
  context: string;
  namespace: string;
  instance?: string;
  namespaceFrom?: string;
  objects: { kind: string; name: string }[];
  deployments: { name: string; ready: boolean; rollout: string }[];
  pods: { name: string; phase: string; ready: boolean; restarts: number; reason?: string }[];
  gateway: { ready: boolean; detail: string; version?: string };
}

export async function collectStatus(opts: StatusOptions): Promise<StatusReport> {
  const kc = loadKubeConfig(opts);
  const selector = `${MANAGED_BY}=${FIELD_MANAGER}${opts.instance ? `,${INSTANCE}=${opts.instance}` : ''}`;
  const { KubernetesObjectApi } = await import('@kubernetes/client-node');
  const client = KubernetesObjectApi.makeApiClient(kc);
  const objects: StatusReport['objects'] = [];
  for (const [apiVersion, kind] of PRUNABLE) {
    try {
      const list = await client.list(apiVersion, kind, opts.namespace, undefined, undefined, undefined, undefined, selector);
      for (const item of list.items) objects.push({ kind, name: item.metadata?.name ?? '?' });
    } catch (error) {
      if (/ECONNREFUSED|ENOTFOUND|certificate|401|403/.test(apiError(error))) throw new CliError(`cannot list ${kind}: ${apiError(error)}`);
    }
  }
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const deployments = (await apps.listNamespacedDeployment({ namespace: opts.namespace, labelSelector: selector })).items.map((d) => {
    const state = rolloutState(d);
    return { name: d.metadata?.name ?? '?', ready: state.done, rollout: state.text };
  });
  const pods = (await core.listNamespacedPod({ namespace: opts.namespace, labelSelector: selector })).items.map((p) => {
    const statuses = p.status?.containerStatuses ?? [];
    return {
      name: p.metadata?.name ?? '?',
      phase: p.status?.phase ?? 'Unknown',
      ready: statuses.length > 0 && statuses.every((c) => c.ready),
      restarts: statuses.reduce((n, c) => n + c.restartCount, 0),
      reason: statuses.map((c) => c.state?.waiting?.reason).find(Boolean),
    };
  });
  const service = (await core.listNamespacedService({ namespace: opts.namespace, labelSelector: selector })).items[0];
  let gateway: StatusReport['gateway'] = { ready: false, detail: 'no docker-mcp Service found' };
  if (service) {
    const svc = { ...service, kind: 'Service', apiVersion: 'v1' };
    try {
      await gatewayReady(kc, svc, 'ready');
      gateway = { ready: true, detail: `/ready ok via service ${service.metadata?.name}` };
      const health = await gatewayReady(kc, svc, 'health').catch(() => '');
      const version = (safeJson(health) as { version?: string } | undefined)?.version;
      if (version) gateway.version = version;
    } catch (error) {
      gateway = { ready: false, detail: `/ready failed: ${apiError(error)}` };
    }
  }
  return { context: kc.getCurrentContext(), namespace: opts.namespace, instance: opts.instance, namespaceFrom: opts.from, objects, deployments, pods, gateway };
}

function safeJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function renderStatus(r: StatusReport): string {
  const lines = [`context ${r.context}, namespace ${r.namespace}${r.instance ? `, instance ${r.instance}` : ''}${r.namespaceFrom ? ` (${r.namespaceFrom})` : ''}`, '', 'Objects:'];
  lines.push(...(r.objects.length ? r.objects.map((o) => `  ${o.kind}/${o.name}`) : ['  (none labelled as docker-mcp)']));
  lines.push('', 'Deployments:', ...r.deployments.map((d) => `  ${d.name}: ${d.ready ? 'ready' : 'not ready'} (${d.rollout})`));
  lines.push('', 'Pods:', ...r.pods.map((p) => `  ${p.name}: ${p.phase}${p.ready ? ', ready' : ', not ready'}, ${p.restarts} restarts${p.reason ? `, ${p.reason}` : ''}`));
  lines.push('', `Gateway: ${r.gateway.ready ? 'ready' : 'NOT ready'} — ${r.gateway.detail}${r.gateway.version ? ` (version ${r.gateway.version})` : ''}`);
  return `${lines.join('\n')}\n`;
}

export async function runStatus(opts: StatusOptions & { json?: boolean }): Promise<ExitCodeValue> {
  const report = await collectStatus(opts).catch((error: unknown) => {
    // One line naming the cluster problem, never the client library's stack trace.
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read this install's objects in namespace ${opts.namespace}: ${apiError(error)}`);
  });
  process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report));
  const healthy = report.deployments.length > 0 && report.deployments.every((d) => d.ready) && report.gateway.ready;
  return healthy ? ExitCode.ok : ExitCode.failure;
}
