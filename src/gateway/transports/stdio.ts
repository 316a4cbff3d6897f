// stdio for a local client that spawns the gateway. stdout carries only MCP messages (logs go to
// stderr, see main.ts); the caller is the local user, so the identity is `local`.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { GatewayCore } from '../core.js';
import { localIdentity } from '../security.js';
import { loadServerModule } from './session-modules.js';

/** Serves until stdin ends or `stop()` is called; resolves when the session is closed. */
export async function serveStdio(core: GatewayCore): Promise<{ closed: Promise<void>; stop: () => Promise<void> }> {
  const transport = new StdioServerTransport(process.stdin, process.stdout);
  const { createMcpServer } = await loadServerModule();
  const mcp = createMcpServer(core, { transport: 'stdio', fallbackIdentity: localIdentity });
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  // The SDK transport does not notice EOF on stdin; the client closing its end means we are done.
  process.stdin.once('end', () => void mcp.close());
  core.metrics.openSessions.inc({ transport: 'stdio' });
  void closed.then(() => core.metrics.openSessions.dec({ transport: 'stdio' }));
  await mcp.server.connect(transport);
  return { closed, stop: () => mcp.close() };
}
