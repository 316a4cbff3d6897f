// The second floor for the latency rows: the smallest MCP server the SDK allows, answering the
// bench's two tools with the same dockerode call. It has what any MCP server on
// @modelcontextprotocol/sdk pays per call (JSON-RPC validation of each message, the SDK `Server`'s
// request dispatch with its tools/call request and result checks) and nothing of the gateway's own
// (argument schemas, policy, limits, timeouts, metrics, logs, audit, summaries, the text block).
// Like bench/relay-floor.ts it answers container_list with the containers' IDs only, the least any
// gateway can send. Transports are as thin as they can be: one
// JSON-RPC message per WebSocket text frame at /ws, and one per HTTP POST at / answered as JSON.
// Spawned by gateway.bench.ts with FLOOR_SOCKET (dockerd's socket) and FLOOR_PORT; prints "ready".
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CallToolRequestSchema, JSONRPCMessageSchema, ListToolsRequestSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import Dockerode from 'dockerode';
import { createServer, type ServerResponse } from 'node:http';
import { WebSocketServer } from 'ws';

const docker = new Dockerode({ socketPath: process.env.FLOOR_SOCKET });

/** A Transport whose replies go to `reply`; the caller feeds it messages with `receive`. */
class ThinTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  constructor(private readonly reply: (message: JSONRPCMessage) => void) {}
  start(): Promise<void> {
    return Promise.resolve();
  }
  receive(text: string): void {
    this.onmessage?.(JSONRPCMessageSchema.parse(JSON.parse(text)));
  }
  send(message: JSONRPCMessage): Promise<void> {
    this.reply(message);
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.onclose?.();
    return Promise.resolve();
  }
}

async function connectServer(transport: ThinTransport): Promise<void> {
  const server = new Server({ name: 'sdk-floor', version: '0' }, { capabilities: { tools: {} } });
  const anyInput = { type: 'object' as const, properties: {} };
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [{ name: 'container_list', inputSchema: anyInput }, { name: 'system_ping', inputSchema: anyInput }],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const structuredContent = request.params.name === 'system_ping'
      ? { ok: String(await docker.ping()) === 'OK' }
      : { containers: (await docker.listContainers({ all: false, filters: {} })).map((c) => c.Id) };
    return { content: [], structuredContent };
  });
  await server.connect(transport);
}

// HTTP: one server for every POST; a reply is matched to its open response by JSON-RPC id (the
// bench sends one call at a time, so ids from different clients never overlap).
const pending = new Map<string | number, ServerResponse>();
const httpTransport = new ThinTransport((message) => {
  const id = 'id' in message ? message.id : undefined;
  const res = id === undefined ? undefined : pending.get(id);
  if (!res || id === undefined) return;
  pending.delete(id);
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(message));
});
await connectServer(httpTransport);

const http = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString();
    const id = (JSON.parse(text) as { id?: string | number }).id;
    if (id === undefined) res.writeHead(202).end();
    else pending.set(id, res);
    httpTransport.receive(text);
  });
});
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, handleProtocols: () => 'mcp' });
wss.on('connection', (socket) => {
  const transport = new ThinTransport((message) => socket.send(JSON.stringify(message)));
  socket.on('message', (data: Buffer) => transport.receive(data.toString()));
  void connectServer(transport);
});
http.listen(Number(process.env.FLOOR_PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => process.exit(0));
