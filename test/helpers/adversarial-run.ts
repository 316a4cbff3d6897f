// One variant's adversarial run: batches of generated requests against a gateway child process,
// every oracle after each batch, and for a failing batch a replay request by request to name the
// exact call that reproduces it. Failures are collected, never thrown, so one run lists them all.
import type { Rng } from './adversarial-corpus.js';
import { answerViolations, Channels, describe, requestLabel, type Answer, type Request } from './adversarial-driver.js';
import type { ExecWatcher } from './adversarial-exec-watch.js';
import { dangerousContainer, dangerousVolumes, networkViolations, snapshot, stateViolations, type Baseline } from './adversarial-oracles.js';
import { shuffle, type Case, type Planner } from './adversarial-plan.js';
import { FIXTURES, PROTECTED_NAME, SECRET, SELF_NAME, startGateway, TOKENS, type RecordedGateway, type Variant, type World } from './adversarial-world.js';
import { truncateSync } from 'node:fs';

export interface Failure {
  variant: string;
  violations: string[];
  /** The single request that reproduces it, when the replay found one (shortened for reading)... */
  culprit?: string;
  /** ...and exactly as sent, for the JSON report. */
  request?: Request;
  /** Otherwise the batch that produced it. */
  batch?: string[];
}

export interface RunOptions {
  budgetMs: number;
  batchSize: number;
  concurrency: number;
  /** Failing batches replayed one request at a time, per variant (replays are slow). */
  maxLocalizations: number;
}

export interface RunStats { requests: number; batches: number; outcomes: Record<Answer['outcome'], number>; restarts: number; timedOut: string[]; ms: number }

const normalize = (v: string): string => v.replace(/[0-9a-f]{12,}/g, '<id>').replace(/\d+/g, 'N').slice(0, 80);

export class VariantRun {
  gateway!: RecordedGateway;
  channels!: Channels;
  readonly failures: Failure[] = [];
  readonly stats: RunStats = { requests: 0, batches: 0, outcomes: { ok: 0, error: 0, timeout: 0, transport: 0 }, restarts: 0, timedOut: [], ms: 0 };
  private readonly localized = new Set<string>();
  private localizations = 0;

  constructor(private readonly world: World, readonly variant: Variant, private readonly execs: ExecWatcher) {}

  async start(): Promise<void> {
    this.gateway = await startGateway(this.world, this.variant);
    this.channels = await Channels.open(this.gateway.url, TOKENS[this.variant.scope]);
  }

  async stop(): Promise<void> {
    await this.channels?.close();
    this.gateway?.kill();
    await this.gateway?.exited;
  }

  private async restart(): Promise<void> {
    this.stats.restarts++;
    await this.stop();
    await this.start();
  }

  /** The process is alive and answers /health and a system_ping tool call. */
  async liveness(): Promise<string[]> {
    const g = this.gateway;
    const exited = (): boolean => g.child.exitCode !== null || g.child.signalCode !== null;
    // A process that is crashing may still be unwinding: give it a moment to say how it ended.
    if (!exited() && !(await this.alive())) await new Promise((resolve) => setTimeout(resolve, 500));
    if (exited()) {
      // The thrown error's own lines, not Node's trailer.
      const lines = g.output().trim().split('\n').slice(-60);
      const last = (lines.filter((l) => /Error|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|hostname|errno|code:/.test(l)).slice(0, 4).join(' | ') || lines.slice(-3).join(' | ')).slice(0, 600);
      return [`gateway process exited (code ${g.child.exitCode}, signal ${g.child.signalCode}); last output: ${last}`];
    }
    const health = await fetch(`${g.url}/health`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.status, (e: Error) => e.message);
    if (health !== 200) return [`gateway /health answered ${health} (wedged?)`];
    const ping = await this.channels.send({ seq: 0, via: 'mcp', method: 'tools/call', params: { name: 'system_ping', arguments: {} } }, 15_000);
    if (ping.outcome !== 'ok') {
      // The session may be what broke, not the process: a fresh one must answer.
      const fresh = await Channels.open(g.url, TOKENS[this.variant.scope]).catch((e: Error) => e);
      if (fresh instanceof Error) return [`gateway takes no new MCP session: ${fresh.message}`];
      await this.channels.close();
      this.channels = fresh;
      const again = await fresh.send({ seq: 0, via: 'mcp', method: 'tools/call', params: { name: 'system_ping', arguments: {} } }, 15_000);
      if (again.outcome !== 'ok') return [`system_ping failed (${again.outcome}): ${again.text.slice(0, 200)}`];
    }
    return [];
  }

