// The commander table. Each command module only declares its options and lazily imports its
// implementation in the action, so `init` never loads the gateway and vice versa.
import { Command } from 'commander';
import { packageVersion } from '../shared/version.js';
import { registerInit } from './commands/init.js';
import { registerServe } from './commands/serve.js';
import { registerImage } from './commands/image.js';
import { registerConnect } from './commands/connect.js';
import { registerPlan } from './commands/plan.js';
import { registerApply } from './commands/apply.js';
import { registerDestroy } from './commands/destroy.js';
import { registerStatus } from './commands/status.js';
import { registerDoctor } from './commands/doctor.js';

export function buildProgram(): Command {
  const program = new Command('docker-mcp')
    .description(
      // Commander wraps the description at 80 columns back to column 0, which broke the first line
      // mid-phrase: every line here stays under 80.
      'Remote Docker MCP gateway and its installer.\n\n' +
        '  docker-mcp init    render Terraform, Kubernetes YAML and Cloudflare changes\n' +
        '  docker-mcp serve   run the MCP gateway in front of a Docker Engine',
    )
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) })
    .exitOverride();
  registerServe(program);
  registerInit(program);
  registerImage(program);
  registerConnect(program);
  registerPlan(program);
  registerApply(program);
  registerDestroy(program);
  registerStatus(program);
  registerDoctor(program);
  return program;
}
