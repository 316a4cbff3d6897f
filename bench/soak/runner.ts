// The soak: a private dockerd (never the user's), a real `docker-mcp serve` process on it, many
// HTTP and WebSocket clients (workers.ts) for a fixed time, and a sampler reading the process's RSS
// and open fds from /proc and its handles, daemon sockets and calls in flight from /metrics. After
// the load it waits for the gateway to go quiet and checks growth against stated bounds.
import Dockerode from 'dockerode';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fdCount, spawnGateway } from '../../test/helpers/gateway-process.js';
import { createPrivateDaemon, unmountUnder } from '../../test/helpers/private-dockerd.js';
import { buildTestImage, TEST_IMAGE } from '../../test/helpers/test-image.js';
import { runWorker, type WorkerStats } from './workers.js';

export interface Sample {
  t: number;
  rssMb: number;
  fds: number;
  handles: number;
  dockerSockets: number;
  inFlight: number;
  calls: number;
}

export interface SoakOptions {
  durationMs: number;
  httpClients: number;
  wsClients: number;
  sampleMs: number;
}

/** Stated bounds; see docs/reliability.md. */
export const BOUNDS = { rssGrowthMb: 40, fdGrowth: 10, handleGrowth: 10 } as const;

export interface SoakResult {
  options: SoakOptions;
  samples: Sample[];
  /** Idle before the load (fds/handles are compared with it), and after the load, once quiet. */
  baseline: Sample;
  final: Sample;
  workers: { kind: 'http' | 'ws'; stats: WorkerStats }[];
  totals: { calls: number; errors: number; injected: number; reconnects: number; byTool: Record<string, number> };
  rssWarmMedianMb: number;
  rssLateMedianMb: number;
  failures: string[];
  exitCode: number | null;
}

function metric(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sum;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? (sorted[Math.floor(sorted.length / 2)] as number) : 0;
};