  private async baseline(): Promise<Baseline & { volumes: string[] }> {
    await this.world.ensureFixtures();
    const before = await snapshot(this.world.docker);
    const protectedState = new Map([...this.world.protectedIds].map(([name, id]) => [name, before.containers.get(id)!]));
    return { before, protectedState, volumes: await dangerousVolumes(this.world.docker, this.world) };
  }

  /**
   * All oracles after a batch (or one replayed request). A state violation that already held at the
   * baseline (one `repair` could not undo) is reported once, where it appeared, not again each batch.
   */
  private async oracles(baseline: Baseline & { volumes: string[] }): Promise<string[]> {
    const live = await this.liveness();
    const after = await snapshot(this.world.docker);
    const before = new Set([...stateViolations(this.world, this.variant, baseline, baseline.before), ...baseline.volumes]);
    const state = [...stateViolations(this.world, this.variant, baseline, after), ...(await dangerousVolumes(this.world.docker, this.world))];
    return [
      ...live,
      ...state.filter((v) => !before.has(v)),
      ...(await this.execs.take()),
      ...networkViolations(this.world, this.gateway.netEvents()),
    ];
  }

  /** Undo what a violation left behind, so the next batch starts from a clean, protected world. */
  private async repair(): Promise<void> {
    const { docker } = this.world;
    const now = await snapshot(docker);
    const fixtureNames = new Set(FIXTURES.map((f) => f.name));
    for (const c of now.containers.values()) {
      const protectedFixture = [...this.world.protectedIds.values()].includes(c.id);
      const takenName = !protectedFixture && ([PROTECTED_NAME, SELF_NAME, 'tunnel'].some((n) => Object.values(c.networks).flat().includes(n)) || c.name.toLowerCase().includes('cloudflared'));
      if ((!fixtureNames.has(c.name) && (dangerousContainer(c, this.world).length || takenName)) || this.isProtectedAndChanged(c.id, c.name)) {
        await docker.getContainer(c.id).remove({ force: true }).catch(() => undefined);
      }
    }
    for (const [id, tags] of now.images) {
      if (tags.some((t) => !t.startsWith(`${this.world.image.split(':')[0]}:`))) await docker.getImage(id).remove({ force: true }).catch(() => undefined);
    }
    for (const name of [PROTECTED_NAME, SELF_NAME]) {
      const id = this.world.protectedIds.get(name);
      const info = id ? await docker.getContainer(id).inspect().catch(() => undefined) : undefined;
      if (!info || info.Name !== `/${name}` || !info.State.Running || info.State.Paused) {
        if (id) await docker.getContainer(id).remove({ force: true }).catch(() => undefined);
      }
    }
    truncateSync(this.gateway.recordFile);
    this.world.trap.hits.length = 0;
    await this.execs.take();
  }

  private isProtectedAndChanged(id: string, name: string): boolean {
    const wanted = [...this.world.protectedIds].find(([, pid]) => pid === id)?.[0];
    return wanted !== undefined && wanted !== name;
  }

