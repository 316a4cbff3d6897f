// Objects -> YAML files (one per object plus kustomization.yaml, or one multi-document file).
import { stringify } from 'yaml';
import type { InstallConfig } from '../../config/schema.js';
import { kubernetesObjects, type K8sObject } from './objects.js';

export const SINGLE_FILE = 'kubernetes/docker-mcp-gateway.yaml';

const fileName = (o: K8sObject): string => `${o.kind.toLowerCase()}.yaml`;
// YAML 1.1 quoting: kubectl reads manifests with a YAML 1.1 parser, where an unquoted on, off, yes,
// no, y or n is a boolean, so a namespace "no" or an environment "on" would fail to apply as a string.
const yaml = (value: unknown): string => stringify(value, { lineWidth: 0, version: '1.1' });

export function kubernetesFiles(c: InstallConfig, version: string, singleFile: boolean): { path: string; contents: string }[] {
  const objects = kubernetesObjects(c, version);
  const header = `# Rendered by docker-mcp ${version}. Re-run \`docker-mcp init\` rather than editing by hand.\n`;
  if (singleFile) {
    return [{ path: SINGLE_FILE, contents: header + objects.map((o) => `---\n${yaml(o)}`).join('') }];
  }
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: objects.map(fileName),
  };
  return [
    ...objects.map((o) => ({ path: `kubernetes/${fileName(o)}`, contents: header + yaml(o) })),
    { path: 'kubernetes/kustomization.yaml', contents: header + yaml(kustomization) },
  ];
}
