// `docker-mcp status`: declared here, implemented in src/lifecycle/status.ts (loaded on use).
import { Option, type Command } from 'commander';

interface StatusFlags {
  target?: 'kubectl' | 'docker';
  dir?: string;
  dockerHost?: string;
  context?: string;
  kubeconfig?: string;
  namespace?: string;
  instance?: string;
  json?: boolean;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description("Show this install's objects, pods or containers, readiness and the gateway's /ready. Exit 1 when not ready.")
    .addOption(new Option('--target <target>', 'what to inspect (default: what --dir was rendered for by docker-mcp init, else kubectl)').choices(['kubectl', 'docker']))
    .option('--dir <path>', 'the docker-mcp init output folder (docker: the folder with compose.yaml)', '.')
    .option('--docker-host <url>', 'docker: Docker Engine endpoint (default: $DOCKER_HOST or the local socket)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--namespace <ns>', 'namespace of the install (default: the one rendered in --dir, else homelab)')
    .option('--instance <name>', 'app.kubernetes.io/instance of the install (default: the one rendered in --dir, else every docker-mcp object)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExit codes: 0 ready, 1 not ready or the cluster failed to answer, 2 bad usage (a missing or unusable kubeconfig, an unknown --context).\n')
    .action(async (flags: StatusFlags) => {
      const dir = flags.dir ?? '.';
      const { installScope, renderedTarget } = await import('../../lifecycle/output-folder.js');
      // Run in a `--target docker` output folder, status inspects those containers, not a cluster.
      if ((flags.target ?? (renderedTarget(dir) === 'docker' ? 'docker' : 'kubectl')) === 'docker') {
        const { runDockerLifecycle } = await import('../../lifecycle/docker-target/cli.js');
        process.exitCode = await runDockerLifecycle('status', flags);
        return;
      }
      const { runStatus } = await import('../../lifecycle/status.js');
      process.exitCode = await runStatus({ ...flags, ...installScope(dir, flags) });
    });
}
