// Objects -> YAML files (one per object plus kustomization.yaml, or one multi-document file).
import { stringify } from 'yaml';
import type { InstallConfig } from '../../config/schema.js';
import { commonLabels, createsAccessApp, names, usesAccess } from '../model.js';
import { accessConfigMap, kubernetesObjects, type K8sObject } from './objects.js';

export const SINGLE_FILE = 'kubernetes/docker-mcp-gateway.yaml';
/**
 * DOCKER_MCP_CF_ACCESS_AUD=<aud>, read by kustomize's configMapGenerator. Rendered when the AUD is
 * known (--cf-access-aud); otherwise the user writes it from the Terraform output (NOTES.md), and
 * until then `kubectl apply -k` refuses to build instead of deploying a gateway without an AUD.
 */
export const ACCESS_ENV_FILE = 'kubernetes/access.env';

const fileName = (o: K8sObject): string => `${o.kind.toLowerCase()}.yaml`;
// YAML 1.1 quoting: kubectl reads manifests with a YAML 1.1 parser, where an unquoted on, off, yes,
// no, y or n is a boolean, so a namespace "no" or an environment "on" would fail to apply as a string.
const yaml = (value: unknown): string => stringify(value, { lineWidth: 0, version: '1.1' });

export function kubernetesFiles(c: InstallConfig, version: string, singleFile: boolean): { path: string; contents: string }[] {
  const objects = kubernetesObjects(c, version);
  const header = `# Rendered by docker-mcp ${version}. Re-run \`docker-mcp init\` rather than editing by hand.\n`;
  const audKnown = usesAccess(c) && !createsAccessApp(c);
  if (singleFile) {
    // An AUD the render does not know yet is created with `kubectl create configmap` (NOTES.md).
    const all = audKnown ? [...objects.slice(0, 2), accessConfigMap(c, version), ...objects.slice(2)] : objects;
    return [{ path: SINGLE_FILE, contents: header + all.map((o) => `---\n${yaml(o)}`).join('') }];
  }
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: objects.map(fileName),
    // The hashed name kustomize gives the generated ConfigMap is also written into the Deployment's
    // envFrom, so a new AUD rolls the pods.
    ...(usesAccess(c)
      ? { configMapGenerator: [{ name: names(c).accessConfigMap, namespace: c.namespace, envs: ['access.env'], options: { labels: commonLabels(c, version) } }] }
      : {}),
  };
  const envFile = audKnown ? [{ path: ACCESS_ENV_FILE, contents: `DOCKER_MCP_CF_ACCESS_AUD=${c.cf_access_aud}\n` }] : [];
  return [
    ...objects.map((o) => ({ path: `kubernetes/${fileName(o)}`, contents: header + yaml(o) })),
    ...envFile,
    { path: 'kubernetes/kustomization.yaml', contents: header + yaml(kustomization) },
  ];
}
