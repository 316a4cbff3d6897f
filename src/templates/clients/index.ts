// Client configurations for the external (tunnel) URL and the in-cluster URL. Tokens are never
// rendered: each config reads them from the environment or prompts for them.
import type { InstallConfig } from '../../config/schema.js';
import { names, usesAccess, usesBearer } from '../model.js';

interface Endpoint {
  id: string;
  url: string;
  /** Cloudflare Access applies only at the edge, i.e. to the external URL. */
  edge: boolean;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function endpoints(c: InstallConfig): Endpoint[] {
  const n = names(c);
  const list: Endpoint[] = [];
  if (n.externalUrl) list.push({ id: 'docker-remote', url: `${n.externalUrl}/mcp`, edge: true });
  list.push({ id: 'docker-cluster', url: `${n.serviceUrl}/mcp`, edge: false });
  return list;
}

/** Header name -> how the value is written, given a per-client env reference style. */
function headers(c: InstallConfig, e: Endpoint, ref: (name: string) => string): Record<string, string> {
  const h: Record<string, string> = {};
  if (usesBearer(c)) h.Authorization = `Bearer ${ref('DOCKER_MCP_TOKEN')}`;
  if (usesAccess(c) && e.edge) {
    h['CF-Access-Client-Id'] = ref('CF_ACCESS_CLIENT_ID');
    h['CF-Access-Client-Secret'] = ref('CF_ACCESS_CLIENT_SECRET');
  }
  return h;
}

export function clientFiles(c: InstallConfig): { path: string; contents: string }[] {
  const eps = endpoints(c);
  // Claude Desktop's config only launches stdio servers: bridge with `docker-mcp connect`, which
  // reads DOCKER_MCP_TOKEN / CF_ACCESS_CLIENT_ID / CF_ACCESS_CLIENT_SECRET from its env.
  const desktopEnv = (e: Endpoint): Record<string, string> => {
    const env: Record<string, string> = {};
    if (usesBearer(c)) env.DOCKER_MCP_TOKEN = '<token from your tokens Secret>';
    if (usesAccess(c) && e.edge) {
      env.CF_ACCESS_CLIENT_ID = '<Access service token id>';
      env.CF_ACCESS_CLIENT_SECRET = '<Access service token secret>';
    }
    return env;
  };
  const desktop = {
    mcpServers: Object.fromEntries(
      eps.map((e) => [e.id, { command: 'npx', args: ['-y', 'docker-mcp', 'connect', e.url], env: desktopEnv(e) }]),
    ),
  };
  const vscode = {
    servers: Object.fromEntries(
      eps.map((e) => [e.id, { type: 'http', url: e.url, headers: headers(c, e, (n) => `\${input:${n.toLowerCase().replace(/_/g, '-')}}`) }]),
    ),
    inputs: [
      ...(usesBearer(c) ? ['DOCKER_MCP_TOKEN'] : []),
      ...(usesAccess(c) && eps.some((e) => e.edge) ? ['CF_ACCESS_CLIENT_ID', 'CF_ACCESS_CLIENT_SECRET'] : []),
    ].map((n) => ({ type: 'promptString', id: n.toLowerCase().replace(/_/g, '-'), description: n, password: true })),
  };
  const cursor = {
    mcpServers: Object.fromEntries(eps.map((e) => [e.id, { url: e.url, headers: headers(c, e, (n) => `\${env:${n}}`) }])),
  };
  const shellHeaders = (e: Endpoint): string =>
    Object.entries(headers(c, e, (n) => `$${n}`)).map(([k, v]) => ` --header "${k}: ${v}"`).join('');
  const claudeCode = [
    '#!/bin/sh',
    '# Claude Code: register the gateway over Streamable HTTP. Export the tokens first.',
    ...eps.map((e) => `claude mcp add --transport http ${e.id} ${e.url}${shellHeaders(e)}`),
    '',
  ].join('\n');
  const curlHeaders = (e: Endpoint): string =>
    Object.entries(headers(c, e, (n) => `$${n}`)).map(([k, v]) => ` \\\n  -H "${k}: ${v}"`).join('');
  const curl = [
    '#!/bin/sh',
    '# Smoke tests (the seed\'s examples). Export DOCKER_MCP_TOKEN (and the Access service token) first.',
    'set -eu',
    ...eps.flatMap((e) => {
      const base = e.url.replace(/\/mcp$/, '');
      return [
        '',
        `# ${e.edge ? 'External (Cloudflare Tunnel)' : 'In-cluster (run from a pod)'}: health, then the legacy /mcp/call`,
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
  ];
}
