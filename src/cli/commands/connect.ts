// `docker-mcp connect <url>`: a stdio MCP server for clients that only spawn processes, bridged to a
// remote gateway. Options only; the bridge loads lazily. Secrets are best given by env, since
// command-line arguments are visible in the process list.
import { Option, type Command } from 'commander';
import { CONNECT_ENV } from '../../contract/connect-env.js';
import { PACKAGE_NAME } from '../../shared/package-name.js';
// Type only: the bridge itself still loads lazily, in the action.
import type { ConnectFlags } from '../../connect/command.js';

export function registerConnect(program: Command): void {
  program
    .command('connect')
    .description('Bridge a stdio MCP client to a remote gateway over Streamable HTTP (or WebSocket), reconnecting after drops.')
    .argument('<url>', 'gateway endpoint, e.g. https://docker-mcp.example.com/mcp (or wss://…/ws)')
    .addOption(new Option('--transport <kind>', 'http (Streamable HTTP) or ws (WebSocket); default from the URL scheme').choices(['http', 'ws']))
    .addOption(new Option('--token <token>', 'bearer token for the gateway (prefer the env var)').env(CONNECT_ENV.token))
    .addOption(new Option('--cf-access-client-id <id>', 'Cloudflare Access service token id').env(CONNECT_ENV.cfAccessClientId))
    .addOption(new Option('--cf-access-client-secret <secret>', 'Cloudflare Access service token secret (prefer the env var)').env(CONNECT_ENV.cfAccessClientSecret))
    .addOption(new Option('--queue-timeout <seconds>', 'how long a request waits for an unreachable gateway before it fails').default('30'))
    .addOption(new Option('--allow-insecure', 'allow credentials over plain http:// or ws:// to a non-loopback host'))
    .addOption(new Option('-q, --quiet', 'log only errors (stderr)'))
    .addOption(new Option('-v, --verbose', 'log debug detail (stderr; never credentials)'))
    .addHelpText(
      'after',
      '\nstdout carries MCP messages only; logs go to stderr.\n\n' +
        'Before bridging, connect sends the gateway one request. Exit codes:\n' +
        '  0  the client closed stdin (or SIGINT/SIGTERM)\n' +
        '  1  the gateway cannot be used as given, with the cause on one line: connection refused, DNS, TLS,\n' +
        '     no answer in 10 s, credentials refused (HTTP 401/403, a login redirect), nothing at the URL (404),\n' +
        '     or a proxy that cannot reach it (502/504/52x/530)\n' +
        '  2  invalid options or URL\n' +
        'Once bridged, a gateway that goes away is reconnected to; requests meanwhile wait --queue-timeout.\n\n' +
        'Client config example:\n' +
        `  { "command": "npx", "args": ["-y", "${PACKAGE_NAME}", "connect", "https://docker-mcp.example.com/mcp"],\n` +
        `    "env": { "${CONNECT_ENV.token}": "…" } }\n`,
    )
    .action(async (url: string, flags: ConnectFlags) => {
      const { runConnect } = await import('../../connect/command.js');
      await runConnect(url, flags);
    });
}
