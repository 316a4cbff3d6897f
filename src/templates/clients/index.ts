// Client configurations for the gateway's endpoints: only URLs a laptop can reach (the tunnel URL when
// one is rendered; otherwise a `kubectl port-forward` on loopback for Kubernetes, or the port compose
// publishes on loopback for the docker target). The in-cluster Service URL stays in NOTES.md: it
// resolves only inside the cluster, so a config pointing at it would fail from anywhere a client runs. Tokens are never rendered: each config
// reads them from the environment or prompts for them, under the env names `docker-mcp connect`
// reads (CONNECT_ENV), so the stdio bridge and the HTTP clients share one set of names.
import type { InstallConfig } from '../../config/schema.js';
import { CONNECT_ENV } from '../../contract/connect-env.js';
import { PACKAGE_NAME } from '../../shared/package-name.js';
import { names, usesAccess, usesBearer } from '../model.js';
import { clientsReadme, portForwardCommand, type ClientTarget } from './readme.js';

export interface Endpoint {
  id: string;
  url: string;
  /** Cloudflare Access applies only at the edge, i.e. to the external URL. */
  edge: boolean;
  /** Where a person can reach it from, for the comments in the shell scripts. */
  label: string;
  /** The command that must run first for the URL to answer (a Kubernetes render without a tunnel). */
  portForward?: string;
}

export { PACKAGE_NAME };

/**
 * NOTES.md writes this project's commands as `docker-mcp …`; someone who rendered with
 * `npx docker-mcp-gateway init` has no `docker-mcp` on PATH, and `npx docker-mcp` would run the
 * unrelated registry package. One line, under the NOTES.md heading, says how to run them.
 */
export const COMMAND_NOTE =
  `\`docker-mcp …\` below is this project's command: install it with \`npm install -g ${PACKAGE_NAME}\`, or run each as ` +
  `\`npx ${PACKAGE_NAME} …\` (not \`npx docker-mcp\`: that name on the npm registry is an unrelated package).`;

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * What a laptop can reach: the tunnel URL when it is rendered, else the loopback end of a
 * `kubectl port-forward` (the in-cluster Service URL resolves only inside the cluster).
 */
export function kubernetesEndpoints(c: InstallConfig): Endpoint[] {
  const n = names(c);
  if (n.externalUrl) return [{ id: 'docker-remote', url: `${n.externalUrl}/mcp`, edge: true, label: 'External (Cloudflare Tunnel)' }];
  return [{
    id: 'docker-port-forward',
    url: `http://127.0.0.1:${c.port}/mcp`,
    edge: false,
    label: 'Local, through kubectl port-forward',
    portForward: portForwardCommand(c),
  }];
}

/** The external URL (when the tunnel is rendered) and the port compose publishes on loopback. */
export function dockerEndpoints(c: InstallConfig): Endpoint[] {
  const n = names(c);
  const list: Endpoint[] = [];
  if (n.externalUrl) list.push({ id: 'docker-remote', url: `${n.externalUrl}/mcp`, edge: true, label: 'External (Cloudflare Tunnel)' });
  list.push({ id: 'docker-local', url: `http://127.0.0.1:${c.port}/mcp`, edge: false, label: 'Local (published on 127.0.0.1 of the Docker host)' });
  return list;
}

/** The credential env names an endpoint needs, in CONNECT_ENV spelling. */
function credentialEnv(c: InstallConfig, e: Endpoint): { header: string; env: string; prefix: string; hint: string }[] {
  const list: { header: string; env: string; prefix: string; hint: string }[] = [];
  if (usesBearer(c)) list.push({ header: 'Authorization', env: CONNECT_ENV.token, prefix: 'Bearer ', hint: '<token from your tokens file>' });
  if (usesAccess(c) && e.edge) {
    list.push({ header: 'CF-Access-Client-Id', env: CONNECT_ENV.cfAccessClientId, prefix: '', hint: '<Access service token id>' });
    list.push({ header: 'CF-Access-Client-Secret', env: CONNECT_ENV.cfAccessClientSecret, prefix: '', hint: '<Access service token secret>' });
  }
  return list;
}

