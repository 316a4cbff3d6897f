// Kubeconfig loading and the few API helpers the kubectl target, status and doctor share.
import { ApiException, KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CliError, UsageError } from '../cli/errors.js';
import { isKustomization, readKustomization } from './kustomization.js';

export const FIELD_MANAGER = 'docker-mcp';
export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const INSTANCE = 'app.kubernetes.io/instance';

export interface KubeOptions {
  /** kubeconfig context; default: the current context. */
  context?: string;
  /** kubeconfig file; default: $KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string;
}

export function loadKubeConfig(opts: KubeOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (error) {
    throw new CliError(`could not read the kubeconfig: ${(error as Error).message}`);
  }
  // With no kubeconfig anywhere (and not in a pod), the client falls back to http://localhost:8080,
  // which then fails with "HTTP protocol is not allowed when skipTLSVerify is not set".
  if (!opts.kubeconfig && kc.getCurrentContext() === 'loaded-context' && kc.getCurrentCluster()?.server === 'http://localhost:8080') {
    throw new CliError(
      `no kubeconfig found (${process.env.KUBECONFIG ? `KUBECONFIG=${process.env.KUBECONFIG}` : '~/.kube/config does not exist and KUBECONFIG is not set'}): ` +
        'copy your cluster\'s kubeconfig there (k3s: /etc/rancher/k3s/k3s.yaml) or pass --kubeconfig <file>.',
    );
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const names = kc.getContexts().map((c) => c.name);
      throw new UsageError(`kubeconfig has no context "${opts.context}"${names.length ? ` (have: ${names.join(', ')})` : ''}`);
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new CliError('no Kubernetes cluster configured: set a current context (`kubectl config use-context <name>`) or pass --context.');
  }
  return kc;
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
 * and generated ConfigMaps (./kustomization.ts); the kustomization itself is never an object.
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
  objects.push(...(kustomization?.generated ?? []));
  if (!objects.length) throw new UsageError(`no Kubernetes objects found in ${path}`);
  return objects;
}
