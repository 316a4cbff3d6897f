// The part of kustomize the rendered kubernetes/kustomization.yaml uses, so `--target kubectl` applies
// the same objects as `kubectl apply -k`: its `resources` files, and ConfigMaps from
// `configMapGenerator` entries with `envs` files (the Access AUD lands there; NOTES.md says how to
// write it), named as kustomize names them (content hash suffix, references rewritten:
// ./kustomize-hash.ts). Anything else kustomize can do is refused with a pointer to `kubectl apply
// -k`, rather than silently applying something different.
import type { KubernetesObject } from '@kubernetes/client-node';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../shared/errors.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface Kustomization {
  file: string;
  resources: string[];
  generated: KubernetesObject[];
}

interface Generator {
  name?: string;
  namespace?: string;
  envs?: string[];
  options?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  [other: string]: unknown;
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'configMapGenerator']);
const GENERATOR_KEYS = new Set(['name', 'namespace', 'envs', 'options']);

/** Is this parsed document a kustomization (which is not a Kubernetes object to apply)? */
export function isKustomization(doc: { apiVersion?: string; kind?: string } | null): boolean {
  return Boolean(doc && (doc.kind === 'Kustomization' || doc.apiVersion?.startsWith('kustomize.config.k8s.io/')));
}

function envFile(dir: string, name: string, file: string): Record<string, string> {
  const path = join(dir, name);
  if (!existsSync(path)) {
    throw new UsageError(
      `${file} generates its ConfigMap from ${name}, which does not exist yet: write it first (NOTES.md says how; ` +
        'with Cloudflare Access it holds DOCKER_MCP_CF_ACCESS_AUD, an output of the Terraform that creates the Access application)',
    );
  }
  const data: Record<string, string> = {};
  // As kustomize's api/kv reads an env file: leading white space (and a first-line BOM) dropped,
  // the value kept verbatim to the end of the line (trailing spaces too), CRLF taken as LF.
  for (const [i, raw] of readFileSync(path, 'utf8').replace(/^\uFEFF/, '').split('\n').entries()) {
    const line = raw.replace(/\r$/, '').trimStart();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    // kustomize would take a bare KEY from docker-mcp's own environment: refused, so what is applied is in the file.
    if (eq <= 0) throw new UsageError(`${path}:${i + 1}: expected KEY=VALUE, got "${line}"`);
    const key = line.slice(0, eq);
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key)) throw new UsageError(`${path}:${i + 1}: "${key}" is not a valid environment variable name (letters, digits, _, -, .; not starting with a digit)`);
    data[key] = line.slice(eq + 1);
  }
  return data;
}

/** The kustomization in dir, or undefined when there is none. */
export function readKustomization(dir: string): Kustomization | undefined {
  const name = KUSTOMIZATION_FILES.find((f) => existsSync(join(dir, f)));
  if (!name) return undefined;
  const file = join(dir, name);
  const doc = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  const unsupported = Object.keys(doc).filter((k) => !SUPPORTED.has(k));
  const generators = (doc.configMapGenerator ?? []) as Generator[];
  unsupported.push(...generators.flatMap((g) => Object.keys(g).filter((k) => !GENERATOR_KEYS.has(k)).map((k) => `configMapGenerator.${k}`)));
  if (unsupported.length) {
    throw new UsageError(`${file} uses ${unsupported.join(', ')}, which --target kubectl does not implement: apply it with \`kubectl apply -k ${dir}\``);
  }
  const generated = generators.map((g): KubernetesObject => {
    if (!g.name) throw new UsageError(`${file}: a configMapGenerator entry has no name`);
    const data = Object.assign({}, ...(g.envs ?? []).map((e) => envFile(dir, e, file))) as Record<string, string>;
    return {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: g.name, ...(g.namespace ? { namespace: g.namespace } : {}), ...(g.options?.labels ? { labels: { ...g.options.labels } } : {}), ...(g.options?.annotations ? { annotations: { ...g.options.annotations } } : {}) },
      data,
    } as KubernetesObject;
  });
  return { file, resources: ((doc.resources ?? []) as string[]).map((r) => join(dir, r)), generated };
}
