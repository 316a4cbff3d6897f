// cloudflared run by bjw-s's app-template chart from a Flux HelmRelease (shape 10): the controller
// whose container image is cloudflared, as the Deployment/DaemonSet/StatefulSet the chart renders,
// with the namespace and the pod labels the gateway's NetworkPolicy must admit.
//
// Checked, not guessed, in bjw-s/helm-charts (tags app-template-2.0.3 … 4.0.1):
// - charts/other/app-template/templates/common.yaml sets `global.nameOverride` to the release name
//   unless the values set it; library common templates/lib/chart/_names.tpl: name = global.nameOverride
//   || nameOverride || chart; fullname = (global.)fullnameOverride, else the release name when it
//   contains name, else `<release>-<name>`.
// - lib/metadata/_selectorLabels.tpl: app.kubernetes.io/name = name, app.kubernetes.io/instance = release.
// - classes/_deployment.tpl selector.matchLabels = those two plus a controller label whose KEY depends
//   on the library version: app.kubernetes.io/component (common 2.x and 3.0.1–3.7.x),
//   common.bjw-s.dev/controller (3.0.0 only), app.kubernetes.io/controller (4.x). The same keys are on
//   the pods (lib/pod/metadata/_labels.tpl). app-template X.Y.Z depends on common X.Y.Z.
// - lib/controller/_valuesToObject.tpl: type defaults to deployment; the object is named fullname, plus
//   `-<controller id>` (or its nameOverride) when more than one controller is enabled.
// Flux: releaseName defaults to `[targetNamespace-]name`; the release's namespace is targetNamespace,
// else the HelmRelease's own.
import { isMap, type Document, type YAMLMap } from 'yaml';
import type { CloudflaredWorkload } from './cloudflared-scan.js';

const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const KINDS: Record<string, string> = { deployment: 'Deployment', daemonset: 'DaemonSet', statefulset: 'StatefulSet' };

/** The controller label's key for an exact chart version; null for a range or an unknown version. */
export function controllerLabelKey(version: string): string | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(version.trim());
  if (!m) return null;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (major === 2) return 'app.kubernetes.io/component';
  if (major === 3) return minor === 0 && patch === 0 ? 'common.bjw-s.dev/controller' : 'app.kubernetes.io/component';
  if (major === 4) return 'app.kubernetes.io/controller';
  return null;
}

const trim = (s: string): string => s.slice(0, 63).replace(/-+$/, '');

function runsCloudflared(controller: YAMLMap): boolean {
  const containers = controller.get('containers', true);
  if (!isMap(containers)) return false;
  return containers.items.some((c) => isMap(c.value) && /cloudflared/.test(`${text(c.value.getIn(['image', 'repository']))}:${text(c.value.getIn(['image', 'tag']))}`));
}

/** A chart a Flux OCIRepository serves: the last segment of its `oci://…/<chart>` url, and its tag. */
export interface OciChart {
  chart: string;
  version: string;
}

/**
 * OCIRepositories by name (newer Flux repos point a HelmRelease's `spec.chartRef` at one, e.g.
 * `oci://ghcr.io/bjw-s-labs/helm/app-template` with `ref.tag: 4.0.1`). Two of the same name that
 * disagree give nothing: which one a chartRef means would be a guess.
 */
export function ociCharts(docs: Document[]): Map<string, OciChart | null> {
  const out = new Map<string, OciChart | null>();
  for (const doc of docs) {
    if (text(doc.get('kind')) !== 'OCIRepository') continue;
    const name = text(doc.getIn(['metadata', 'name']));
    const chart = /^oci:\/\/.+\/([^/]+?)\/?$/.exec(text(doc.getIn(['spec', 'url'])))?.[1];
    if (!name || !chart) continue;
    const found = { chart, version: text(doc.getIn(['spec', 'ref', 'tag'])) || text(doc.getIn(['spec', 'ref', 'semver'])) };
    const seen = out.get(name);
    out.set(name, seen === undefined || (seen && seen.chart === found.chart && seen.version === found.version) ? found : null);
  }
  return out;
}

/** The chart a HelmRelease installs: `spec.chart.spec` (HelmRepository) or `spec.chartRef` to an OCIRepository. */
function chartOf(doc: Document, charts: Map<string, OciChart | null>): OciChart | null {
  const chart = text(doc.getIn(['spec', 'chart', 'spec', 'chart']));
  if (chart) return { chart, version: text(doc.getIn(['spec', 'chart', 'spec', 'version'])) };
  if (text(doc.getIn(['spec', 'chartRef', 'kind'])) !== 'OCIRepository') return null;
  return charts.get(text(doc.getIn(['spec', 'chartRef', 'name']))) ?? null;
}

/** `namespace`: the kustomization's namespace for the file, which overrides metadata.namespace. */
export function appTemplateRelease(path: string, doc: Document, kustomizeNs: string | null, charts = new Map<string, OciChart | null>()): CloudflaredWorkload | null {
  const source = text(doc.get('kind')) === 'HelmRelease' ? chartOf(doc, charts) : null;
  if (source?.chart !== 'app-template') return null;
  const controllers = doc.getIn(['spec', 'values', 'controllers'], true);
  if (!isMap(controllers)) return null;
  const enabled = controllers.items.filter((p) => isMap(p.value) && p.value.get('enabled') !== false);
  const ours = enabled.filter((p) => isMap(p.value) && runsCloudflared(p.value));
  if (ours.length !== 1) return null;
  const id = text((ours[0]!.key as { value?: unknown } | null)?.value ?? ours[0]!.key);
  const controller = ours[0]!.value as YAMLMap;
  const kind = KINDS[text(controller.get('type')) || 'deployment'];
  if (!id || !kind) return null;

  const name = text(doc.getIn(['metadata', 'name']));
  const target = text(doc.getIn(['spec', 'targetNamespace']));
  const release = text(doc.getIn(['spec', 'releaseName'])) || (target ? `${target}-${name}` : name);
  if (!release) return null;
  const values = (key: string[]): string => text(doc.getIn(['spec', 'values', ...key]));
  const chartName = trim(values(['global', 'nameOverride']) || release);
  const full = values(['global', 'fullnameOverride']) || values(['fullnameOverride']) || (release.includes(chartName) ? release : `${release}-${chartName}`);
  let objectName = trim(full);
  const override = text(controller.get('nameOverride'));
  if (override && override !== objectName) objectName = `${objectName}-${override}`;
  else if (!override && enabled.length > 1 && objectName !== id) objectName = `${objectName}-${id}`;

  const labels: Record<string, string> = { 'app.kubernetes.io/name': chartName, 'app.kubernetes.io/instance': release };
  // Without an exact version the controller label's key is unknown: name + instance still select
  // only this release's pods (all its controllers'), never another release's.
  const key = controllerLabelKey(source.version);
  if (key) labels[key] = id;
  return {
    path, kind, name: objectName,
    namespace: target || kustomizeNs || text(doc.getIn(['metadata', 'namespace'])) || null,
    labels,
  };
}
