// The gateway against its own private dockerd with 20 containers present, measured side by side in
// one run: latency of container_list and system_ping through the gateway (Streamable HTTP and
// WebSocket, real SDK clients) versus the same Docker call made directly with dockerode;
// throughput with 32 concurrent WebSocket clients; the gateway's RSS idle and with 100 sessions;
// process start to /ready 200. Writes the "Gateway" section of docs/benchmarks.md only.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import Dockerode from 'dockerode';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createPrivateDaemon, unmountUnder } from '../test/helpers/private-dockerd.js';
import { buildTestImage, TEST_IMAGE } from '../test/helpers/test-image.js';
import {
  cpuSeconds, freePort, median, nodeHttpFetch, percentile, RawWsClient, relayHttpCall, rssMb, spawnFloor, spawnGateway, type GatewayProcess,
} from './gateway-measure.js';

(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

// Short rounds: the machine's speed drifts over seconds (shared VM), so every mode gets a slice of
// each stretch; with 200-call rounds the same code measured 1.12× in one run and 1.3× in the next.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100);
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 10);
const WARM_UP = 200;
const THROUGHPUT_SECONDS = Number(process.env.BENCH_THROUGHPUT_SECONDS ?? 5);
const CONCURRENCY = 32;
const SESSIONS = 100;
type Tool = 'container_list' | 'system_ping';
const TARGETS = { wsRatio: 1.25, httpRatio: 1.5, throughput: 1000, idleMb: 90, sessionsMb: 160, readyMs: 600 };

