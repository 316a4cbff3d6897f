// Which cloudflared config kustomize really deploys (review 3, findings 3 and 13). A base ConfigMap
// whose `config.yaml` an overlay replaces (a strategic-merge patch of the same ConfigMap key, or a
// configMapGenerator with behavior replace/merge) is not what runs: a rule added there never reaches
// the cluster. And an overlay's `namespace:` is where the base's cloudflared Deployment really runs.
// Read offline from the kustomization.yaml files; kustomize semantics checked with `kubectl kustomize`
// (test/unit/patch-review3-config.test.ts renders the overlay and looks for the rule).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isMap, parseAllDocuments, parseDocument, type Document } from 'yaml';
import { listFiles } from './repo-scan.js';
import type { YamlConfig } from './yaml-scan.js';

interface Generator { name: string; behavior: string; keys: Map<string, string> }

export interface Kustomization {
  path: string;
  dir: string;
  namespace: string | null;
  /** Absolute paths: kustomization directories or resource files. */
  resources: string[];
  /** Patch documents (files and inline), as parsed YAML. */
  patches: { doc: Document; text: string; from: string }[];
  generators: Generator[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const KUSTOMIZATION = /^kustomization\.ya?ml$/;

function readPatch(dir: string, ref: string, out: Kustomization['patches']): void {
  const path = resolve(dir, ref);
  // An inline patch is YAML text itself (patchesStrategicMerge allows both).
  const text = existsSync(path) ? readFileSync(path, 'utf8') : ref.includes('\n') ? ref : null;
  if (text === null) return;
  const from = existsSync(path) ? path : join(dir, 'kustomization.yaml');
  const docs = parseAllDocuments(text);
  if (Array.isArray(docs)) for (const doc of docs) out.push({ doc, text, from });
}

/** The kustomization file of a directory, or null. */
function kustomizationIn(dir: string): string | null {
  for (const n of ['kustomization.yaml', 'kustomization.yml']) if (existsSync(join(dir, n))) return join(dir, n);
  return null;
}

export function readKustomization(path: string, seen = new Set<string>()): Kustomization | null {
  seen.add(path);
  const js: unknown = parseDocument(readFileSync(path, 'utf8')).toJS();
  if (!js || typeof js !== 'object') return null;
  const k = js as Record<string, unknown>;
  const dir = dirname(path);
  const patches: Kustomization['patches'] = [];
  for (const p of Array.isArray(k.patches) ? k.patches : []) {
    const item = p as Record<string, unknown> | string;
    if (typeof item === 'string') readPatch(dir, item, patches);
    else if (typeof item.path === 'string') readPatch(dir, item.path, patches);
    else if (typeof item.patch === 'string') readPatch(dir, item.patch, patches);
  }
  for (const p of strings(k.patchesStrategicMerge)) readPatch(dir, p, patches);
  const generators: Generator[] = [];
  for (const g of Array.isArray(k.configMapGenerator) ? (k.configMapGenerator as Record<string, unknown>[]) : []) {
    const keys = new Map<string, string>();
    for (const f of strings(g.files)) {
      const [key, file] = f.includes('=') ? [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)] : [basename(f), f];
      keys.set(key, resolve(dir, file));
    }
    for (const l of strings(g.literals)) keys.set(l.split('=')[0]!, '');
    generators.push({ name: typeof g.name === 'string' ? g.name : '', behavior: typeof g.behavior === 'string' ? g.behavior : 'create', keys });
  }
  const resources = [...strings(k.resources), ...strings(k.bases)].filter((r) => !/^[a-z]+:\/\/|^github\.com\//.test(r)).map((r) => resolve(dir, r));
  // A Component (`components:`, kind: Component) is applied in the overlay's context: its patches,
  // generators and resources act as the overlay's own, so a base it replaces is not deployed either.
  for (const c of strings(k.components).filter((r) => !/^[a-z]+:\/\/|^github\.com\//.test(r))) {
    const file = kustomizationIn(resolve(dir, c));
    const comp = file && !seen.has(file) ? readKustomization(file, seen) : null;
    if (!comp) continue;
    patches.push(...comp.patches);
    generators.push(...comp.generators);
    resources.push(...comp.resources);
  }
  return { path, dir, namespace: typeof k.namespace === 'string' ? k.namespace : null, resources, patches, generators };
}

/** Every kustomization under `root` (unreadable ones skipped). */
export function kustomizations(root: string): Kustomization[] {
  let paths: string[];
  try {
    paths = listFiles(root, ['.yaml', '.yml']).filter((p) => KUSTOMIZATION.test(basename(p)));
  } catch {
    return [];
  }
  return paths.flatMap((p) => {
    try {
      const k = readKustomization(p);
      return k ? [k] : [];
    } catch {
      return [];
    }
  });
}

/** The kustomization a resource path names: the directory's kustomization.yaml, or null for a file. */
export function byDir(all: Kustomization[], path: string): Kustomization | undefined {
  return existsSync(path) && statSync(path).isDirectory() ? all.find((k) => k.dir === path) : undefined;
}

/** The ConfigMap name and data key a config is deployed as, and the kustomization that makes it. */
export interface ConfigIdentity { name: string; key: string; owner: Kustomization }

export function configIdentity(all: Kustomization[], cand: YamlConfig): ConfigIdentity | null {
  if (cand.kind === 'file') {
    for (const k of all) {
      for (const g of k.generators) for (const [key, file] of g.keys) if (file === cand.path && g.behavior === 'create') return { name: g.name, key, owner: k };
    }
    return null;
  }
  if (cand.kind !== 'configmap') return null;
  const m = /^ConfigMap (\S+) data\."([^"]+)"$/.exec(cand.where);
  const owner = all.find((k) => k.resources.includes(cand.path));
  return m && owner ? { name: m[1]!, key: m[2]!, owner } : null;
}

/** Where `k` itself replaces the ConfigMap key `id` (a patch file or generator), or null. */
export function overrideIn(k: Kustomization, id: ConfigIdentity): string | null {
  for (const p of k.patches) {
    const c = p.doc.contents;
    if (!isMap(c) || p.doc.get('kind') !== 'ConfigMap' || p.doc.getIn(['metadata', 'name']) !== id.name) continue;
    if (p.doc.hasIn(['data', id.key])) return p.from;
  }
  for (const p of k.patches) {
    // A JSON 6902 patch replacing the key (`path: /data/config.yaml`).
    if (p.text.includes(`/data/${id.key.replace(/~/g, '~0').replace(/\//g, '~1')}`)) return p.from;
  }
  for (const g of k.generators) {
    if (g.name !== id.name) continue;
    // The file holding the new value is the one to edit; a literal or a whole-map replace: the kustomization.
    if (g.keys.get(id.key)) return g.keys.get(id.key)!;
    if (g.behavior === 'replace' || (g.behavior === 'merge' && g.keys.has(id.key))) return k.path;
  }
  return null;
}
