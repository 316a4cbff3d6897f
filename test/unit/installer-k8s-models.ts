// Kind -> kubernetes-models class, for schema validation of rendered objects. The ServiceMonitor is
// a CRD the official schemas do not know; it is checked for its required shape by hand.
import { Deployment } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';

const classes: Record<string, new (data: never) => { validate(): void }> = {
  Deployment, NetworkPolicy, PodDisruptionBudget, ConfigMap, Namespace, Service, ServiceAccount,
};

export function validate(obj: { kind: string } & Record<string, unknown>): void {
  if (obj.kind === 'ServiceMonitor') {
    const spec = obj.spec as { selector?: unknown; endpoints?: unknown[] } | undefined;
    if (obj.apiVersion !== 'monitoring.coreos.com/v1' || !spec?.selector || !spec.endpoints?.length) throw new Error('bad ServiceMonitor');
    return;
  }
  const Model = classes[obj.kind];
  if (!Model) throw new Error(`no schema for ${obj.kind}`);
  new Model(obj as never).validate();
}
