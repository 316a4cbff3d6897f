// Rollout wait with a progress line, and the gateway health check through the API server's
// service proxy (`/api/v1/namespaces/<ns>/services/<name>:http/proxy/ready`).
import { AppsV1Api, CoreV1Api, type KubeConfig, type KubernetesObject, type V1Deployment } from '@kubernetes/client-node';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../shared/errors.js';
import { apiError } from './kube.js';

export interface RolloutOptions {
  timeoutSeconds?: number;
  pollMs?: number;
  out?: Writable;
}

export function rolloutState(d: V1Deployment): { done: boolean; text: string } {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const observed = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
  const updated = s.updatedReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const total = s.replicas ?? 0;
  const done = observed && updated >= want && available >= want && total <= updated;
  return { done, text: `${updated}/${want} updated, ${available}/${want} available${total > updated ? `, ${total - updated} old terminating` : ''}` };
}

/** Why pods are not ready (CrashLoopBackOff, ImagePullBackOff, …), for the timeout message. */
async function podReasons(kc: KubeConfig, d: V1Deployment): Promise<string[]> {
  const selector = Object.entries(d.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  try {
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: d.metadata!.namespace!, labelSelector: selector });
    return pods.items.flatMap((pod) =>
      (pod.status?.containerStatuses ?? [])
        .map((c) => c.state?.waiting?.reason ?? (c.state?.terminated ? `terminated: ${c.state.terminated.reason}` : undefined))
        .filter((r): r is string => Boolean(r))
        .map((r) => `${pod.metadata?.name}: ${r}`),
    );
  } catch {
    return [];
  }
}

export async function waitForRollout(kc: KubeConfig, obj: KubernetesObject, opts: RolloutOptions): Promise<void> {
  const apps = kc.makeApiClient(AppsV1Api);
  const name = obj.metadata!.name!;
  const namespace = obj.metadata!.namespace!;
  const out = opts.out ?? process.stderr;
  const tty = Boolean((out as { isTTY?: boolean }).isTTY);
  const deadline = Date.now() + (opts.timeoutSeconds ?? 300) * 1000;
  let last = '';
  for (;;) {
    let d: V1Deployment;
    try {
      d = await apps.readNamespacedDeployment({ name, namespace });
    } catch (error) {
      throw new CliError(`reading deployment ${namespace}/${name} failed: ${apiError(error)}`);
    }
    const state = rolloutState(d);
    const line = `rollout ${namespace}/${name}: ${state.text}`;
    // One updating line on a terminal; a line per change in CI logs.
    if (line !== last) out.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
    last = line;
    if (state.done) {
      if (tty) out.write('\n');
      return;
    }
    if (Date.now() > deadline) {
      if (tty) out.write('\n');
      const reasons = await podReasons(kc, d);
      throw new CliError(
        `rollout of ${namespace}/${name} did not finish within ${opts.timeoutSeconds ?? 300}s (${state.text})` +
          `${reasons.length ? `; pods: ${reasons.join(', ')}` : ''}. ` +
          `Look at \`kubectl -n ${namespace} describe deployment ${name}\` and \`kubectl -n ${namespace} get events --sort-by=.lastTimestamp\`.`,
      );
    }
    await sleep(opts.pollMs ?? 2000);
  }
}

export interface HealthOptions {
  externalUrl?: string;
  out?: Writable;
}

/** GET /ready through the service proxy; returns the body. */
export async function gatewayReady(kc: KubeConfig, service: KubernetesObject, path = 'ready'): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  const ports = (service as { spec?: { ports?: { name?: string; port: number }[] } }).spec?.ports ?? [];
  const port = ports.find((p) => p.name === 'http') ?? ports[0];
  const name = `${service.metadata!.name!}:${port?.name ?? port?.port ?? 'http'}`;
  return core.connectGetNamespacedServiceProxyWithPath({ name, namespace: service.metadata!.namespace!, path });
}

export async function checkGatewayHealth(kc: KubeConfig, service: KubernetesObject, opts: HealthOptions): Promise<void> {
  const out = opts.out ?? process.stderr;
  try {
    const body = await gatewayReady(kc, service);
    out.write(`gateway /ready via the API server's service proxy: ok ${String(body).slice(0, 120).trim()}\n`);
  } catch (error) {
    throw new CliError(
      `the gateway did not answer /ready through the service proxy: ${apiError(error)}. ` +
        `Check \`kubectl -n ${service.metadata!.namespace} logs deploy/<name>\`; locally: \`kubectl -n ${service.metadata!.namespace} port-forward svc/${service.metadata!.name} 8080:http\` then curl http://127.0.0.1:8080/ready.`,
    );
  }
  if (opts.externalUrl) out.write(`${await checkExternal(opts.externalUrl)}\n`);
}

/** Through the tunnel: 200 is open, an Access redirect or 401/403 means Access guards it (good). */
export async function checkExternal(base: string): Promise<string> {
  const url = new URL('/health', base).toString();
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    const location = res.headers.get('location') ?? '';
    if (res.status === 200) return `external ${url}: ok (200)`;
    if ((res.status >= 300 && res.status < 400 && location.includes('cloudflareaccess.com')) || res.status === 401 || res.status === 403) {
      return `external ${url}: protected by Cloudflare Access (${res.status}), as intended`;
    }
    throw new CliError(`external ${url} answered ${res.status}: check the tunnel ingress rule and DNS (docker-mcp doctor)`);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`external ${url} is unreachable (${(error as Error).message}): check DNS and the tunnel (docker-mcp doctor)`);
  }
}
