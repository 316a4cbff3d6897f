// Finds cloudflared ingress lists in YAML, wherever people keep them: a ConfigMap's
// `data["config.yaml"]` block scalar, the same block scalar inside a HelmRelease's values
// (app-template's `configMaps.*.data`), a plain cloudflared config file (with or without `tunnel:`;
// the tunnel may come from TUNNEL_TOKEN), and the official cloudflare-tunnel chart's
// `cloudflare.ingress` values (no catch-all there: the chart appends `http_status:404` itself).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isMap, isScalar, isSeq, parseAllDocuments, parseDocument, type Document, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { chartAppendsCatchAll } from './chart-template.js';
import { listFiles } from './repo-scan.js';
import { blockBody } from './yaml-splice.js';

export type YamlConfigKind = 'configmap' | 'helm-values' | 'file' | 'chart-values';

export interface YamlConfig {
  path: string;
  text: string;
  kind: YamlConfigKind;
  /** The block scalar holding the config, or null when the ingress list is in `doc` itself. */
  scalar: Scalar | null;
  /** The document that holds the ingress list (the parsed block scalar, or the file's document). */
  inner: Document;
  /** Path of the ingress list inside `inner`. */
  ingressPath: string[];
  /** cloudflared needs a last rule without hostname; the chart appends it, so chart values have none. */
  catchAllRequired: boolean;
  /** Where it is, for people: `ConfigMap cloudflared data["config.yaml"]`. */
  where: string;
  /** The tunnel name or id when the config names one (a `tunnel:` key, or the chart's tunnelName). */
  tunnel: string | null;
  /** The Kubernetes namespace of the object holding it, when it says. */
  namespace: string | null;
  /** Chart values that Flux applies (a HelmRelease), rather than a values file for `helm upgrade`. */
  release?: 'flux';
}

// An empty value (the chart's `tunnelName: ""`) says nothing: treated as absent, never printed as a name.
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** Merge keys (`<<: *anchor`) are resolved: people keep a shared service/originRequest in an anchor. */
export const PARSE = { merge: true } as const;

/** A rule as cloudflared sees it (merges resolved), or null when the item is not a map. */
export function ruleValue(doc: Document, item: unknown): Record<string, unknown> | null {
  if (!isMap(item)) return null;
  const js: unknown = item.toJS(doc);
  return js && typeof js === 'object' && !Array.isArray(js) ? (js as Record<string, unknown>) : null;
}

/** A list of cloudflared rules: maps that each have a `service` (directly or through a merge key). */
export function isIngressList(node: unknown, doc: Document): node is YAMLSeq {
  return isSeq(node) && node.items.length > 0 && node.items.every((i) => ruleValue(doc, i)?.service !== undefined);
}

/** The cloudflare-tunnel chart's `cloudflare:` values: an ingress list, or chart keys and no list yet. */
function chartValues(doc: Document, at: string[]): boolean {
  const holder = doc.getIn(at, true);
  if (!isMap(holder)) return false;
  const list = holder.get('ingress', true);
  // `ingress: []` is a list still to be filled, not something else.
  if (holder.has('ingress')) return isIngressList(list, doc) || (isSeq(list) && list.items.length === 0 && (list as YAMLSeq).flow === true);
  // Only the tunnel keys: `cloudflare.secretName` alone is also external-dns's values, which must not get an ingress list.
  return ['tunnelName', 'tunnelId'].some((k) => holder.has(k));
}

function embedded(path: string, text: string, doc: Document, holder: YAMLMap, trail: string[], found: YamlConfig[]): void {
  for (const pair of holder.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (isMap(pair.value)) {
      embedded(path, text, doc, pair.value, [...trail, key], found);
      continue;
    }
    if (!/\.ya?ml$/.test(key) || !isScalar(pair.value) || typeof pair.value.value !== 'string') continue;
    let inner = parseDocument(pair.value.value, PARSE);
    if (pair.value.type === 'BLOCK_FOLDED' && (inner.errors.length || !isIngressList(inner.get('ingress', true), inner))) {
      // A cloudflared config under `>` that folding broke is still one (a refusal says why, plan-yaml.ts).
      const literal = blockBody(text, pair.value)?.literal;
      if (literal !== undefined) inner = parseDocument(literal, PARSE);
    }
    if (inner.errors.length || !isIngressList(inner.get('ingress', true), inner)) continue;
    const kind = doc.get('kind') === 'ConfigMap' ? 'configmap' : 'helm-values';
    const name = str(doc.getIn(['metadata', 'name'])) ?? '?';
    found.push({
      path, text, kind, scalar: pair.value, inner, ingressPath: ['ingress'], catchAllRequired: true,
      where: `${str(doc.get('kind')) ?? 'document'} ${name} ${[...trail, `"${key}"`].join('.')}`,
      tunnel: str(inner.get('tunnel')),
      namespace: str(doc.getIn(['metadata', 'namespace'])),
    });
  }
}

