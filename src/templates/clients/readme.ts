// Which URL the client configs point at and why, said once and shown in two places: NOTES.md and
// clients/README.md (the JSON configs cannot hold a comment, so the port-forward command a
// Kubernetes render without a tunnel needs is written beside them in that README).
import type { InstallConfig } from '../../config/schema.js';
import { CONNECT_ENV } from '../../contract/connect-env.js';
import { names, usesAccess, usesBearer } from '../model.js';
import { PACKAGE_NAME } from '../../shared/package-name.js';
import { kubectl } from '../notes-cluster.js';
import type { Endpoint } from './index.js';

export type ClientTarget = 'kubernetes' | 'docker';

/**
 * `kubectl port-forward` to the rendered Service (same namespace, name and port as
 * kubernetes/service.yaml; the cluster and kubeconfig init recorded), so the gateway answers on
 * 127.0.0.1:<port> of the machine that runs it. Bearer auth still applies: the gateway decides that by
 * its bind address (0.0.0.0 in the pod), not by where a connection comes from.
 */
export function portForwardCommand(c: InstallConfig): string {
  return `${kubectl(c)} -n ${c.namespace} port-forward svc/${names(c).name} ${c.port}:${c.port}`;
}

/** Why the tunnel URL is missing, in the words of the setting that would add it. */
function noTunnelBecause(c: InstallConfig): string {
  return c.domain_suffix === ''
    ? 'no domain was given (domain_suffix is empty), so there is no tunnel URL; re-run init with `--domain-suffix <your domain>` to render configs for the Cloudflare Tunnel URL instead'
    : 'the tunnel is off (enable_cloudflare_tunnel = false), so there is no tunnel URL';
}

/** One paragraph: the URL(s) the configs use, why, and what must run first. */
export function reachabilityNote(c: InstallConfig, target: ClientTarget): string {
  const n = names(c);
  const local = `http://127.0.0.1:${c.port}/mcp`;
  if (target === 'docker') {
    const remote = n.externalUrl ? ` and the tunnel URL ${n.externalUrl}/mcp (reachable from anywhere once the tunnel runs)` : '';
    return (
      `The client configs use ${local}${remote}. compose.yaml publishes the gateway's port ${c.port} on 127.0.0.1 of the Docker host ` +
      `only, so the local URL answers on that host (from another machine: \`ssh -N -L ${c.port}:127.0.0.1:${c.port} <docker host>\` first)` +
      `${n.externalUrl ? '' : `; ${noTunnelBecause(c)}`}.`
    );
  }
  const forward = `\`${portForwardCommand(c)}\``;
  if (n.externalUrl) {
    return (
      `The client configs use the tunnel URL ${n.externalUrl}/mcp: a domain was given, so Cloudflare Tunnel makes the gateway reachable from ` +
      `anywhere. Before the tunnel is up (or to bypass it), run ${forward} and point a client at ${local} instead. The in-cluster URL ` +
      `${n.serviceUrl}/mcp resolves only inside the cluster.`
    );
  }
  return (
    `The client configs use ${local}, the local end of ${forward}: run that first on the machine the client runs on (it needs a ` +
    `kubeconfig for the cluster) and leave it running. The in-cluster URL ${n.serviceUrl}/mcp resolves only inside the cluster, and ` +
    `${noTunnelBecause(c)}.`
  );
}

const FILES: readonly (readonly [string, string])[] = [
  ['claude-desktop.json', `Claude Desktop (\`mcpServers\`; a stdio bridge: \`npx -y ${PACKAGE_NAME} connect <url>\`)`],
  ['claude-code.sh', 'Claude Code (`claude mcp add --transport http`)'],
  ['vscode-mcp.json', 'VS Code (`.vscode/mcp.json`; prompts for the secrets)'],
  ['cursor-mcp.json', 'Cursor (`~/.cursor/mcp.json`; reads the secrets from the environment)'],
  ['curl.sh', 'curl smoke tests (health, then `POST /mcp/call`)'],
];

export function clientsReadme(c: InstallConfig, eps: Endpoint[], target: ClientTarget): string {
  const secrets = [
    ...(usesBearer(c) ? [`\`${CONNECT_ENV.token}\` (the bearer token)`] : []),
    ...(usesAccess(c) && eps.some((e) => e.edge)
      ? [`\`${CONNECT_ENV.cfAccessClientId}\` and \`${CONNECT_ENV.cfAccessClientSecret}\` (the Cloudflare Access service token, tunnel URL only)`]
      : []),
  ];
  const forward = eps.find((e) => e.portForward)?.portForward;
  return [
    '# Client configs',
    '',
    reachabilityNote(c, target),
    '',
    ...(forward ? ['```sh', forward, '```', ''] : []),
    ...eps.map((e) => `- \`${e.id}\`: ${e.url} — ${e.label}`),
    '',
    ...FILES.map(([file, what]) => `- ${file}: ${what}`),
    '',
    secrets.length ? `No file holds a secret: export ${secrets.join(' and ')} first.` : 'No file holds a secret.',
    '',
  ].join('\n');
}
