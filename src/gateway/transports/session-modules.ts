// The modules only an MCP session needs — server.ts (the SDK Server, which loads ajv) and the SDK's
// Streamable HTTP transport (which loads @hono/node-server) — are ~130 ms of module loading on
// 2 cores. They are loaded on first use (or by preloadSessionModules() once the listener is up) so
// that /ready answers without waiting for them; see docs/benchmarks.md, "Gateway notes".
import type * as ServerExports from '../server.js';
import type * as StreamableExports from '@modelcontextprotocol/sdk/server/streamableHttp.js';

type ServerModule = typeof ServerExports;
type StreamableModule = typeof StreamableExports;

let server: Promise<ServerModule> | undefined;
let streamable: Promise<StreamableModule> | undefined;

export function loadServerModule(): Promise<ServerModule> {
  return (server ??= import('../server.js'));
}

export function loadStreamableModule(): Promise<StreamableModule> {
  return (streamable ??= import('@modelcontextprotocol/sdk/server/streamableHttp.js'));
}

/**
 * Starts loading both in the background and resolves when both have settled (start-up's module
 * loading is then over); a failure surfaces on first use instead.
 */
export async function preloadSessionModules(): Promise<void> {
  await Promise.allSettled([loadServerModule(), loadStreamableModule()]);
}