  private async sendAll(batch: Request[], concurrency: number): Promise<Answer[]> {
    const answers: Answer[] = new Array<Answer>(batch.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batch.length) {
        const i = next++;
        answers[i] = await this.channels.send(batch[i]!);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return answers;
  }

  private record(batch: Request[], answers: Answer[]): { v: string; r: Request }[] {
    const out: { v: string; r: Request }[] = [];
    batch.forEach((r, i) => {
      const a = answers[i]!;
      this.stats.requests++;
      this.stats.outcomes[a.outcome]++;
      if (a.outcome === 'timeout') this.stats.timedOut.push(JSON.stringify(r.params.name ?? r.params.uri ?? r.method));
      for (const v of answerViolations(r, a, SECRET)) out.push({ v, r });
    });
    return out;
  }

  async run(rng: Rng, planner: Planner, cases: Case[], options: RunOptions): Promise<void> {
    const started = Date.now();
    const deadline = started + options.budgetMs;
    // The first round always completes, so every case gets a request whatever the budget; more
    // rounds (new values for the same cases) run while time is left.
    let queue = shuffle(rng, cases);
    let round = 0;
    for (;;) {
      if (!queue.length) {
        round++;
        queue = shuffle(rng, cases);
      }
      if (round > 0 && Date.now() >= deadline) {
        this.stats.ms = Date.now() - started;
        break;
      }
      const batch = queue.splice(0, options.batchSize).map((c) => planner.request(c));
      const baseline = await this.baseline();
      const answers = await this.sendAll(batch, options.concurrency);
      this.stats.batches++;
      for (const { v, r } of this.record(batch, answers)) {
        // Once per kind and tool/prompt: the first exact request is the reproduction.
        const key = `${v.split(':')[0] ?? ''} ${r.method} ${JSON.stringify(r.params.name ?? r.params.uri ?? '')}`;
        if (this.localized.has(key)) continue;
        this.localized.add(key);
        this.failures.push({ variant: this.variant.name, violations: [v], culprit: `${r.method} via ${r.via}: ${describe(r.params)}`, request: r });
      }
      const violations = await this.oracles(baseline);
      if (violations.length) await this.handle(batch, answers, violations, options);
    }
  }

  private async handle(batch: Request[], answers: Answer[], violations: string[], options: RunOptions): Promise<void> {
    const keys = violations.map(normalize);
    const fresh = keys.some((k) => !this.localized.has(k));
    // Requests that lost their connection first are the likeliest culprits of a crash: tried first.
    const order = batch.map((r, i) => ({ r, a: answers[i]! })).sort((x, y) => Number(y.a.outcome === 'transport') - Number(x.a.outcome === 'transport'));
    await this.recover();
    const asBatch = (): void => void this.failures.push({ variant: this.variant.name, violations, batch: order.map(({ r, a }) => `${a.outcome}: ${requestLabel(r)}`) });
    if (!fresh || this.localizations >= options.maxLocalizations) return asBatch();
    this.localizations++;
    keys.forEach((k) => this.localized.add(k));
    const found = await this.bisect(order.map(({ r }) => r));
    if (!found) asBatch();
  }

  /** Restarts a dead or wedged gateway and repairs the world. */
  private async recover(): Promise<void> {
    const dead = this.gateway.child.exitCode !== null || this.gateway.child.signalCode !== null;
    if (dead || !(await this.alive())) await this.restart();
    await this.repair();
  }

  /**
   * Replays `group` (one request after another); the oracle violations it alone produces. Answer
   * violations are not looked at: they are already tied to their exact request.
   */
  private async replay(group: Request[]): Promise<string[]> {
    const baseline = await this.baseline();
    const out: string[] = [];
    for (const r of group) await this.channels.send(r);
    // Effects that land just after the answer (a crash on a later tick, a redirect followed) count too.
    await new Promise((resolve) => setTimeout(resolve, 150));
    out.push(...(await this.oracles(baseline)));
    if (out.length) await this.recover();
    return out;
  }

  /** Sends exactly `r` (from a report) on a clean world; the violations it produces, answer checks included. */
  async replayOne(r: Request): Promise<string[]> {
    await this.recover();
    const baseline = await this.baseline();
    const answer = await this.channels.send(r);
    await new Promise((resolve) => setTimeout(resolve, 150));
    return [...answerViolations(r, answer, SECRET), ...(await this.oracles(baseline))];
  }

  /** Halves the batch until one request reproduces a violation on its own (about log2(n) replays). */
  private async bisect(group: Request[]): Promise<boolean> {
    if (group.length === 1) {
      const r = group[0]!;
      const single = await this.replay(group);
      if (!single.length) return false;
      this.failures.push({ variant: this.variant.name, violations: single, culprit: `${r.method} via ${r.via}: ${describe(r.params)}`, request: r });
      single.map(normalize).forEach((k) => this.localized.add(k));
      return true;
    }
    const half = Math.ceil(group.length / 2);
    for (const part of [group.slice(0, half), group.slice(half)]) {
      if ((await this.replay(part)).length && (await this.bisect(part))) return true;
    }
    return false;
  }

  private async alive(): Promise<boolean> {
    return (await fetch(`${this.gateway.url}/health`, { signal: AbortSignal.timeout(3000) }).then((r) => r.ok, () => false));
  }
}

export function formatFailures(failures: Failure[], seed: number): string {
  const lines = [`${failures.length} adversarial failure(s); replay with DOCKER_MCP_FUZZ_SEED=${seed}`];
  for (const f of failures) {
    lines.push(`- [${f.variant}] ${f.violations.join('\n    ')}`);
    if (f.culprit) lines.push(`    reproduced by: ${f.culprit}`);
    else if (f.batch) lines.push(`    in a batch of ${f.batch.length} (not narrowed to one request; first lost connections first):\n      ${f.batch.slice(0, 8).map((b) => b.slice(0, 300)).join('\n      ')}`);
  }
  return lines.join('\n');
}