const work = mkdtempSync(join(tmpdir(), 'dmcp-gb-'));
const daemon = createPrivateDaemon(join(work, 'd'));
const loadBefore = loadavg()[0]!;
const gateways: GatewayProcess[] = [];
try {
  await daemon.start();
  buildTestImage(daemon.host, work);
  const docker = new Dockerode({ socketPath: daemon.socketPath });
  for (let i = 0; i < 20; i++) {
    const c = await docker.createContainer({
      name: `bench-${i}`, Image: TEST_IMAGE, Cmd: ['sleep', '3600'], Labels: { 'dev.docker-mcp.bench': '1' }, HostConfig: { NetworkMode: 'none' },
    });
    await c.start();
  }
  // Defaults, except the per-identity limits: every bench client is the same loopback identity,
  // 120 calls/minute would measure the rate limiter instead of the gateway, and the 100-session
  // memory sample needs more than max_sessions_per_identity sessions of one identity.
  const env = async (): Promise<Record<string, string>> => ({
    DOCKER_MCP_DOCKER_HOST: daemon.host,
    DOCKER_MCP_METRICS_PORT: String(await freePort()),
    DOCKER_MCP_RATE_LIMIT_PER_MINUTE: '0',
    DOCKER_MCP_MAX_CONCURRENT_CALLS: '0',
    DOCKER_MCP_MAX_SESSIONS_PER_IDENTITY: '0',
  });

  // Start to /ready: one warm-up spawn (file cache), then the median of five.
  const readySamples: number[] = [];
  for (let i = 0; i < 6; i++) {
    const g = await spawnGateway(await env(), await freePort());
    if (i > 0) readySamples.push(g.readyMs);
    await g.stop();
  }
  console.log(`start -> /ready: median ${median(readySamples).toFixed(0)} ms (${readySamples.map((s) => s.toFixed(0)).join(', ')})`);

  const gateway = await spawnGateway(await env(), await freePort());
  gateways.push(gateway);
  const pid = gateway.child.pid!;
  await new Promise((r) => setTimeout(r, 2000));
  const idleMb = rssMb(pid);
  console.log(`idle RSS ${idleMb.toFixed(1)} MB`);

  const connectHttp = async (fetch?: typeof nodeHttpFetch, url = `${gateway.url}/mcp`): Promise<Client> => {
    const client = new Client({ name: 'bench-http', version: '0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), fetch ? { fetch } : {}));
    return client;
  };
  const connectWs = async (base = gateway.url): Promise<Client> => {
    const client = new Client({ name: 'bench-ws', version: '0' });
    await client.connect(new WebSocketClientTransport(new URL(`${base.replace(/^http/, 'ws')}/ws`)));
    return client;
  };

  // 100 open sessions: half Streamable HTTP, half WebSocket, each initialized and used once.
  const sessions: Client[] = [];
  for (let i = 0; i < SESSIONS; i++) sessions.push(await (i % 2 ? connectWs() : connectHttp()));
  await Promise.all(sessions.map((c) => c.callTool({ name: 'system_ping', arguments: {} })));
  await new Promise((r) => setTimeout(r, 1000));
  const sessionsMb = rssMb(pid);
  console.log(`RSS with ${SESSIONS} sessions ${sessionsMb.toFixed(1)} MB`);
  await Promise.all(sessions.map((c) => c.close()));

  // Latency, side by side: each round runs every mode in turn, so drift hits all of them alike.
  const http = await connectHttp();
  const httpNode = await connectHttp(nodeHttpFetch);
  const ws = await connectWs();
  const raw = await RawWsClient.open(gateway.url);
  const relay = await spawnFloor('bench/relay-floor.ts', daemon.socketPath, await freePort());
  const relayWs = await RawWsClient.open(relay.url);
  const sdkFloor = await spawnFloor('bench/sdk-floor.ts', daemon.socketPath, await freePort());
  const sdkFloorWs = await connectWs(sdkFloor.url);
  const sdkFloorHttp = await connectHttp(nodeHttpFetch, `${sdkFloor.url}/`);
  const sdkFloorHttpFetch = await connectHttp(undefined, `${sdkFloor.url}/`);
  // Both bench tools through one client: an SDK Client, a raw WebSocket client or the relay over HTTP.
  type Call = (name: Tool) => Promise<unknown>;
  const bothTools = (call: Call): Record<Tool, () => Promise<unknown>> => ({
    container_list: () => call('container_list'),
    system_ping: () => call('system_ping'),
  });
  const sdk = (client: Client): Record<Tool, () => Promise<unknown>> => bothTools((name) => client.callTool({ name, arguments: {} }));
  const modes = {
    direct: { container_list: () => docker.listContainers({ all: false, filters: {} }), system_ping: () => docker.ping() },
    http: sdk(http),
    // The same SDK client with its `fetch` option on node:http: Node's built-in fetch alone costs
    // more per request than the gateway's whole share (see the notes below).
    httpNode: sdk(httpNode),
    ws: sdk(ws),
    // The same WebSocket path without the SDK client's own parsing: the gateway's share alone.
    rawws: bothTools((name) => raw.callTool(name)),
    // The floor: bench/relay-floor.ts makes the same Docker call and replies, and does nothing else.
    floorWs: bothTools((name) => relayWs.callTool(name)),
    floorHttp: bothTools((name) => relayHttpCall(relay.url, name)),
    // The MCP floor: bench/sdk-floor.ts is the smallest server on the SDK making the same call,
    // called by the same SDK clients as the gateway rows.
    sdkFloorWs: sdk(sdkFloorWs),
    sdkFloorHttp: sdk(sdkFloorHttp),
    sdkFloorHttpFetch: sdk(sdkFloorHttpFetch),
  } as const;
  type Mode = keyof typeof modes;
  const samples: Record<string, number[]> = {};
  // Round -1 is the warm-up (JIT, connection pools): WARM_UP calls per row, not recorded.
  for (let round = -1; round < ROUNDS; round++) {
    for (const tool of ['container_list', 'system_ping'] as Tool[]) {
      for (const mode of Object.keys(modes) as Mode[]) {
        const key = `${mode}:${tool}`;
        samples[key] ??= [];
        for (let i = 0; i < (round < 0 ? WARM_UP : PER_ROUND); i++) {
          const t0 = performance.now();
          await modes[mode][tool]();
          if (round >= 0) samples[key].push(performance.now() - t0);
        }
      }
    }
  }
  await Promise.all([http.close(), httpNode.close(), ws.close(), sdkFloorWs.close(), sdkFloorHttp.close(), sdkFloorHttpFetch.close()]);
  raw.close();
  relayWs.close();
  relay.stop();
  sdkFloor.stop();

  // Throughput: 32 raw WebSocket sessions calling system_ping back to back.
  const clients = await Promise.all(Array.from({ length: CONCURRENCY }, () => RawWsClient.open(gateway.url)));
  await Promise.all(clients.map((c) => c.callTool('system_ping')));
  let calls = 0;
  const cpuStart = cpuSeconds(pid);
  const started = performance.now();
  const until = started + THROUGHPUT_SECONDS * 1000;
  await Promise.all(clients.map(async (c) => {
    while (performance.now() < until) {
      await c.callTool('system_ping');
      calls++;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const perSecond = calls / elapsed;
  const gatewayCpu = (cpuSeconds(pid) - cpuStart) / elapsed;
  clients.forEach((c) => c.close());
  const loadedMb = rssMb(pid);
  console.log(`throughput ${perSecond.toFixed(0)} calls/s over WS (gateway CPU ${(gatewayCpu * 100).toFixed(0)} %)`);

  // Report.
  const row = (tool: Tool, mode: Mode): string => {
    const s = samples[`${mode}:${tool}`]!;
    const p50 = median(s);
    const direct = median(samples[`direct:${tool}`]!);
    const ratio = mode === 'direct' ? '1.000' : (p50 / direct).toFixed(3);
    const limit = /http/i.test(mode) ? TARGETS.httpRatio : TARGETS.wsRatio;
    // Floor rows are not judged; their column says whether the floor alone already leaves room.
    const floor = /floor/i.test(mode);
    const target = mode === 'direct' ? '' : floor ? `(${limit})` : `≤ ${limit}`;
    const within = p50 / direct <= limit;
    const ok = mode === 'direct' ? '' : floor ? (within ? 'room left' : 'floor above') : within ? 'yes' : '**no**';
    const path = {
      direct: 'dockerode (direct)', ws: 'gateway, WebSocket (SDK client)', rawws: 'gateway, WebSocket (raw JSON-RPC client)',
      http: 'gateway, Streamable HTTP (SDK client, Node fetch)', httpNode: 'gateway, Streamable HTTP (SDK client, node:http fetch)',
      floorWs: 'floor: do-nothing relay, WebSocket (raw client)', floorHttp: 'floor: do-nothing relay, HTTP POST (node:http fetch)',
      sdkFloorWs: 'floor: bare MCP SDK server, WebSocket (SDK client)',
      sdkFloorHttp: 'floor: bare MCP SDK server, HTTP POST (SDK client, node:http fetch)',
      sdkFloorHttpFetch: 'floor: bare MCP SDK server, HTTP POST (SDK client, Node fetch)',
    }[mode];
    return `| ${tool} | ${path} | ` +
      `${p50.toFixed(2)} | ${percentile(s, 0.99).toFixed(2)} | ${ratio} | ${target} | ${ok} |`;
  };
  const latencyRows = (['container_list', 'system_ping'] as Tool[]).flatMap((tool) => (['direct', 'floorWs', 'sdkFloorWs', 'ws', 'rawws', 'floorHttp', 'sdkFloorHttpFetch', 'http', 'sdkFloorHttp', 'httpNode'] as Mode[]).map((mode) => row(tool, mode)));
  for (const line of latencyRows) console.log(line);
  const yes = (ok: boolean): string => (ok ? 'yes' : '**no**');
  const readyMs = median(readySamples);
  const cpu = cpus();
  const section = `## Gateway

\`docker-mcp serve\` as its own process (\`node bin/docker-mcp.js serve\`, default settings except
\`DOCKER_MCP_RATE_LIMIT_PER_MINUTE=0\`, \`DOCKER_MCP_MAX_CONCURRENT_CALLS=0\` and \`DOCKER_MCP_MAX_SESSIONS_PER_IDENTITY=0\`, since every bench client is the same
loopback identity; log level info, logs to /dev/null) against a private dockerd with 20 running containers.
Latency: ${ROUNDS} rounds × ${PER_ROUND} sequential calls per row after ${WARM_UP} warm-up calls per row, every mode in each round; the
gateway rows use the SDK \`Client\` (one session each), so client-side work is included; over Streamable HTTP once with
the SDK's default \`fetch\` (Node's built-in) and once with its \`fetch\` option set to a node:http keep-alive client.
Both floors answer \`container_list\` with the containers' IDs only (~1.4 KB, against the gateway's ~7 KB summary and
table), the least any gateway can send, so they stay floors. The relay rows are bench/relay-floor.ts, a separate
process that makes the same dockerode call and replies,
with nothing else (no MCP library, validation, policy, limits, metrics or logs): the cost of the extra hop alone,
which no gateway written on Node and dockerode can go below. The bare MCP SDK server rows are bench/sdk-floor.ts: the
SDK's \`Server\` with two tools that make the same call and return it as \`structuredContent\` (no text block), over
the thinnest transports (one message per WebSocket frame; one POST answered as JSON), called by the same SDK clients as
the gateway rows: what any MCP server on the SDK pays, with none of the gateway's own work (argument schemas, policy,
limits, timeouts, metrics, logs, audit, summaries). A floor row's last column says whether that floor alone is within
the target in parentheses. Throughput: ${CONCURRENCY} raw
WebSocket MCP sessions calling \`system_ping\` back to back for ${THROUGHPUT_SECONDS} s (client, gateway and dockerd share the cores).
Memory: VmRSS of the gateway process 2 s after start, and with ${SESSIONS} initialized sessions
(${SESSIONS / 2} Streamable HTTP + ${SESSIONS / 2} WebSocket) open.

Measured ${new Date().toISOString().slice(0, 10)} on ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM,
Node ${process.version}; 1-min load average ${loadBefore.toFixed(1)} before and ${loadavg()[0]!.toFixed(1)} after the run.
Reproduce: \`npm run bench -- gateway\`.

| Call | Path | p50 ms | p99 ms | p50 ratio | target | met |
|---|---|---:|---:|---:|:---:|:---:|
${latencyRows.join('\n')}

| Measure | Result | Target | met |
|---|---:|---:|:---:|
| system_ping throughput, ${CONCURRENCY} WebSocket clients | ${perSecond.toFixed(0)} calls/s (gateway CPU ${(gatewayCpu * 100).toFixed(0)} %) | ≥ ${TARGETS.throughput} | ${yes(perSecond >= TARGETS.throughput)} |
| RSS idle | ${idleMb.toFixed(1)} MB | ≤ ${TARGETS.idleMb} MB | ${yes(idleMb <= TARGETS.idleMb)} |
| RSS with ${SESSIONS} open sessions | ${sessionsMb.toFixed(1)} MB | ≤ ${TARGETS.sessionsMb} MB | ${yes(sessionsMb <= TARGETS.sessionsMb)} |
| RSS after the latency and throughput runs | ${loadedMb.toFixed(1)} MB | | |
| process start to \`/ready\` 200 (median of 5) | ${readyMs.toFixed(0)} ms | ≤ ${TARGETS.readyMs} ms | ${yes(readyMs <= TARGETS.readyMs)} |
`;
  writeSection(section);
} finally {
  for (const g of gateways) await g.stop();
  await daemon.stop();
  unmountUnder(work);
  rmSync(work, { recursive: true, force: true, maxRetries: 3 });
}

/** Replaces only the "## Gateway" section (up to the next "## " heading); other sections survive. */
function writeSection(section: string): void {
  const path = 'docs/benchmarks.md';
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const pattern = /## Gateway\n[\s\S]*?(?=\n## |$)/;
  const notes = /\n### Gateway notes\n[\s\S]*$/.exec(current.match(pattern)?.[0] ?? '')?.[0] ?? '';
  const body = `${section.trimEnd()}${notes ? `\n${notes.trimEnd()}` : ''}`;
  const next = pattern.test(current) ? current.replace(pattern, body) : `${current.trimEnd()}\n\n${body}`;
  writeFileSync(path, next.endsWith('\n') ? next : `${next}\n`);
}