export async function runSoak(options: SoakOptions, log: (line: string) => void = () => undefined): Promise<SoakResult> {
  const dir = mkdtempSync(join(tmpdir(), 'dmcp-s-'));
  const daemon = createPrivateDaemon(join(dir, 'd'));
  await daemon.start();
  try {
    buildTestImage(daemon.host, dir);
    const docker = new Dockerode({ socketPath: daemon.socketPath });
    const looper = await docker.createContainer({
      name: 'soak-looper', Image: TEST_IMAGE, HostConfig: { NetworkMode: 'none' }, StopTimeout: 1,
      Cmd: ['sh', '-c', 'trap "exit 0" TERM; while true; do echo "soak line $(date +%s)"; sleep 0.1; done'],
    });
    await looper.start();
    // Vanished HTTP clients leave sessions behind; a short idle bound reaps them within the run.
    const gateway = await spawnGateway(daemon.host, { DOCKER_MCP_SESSION_IDLE_SECONDS: '20', DOCKER_MCP_LOG_LEVEL: 'warn' });
    const samples: Sample[] = [];
    const started = Date.now();
    const sample = async (): Promise<Sample> => {
      const text = await (await fetch(gateway.metricsUrl)).text();
      return {
        t: (Date.now() - started) / 1000,
        rssMb: rssMb(gateway.pid),
        fds: fdCount(gateway.pid),
        handles: metric(text, 'docker_mcp_nodejs_active_handles_total'),
        dockerSockets: metric(text, 'docker_mcp_docker_connections'),
        inFlight: metric(text, 'docker_mcp_tool_calls_in_flight'),
        calls: metric(text, 'docker_mcp_tool_calls_total'),
      };
    };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const s = await sample();
        samples.push(s);
        log(`t=${s.t.toFixed(0)}s rss=${s.rssMb.toFixed(1)}MB fds=${s.fds} handles=${s.handles} docker=${s.dockerSockets} inflight=${s.inFlight} calls=${s.calls}`);
        await new Promise((resolve) => setTimeout(resolve, options.sampleMs));
      }
    })();

    const deadline = started + options.durationMs;
    const kinds = [...Array<'http'>(options.httpClients).fill('http'), ...Array<'ws'>(options.wsClients).fill('ws')];
    const workers = await Promise.all(
      kinds.map(async (kind, i) => ({
        kind,
        stats: await runWorker(kind, gateway.url, 'soak-looper', deadline, { faultEvery: 9, renewEvery: 31, seed: i * 7 }),
      })),
    );
    // Quiet: nothing in flight, no daemon sockets left (the injected disconnects' streams closed).
    const quietBy = Date.now() + 15_000;
    let final = await sample();
    while ((final.inFlight > 0 || final.dockerSockets > 0) && Date.now() < quietBy) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      final = await sample();
    }
    // Let idle sessions of vanished clients be reaped (20 s idle, swept every 10 s) before the last sample.
    await new Promise((resolve) => setTimeout(resolve, Math.min(31_000, options.durationMs / 4)));
    final = await sample();
    sampling = false;
    await sampler;
    samples.push(final);

    gateway.child.kill('SIGTERM');
    const exit = await Promise.race([gateway.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 30_000))]);
    gateway.kill();

    const warmEnd = options.durationMs / 5000;
    // Idle before the load versus idle after it: anything a call or a dropped client left behind shows.
    const baseline = samples[0] ?? final;
    const loadSamples = samples.filter((s) => s.t <= options.durationMs / 1000);
    const rssWarmMedianMb = median(loadSamples.filter((s) => s.t >= warmEnd && s.t <= warmEnd * 2).map((s) => s.rssMb));
    const rssLateMedianMb = median(loadSamples.filter((s) => s.t >= (options.durationMs / 1000) * 0.8).map((s) => s.rssMb));
    const totals = { calls: 0, errors: 0, injected: 0, reconnects: 0, byTool: {} as Record<string, number> };
    for (const { stats } of workers) {
      totals.calls += stats.calls;
      totals.errors += stats.errors;
      totals.injected += stats.injected;
      totals.reconnects += stats.reconnects;
      for (const [tool, count] of Object.entries(stats.byTool)) totals.byTool[tool] = (totals.byTool[tool] ?? 0) + count;
    }
    const failures: string[] = [];
    if (totals.errors > 0) failures.push(`${totals.errors} errors besides the injected faults: ${workers.flatMap((w) => w.stats.errorSamples).slice(0, 5).join(' | ')}`);
    if (final.inFlight !== 0) failures.push(`${final.inFlight} calls still in flight after the load`);
    if (final.dockerSockets !== 0) failures.push(`${final.dockerSockets} sockets to the daemon still open after the load`);
    if (final.fds > baseline.fds + BOUNDS.fdGrowth) failures.push(`fds grew from ${baseline.fds} to ${final.fds} (bound +${BOUNDS.fdGrowth})`);
    if (final.handles > baseline.handles + BOUNDS.handleGrowth) failures.push(`handles grew from ${baseline.handles} to ${final.handles} (bound +${BOUNDS.handleGrowth})`);
    if (rssLateMedianMb > rssWarmMedianMb + BOUNDS.rssGrowthMb) {
      failures.push(`RSS grew from ${rssWarmMedianMb.toFixed(1)} MB to ${rssLateMedianMb.toFixed(1)} MB (bound +${BOUNDS.rssGrowthMb} MB)`);
    }
    if (exit?.code !== 0) failures.push(`gateway did not exit 0 on SIGTERM: ${JSON.stringify(exit)}`);
    return { options, samples, baseline, final, workers, totals, rssWarmMedianMb, rssLateMedianMb, failures, exitCode: exit?.code ?? null };
  } finally {
    await daemon.stop();
    // Anything left under our temp dir (a container shim after a failed stop) is ours: end it by pid.
    for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
      try {
        if (Number(entry) !== process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) process.kill(Number(entry), 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
    }
    unmountUnder(dir);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}
