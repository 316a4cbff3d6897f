// Where cloudflared itself runs, as far as the repo's YAML says: the Deployment/DaemonSet running a
// cloudflared image (namespace from the object or its kustomization, pod labels from the selector),
// so the report can print the restart command and the gateway's NetworkPolicy can admit it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isMap, isSeq, parseAllDocuments, type Document } from 'yaml';
import { listFiles } from './repo-scan.js';
import { appTemplateRelease, ociCharts } from './cloudflared-apptemplate.js';

export interface CloudflaredWorkload {
  path: string;
  kind: string;
  name: string;
  namespace: string | null;
  labels: Record<string, string>;
  /** Why namespace and labels are not carried (null / {}): the labels are not proven (cloudflared-tf.ts). */
  unproven?: string;
}

const WORKLOADS = ['Deployment', 'DaemonSet', 'StatefulSet'];
/** A scalar as text; '' for maps, lists and absent values. */
const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

function runsCloudflared(doc: Document): boolean {
  const containers = doc.getIn(['spec', 'template', 'spec', 'containers'], true);
  return isSeq(containers) && containers.items.some((c) => isMap(c) && /cloudflared/.test(text(c.get('image'))));
}

/** The `namespace:` a kustomization.yaml next to the file sets for everything it lists. */
function kustomizeNamespace(dir: string): string | null {
  for (const name of ['kustomization.yaml', 'kustomization.yml']) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const docs = parseAllDocuments(readFileSync(path, 'utf8'));
    const ns = Array.isArray(docs) ? docs[0]?.get('namespace') : undefined;
    if (typeof ns === 'string') return ns;
  }
  return null;
}

/**
 * The official cloudflare-tunnel chart run by a Flux HelmRelease: the Deployment it renders, its
 * namespace and pod labels. Checked, not guessed: cloudflare/helm-charts (76f20fe)
 * charts/cloudflare-tunnel/templates/_helpers.tpl — selectorLabels are app.kubernetes.io/name (chart
 * name or nameOverride) and app.kubernetes.io/instance (release name); fullname is the release name
 * when it contains the chart name, else `<release>-<chart>`. Flux: releaseName defaults to
 * `[TargetNamespace-]Name`, targetNamespace to the HelmRelease's namespace.
 */
function chartRelease(path: string, doc: Document): CloudflaredWorkload | null {
  if (text(doc.get('kind')) !== 'HelmRelease' || text(doc.getIn(['spec', 'chart', 'spec', 'chart'])) !== 'cloudflare-tunnel') return null;
  const name = text(doc.getIn(['metadata', 'name']));
  const target = text(doc.getIn(['spec', 'targetNamespace']));
  const release = text(doc.getIn(['spec', 'releaseName'])) || (target ? `${target}-${name}` : name);
  const trim = (s: string): string => s.slice(0, 63).replace(/-+$/, '');
  const chart = trim(text(doc.getIn(['spec', 'values', 'nameOverride'])) || 'cloudflare-tunnel');
  const fullname = trim(text(doc.getIn(['spec', 'values', 'fullnameOverride'])) || (release.includes(chart) ? release : `${release}-${chart}`));
  if (!release) return null;
  return {
    path, kind: 'Deployment', name: fullname,
    namespace: target || text(doc.getIn(['metadata', 'namespace'])) || null,
    labels: { 'app.kubernetes.io/name': chart, 'app.kubernetes.io/instance': release },
  };
}

export function findCloudflared(target: string): CloudflaredWorkload[] {
  const abs = resolve(target);
  const paths = statSync(abs).isDirectory() ? listFiles(abs, ['.yaml', '.yml']) : [abs];
  const all: { path: string; doc: Document }[] = [];
  for (const path of paths) {
    const docs = parseAllDocuments(readFileSync(path, 'utf8'));
    if (Array.isArray(docs)) all.push(...docs.filter((d) => !d.errors.length).map((doc) => ({ path, doc })));
  }
  // A HelmRelease's `chartRef` names an OCIRepository that may live in any file.
  const charts = ociCharts(all.map((d) => d.doc));
  const out: CloudflaredWorkload[] = [];
  for (const { path, doc } of all) {
    const release = chartRelease(path, doc) ?? appTemplateRelease(path, doc, kustomizeNamespace(dirname(path)), charts);
    if (release) out.push(release);
    if (!WORKLOADS.includes(text(doc.get('kind'))) || !runsCloudflared(doc)) continue;
    const selector = doc.getIn(['spec', 'selector', 'matchLabels'], true);
    const labels = isMap(selector) ? (selector.toJSON() as Record<string, unknown>) : {};
    out.push({
      path,
      kind: text(doc.get('kind')),
      name: text(doc.getIn(['metadata', 'name'])) || 'cloudflared',
      namespace: (doc.getIn(['metadata', 'namespace']) as string | undefined) ?? kustomizeNamespace(dirname(path)),
      labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])),
    });
  }
  return out;
}
