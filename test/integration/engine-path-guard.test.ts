// Issue 14, classes 2 and 3: hostile identifiers must neither end the gateway process nor make it
// send a request anywhere but the Docker endpoint. Before the fix, an unclean Engine path
// (`rt//busybox`, `rt/./busybox`, `../x`) made dockerd answer 301, docker-modem followed the
// redirect onto the network without an error handler (getaddrinfo ENOTFOUND) and Node exited; and
// `../127.0.0.1:PORT/path` made the gateway send `GET /path/json` to a loopback server.
// Runs a real `docker-mcp serve` process (a crash must be visible as a dead process) against the
// private dockerd, with a loopback HTTP listener that must receive nothing.
import type { Server } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { listenTrap } from '../helpers/http-trap.js';

const text = (result: CallToolResult): string => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('hostile identifiers cannot end the gateway or reach another host', () => {
  let gateway: GatewayProcess;
  let client: Client;
  let listener: Server;
  let port: number;
  const received: string[] = [];

  beforeAll(async () => {
    ({ server: listener, port } = await listenTrap(received, (req) => `${req.method} ${req.url} (Host: ${req.headers.host})`));
  });
  // A fresh process whenever an attack ended the last one, so each case is proven on its own.
  beforeEach(async () => {
    received.length = 0;
    if (gateway && gateway.child.exitCode === null && gateway.child.signalCode === null) return;
    // read-only: the attacks need nothing more than the read scope.
    gateway = await spawnGateway(testEnv.dockerHost, { DOCKER_MCP_POLICY_PRESET: 'read-only' });
    client = new Client({ name: 'path-attacks', version: '0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  });
  afterAll(async () => {
    await client?.close().catch(() => undefined);
    gateway?.kill();
    await new Promise((resolve) => listener?.close(resolve));
  });

  /** The process is alive, still answers a tool call, and the loopback listener saw nothing. */
  async function stillServing(): Promise<void> {
    // The crash came from a redirected request a moment after the answer: give it time to happen.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(gateway.child.exitCode, gateway.output()).toBeNull();
    expect(gateway.child.signalCode).toBeNull();
    const ping = (await client.callTool({ name: 'system_ping', arguments: {} })) as CallToolResult;
    expect(ping.isError, text(ping)).toBeFalsy();
    expect(received).toEqual([]);
    expect(gateway.output()).not.toMatch(/ENOTFOUND|uncaught|unhandled/i);
  }

  async function toolError(name: string, args: Record<string, unknown>): Promise<string> {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    expect(result.isError, text(result)).toBe(true);
    return text(result);
  }

  it.each([
    ['image_inspect', { image: 'rt//busybox' }],
    ['image_history', { image: 'rt/./busybox' }],
    ['image_inspect', { image: 'x/../../127.0.0.1:PORT/path' }],
    ['image_history', { image: '127.0.0.1:PORT//path' }],
    ['image_inspect', { image: 'busybox/.' }],
  ])('%s with %j is a tool error and the process keeps serving', async (name, args) => {
    const image = args.image.replace('PORT', String(port));
    const message = await toolError(name, { image });
    expect(message).toMatch(/image reference|image id/i);
    expect(message).not.toMatch(/\n\s+at /); // no stack trace
    await stillServing();
  });

  it.each(['../x', '../127.0.0.1:PORT/path', 'a/../../b', '..', '.', 'x?all=1', 'x#y', 'x%2f..', 'x\u0000y', ' x'])(
    'prompts/get diagnose_container and review_container_security with %j are refused with a clear error',
    async (raw) => {
      const container = raw.replace('PORT', String(port));
      for (const name of ['diagnose_container', 'review_container_security']) {
        const error = await client.getPrompt({ name, arguments: { container } }).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(error, `${name} ${JSON.stringify(container)} must be refused`).toBeInstanceOf(Error);
        expect(error!.message).toMatch(/container/i);
        expect(error!.message).toMatch(/letters, digits/);
      }
      await stillServing();
    },
  );

  it('blind SSRF: prompts/get diagnose_container with "../127.0.0.1:PORT/path" sends nothing to the loopback listener', async () => {
    // Whatever the answer, the only observable that matters first: did a request leave?
    await client.getPrompt({ name: 'diagnose_container', arguments: { container: `../127.0.0.1:${port}/path` } }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(received).toEqual([]);
    await stillServing();
  });

  it('prompt arguments are strict like tool arguments: an unknown one is refused by name', async () => {
    await expect(client.getPrompt({ name: 'reclaim_disk_space', arguments: { targte: 'x' } })).rejects.toThrow(/no argument "targte"; its arguments: target/);
    await expect(client.getPrompt({ name: 'reclaim_disk_space', arguments: { target: 'x'.repeat(513) } })).rejects.toThrow(/at most 512 characters/);
    await stillServing();
  });

  it('completion refuses hostile values without touching the Engine and keeps serving', async () => {
    for (const value of ['../127.0.0.1:1/x', 'a'.repeat(10_000), 'x\u0000']) {
      const error = await client
        .complete({ ref: { type: 'ref/prompt', name: 'diagnose_container' }, argument: { name: 'container', value } })
        .then(() => undefined, (e: unknown) => e as Error);
      expect(error?.message).toMatch(/letters, digits/);
    }
    const ok = await client.complete({ ref: { type: 'ref/prompt', name: 'diagnose_container' }, argument: { name: 'container', value: '' } });
    expect(Array.isArray(ok.completion.values)).toBe(true);
    await stillServing();
  });

  it('resource template variables with path tricks are refused and the process keeps serving', async () => {
    for (const id of ['..', '.', 'a%2f..', `..%2f127.0.0.1:${port}`]) {
      const error = await client.readResource({ uri: `docker://containers/${id}/inspect` }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error, id).toBeInstanceOf(Error);
    }
    await stillServing();
  });
});
