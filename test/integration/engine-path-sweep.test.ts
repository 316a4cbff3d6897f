// Every string argument of every tool (as tools/list serves them, admin preset so all are listed)
// gets each hostile identifier, one field at a time, against a real `docker-mcp serve` process and
// the private dockerd. Whatever a tool does with the value, afterwards the process is alive and
// answering, the loopback listener named in the values received nothing, and no call ended in an
// internal error. Prune tools are left out: a filter the daemon ignored would prune other tests'
// containers; their filters go to the query string, never to a path.
import type { Server } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { listenTrap } from '../helpers/http-trap.js';

const text = (result: CallToolResult): string => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

/** A name no test creates: required fields other than the one under attack get it (a 404 at worst). */
const NONE = 'dmcp-sweep-none';
/** Tools whose valid filler could pull or build from the network: only the attacked field is sent. */
const NO_FILLER = new Set(['container_create', 'container_run', 'image_pull', 'image_push', 'image_build']);
/** Bounds for calls that otherwise wait (system_events watches for 10 s by default). */
const EXTRA: Record<string, Record<string, unknown>> = { system_events: { window_seconds: 0.05 } };

function hostileValues(port: number): string[] {
  return [
    `../127.0.0.1:${port}/x`,
    `127.0.0.1:${port}//x`,
    'rt//busybox',
    'a/./b',
    '%2e%2e',
    'x%2f..%2f..',
    'x?all=1#y',
    'x\u0000y',
    '\uff0e\uff0e',
    'a'.repeat(5000),
  ];
}

type Property = { type?: string; items?: { type?: string } };

describe('hostile identifiers in every tool argument', () => {
  let gateway: GatewayProcess;
  let client: Client;
  let listener: Server;
  let port: number;
  const received: string[] = [];

  beforeAll(async () => {
    ({ server: listener, port } = await listenTrap(received));
    gateway = await spawnGateway(testEnv.dockerHost, { DOCKER_MCP_POLICY_PRESET: 'admin' });
    client = new Client({ name: 'path-sweep', version: '0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  });
  afterAll(async () => {
    await client?.close().catch(() => undefined);
    gateway?.kill();
    await new Promise((resolve) => listener?.close(resolve));
  });

  it('no value ends the process, reaches another host or causes an internal error', async () => {
    const tools = (await client.listTools()).tools.filter((t: Tool) => !t.name.endsWith('_prune'));
    expect(tools.length).toBeGreaterThan(30);
    let calls = 0;
    for (const tool of tools) {
      const properties = (tool.inputSchema.properties ?? {}) as Record<string, Property>;
      const required = new Set(tool.inputSchema.required ?? []);
      const filler: Record<string, unknown> = { ...EXTRA[tool.name] };
      if (!NO_FILLER.has(tool.name)) {
        for (const name of required) {
          const p = properties[name]!;
          filler[name] = p.type === 'array' ? ['true'] : NONE;
        }
      }
      const targets = Object.entries(properties).filter(([, p]) => p.type === 'string' || (p.type === 'array' && p.items?.type === 'string'));
      for (const [field, p] of targets) {
        for (const value of hostileValues(port)) {
          const args = { ...filler, [field]: p.type === 'array' ? [value] : value };
          const result = (await client.callTool({ name: tool.name, arguments: args })) as CallToolResult;
          calls++;
          const said = text(result);
          expect(said, `${tool.name} ${field}=${JSON.stringify(value.slice(0, 40))}`).not.toMatch(/^Internal error/);
          expect(said).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
        }
      }
      expect(gateway.child.exitCode, `${tool.name}\n${gateway.output().slice(-2000)}`).toBeNull();
    }
    expect(calls).toBeGreaterThan(300);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(gateway.child.exitCode).toBeNull();
    expect(((await client.callTool({ name: 'system_ping', arguments: {} })) as CallToolResult).isError).toBeFalsy();
    expect(received).toEqual([]);
    expect(gateway.output()).not.toMatch(/ENOTFOUND|Unhandled|uncaught/i);
  });
});
