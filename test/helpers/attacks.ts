// Shared pieces of the attack catalogue (test/integration/security-attacks-*.test.ts): a snapshot
// of the private daemon to prove an attack changed nothing, raw HTTP for what fetch() cannot send
// (Host headers, slow or oversized bodies), and SDK clients with credentials.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { request, type IncomingHttpHeaders } from 'node:http';
import { expect } from 'vitest';
import { testDocker, testEnv } from './env.js';

/** Carried by everything an attack tries to create, and by the catalogue's own fixtures. */
export const ATTACK_LABEL = 'dev.docker-mcp.attack';
export const RUN = `atk${Date.now().toString(36)}`;

export interface DockerSnapshot {
  containers: Map<string, string>;
  volumes: Set<string>;
  networks: Set<string>;
  images: Set<string>;
}

// Other test files share the daemon and run in parallel, creating and removing their own objects
// (not all of them labelled), so the comparison looks only at what an attack could produce or
// touch: every argument the catalogue sends carries ATTACK_LABEL and a name starting with `atk`,
// and so do the fixtures it attacks (the protected container). A successful attack shows up here.
const NAME_PREFIX = 'atk';
const ours = (labels: Record<string, string> | null | undefined, names: string[]): boolean =>
  Boolean(labels && ATTACK_LABEL in labels) || names.some((n) => n.replace(/^\//, '').startsWith(NAME_PREFIX));

export async function snapshotDocker(): Promise<DockerSnapshot> {
  const docker = testDocker();
  const [containers, volumes, networks, images] = await Promise.all([
    docker.listContainers({ all: true }),
    docker.listVolumes(),
    docker.listNetworks(),
    docker.listImages({ all: true }),
  ]);
  return {
    containers: new Map(containers.filter((c) => ours(c.Labels, c.Names)).map((c) => [c.Id, c.State])),
    volumes: new Set((volumes.Volumes ?? []).filter((v) => ours(v.Labels, [v.Name])).map((v) => v.Name)),
    networks: new Set(networks.filter((n) => ours(n.Labels, [n.Name])).map((n) => n.Id)),
    images: new Set(images.flatMap((i) => i.RepoTags ?? []).filter((t) => t.includes('dmcp-attack'))),
  };
}

export async function expectDockerUnchanged(before: DockerSnapshot): Promise<void> {
  const after = await snapshotDocker();
  expect(Object.fromEntries(after.containers), 'containers (id -> state)').toEqual(Object.fromEntries(before.containers));
  expect([...after.volumes].sort(), 'volumes').toEqual([...before.volumes].sort());
  expect([...after.networks].sort(), 'networks').toEqual([...before.networks].sort());
  expect([...after.images].sort(), 'images').toEqual([...before.images].sort());
}

/** Runs `attack` and checks the daemon looks exactly as before it. */
export async function unchangedBy<T>(attack: () => Promise<T>): Promise<T> {
  const before = await snapshotDocker();
  const result = await attack();
  await expectDockerUnchanged(before);
  return result;
}

/** container_create arguments that would create a container if the attack got through. */
export function createArgs(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { image: testEnv.testImage, name: `${RUN}-${Math.random().toString(36).slice(2, 8)}`, labels: { [ATTACK_LABEL]: RUN }, cmd: ['sleep', '300'], ...extra };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with full control of headers (Host included); resolves on the response or a reset. */
export function rawRequest(
  baseUrl: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: options.method ?? 'POST', path: options.path, headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.once('error', reject);
    req.end(options.body);
  });
}

export const mcpHeaders = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-11-25' };

export function rpc(method: string, params: unknown, id: number | string = 1): Record<string, unknown> {
  return { jsonrpc: '2.0', id, method, params };
}

export const initializeMessage = rpc('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'attacker', version: '0' } });

/** An MCP client over Streamable HTTP with the given request headers (credentials). */
export async function connectWith(baseUrl: string, headers: Record<string, string> = {}): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: 'attack-test', version: '0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), { requestInit: { headers } });
  await client.connect(transport);
  return { client, transport };
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** The text of a tool result (denials carry rule, reason and hint there). */
export function resultText(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? '').join('\n');
}
