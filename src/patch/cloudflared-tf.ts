// cloudflared run by Terraform itself: a `kubernetes_deployment_v1` / `kubernetes_deployment` (or the
// daemon set resources) whose pod template has a container with a cloudflared image. Its namespace and
// pod template labels go to the gateway's NetworkPolicy values like those of a YAML Deployment
// (cloudflared-scan.ts), but only what literals prove (resolveString: locals, variable defaults,
// tfvars, or a kubernetes_namespace[_v1] with a literal name); anything else is left out, never guessed.
// Attribute names checked in hashicorp/terraform-provider-kubernetes
// website/docs/r/deployment_v1.html.markdown: metadata { name, namespace }, spec { selector {
// match_labels }, template { metadata { labels }, spec { container { image } } } }; namespace defaults
// to "default". The resource type names are those of website/docs/r/ there (deployment[_v1],
// daemon_set_v1 / daemonset, stateful_set[_v1]).
import type { Node } from 'web-tree-sitter';
import type { CloudflaredWorkload } from './cloudflared-scan.js';
import { attributeValue, blockBody, blockLabels, bodyBlocks, findAttribute, isObject, objectElemKey, objectElems, objectElemValue, unwrap } from './hcl-nodes.js';
import { topBlocks, type RepoScan, type TfFile } from './repo-scan.js';
import { localDefinition, resolveString } from './tf-values.js';

const KINDS: Record<string, string> = {
  kubernetes_deployment_v1: 'Deployment',
  kubernetes_deployment: 'Deployment',
  kubernetes_daemon_set_v1: 'DaemonSet',
  kubernetes_daemonset: 'DaemonSet',
  kubernetes_stateful_set_v1: 'StatefulSet',
  kubernetes_stateful_set: 'StatefulSet',
};

/** The single nested block at `path` (`spec`, `template`, …); undefined when absent or repeated. */
function nested(block: Node | undefined, path: string[]): Node | undefined {
  let node = block;
  for (const name of path) {
    const found = bodyBlocks(node ? blockBody(node) : undefined, name);
    if (found.length !== 1) return undefined;
    node = found[0];
  }
  return node;
}

const attr = (block: Node | undefined, name: string): Node | undefined => {
  const a = block ? findAttribute(blockBody(block), name) : undefined;
  return a ? attributeValue(a) : undefined;
};

/** `kubernetes_namespace_v1.x.metadata[0].name` (or `.0.`): that resource's literal name. */
async function namespaceRef(scan: RepoScan, file: TfFile, expr: Node | undefined): Promise<string | null> {
  const m = /^(kubernetes_namespace(?:_v1)?)\.([\w-]+)\.metadata(?:\[0\]|\.0)\.name$/.exec(unwrap(expr)?.text.trim() ?? '');
  if (!m) return null;
  for (const other of scan.files.filter((f) => f.dir === file.dir)) {
    const ns = topBlocks(other, 'resource').find((b) => blockLabels(b)[0] === m[1] && blockLabels(b)[1] === m[2]);
    if (ns) return resolveString(scan, other.dir, attr(nested(ns, ['metadata']), 'name'));
  }
  return null;
}

/**
 * A labels map whose every key and value literals prove; null otherwise (a partial selector would admit
 * more pods). `labels = local.labels` is followed to the one `locals` entry that sets it, as
 * tf-values.ts resolves a string local (review 3, finding 6).
 */
async function literalMap(scan: RepoScan, dir: string, expr: Node | undefined, depth = 0): Promise<Record<string, string> | null> {
  const obj = unwrap(expr);
  const local = /^local\.([A-Za-z_][\w-]*)$/.exec(obj?.text.trim() ?? '');
  if (local && depth < 4) return literalMap(scan, dir, localDefinition(scan, dir, local[1]!)?.value, depth + 1);
  if (!isObject(obj)) return null;
  const out: Record<string, string> = {};
  for (const elem of objectElems(obj)) {
    const value = await resolveString(scan, dir, objectElemValue(elem));
    const key = objectElemKey(elem);
    if (value === null || !key || /[${}]/.test(key)) return null;
    out[key] = value;
  }
  return Object.keys(out).length ? out : null;
}

export async function cloudflaredInTerraform(scan: RepoScan): Promise<CloudflaredWorkload[]> {
  const out: CloudflaredWorkload[] = [];
  for (const file of scan.files) {
    for (const block of topBlocks(file, 'resource')) {
      const [type, label] = blockLabels(block);
      const kind = KINDS[type ?? ''];
      const podSpec = nested(block, ['spec', 'template', 'spec']);
      if (!kind || !podSpec) continue;
      const images = await Promise.all(bodyBlocks(blockBody(podSpec), 'container').map((c) => resolveString(scan, file.dir, attr(c, 'image'))));
      if (!images.some((i) => i !== null && /cloudflared/.test(i))) continue;
      const metadata = nested(block, ['metadata']);
      const nsExpr = attr(metadata, 'namespace');
      const namespace = nsExpr ? ((await resolveString(scan, file.dir, nsExpr)) ?? (await namespaceRef(scan, file, nsExpr))) : 'default';
      const labels =
        (await literalMap(scan, file.dir, attr(nested(block, ['spec', 'template', 'metadata']), 'labels'))) ??
        (await literalMap(scan, file.dir, attr(nested(block, ['spec', 'selector']), 'match_labels')));
      const name = (await resolveString(scan, file.dir, attr(metadata, 'name'))) ?? `${type}.${label}`;
      // The NetworkPolicy's peer is namespace AND labels: half of it proven admits the wrong pods (or
      // none), so unproven labels carry neither half, and the report says why.
      const unproven = labels
        ? undefined
        : `cloudflared runs from ${type}.${label} (${file.relPath}), but its pod labels are not literals the repo proves, so the NetworkPolicy values cloudflared_namespace / cloudflared_pod_labels are left as they are; set them to what \`kubectl get pods -A --show-labels | grep cloudflared\` shows.`;
      out.push({ path: file.path, kind, name, namespace: labels ? namespace : null, labels: labels ?? {}, ...(unproven ? { unproven } : {}) });
    }
  }
  return out;
}
