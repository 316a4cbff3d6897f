// `docker-mcp status`: declared here, implemented in src/lifecycle/status.ts (loaded on use).
import { Option, type Command } from 'commander';

interface StatusFlags {
  target: 'kubectl' | 'docker';
  dir?: string;
  dockerHost?: string;
  context?: string;
  kubeconfig?: string;
  namespace: string;
  instance?: string;
  json?: boolean;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description("Show this install's objects, pods or containers, readiness and the gateway's /ready. Exit 1 when not ready.")
    .addOption(new Option('--target <target>', 'what to inspect').choices(['kubectl', 'docker']).default('kubectl'))
    .option('--dir <path>', 'docker: the folder with the rendered compose.yaml', '.')
    .option('--docker-host <url>', 'docker: Docker Engine endpoint (default: $DOCKER_HOST or the local socket)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--namespace <ns>', 'namespace of the install', 'homelab')
    .option('--instance <name>', 'app.kubernetes.io/instance of the install (default: every docker-mcp object)')
    .option('--json', 'machine-readable output')
    .action(async (flags: StatusFlags) => {
      if (flags.target === 'docker') {
        const { runDockerLifecycle } = await import('../../lifecycle/docker-target/cli.js');
        process.exitCode = await runDockerLifecycle('status', flags);
        return;
      }
      const { runStatus } = await import('../../lifecycle/status.js');
      process.exitCode = await runStatus(flags);
    });
}
