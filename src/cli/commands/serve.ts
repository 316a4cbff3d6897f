// `docker-mcp serve`: options come from the settings table, so flags, env names and config keys
// can never drift apart.
import { Option, type Command } from 'commander';
import { setFlagsFromString } from 'node:v8';
import { envName, flagName, settingsTable } from '../../contract/settings.js';

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('Run the MCP gateway: Streamable HTTP at /mcp, WebSocket at /ws, POST /mcp/call, or --stdio.')
    .addHelpText(
      'after',
      '\nEvery option can also be set by env (DOCKER_MCP_<NAME>) or a config file key (<name>);\n' +
        'precedence is flag > env > config file > default.\n\n' +
        'Examples:\n' +
        '  docker-mcp serve                                   # http://127.0.0.1:8080/mcp, local socket\n' +
        '  DOCKER_HOST=tcp://10.0.0.5:2376 docker-mcp serve --docker-tls-verify --docker-cert-path ~/.docker\n' +
        '  docker-mcp serve --stdio                           # for a local client that spawns the gateway\n',
    );
  for (const spec of settingsTable) {
    const value = spec.kind === 'boolean' ? '[bool]' : `<${spec.kind === 'number' ? 'n' : 'value'}>`;
    const envs = [envName(spec.key), ...('envAliases' in spec ? spec.envAliases : [])].join(', ');
    const defaultText = 'default' in spec ? ` (default: ${spec.default})` : '';
    const option = new Option(`${flagName(spec.key)} ${value}`, `${spec.description} [env: ${envs}]${defaultText}`);
    command.addOption(option);
  }
  command.action(async (options: Record<string, unknown>) => {
    // Loading the gateway's modules allocates fast enough that V8 would grow the young generation
    // towards its 2 x 16 MB maximum, and those pages stay resident (~13 MB of idle RSS). So growth
    // is held while start-up loads modules, and allowed again (V8's default factor, 2) once it is
    // over: under calls a young generation stuck at its initial size spent ~9 % of the gateway's
    // CPU in scavenges. See docs/benchmarks.md.
    setFlagsFromString('--semi-space-growth-factor=1');
    const { runServe } = await import('../../gateway/main.js');
    await runServe(options, { onWarm: () => setFlagsFromString('--semi-space-growth-factor=2') });
  });
}
