// What a folder `docker-mcp init` wrote says about the install, so plan/status/doctor run there act
// on that install: its target (manifestTarget, src/contract/output-manifest.ts; init's re-runs use it too) and its
// namespace and instance (the rendered Kubernetes objects, else the answers in docker-mcp.yaml). Outside an output folder nothing is known and the defaults apply.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { MANIFEST, manifestTarget, readManifest } from '../contract/output-manifest.js';
import { KUSTOMIZATION_FILES, isKustomization } from './kustomization.js';
import { moduleCallInstall } from './module-call-install.js';

export type RenderedTarget = 'docker' | 'kubernetes';

/** kube.ts's INSTANCE, not imported: that would load the Kubernetes client for the docker target too. */
const INSTANCE = 'app.kubernetes.io/instance';
/** variables.ts's default for namespace and project_name (the instance label). */
const DEFAULT_NAME = 'homelab';

/** The target init rendered into dir, or undefined when dir is no output folder. */
export function renderedTarget(dir: string): RenderedTarget | undefined {
  return manifestTarget(dir) ?? (existsSync(join(dir, 'compose.yaml')) ? 'docker' : undefined);
}

/** Did init's last run in dir render files under sub/ (a left-over empty folder does not count)? */
export function manifestHas(dir: string, sub: string): boolean {
  const manifest = readManifest(dir);
  return !manifest || Object.keys(manifest.files).some((f) => f.startsWith(`${sub}/`));
}

export interface RenderedInstall {
  namespace?: string;
  instance?: string;
  /** Where they were read, for the user: `kubernetes/ in .`, `docker-mcp.yaml in out`. */
  source: string;
}

/** The one value the objects agree on, or undefined (none, or several installs in one folder). */
function single(values: (string | undefined)[]): string | undefined {
  const set = new Set(values.filter((v): v is string => Boolean(v)));
  return set.size === 1 ? [...set][0] : undefined;
}

function fromObjects(dir: string, label: string): RenderedInstall | undefined {
  const objects = readdirSync(dir)
    .filter((n) => /\.ya?ml$/.test(n) && !KUSTOMIZATION_FILES.includes(n))
    .flatMap((n) => {
      try {
        return parseAllDocuments(readFileSync(join(dir, n), 'utf8')).map((d) => d.toJS() as { kind?: string; metadata?: { namespace?: string; labels?: Record<string, string> } } | null);
      } catch {
        return []; // Unreadable YAML is plan's business; here it only cannot tell the install.
      }
    })
    .filter((o): o is NonNullable<typeof o> => Boolean(o?.kind) && !isKustomization(o as { kind?: string }));
  const namespace = single(objects.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata?.namespace));
  const instance = single(objects.map((o) => o.metadata?.labels?.[INSTANCE]));
  return namespace || instance ? { namespace, instance, source: label } : undefined;
}

/**
 * The namespace and instance of the install rendered in dir (an output folder or its kubernetes/),
 * or undefined when dir holds none.
 */
export function renderedInstall(dir: string): RenderedInstall | undefined {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
  const show = (sub: string): string => `${sub}${relative(process.cwd(), dir) || '.'}`;
  if (KUSTOMIZATION_FILES.some((f) => existsSync(join(dir, f)))) return fromObjects(dir, show('the rendered YAML in '));
  if (!existsSync(join(dir, MANIFEST))) return undefined;
  const kube = join(dir, 'kubernetes');
  if (manifestHas(dir, 'kubernetes') && existsSync(kube)) {
    const found = fromObjects(kube, show('kubernetes/ in '));
    if (found) return found;
  }
  // --format terraform: the answers init saved (project_name is the instance label; both default to homelab).
  const answers = join(dir, 'docker-mcp.yaml');
  if (!existsSync(answers)) return undefined;
  try {
    const yaml = (parse(readFileSync(answers, 'utf8')) ?? {}) as { namespace?: unknown; project_name?: unknown };
    const text = (v: unknown): string => (typeof v === 'string' && v ? v : DEFAULT_NAME);
    return { namespace: text(yaml.namespace), instance: text(yaml.project_name), source: show('docker-mcp.yaml in ') };
  } catch {
    return undefined;
  }
}

export interface InstallScope {
  namespace: string;
  instance?: string;
  /** Where the namespace came from, shown with it. */
  from: string;
}

/** status/doctor: flags win, then the install rendered in dir, then the defaults (namespace homelab, every instance). */
export function installScope(dir: string, flags: { namespace?: string; instance?: string; terraformDir?: string }): InstallScope {
  // After `init --terraform-dir` there is no output folder: the repo's docker-mcp.tf tells the install (review 4 #9).
  const fromCall = (): RenderedInstall | undefined => moduleCallInstall(flags.terraformDir ?? dir) ?? (flags.terraformDir ? moduleCallInstall(dir) : undefined);
  const rendered = flags.namespace && flags.instance ? undefined : (renderedInstall(dir) ?? fromCall());
  const namespace = flags.namespace ?? rendered?.namespace ?? DEFAULT_NAME;
  const from = flags.namespace ? '--namespace' : rendered?.namespace ? `from ${rendered.source}` : `the default: no docker-mcp init output in ${dir}`;
  // --namespace of another install: the rendered instance label is not that install's.
  const instance = flags.instance ?? (flags.namespace && flags.namespace !== rendered?.namespace ? undefined : rendered?.instance);
  return { namespace, instance, from };
}

/** One line for the output: `namespace team-a, instance proj (from kubernetes/ in .)`. */
export function describeScope(scope: InstallScope): string {
  return `namespace ${scope.namespace}${scope.instance ? `, instance ${scope.instance}` : ''} (${scope.from})`;
}
