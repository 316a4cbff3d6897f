// kustomize's name suffix for generated ConfigMaps, and the reference rewrite that goes with it, so
// `docker-mcp apply --target kubectl` and `kubectl apply -k` create the same
// `<name>-<hash>` ConfigMap: a changed access.env then gives a new name, the Deployment's pod template
// changes with it and the pods restart (the point of the hash), and switching between the two tools
// leaves one ConfigMap, not two. Checked against kustomize's api/hasher/hasher.go (encodeConfigMap,
// encode) and, in test/unit/kustomize-hash.test.ts, against the real `kubectl kustomize` output.
import type { KubernetesObject } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';

/**
 * Go's json.Marshal of a string: like JSON.stringify, but HTML-safe (<, > and & as \u003c…) and
 * U+2028/U+2029 escaped; kustomize hashes Go's bytes, so one differing escape is another name.
 */
function goString(value: string): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Go's json.Marshal of a map[string]…: keys sorted by bytes, no spaces. */
function goJson(value: unknown): string {
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'boolean') return String(value);
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
  return `{${entries.map(([k, v]) => `${goString(k)}:${goJson(v)}`).join(',')}}`;
}

/**
 * The 10-character suffix kustomize appends to a generated ConfigMap's name. kustomize v5
 * (api/hasher encodeConfigMap) hashes the Go JSON of {"data","kind","name"} (+ "binaryData" when
 * present), but reads the name with a single-field lookup of "metadata/name", which never matches:
 * the name hashed is always "" (so two generators with equal data get equal suffixes, as
 * `kubectl kustomize` shows), and a ConfigMap without data hashes "data" as "".
 */
export function configMapHash(cm: { data?: Record<string, string>; binaryData?: Record<string, string> }): string {
  const encoded: Record<string, unknown> = { kind: 'ConfigMap', name: '', data: cm.data && Object.keys(cm.data).length ? cm.data : '' };
  if (cm.binaryData) encoded.binaryData = cm.binaryData;
  const hex = createHash('sha256').update(goJson(encoded)).digest('hex');
  // kustomize's encode(): vowels and vowel-like digits swapped so the suffix never spells a word.
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => swap[c] ?? c).join('');
}

type Ref = { name?: string } | undefined;
interface Container {
  envFrom?: { configMapRef?: Ref }[];
  env?: { valueFrom?: { configMapKeyRef?: Ref } }[];
}
interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: { configMap?: Ref; projected?: { sources?: { configMap?: Ref }[] } }[];
}

/** Every place a pod spec names a ConfigMap: the fields kustomize's name-reference config rewrites. */
function configMapRefs(pod: PodSpec | undefined): NonNullable<Ref>[] {
  if (!pod) return [];
  const containers = [...(pod.containers ?? []), ...(pod.initContainers ?? []), ...(pod.ephemeralContainers ?? [])];
  return [
    ...containers.flatMap((c) => (c.envFrom ?? []).map((e) => e.configMapRef)),
    ...containers.flatMap((c) => (c.env ?? []).map((e) => e.valueFrom?.configMapKeyRef)),
    ...(pod.volumes ?? []).map((v) => v.configMap),
    ...(pod.volumes ?? []).flatMap((v) => (v.projected?.sources ?? []).map((s) => s.configMap)),
  ].filter((r): r is NonNullable<Ref> => Boolean(r?.name));
}

function podSpecOf(obj: KubernetesObject): PodSpec | undefined {
  const spec = (obj as { spec?: { template?: { spec?: PodSpec }; jobTemplate?: { spec?: { template?: { spec?: PodSpec } } } } & PodSpec }).spec;
  if (obj.kind === 'Pod') return spec;
  return spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec;
}

/**
 * Gives each generated ConfigMap kustomize's hashed name and points every reference in the same
 * namespace at it (objects are changed in place).
 */
export function hashGeneratedNames(resources: KubernetesObject[], generated: KubernetesObject[]): void {
  for (const cm of generated) {
    const plain = cm.metadata!.name!;
    const hashed = `${plain}-${configMapHash(cm as Parameters<typeof configMapHash>[0])}`;
    const namespace = cm.metadata!.namespace;
    cm.metadata!.name = hashed;
    for (const obj of resources) {
      const objNamespace = obj.metadata?.namespace;
      if (namespace && objNamespace && namespace !== objNamespace) continue;
      for (const ref of configMapRefs(podSpecOf(obj))) if (ref.name === plain) ref.name = hashed;
    }
  }
}
