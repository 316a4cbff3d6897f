// `--target kubectl`: server-side apply of the rendered YAML as field manager `docker-mcp`, prune of
// objects this tool applied earlier (by label) that are no longer rendered, a rollout wait and a
// health check through the API server's service proxy (plain HTTPS to the API server, so it works
// wherever the kubeconfig works, without a port-forward stream).
import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Writable } from 'node:stream';
import { CliError, ExitCode, type ExitCodeValue } from '../shared/errors.js';
import { confirm } from './confirm.js';
import { FIELD_MANAGER, INSTANCE, MANAGED_BY, apiError, loadKubeConfig, readManifests, statusCode, type KubeOptions } from './kube.js';
import { checkGatewayHealth, waitForRollout } from './rollout.js';

export interface KubectlOptions extends KubeOptions {
  /** Directory (or file) of rendered YAML. */
  dir: string;
  /** Overrides app.kubernetes.io/instance read from the rendered objects. */
  instance?: string;
  /** Default namespace for objects that do not name one. */
  namespace?: string;
  yes?: boolean;
  prune?: boolean;
  timeoutSeconds?: number;
  pollMs?: number;
  /** https://docker-mcp.example.com: also checked through the tunnel after the rollout. */
  externalUrl?: string;
  out?: Writable;
  ask?: (question: string) => Promise<boolean>;
}

/** Kinds applied first go first: a Deployment's ConfigMap, Secret and ServiceAccount must exist. */
const ORDER = ['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Secret', 'Service', 'NetworkPolicy', 'PodDisruptionBudget', 'Deployment'];
/** What prune looks at: the kinds the renderer produces (never Namespaces: too much to lose). */
export const PRUNABLE: [string, string][] = [
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
  ['v1', 'Service'],
  ['v1', 'ServiceAccount'],
  ['apps/v1', 'Deployment'],
  ['networking.k8s.io/v1', 'NetworkPolicy'],
  ['policy/v1', 'PodDisruptionBudget'],
  ['rbac.authorization.k8s.io/v1', 'Role'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['monitoring.coreos.com/v1', 'ServiceMonitor'],
];

const key = (o: KubernetesObject): string => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
const rank = (kind: string | undefined): number => (ORDER.includes(kind ?? '') ? ORDER.indexOf(kind!) : ORDER.length);

export interface Prepared {
  kc: KubeConfig;
  client: KubernetesObjectApi;
  objects: KubernetesObject[];
  instance: string;
  namespaces: string[];
}

export function prepare(opts: KubectlOptions): Prepared {
  // The rendered folder first: a missing or bad input is a usage error (2) whatever the cluster access.
  const objects = readManifests(opts.dir).sort((a, b) => rank(a.kind) - rank(b.kind));
  const kc = loadKubeConfig(opts);
  const instances = new Set(objects.map((o) => o.metadata?.labels?.[INSTANCE]).filter((v): v is string => Boolean(v)));
  const instance = opts.instance ?? (instances.size === 1 ? [...instances][0]! : undefined);
  if (!instance) {
    throw new CliError(
      `cannot tell which install this is: the rendered objects carry ${instances.size ? `several ${INSTANCE} labels` : `no ${INSTANCE} label`}; pass --instance`,
      ExitCode.usage,
    );
  }
  const fallbackNs = opts.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  for (const obj of objects) {
    obj.metadata!.labels = { ...obj.metadata!.labels, [MANAGED_BY]: FIELD_MANAGER, [INSTANCE]: instance };
    if (obj.kind !== 'Namespace') obj.metadata!.namespace ??= fallbackNs;
  }
  const namespaces = [...new Set(objects.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata!.namespace!))];
  return { kc, client: KubernetesObjectApi.makeApiClient(kc), objects, instance, namespaces };
}

/** Objects labelled as ours in the given namespaces that the rendered set no longer has. */
export async function findPrunable(p: Prepared): Promise<KubernetesObject[]> {
  const wanted = new Set(p.objects.map(key));
  const selector = `${MANAGED_BY}=${FIELD_MANAGER},${INSTANCE}=${p.instance}`;
  const stale: KubernetesObject[] = [];
  for (const namespace of p.namespaces) {
    for (const [apiVersion, kind] of PRUNABLE) {
      try {
        const list = await p.client.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, selector);
        for (const item of list.items) {
          const full = { ...item, apiVersion, kind };
          if (!wanted.has(key(full))) stale.push(full);
        }
      } catch (error) {
        // A kind this cluster does not serve (no Prometheus operator, say) has nothing to prune.
        if (statusCode(error) === 404 || /Unrecognized API version and kind|not found/i.test(apiError(error))) continue;
        throw new CliError(`listing ${kind} in ${namespace} failed: ${apiError(error)}`);
      }
    }
  }
  return stale;
}

