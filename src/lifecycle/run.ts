// Dispatch for plan/apply/destroy, after the CLI has parsed flags.
import type { LifecycleAction, LifecycleFlags } from './flags.js';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST } from '../contract/output-manifest.js';
import { UsageError, type ExitCodeValue } from '../shared/errors.js';
import { KUSTOMIZATION_FILES } from './kustomization.js';
import { manifestHas, renderedTarget } from './output-folder.js';

/**
 * `docker-mcp plan` run from the folder init wrote (where NOTES.md is, and the default --dir) means
 * its terraform/ or kubernetes/ subfolder: init's manifest proves the layout, and the folder itself
 * holds neither a root module nor Kubernetes objects (docker-mcp.yaml is neither).
 */
export function resolveRenderedDir(dir: string, target: 'terraform' | 'kubectl', log: (line: string) => void = () => {}): string {
  const name = target === 'terraform' ? 'terraform' : 'kubernetes';
  const sub = join(dir, name);
  if (!existsSync(join(dir, MANIFEST))) return dir;
  // The manifest, not the folder: a later `init --target docker` can leave an emptied terraform/ behind.
  if (!existsSync(sub) || !manifestHas(dir, name)) {
    throw new UsageError(
      `${dir} is a docker-mcp init output folder without ${target === 'terraform' ? 'terraform/' : 'kubernetes/'}: re-run init with ` +
        `--format ${target === 'terraform' ? 'terraform' : 'yaml'} (or both), or use --target ${target === 'terraform' ? 'kubectl' : 'terraform'}` +
        // The YAML formats keep the Cloudflare side in a Terraform root of its own (NOTES.md applies it there).
        (target === 'terraform' && existsSync(join(dir, 'cloudflare', 'main.tf')) ? '; the Cloudflare side is its own Terraform root: --dir cloudflare' : ''),
    );
  }
  const own = target === 'terraform'
    ? readdirSync(dir).some((n) => n.endsWith('.tf'))
    : KUSTOMIZATION_FILES.some((f) => existsSync(join(dir, f)));
  if (own) return dir;
  log(`docker-mcp: ${dir} is a docker-mcp init output folder; using ${sub} (pass --dir to choose)`);
  return sub;
}

export async function runLifecycle(action: LifecycleAction, given: LifecycleFlags): Promise<ExitCodeValue> {
  // No --target: a `--target docker` output folder means docker (its compose.yaml), else terraform.
  const flags = { ...given, target: given.target ?? (renderedTarget(given.dir ?? '.') === 'docker' ? 'docker' : 'terraform') } as const;
  if (flags.target === 'docker') {
    const { runDockerLifecycle } = await import('./docker-target/cli.js');
    return runDockerLifecycle(action, flags);
  }
  const dir = resolveRenderedDir(flags.dir ?? '.', flags.target, (line) => process.stderr.write(`${line}\n`));
  if (flags.target === 'terraform') {
    const tf = await import('./terraform.js');
    const opts = { dir, yes: flags.yes, varFiles: flags.varFile };
    if (action === 'plan') return tf.terraformPlan(opts);
    return action === 'apply' ? tf.terraformApply(opts) : tf.terraformDestroy(opts);
  }
  const timeout = Number(flags.timeout ?? '300');
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got ${flags.timeout}`);
  const k = await import('./kubectl-target.js');
  const opts = {
    dir,
    context: flags.context,
    kubeconfig: flags.kubeconfig,
    namespace: flags.namespace,
    instance: flags.instance,
    yes: flags.yes,
    prune: flags.prune,
    timeoutSeconds: timeout,
    externalUrl: flags.externalUrl,
  };
  if (action === 'plan') return k.kubectlPlan(opts);
  return action === 'apply' ? k.kubectlApply(opts) : k.kubectlDestroy(opts);
}
