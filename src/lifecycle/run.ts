// Dispatch for plan/apply/destroy, after the CLI has parsed flags.
import type { LifecycleAction, LifecycleFlags } from '../cli/commands/plan.js';
import { UsageError, type ExitCodeValue } from '../cli/errors.js';

export async function runLifecycle(action: LifecycleAction, flags: LifecycleFlags): Promise<ExitCodeValue> {
  const dir = flags.dir ?? '.';
  if (flags.target === 'docker') {
    const { runDockerLifecycle } = await import('./docker-target/cli.js');
    return runDockerLifecycle(action, flags);
  }
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