async function ssa(p: Prepared, obj: KubernetesObject, dryRun: boolean): Promise<KubernetesObject> {
  try {
    return await p.client.patch(obj, undefined, dryRun ? 'All' : undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  } catch (error) {
    throw new CliError(`server-side apply of ${key(obj)} failed: ${apiError(error)}`);
  }
}

function write(opts: KubectlOptions, line: string): void {
  (opts.out ?? process.stderr).write(`${line}\n`);
}

/** Dry-run apply: the server validates every object; exit code 3 when anything would change. */
export async function kubectlPlan(opts: KubectlOptions): Promise<ExitCodeValue> {
  const p = prepare(opts);
  let changes = 0;
  for (const obj of p.objects) {
    let live: KubernetesObject | undefined;
    try {
      live = await p.client.read({ apiVersion: obj.apiVersion!, kind: obj.kind!, metadata: { name: obj.metadata!.name!, namespace: obj.metadata!.namespace } });
    } catch (error) {
      if (statusCode(error) !== 404) throw new CliError(`reading ${key(obj)} failed: ${apiError(error)}`);
    }
    const result = await ssa(p, obj, true);
    const changed = !live || live.metadata?.resourceVersion !== result.metadata?.resourceVersion || JSON.stringify(stripMeta(live)) !== JSON.stringify(stripMeta(result));
    if (changed) changes++;
    write(opts, `${!live ? '+ create' : changed ? '~ update' : '  unchanged'} ${key(obj)}`);
  }
  if (opts.prune !== false) {
    for (const obj of await findPrunable(p)) {
      changes++;
      write(opts, `- prune  ${key(obj)}`);
    }
  }
  write(opts, changes ? `${changes} change(s) pending.` : 'No changes.');
  return changes ? ExitCode.changesPending : ExitCode.ok;
}

function stripMeta(obj: KubernetesObject): unknown {
  const { metadata: _m, status: _s, ...rest } = obj as KubernetesObject & { status?: unknown };
  return rest;
}

export async function kubectlApply(opts: KubectlOptions): Promise<ExitCodeValue> {
  const p = prepare(opts);
  const context = p.kc.getCurrentContext();
  const stale = opts.prune === false ? [] : await findPrunable(p);
  write(opts, `Applying ${p.objects.length} object(s) to context "${context}" as field manager ${FIELD_MANAGER}${stale.length ? `, pruning ${stale.length}` : ''}.`);
  if (!opts.yes && !(await (opts.ask ?? confirm)(`Apply to context "${context}"?`))) {
    write(opts, 'cancelled; nothing was changed.');
    return ExitCode.ok;
  }
  for (const obj of p.objects) {
    await ssa(p, obj, false);
    write(opts, `applied ${key(obj)}`);
  }
  for (const obj of stale) {
    try {
      await p.client.delete(obj, undefined, undefined, undefined, undefined, 'Background');
      write(opts, `pruned  ${key(obj)}`);
    } catch (error) {
      if (statusCode(error) !== 404) throw new CliError(`pruning ${key(obj)} failed: ${apiError(error)}`);
    }
  }
  const deployments = p.objects.filter((o) => o.kind === 'Deployment');
  for (const d of deployments) await waitForRollout(p.kc, d, { ...opts, out: opts.out ?? process.stderr });
  const service = p.objects.find((o) => o.kind === 'Service');
  if (service) await checkGatewayHealth(p.kc, service, opts);
  return ExitCode.ok;
}

/** Deletes every object labelled as this install (rendered or not). */
export async function kubectlDestroy(opts: KubectlOptions): Promise<ExitCodeValue> {
  const p = prepare(opts);
  const targets = await findPrunable({ ...p, objects: [] });
  if (!targets.length) {
    write(opts, 'nothing to destroy.');
    return ExitCode.ok;
  }
  for (const t of targets) write(opts, `- delete ${key(t)}`);
  if (!opts.yes && !(await (opts.ask ?? confirm)(`Delete these ${targets.length} object(s) from context "${p.kc.getCurrentContext()}"?`))) {
    write(opts, 'cancelled; nothing was changed.');
    return ExitCode.ok;
  }
  for (const t of targets) {
    try {
      await p.client.delete(t, undefined, undefined, undefined, undefined, 'Background');
    } catch (error) {
      if (statusCode(error) !== 404) throw new CliError(`deleting ${key(t)} failed: ${apiError(error)}`);
    }
  }
  write(opts, `deleted ${targets.length} object(s).`);
  return ExitCode.ok;
}
