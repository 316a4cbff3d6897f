// Which cluster the rendered root module deploys to, found out once at `init` time (a side effect, so
// it lives here and never in the pure renderers): the kubeconfig in use and its current context,
// written into terraform.tfvars so a later `terraform apply` does not follow whatever context happens
// to be current by then.
import { execFileSync } from 'node:child_process';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { Origin } from '../../config/sources.js';
import type { VarValue } from '../../config/variables.js';

/** `~/x` -> `$HOME/x`, as the Kubernetes provider and kubectl read it. */
export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
}

/**
 * `kubectl config current-context` against that kubeconfig, or '' when there is none (no kubectl, no
 * kubeconfig, no current context). Bounded: a kubeconfig exec plugin must not hang init.
 */
export function currentKubeContext(kubeconfig: string): string {
  try {
    const out = execFileSync('kubectl', ['--kubeconfig', expandHome(kubeconfig), 'config', 'current-context'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
    return out.trim();
  } catch {
    return '';
  }
}

/**
 * Fills kube_context (and kubeconfig_path from a single-file $KUBECONFIG, as k3s users have it) when
 * the user gave neither flag, env nor config key, so prompts and terraform.tfvars start from the
 * cluster kubectl talks to right now. Values the user gave are never replaced.
 */
export function detectKubeTarget(
  values: Record<string, VarValue>,
  origins: Record<string, Origin>,
  env: NodeJS.ProcessEnv,
  detect: (kubeconfig: string) => string = currentKubeContext,
): void {
  const fromEnv = env.KUBECONFIG;
  if (origins.kubeconfig_path === 'default' && fromEnv && !fromEnv.includes(':')) {
    values.kubeconfig_path = isAbsolute(fromEnv) ? fromEnv : resolve(fromEnv);
  }
  if (origins.kube_context === 'default' && typeof values.kubeconfig_path === 'string') {
    values.kube_context = detect(values.kubeconfig_path);
  }
}
