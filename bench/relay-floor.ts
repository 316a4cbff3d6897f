// The floor for the latency rows: the smallest Node process that answers the bench's two calls
// over WebSocket (/ws) and HTTP (POST /) with the same dockerode call and a JSON-RPC reply, with no
// MCP library, validation, policy, limits, metrics or logs. Whatever it adds over direct dockerode
// is the price of the extra hop itself, which every gateway on this stack pays. The container_list
// reply carries only the containers' IDs: no gateway can answer with less, so the floor stays a
// floor. Spawned by gateway.bench.ts with FLOOR_SOCKET (dockerd's socket) and FLOOR_PORT; prints
// "ready" when listening.
import Dockerode from 'dockerode';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const docker = new Dockerode({ socketPath: process.env.FLOOR_SOCKET });

async function answer(body: string): Promise<string | undefined> {
  const request = JSON.parse(body) as { id?: number; method: string; params?: { name?: string } };
  if (request.id === undefined) return undefined; // notifications/initialized
  let structuredContent: unknown = {};
  if (request.method === 'tools/call') {
    structuredContent = request.params?.name === 'system_ping'
      ? { ok: String(await docker.ping()) === 'OK' }
      : { containers: (await docker.listContainers({ all: false, filters: {} })).map((c) => c.Id) };
  }
  return JSON.stringify({ jsonrpc: '2.0', id: request.id, result: { content: [], structuredContent } });
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    void answer(Buffer.concat(chunks).toString()).then((reply) => {
      res.writeHead(reply ? 200 : 202, { 'content-type': 'application/json' });
      res.end(reply);
    });
  });
});
const wss = new WebSocketServer({ server, handleProtocols: () => 'mcp' });
wss.on('connection', (socket) => {
  socket.on('message', (data: Buffer) => {
    void answer(data.toString()).then((reply) => reply && socket.send(reply));
  });
});
server.listen(Number(process.env.FLOOR_PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => process.exit(0));
