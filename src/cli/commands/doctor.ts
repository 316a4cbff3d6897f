// `docker-mcp doctor`: declared here, implemented in src/lifecycle/doctor.ts (loaded on use).
import type { Command } from 'commander';
// Type-only: the implementation module still loads only when the command runs.
import type { DoctorOptions } from '../../lifecycle/doctor.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Check what usually goes wrong (cluster, Pod Security, socket group, tunnel ingress, Access, DNS, gateway); each failure says how to fix it.')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--dir <path>', 'the docker-mcp init output folder whose install to check', '.')
    .option('--namespace <ns>', 'namespace of the install (default: the one rendered in --dir, else homelab)')
    .option('--instance <name>', 'app.kubernetes.io/instance of the install (default: the one rendered in --dir)')
    .option('--terraform-dir <dir>', 'homelab Terraform repo holding the tunnel config')
    .option('--cloudflared-config <path>', 'cloudflared ConfigMap YAML or config file (instead of --terraform-dir)')
    .option('--hostname <fqdn>', 'public hostname, e.g. docker-mcp.example.com (DNS check)')
    .option('--url <url>', 'external URL to check through the tunnel, e.g. https://docker-mcp.example.com')
    .option('--socket <path>', 'Docker socket on this node (group id check)', '/var/run/docker.sock')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExit codes: 0 no check failed (warnings allowed), 1 at least one check failed.\n')
    .action(async (flags: Omit<DoctorOptions, 'namespace'> & { namespace?: string; dir?: string }) => {
      const { renderChecks, runDoctor } = await import('../../lifecycle/doctor.js');
      const { describeScope, installScope } = await import('../../lifecycle/output-folder.js');
      // Run from an output folder, doctor checks that install, not the default namespace's.
      const scope = installScope(flags.dir ?? '.', flags);
      const { checks, code } = await runDoctor({ ...flags, ...scope });
      process.stdout.write(flags.json ? `${JSON.stringify({ install: scope, checks }, null, 2)}\n` : `Checking ${describeScope(scope)}.\n${renderChecks(checks)}`);
      process.exitCode = code;
    });
}