export function configsInText(path: string, text: string): YamlConfig[] {
  const found: YamlConfig[] = [];
  const docs = parseAllDocuments(text, PARSE);
  if (!Array.isArray(docs)) return found;
  for (const doc of docs) {
    if (doc.errors.length || !isMap(doc.contents)) continue;
    const before = found.length;
    embedded(path, text, doc, doc.contents, [], found);
    if (found.length > before) continue;
    // The official chart's values inside a Flux HelmRelease (several documents per file are normal there).
    if (doc.get('kind') === 'HelmRelease' && chartValues(doc, ['spec', 'values', 'cloudflare'])) {
      found.push({
        path, text, kind: 'chart-values', scalar: null, inner: doc, ingressPath: ['spec', 'values', 'cloudflare', 'ingress'], catchAllRequired: false,
        where: `HelmRelease ${str(doc.getIn(['metadata', 'name'])) ?? '?'} spec.values.cloudflare.ingress`,
        tunnel: str(doc.getIn(['spec', 'values', 'cloudflare', 'tunnelName'])), namespace: str(doc.getIn(['metadata', 'namespace'])), release: 'flux',
      });
      continue;
    }
    if (docs.length !== 1) continue;
    const chartTemplate = isIngressList(doc.get('ingress', true), doc) ? chartAppendsCatchAll(path, 'ingress') : null;
    if (chartTemplate) {
      // Values of a chart of the repo's own whose template appends the catch-all (chart-template.ts).
      found.push({
        path, text, kind: 'helm-values', scalar: null, inner: doc, ingressPath: ['ingress'], catchAllRequired: false,
        where: `chart ${basename(dirname(path))} values ingress (its ${chartTemplate} appends the catch-all)`, tunnel: str(doc.get('tunnel')), namespace: null,
      });
    } else if (isIngressList(doc.get('ingress', true), doc)) {
      found.push({ path, text, kind: 'file', scalar: null, inner: doc, ingressPath: ['ingress'], catchAllRequired: true, where: 'cloudflared config', tunnel: str(doc.get('tunnel')), namespace: null });
    } else if (chartValues(doc, ['cloudflare'])) {
      found.push({
        path, text, kind: 'chart-values', scalar: null, inner: doc, ingressPath: ['cloudflare', 'ingress'], catchAllRequired: false,
        where: 'cloudflare-tunnel chart values cloudflare.ingress', tunnel: str(doc.getIn(['cloudflare', 'tunnelName'])), namespace: null,
      });
    }
  }
  return found;
}

/** A chart's own defaults: values.yaml with its Chart.yaml beside it (a vendored chart). */
const chartDefaults = (c: YamlConfig): boolean => /^values\.ya?ml$/.test(basename(c.path)) && existsSync(join(dirname(c.path), 'Chart.yaml'));

export function findYamlConfigs(target: string): YamlConfig[] {
  const abs = resolve(target);
  const dir = statSync(abs).isDirectory();
  const paths = dir ? listFiles(abs, ['.yaml', '.yml']) : [abs];
  const found = paths.flatMap((path) => configsInText(path, readFileSync(path, 'utf8')));
  if (!dir) return found;
  // A chart's defaults are never what runs when another values file sets the same chart's values: the
  // user's file wins at `helm install -f`, so editing the defaults would deploy nothing.
  return found.filter((c) => !chartDefaults(c) || !found.some((o) => o !== c && o.kind === c.kind && !chartDefaults(o)));
}