/** Header name -> how the value is written, given a per-client env reference style. */
function headers(c: InstallConfig, e: Endpoint, ref: (name: string) => string): Record<string, string> {
  return Object.fromEntries(credentialEnv(c, e).map((x) => [x.header, `${x.prefix}${ref(x.env)}`]));
}

/** connect refuses credentials over plain http to a non-loopback host unless told the network is trusted. */
function needsInsecure(url: string): boolean {
  const u = new URL(url);
  return u.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
}

const inputId = (name: string): string => name.toLowerCase().replace(/_/g, '-');

export function clientFiles(c: InstallConfig, eps: Endpoint[], target: ClientTarget = 'kubernetes'): { path: string; contents: string }[] {
  // Claude Desktop's config only launches stdio servers: bridge with `docker-mcp connect`, run through
  // `npx -y <package>` as Claude Desktop's own MCP docs launch Node servers (no install step, works on
  // any machine with Node; an absolute path would pin one machine's install layout). When the package is
  // installed in the directory npx runs from, npx runs that copy without the network
  // (test/e2e/packed-tarball-clients.test.ts).
  const desktop = {
    mcpServers: Object.fromEntries(
      eps.map((e) => [e.id, {
        command: 'npx',
        args: ['-y', PACKAGE_NAME, 'connect', ...(needsInsecure(e.url) && credentialEnv(c, e).length ? ['--allow-insecure'] : []), e.url],
        env: Object.fromEntries(credentialEnv(c, e).map((x) => [x.env, x.hint])),
      }]),
    ),
  };
  const vscode = {
    servers: Object.fromEntries(eps.map((e) => [e.id, { type: 'http', url: e.url, headers: headers(c, e, (n) => `\${input:${inputId(n)}}`) }])),
    inputs: [...new Set(eps.flatMap((e) => credentialEnv(c, e).map((x) => x.env)))]
      .map((n) => ({ type: 'promptString', id: inputId(n), description: n, password: true })),
  };
  const cursor = {
    mcpServers: Object.fromEntries(eps.map((e) => [e.id, { url: e.url, headers: headers(c, e, (n) => `\${env:${n}}`) }])),
  };
  const shellHeaders = (e: Endpoint): string =>
    Object.entries(headers(c, e, (n) => `$${n}`)).map(([k, v]) => ` --header "${k}: ${v}"`).join('');
  // The shell scripts can say it in a comment; the JSON configs rely on clients/README.md.
  const forwardComment = eps.flatMap((e) => (e.portForward ? [`# ${e.id} answers while this runs (clients/README.md): ${e.portForward}`] : []));
  const claudeCode = [
    '#!/bin/sh',
    '# Claude Code: register the gateway over Streamable HTTP. Export the tokens first.',
    ...forwardComment,
    ...eps.map((e) => `claude mcp add --transport http ${e.id} ${e.url}${shellHeaders(e)}`),
    '',
  ].join('\n');
  const curlHeaders = (e: Endpoint): string =>
    Object.entries(headers(c, e, (n) => `$${n}`)).map(([k, v]) => ` \\\n  -H "${k}: ${v}"`).join('');
  const curl = [
    '#!/bin/sh',
    `# Smoke tests (the seed's examples). Export ${CONNECT_ENV.token} (and the Access service token) first.`,
    ...forwardComment,
    'set -eu',
    ...eps.flatMap((e) => {
      const base = e.url.replace(/\/mcp$/, '');
      return [
        '',
        `# ${e.label}: health, then the legacy /mcp/call`,
        `curl -fsS ${base}/health${e.edge ? curlHeaders(e) : ''}`,
        `curl -fsS -X POST ${base}/mcp/call${curlHeaders(e)} \\\n  -H "Content-Type: application/json" \\\n  -d '{"method": "docker.container.list", "params": {}}'`,
      ];
    }),
    '',
  ].join('\n');
  return [
    { path: 'clients/claude-desktop.json', contents: json(desktop) },
    { path: 'clients/claude-code.sh', contents: claudeCode },
    { path: 'clients/vscode-mcp.json', contents: json(vscode) },
    { path: 'clients/cursor-mcp.json', contents: json(cursor) },
    { path: 'clients/curl.sh', contents: curl },
    { path: 'clients/README.md', contents: clientsReadme(c, eps, target) },
  ];
}
