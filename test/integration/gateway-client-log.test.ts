// logging/setLevel has an effect: after a client sets a level, each tool call at or above it sends
// notifications/message (debug for successes, warning for failures); before, nothing is sent.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import { LoggingMessageNotificationSchema, type LoggingMessageNotification } from '@modelcontextprotocol/sdk/types.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// Node 20 has no global WebSocket; the SDK client transport uses the global.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

describe('MCP logging notifications', () => {
  let gateway: TestGateway;
  let client: Client;
  const messages: LoggingMessageNotification['params'][] = [];

  beforeAll(async () => {
    gateway = await startTestGateway();
    client = new Client({ name: 'log-test', version: '0' });
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      messages.push(n.params);
    });
    await client.connect(new WebSocketClientTransport(new URL(`${gateway.url.replace(/^http/, 'ws')}/ws`)));
  });
  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
  });

  it('sends nothing until the client sets a level', async () => {
    await client.callTool({ name: 'system_ping', arguments: {} });
    await sleep(100);
    expect(messages).toEqual([]);
  });

  it('at debug, reports successes; at warning, only failures, with the failure text', async () => {
    await client.setLoggingLevel('debug');
    await client.callTool({ name: 'system_ping', arguments: {} });
    await sleep(100);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ level: 'debug', logger: 'docker-mcp', data: { tool: 'system_ping', outcome: 'ok' } });

    messages.length = 0;
    await client.setLoggingLevel('warning');
    await client.callTool({ name: 'system_ping', arguments: {} });
    const missing = await client.callTool({ name: 'container_inspect', arguments: { container: 'no-such-container-xyz' } });
    expect(missing.isError).toBe(true);
    await sleep(100);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ level: 'warning', data: { tool: 'container_inspect', outcome: 'tool_error' } });
    expect(JSON.stringify(messages[0]?.data)).toMatch(/no-such-container-xyz/);
  });
});
