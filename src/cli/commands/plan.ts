// `docker-mcp plan|apply|destroy --target terraform|kubectl`: options are declared here (cheap);
// the terraform runner and the Kubernetes client load only when the command runs.
import { Option, type Command } from 'commander';
// Type only: the runners still load lazily, in the action.
import type { LifecycleAction, LifecycleFlags } from '../../lifecycle/flags.js';

const DESCRIPTIONS: Record<LifecycleAction, string> = {
  plan: 'Show what apply would change. Exit code 0: nothing to do, 3: changes pending.',
  apply: 'Apply the Terraform module (terraform init, plan, apply) or the rendered YAML (server-side apply).',
  destroy: 'Remove what apply created (terraform destroy, or delete the objects labelled as this install).',
};

export function registerLifecycle(program: Command, action: LifecycleAction): void {
  const command = program
    .command(action)
    .description(DESCRIPTIONS[action])
    .addOption(new Option('--target <target>', 'what to drive (default: docker in a `docker-mcp init --target docker` output folder, else terraform)').choices(['terraform', 'kubectl', 'docker']))
    .option('--dir <path>', 'terraform: the root module directory; kubectl: the directory of rendered YAML; docker: the folder with compose.yaml', '.')
    .option('--docker-host <url>', 'docker: Docker Engine endpoint (default: $DOCKER_HOST or the local socket)')
    .option('--json', 'docker: machine-readable result')
    .option('--context <name>', 'kubectl: kubeconfig context (default: the current one)')
    .option('--kubeconfig <file>', 'kubectl: kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--namespace <ns>', 'kubectl: namespace for objects that do not name one')
    .option('--instance <name>', 'kubectl: app.kubernetes.io/instance of this install (default: from the rendered objects)');
  if (action !== 'plan') command.option('-y, --yes', 'do not ask before changing anything (needed without a terminal)');
  if (action !== 'destroy') {
    command
      .option('--var-file <file...>', 'terraform: extra -var-file arguments')
      .option('--no-prune', 'kubectl: keep objects from earlier applies that are no longer rendered');
  }
  if (action === 'apply') {
    command
      .option('--timeout <seconds>', 'kubectl: how long to wait for the rollout', '300')
      .option('--external-url <url>', 'kubectl: also check https://<hostname>/health through the tunnel');
  }
  command.addHelpText(
    'after',
    '\nExit codes: 0 ok, 1 failed, 2 bad usage, 3 plan found changes, 130 interrupted.\n' +
      'Terraform runs non-interactively (-input=false); apply/destroy apply a saved plan after you confirm.\n',
  );
  command.action(async (flags: LifecycleFlags) => {
    const { runLifecycle } = await import('../../lifecycle/run.js');
    process.exitCode = await runLifecycle(action, flags);
  });
}

export function registerPlan(program: Command): void {
  registerLifecycle(program, 'plan');
}
