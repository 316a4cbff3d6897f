// The installer–connect contract: the env names `docker-mcp connect` reads its credentials from.
// One table for both sides of the seam: the connect command's options and the client configs the
// installer renders (which set these in a stdio client's `env`, or reference them from the user's
// shell), so they cannot drift. Here, not in src/connect/, so the templates depend on the contract
// and never on the bridge. Deliberately dependency-free.
export const CONNECT_ENV = {
  token: 'DOCKER_MCP_TOKEN',
  cfAccessClientId: 'DOCKER_MCP_CF_ACCESS_CLIENT_ID',
  cfAccessClientSecret: 'DOCKER_MCP_CF_ACCESS_CLIENT_SECRET',
} as const;

export type ConnectEnvName = (typeof CONNECT_ENV)[keyof typeof CONNECT_ENV];
