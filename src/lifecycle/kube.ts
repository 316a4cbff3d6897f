// Kubeconfig loading and the few API helpers the kubectl target, status and doctor share.
import { ApiException, KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { UsageError } from '../shared/errors.js';
import { isKustomization, readKustomization } from './kustomization.js';
import { hashGeneratedNames } from './kustomize-hash.js';

export const FIELD_MANAGER = 'docker-mcp';
export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const INSTANCE = 'app.kubernetes.io/instance';

export interface KubeOptions {
  /** kubeconfig context; default: the current context. */
  context?: string;
  /** kubeconfig file; default: $KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string;
}

/**
 * A kubeconfig problem that is the user's setup, not the cluster's: exit 2 like any bad input (the
 * README's exit-code table), and doctor shows `reason` as the failed check and `fix` as its fix.
 */
export class KubeConfigError extends UsageError {
  constructor(
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`${reason}: ${fix}`);
  }
}

export function loadKubeConfig(opts: KubeOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (error) {
    throw new KubeConfigError(
      `could not read the kubeconfig ${opts.kubeconfig ?? process.env.KUBECONFIG ?? '~/.kube/config'} (${kubeconfigProblem(opts.kubeconfig) ?? (error as Error).message})`,
      'fix the file (`kubectl config view` shows what kubectl makes of it) or pass --kubeconfig <file>',
    );
  }
  // With no kubeconfig anywhere (and not in a pod), the client falls back to http://localhost:8080,
  // which then fails with "HTTP protocol is not allowed when skipTLSVerify is not set".
  if (!opts.kubeconfig && kc.getCurrentContext() === 'loaded-context' && kc.getCurrentCluster()?.server === 'http://localhost:8080') {
    throw new KubeConfigError(
      `no kubeconfig found (${process.env.KUBECONFIG ? `KUBECONFIG=${process.env.KUBECONFIG}` : '~/.kube/config does not exist and KUBECONFIG is not set'})`,
      'copy your cluster\'s kubeconfig there (k3s: /etc/rancher/k3s/k3s.yaml), set KUBECONFIG, or pass --kubeconfig <file>',
    );
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const names = kc.getContexts().map((c) => c.name);
      throw new KubeConfigError(`kubeconfig has no context "${opts.context}"${names.length ? ` (have: ${names.join(', ')})` : ''}`, 'pass one of those to --context (`kubectl config get-contexts` lists them)');
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw missingCluster(kc);
  allowPlainHttp(kc);
  return kc;
}

/**
 * What is wrong with the file(s), said for people: the client library reads an empty or non-mapping
 * file as `undefined` and fails with "Cannot read properties of undefined (reading 'clusters')"
 * (review 3, finding 5). null when the files look like kubeconfigs (the library's message stands).
 */
function kubeconfigProblem(file: string | undefined): string | null {
  const files = file ? [file] : process.env.KUBECONFIG ? process.env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(homedir(), '.kube', 'config')];
  for (const path of files.filter((f) => existsSync(f) && statSync(f).isFile())) {
    const text = readFileSync(path, 'utf8');
    const it = files.length > 1 ? path : 'the file';
    if (!text.trim()) return `${it} is empty`;
    const docs = parseAllDocuments(text);
    const doc = Array.isArray(docs) ? docs[0] : undefined;
    if (!doc || doc.errors.length) return `${it} is not valid YAML${doc?.errors[0] ? `: ${doc.errors[0].message.split('\n')[0]}` : ''}`;
    const value: unknown = doc.toJS();
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${it} is not a kubeconfig: expected a YAML mapping with clusters, contexts and users`;
  }
  return null;
}

/** Why there is no cluster to talk to, naming what the kubeconfig lacks. */
function missingCluster(kc: KubeConfig): KubeConfigError {
  const name = kc.getCurrentContext();
  const context = name ? kc.getContextObject(name) : null;
  if (!name) return new KubeConfigError('the kubeconfig sets no current context', 'set one (`kubectl config use-context <name>`) or pass --context');
  if (!context) return new KubeConfigError(`the kubeconfig's current context "${name}" is not among its contexts`, 'pick one that exists (`kubectl config get-contexts`, then `kubectl config use-context <name>`) or pass --context');
  return new KubeConfigError(
    `context "${name}" names cluster "${context.cluster}", which the kubeconfig's clusters do not have${kc.getClusters().length ? ` (have: ${kc.getClusters().map((c) => c.name).join(', ')})` : ''}`,
    `add it (\`kubectl config set-cluster ${context.cluster} --server=https://<host>:6443\`) or point the context at an existing one (\`kubectl config set-context ${name} --cluster=<name>\`)`,
  );
}

/**
 * kubectl talks plain HTTP to an `http://` server (a `kubectl proxy` endpoint, a local test API
 * server); the client library refuses unless insecure-skip-tls-verify is set, an internal rule with
 * nothing to verify on plain HTTP. Setting it for http:// clusters only makes the library do what
 * kubectl does; https:// clusters keep their TLS verification untouched.
 */
function allowPlainHttp(kc: KubeConfig): void {
  kc.clusters = kc.clusters.map((c) => (c.server.startsWith('http:') && !c.skipTLSVerify ? { ...c, skipTLSVerify: true } : c));
}

/** Kubernetes API errors as one line: `404 NotFound: deployments.apps "x" not found`. */
export function apiError(error: unknown): string {
  if (error instanceof ApiException) {
    const body = (typeof error.body === 'string' ? safeJson(error.body) : error.body) as { message?: string; reason?: string } | undefined;
    return `${error.code} ${body?.reason ?? ''}: ${body?.message ?? String(error.body).slice(0, 200)}`.trim();
  }
  const e = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  return e.cause?.code ? `${e.cause.code} ${e.message}` : (e.message ?? String(error));
}

export function statusCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}

/**
 * Every object in a directory of rendered YAML (or one file); `kind: List` is expanded. A directory
 * with a kustomization.yaml (what init renders) gives what `kubectl apply -k` would: its resources
 * and generated ConfigMaps with kustomize's hashed names (./kustomization.ts); the kustomization itself
 * is never an object.
 */
export function readManifests(path: string): KubernetesObject[] {
  if (!existsSync(path)) throw new UsageError(`${path} does not exist: render the Kubernetes YAML first (docker-mcp init --format yaml)`);
  const isDir = statSync(path).isDirectory();
  const kustomization = isDir ? readKustomization(path) : undefined;
  const files = kustomization
    ? kustomization.resources
    : isDir
      ? readdirSync(path)
          .filter((n) => /\.ya?ml$/.test(n))
          .sort()
          .map((n) => join(path, n))
      : [path];
  const objects: KubernetesObject[] = [];
  for (const file of files) {
    if (!existsSync(file)) throw new UsageError(`${kustomization?.file ?? path} lists ${file}, which does not exist`);
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (doc.errors.length) throw new UsageError(`${file}: ${doc.errors[0]!.message}`);
      const value = doc.toJS() as (KubernetesObject & { items?: KubernetesObject[] }) | null;
      if (!value || isKustomization(value)) continue;
      for (const obj of value.kind === 'List' ? (value.items ?? []) : [value]) {
        if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) {
          throw new UsageError(`${file}: every object needs apiVersion, kind and metadata.name`);
        }
        objects.push(obj);
      }
    }
  }
  if (kustomization) {
    hashGeneratedNames(objects, kustomization.generated);
    objects.push(...kustomization.generated);
  }
  if (!objects.length) throw new UsageError(`no Kubernetes objects found in ${path}`);
  return objects;
}
