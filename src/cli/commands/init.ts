// `docker-mcp init`: options come from the variables table (so flags, env names and docker-mcp.yaml
// keys cannot drift); the implementation is imported lazily so `--help` stays fast and `init`
// never loads the gateway.
import { Option, type Command } from 'commander';
import { ENV_PREFIX, LEGACY_ENV_PREFIX, envFor, flagFor, variablesTable } from '../../config/variables.js';
import { packageVersion } from '../../shared/version.js';

export function registerInit(program: Command): void {
  const command = program
    .command('init')
    .description('Render the Terraform module, Kubernetes YAML, Cloudflare Tunnel changes and client configs (or a compose.yaml with --target docker).')
    .option('-o, --output-dir <dir>', 'where to write', './docker-mcp')
    .addOption(new Option('--target <target>', 'where the gateway runs: a Kubernetes cluster, or plain Docker (compose.yaml); default: what the output dir was rendered for, else kubernetes').choices(['kubernetes', 'docker']))
    // No commander default: init must tell "--format given" (refused with --target docker) from unset.
    .addOption(new Option('--format <format>', 'what to render for --target kubernetes (default: both)').choices(['terraform', 'yaml', 'both']))
    .option('--single-file', 'with --target kubernetes: write the Kubernetes objects as one multi-document YAML file')
    .option('-y, --yes', 'no prompts: take flags, env, docker-mcp.yaml and defaults (also when CI is set, not false/0, or stdin is not a TTY)')
    .option('--dry-run', 'print a unified diff of what would change and write nothing (exit 3 when there are changes)')
    .option('--force', 'overwrite files that were edited since docker-mcp wrote them')
    .option('--json', 'print a machine-readable result on stdout')
    .option('-c, --config <file>', 'answers file (default: ./docker-mcp.yaml, then <output-dir>/docker-mcp.yaml)')
    .option('--terraform-dir <repo>', 'add the gateway to an existing Terraform repo instead: the module, docker-mcp.tf, the tunnel ingress rule and DNS entry (shows the diff and asks; with --json, CI or no terminal it needs --yes)')
    .option('--cloudflared-configmap <file>', 'with --terraform-dir: put the ingress rule into this cloudflared ConfigMap/config YAML instead of the Terraform tunnel config')
    .addHelpText(
      'after',
      `\nEvery variable can also be set by env (${ENV_PREFIX}<NAME>) or a docker-mcp.yaml key (<name>);\n` +
        'precedence is flag > env > config file > default. Lists are comma separated, maps key=value,…\n' +
        `init reads only ${ENV_PREFIX}*: serve's ${LEGACY_ENV_PREFIX}<NAME> (e.g. ${LEGACY_ENV_PREFIX}PORT) is ignored\n` +
        '(a warning names it), so a shell set up for a local gateway does not change what init renders.\n\n' +
        'Interactive runs (a terminal, no --yes/--json/CI) send you back to an answer that can fix a broken\n' +
        'rule ("Change which answer?" when several can), show the choices and the files before writing and\n' +
        'ask (Y/n), and save the answers as they go ($XDG_STATE_HOME/docker-mcp, else ~/.local/state/docker-mcp)\n' +
        'so Ctrl+C can be resumed. A rule no answer can fix is exit 2 (before any question when flags/env break it).\n' +
        '--terraform-dir edits your repo: with --json, CI or no terminal it refuses (exit 2) unless --yes is\n' +
        'given (or --dry-run, to see the diff).\n\n' +
        'Exit codes: 0 ok / up to date, 2 invalid input (nothing written), 3 --dry-run found changes or the\n' +
        'confirmation was declined (nothing written),\n' +
        '4 a file was edited by hand (re-run with --force after reading the diff), 5 --terraform-dir: the\n' +
        'tunnel config was not recognised or not safe to patch (nothing written; the reason and a snippet to paste are printed), 130 interrupted.\n\n' +
        'Examples:\n' +
        '  docker-mcp init --yes                                   # defaults into ./docker-mcp\n' +
        '  docker-mcp init --yes --domain-suffix example.com --replicas 2 --node-name node1\n' +
        '  docker-mcp init --yes --domain-suffix example.com --enable-network-policy \\\n' +
        '    --cloudflared-namespace cloudflared --cloudflared-pod-labels app.kubernetes.io/name=cloudflared\n' +
        '  docker-mcp init --yes --domain-suffix example.com --auth-mode both --cf-access-team myteam \\\n' +
        '    --allowed-email-domains example.com                  # Access app created in the same apply\n' +
        '  docker-mcp init --yes --domain-suffix example.com --create-tunnel   # a tunnel and connector of its own\n' +
        '  docker-mcp init --dry-run --yes --enable-metrics        # what would change\n' +
        '  docker-mcp init --yes --target docker                   # compose.yaml for plain Docker\n' +
        '  docker-mcp init --terraform-dir ~/homelab --domain-suffix example.com   # patch an existing repo\n',
    );
  for (const spec of variablesTable(packageVersion())) {
    const value = spec.type === 'bool' ? '[bool]' : `<${spec.type === 'number' ? 'n' : spec.type === 'string' ? 'value' : spec.type === 'map(string)' ? 'k=v,…' : 'a,b,…'}>`;
    const shown = typeof spec.default === 'object' ? JSON.stringify(spec.default) : String(spec.default);
    // A structured list's item syntax (tolerations, node affinity, NetworkPolicy peers) is what a
    // newcomer cannot guess from `<a,b,…>`: say it, as the docs and the validation errors do.
    const items = spec.structured ? `; each item ${spec.structured.syntax.replace(/`/g, '')}` : '';
    command.addOption(new Option(`${flagFor(spec.name)} ${value}`, `${spec.description}${items} [env: ${envFor(spec.name)}] (default: ${shown || '""'})`));
  }
  command.action(async (options: Record<string, unknown>) => {
    const { runInit } = await import('./init-run.js');
    await runInit(options);
  });
}
