// `docker-mcp status`: declared here, implemented in src/lifecycle/status.ts (loaded on use).
import type { Command } from 'commander';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description("Show this install's Kubernetes objects, pods, readiness and the gateway's /ready. Exit 1 when not ready.")
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--namespace <ns>', 'namespace of the install', 'homelab')
    .option('--instance <name>', 'app.kubernetes.io/instance of the install (default: every docker-mcp object)')
    .option('--json', 'machine-readable output')
    .action(async (flags: { context?: string; kubeconfig?: string; namespace: string; instance?: string; json?: boolean }) => {
      const { runStatus } = await import('../../lifecycle/status.js');
      process.exitCode = await runStatus(flags);
    });
}
