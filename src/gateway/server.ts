// The server factory: one low-level SDK Server per MCP session (HTTP session, WebSocket connection,
// stdio, or one stateless request). Transports only connect it; all behaviour lives in the core.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { GatewayCore } from './core.js';
import { installPrompts } from './prompts.js';
import { installResources } from './resources.js';
import type { Identity, Transport } from './security.js';

export interface McpServerHandle {
  server: Server;
  close(): Promise<void>;
}

export interface McpServerOptions {
  transport: Transport;
  /** Used when a message carries no authenticated identity; only stdio sets it. */
  fallbackIdentity?: Identity;
}

const instructions =
  'Tools act on one Docker Engine. Tool names are <noun>_<verb> (container_list, image_pull, system_df). ' +
  'List before acting to get exact ids or names; read-only tools are annotated readOnlyHint. ' +
  'Resources docker://containers/{id}/logs|inspect|stats and docker://system/info|df give context; ' +
  'prompts diagnose_container and reclaim_disk_space walk through common tasks.';

export function createMcpServer(core: GatewayCore, options: McpServerOptions): McpServerHandle {
  // A stateless HTTP server lives for one request, so a subscription could never notify anyone.
  const subscribable = !(options.transport === 'http' && core.config.stateless);
  const server = new Server(
    { name: 'docker-mcp', title: 'Docker MCP gateway', version: core.version },
    {
      capabilities: {
        tools: { listChanged: false },
        resources: { subscribe: subscribable, listChanged: false },
        prompts: { listChanged: false },
        completions: {},
        // logging/setLevel is handled per session by src/gateway/client-log.ts.
        logging: {},
      },
      instructions,
    },
  );
  core.registry.install(server, options.transport, options.fallbackIdentity);
  const resources = installResources(server, core, options, subscribable);
  installPrompts(server, core, options);
  server.onerror = (error) => core.log.debug({ err: error, transport: options.transport }, 'mcp protocol error');
  let closed = false;
  return {
    server,
    async close() {
      if (closed) return;
      closed = true;
      resources.close();
      await server.close();
    },
  };
}
