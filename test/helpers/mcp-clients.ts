// Real SDK clients over the three MCP transports, for the e2e "every tool over MCP" suite. The
// gateway runs with the admin preset and exec-as-root allowed so every tool is callable; rate and
// concurrency limits are off because one suite makes a few hundred calls as one identity.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import WebSocket from 'ws';
import type { GatewayConfig } from '../../src/gateway/config.js';
import { binPath, ensureBuilt, repoRoot } from './build.js';
import { testEnv } from './env.js';
import { startTestGateway, type TestGateway } from './gateway.js';

// Node 20 has no global WebSocket; the SDK client transport uses the global.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

export type TransportName = 'http' | 'ws' | 'stdio';

const adminSettings = {
  policy_preset: 'admin',
  allow_exec_root: true,
  rate_limit_per_minute: 0,
  max_concurrent_calls: 0,
} as const satisfies Partial<GatewayConfig>;

/** The same settings as DOCKER_MCP_* env for a spawned `serve --stdio`. */
const adminEnv: Record<string, string> = {
  DOCKER_MCP_POLICY_PRESET: 'admin',
  DOCKER_MCP_ALLOW_EXEC_ROOT: 'true',
  DOCKER_MCP_RATE_LIMIT_PER_MINUTE: '0',
  DOCKER_MCP_MAX_CONCURRENT_CALLS: '0',
  DOCKER_MCP_LOG_LEVEL: 'warn',
  // As in test/helpers/gateway.ts: every result is checked against its tool's output schema.
  DOCKER_MCP_VALIDATE_TOOL_OUTPUT: 'true',
};

export function startAdminGateway(overrides: Partial<GatewayConfig> = {}): Promise<TestGateway> {
  return startTestGateway({ enable_metrics: true, ...adminSettings, ...overrides });
}

export async function connectHttp(gateway: TestGateway, name = 'e2e-http'): Promise<Client> {
  const client = new Client({ name, version: '0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  return client;
}

export async function connectWs(gateway: TestGateway, name = 'e2e-ws'): Promise<Client> {
  const client = new Client({ name, version: '0' });
  await client.connect(new WebSocketClientTransport(new URL(`${gateway.url.replace(/^http/, 'ws')}/ws`)));
  return client;
}

/** The real CLI (`node bin/docker-mcp.js serve --stdio`) as a child process, configured by env only. */
export async function connectStdio(extraEnv: Record<string, string> = {}, name = 'e2e-stdio'): Promise<{ client: Client; stderr: () => string }> {
  ensureBuilt();
  const env: Record<string, string> = {};
  // The parent's DOCKER_* must not leak in: the child must reach the test daemon only via its own setting.
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('DOCKER_')) env[key] = value;
  }
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [binPath, 'serve', '--stdio'],
    cwd: repoRoot,
    env: { ...env, ...adminEnv, DOCKER_MCP_DOCKER_HOST: testEnv.dockerHost, ...extraEnv },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name, version: '0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

/** Calls a tool and returns its structuredContent, failing with the tool's own message on isError. */
export async function call<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
  options?: Parameters<Client['callTool']>[2],
): Promise<T> {
  const result = (await client.callTool({ name, arguments: args }, undefined, options)) as CallToolResult;
  if (result.isError) {
    const text = result.content.map((c) => (c.type === 'text' ? c.text : c.type)).join('\n');
    throw new Error(`${name} failed: ${text}`);
  }
  return result.structuredContent as T;
}

/** Calls a tool and returns the whole result (for text blocks and isError checks). */
export async function callRaw(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
