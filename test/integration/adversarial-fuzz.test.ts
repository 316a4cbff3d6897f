// The adversarial suite (issue 14, "proving it"): generated hostile values at every argument of
// every tool, prompt, resource template and completion the live server lists, under each preset,
// against a gateway child process on a private dockerd of its own. After every batch it asserts,
// from Docker's own state, /proc, a network recorder preloaded into the gateway and a loopback trap,
// that nothing outside the policy happened. Nothing here is tuned to today's code: a red run lists
// each failure with the request that reproduces it. Replay a run with DOCKER_MCP_FUZZ_SEED=<seed>;
// DOCKER_MCP_FUZZ_BUDGET_MS sets the time per variant (default 25000). A red run writes a JSON
// report; DOCKER_MCP_FUZZ_REPLAY=<that file> sends exactly its reproducing requests again instead of
// fuzzing (after a fix, each must come back clean); a hand-written file of the same shape works too.
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, seedFromEnv, ValueGenerator, type CorpusContext } from '../helpers/adversarial-corpus.js';
import { Channels, type Request } from '../helpers/adversarial-driver.js';
import { watchExecs, type ExecWatcher } from '../helpers/adversarial-exec-watch.js';
import { dangerousContainer, networkViolations, snapshot, stateViolations } from '../helpers/adversarial-oracles.js';
import { casesOf, enumerateSurface, Planner, type Surface } from '../helpers/adversarial-plan.js';
import { KNOWN_PROBES } from '../helpers/adversarial-probes.js';
import { formatFailures, VariantRun, type Failure } from '../helpers/adversarial-run.js';
import { createWorld, FIXTURES, NETWORK, PROTECTED_NAME, SELF_NAME, startGateway, TOKENS, VARIANTS, VOLUME, type World } from '../helpers/adversarial-world.js';

const seed = seedFromEnv();
const budgetMs = Number(process.env.DOCKER_MCP_FUZZ_BUDGET_MS ?? 25_000);
const options = { budgetMs, batchSize: 32, concurrency: 8, maxLocalizations: 3 };
const allFailures: Failure[] = [];
const replayFile = process.env.DOCKER_MCP_FUZZ_REPLAY;

let world: World;
let execs: ExecWatcher;
let surface: Surface;

describe(`adversarial suite (seed ${seed})`, () => {
  beforeAll(async () => {
    // Printed first so that any run, green or red, can be replayed.
    console.log(`adversarial suite: DOCKER_MCP_FUZZ_SEED=${seed}, ${budgetMs} ms per variant`);
    world = await createWorld();
    execs = await watchExecs(world.docker);
    // The surface comes from the live server, as an admin sees it under the admin preset.
    const admin = VARIANTS.find((v) => v.preset === 'admin')!;
    const gateway = await startGateway(world, admin);
    const channels = await Channels.open(gateway.url, TOKENS.admin);
    surface = await enumerateSurface(channels.client);
    await channels.close();
    gateway.kill();
    await gateway.exited;
  }, 180_000);

  afterAll(async () => {
    execs?.stop();
    await world?.close();
    if (allFailures.length) {
      const file = join(tmpdir(), `dmcp-adversarial-${seed}.json`);
      writeFileSync(file, JSON.stringify({ seed, failures: allFailures }, null, 2));
      console.log(`adversarial report: ${file}`);
    }
  }, 120_000);

  it('enumerates the whole surface from the live server', () => {
    // A guard against a suite that silently attacks nothing.
    expect(surface.tools.length).toBeGreaterThanOrEqual(40);
    expect(surface.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['container_create', 'image_inspect', 'container_exec', 'image_build']));
    expect(surface.prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['diagnose_container']));
    expect(surface.templates.length).toBeGreaterThanOrEqual(3);
    expect(casesOf(surface).length).toBeGreaterThan(surface.tools.length * 2);
  });

  it('has oracles that see what they must see (a dangerous container, a root exec, a DNS takeover, a stray connection)', async () => {
    const { docker } = world;
    // Created only: this sandbox's runc may not grant the capabilities a privileged start needs,
    // and a created container is already what the policy must never let through.
    const bad = await docker.createContainer({ name: 'oracle-selftest', Image: world.image, Cmd: ['sleep', '60'], HostConfig: { Privileged: true, NetworkMode: 'host', Binds: ['/etc:/h'] } });
    const plain = await docker.createContainer({ name: 'oracle-selftest-plain', Image: world.image, Cmd: ['sleep', '60'], HostConfig: { NetworkMode: 'none' } });
    try {
      const state = (await snapshot(docker)).containers.get(bad.id)!;
      expect(dangerousContainer(state, world).join('\n')).toMatch(/Privileged[\s\S]*NetworkMode=host[\s\S]*bind \/etc/);
      const ordinary = (await snapshot(docker)).containers.get(plain.id)!;
      expect(dangerousContainer(ordinary, world)).toEqual([]);
      await plain.start();
      const exec = await plain.exec({ Cmd: ['sleep', '1'], User: '0:0' });
      await exec.start({ Detach: true });
      await new Promise((r) => setTimeout(r, 300));
      expect((await execs.take()).join('\n')).toMatch(/uid 0 gid 0/);
    } finally {
      await bad.remove({ force: true });
      await plain.remove({ force: true });
    }
    // Another container answering to the protected container's alias on its network is a takeover.
    const before = await snapshot(docker);
    const baseline = { before, protectedState: new Map([...world.protectedIds].map(([n, id]) => [n, before.containers.get(id)!])) };
    const squatter = await docker.createContainer({
      name: 'oracle-squatter', Image: world.image, Cmd: ['sleep', '60'], HostConfig: { NetworkMode: NETWORK },
      NetworkingConfig: { EndpointsConfig: { [NETWORK]: { Aliases: ['tunnel'] } } },
    });
    try {
      await squatter.start();
      expect(stateViolations(world, VARIANTS.find((v) => v.preset === 'admin')!, baseline, await snapshot(docker)).join('\n'))
        .toMatch(/oracle-squatter answers to tunnel on cloudflared's network/);
    } finally {
      await squatter.remove({ force: true });
    }
    expect(networkViolations(world, [{ kind: 'connect', host: '127.0.0.1', port: world.trap.port }, { kind: 'connect', path: world.daemon.socketPath }]))
      .toEqual([`gateway connect 127.0.0.1:${world.trap.port}`]);
  });

  /** Sends each request again, under its variant, on a clean world; the ones that still violate. */
  async function replayAll(failures: Failure[]): Promise<Failure[]> {
    // A probe may name this world's objects: {{TRAP_PORT}}, {{HOST_NETWORK_ID}}, {{HOST_NETWORK_PREFIX}} (12 characters), {{ALLOWED_DIR}}.
    const bind = (r: Request): Request => JSON.parse(JSON.stringify(r)
      .replaceAll('{{TRAP_PORT}}', String(world.trap.port)).replaceAll('{{HOST_NETWORK_ID}}', world.hostNetworkId)
      .replaceAll('{{HOST_NETWORK_PREFIX}}', world.hostNetworkId.slice(0, 12)).replaceAll('{{ALLOWED_DIR}}', world.allowedDir)) as Request;
    const still: Failure[] = [];
    for (const variant of VARIANTS) {
      const requests = failures.filter((f) => f.variant === variant.name && f.request).map((f) => bind(f.request!));
      if (!requests.length) continue;
      const run = new VariantRun(world, variant, execs);
      await run.start();
      try {
        for (const r of requests) {
          const violations = await run.replayOne(r);
          if (violations.length) still.push({ variant: variant.name, violations, culprit: `${r.method} via ${r.via}: ${JSON.stringify(r.params).slice(0, 400)}`, request: r });
        }
      } finally {
        await run.stop();
      }
    }
    return still;
  }

  it.skipIf(replayFile)('the reproductions found so far (adversarial-probes.ts) no longer violate the policy', async () => {
    const still = await replayAll(KNOWN_PROBES);
    allFailures.push(...still);
    expect(still, formatFailures(still, seed)).toEqual([]);
  }, 300_000);

  it.runIf(replayFile)('replays the reproducing requests of a report: none violates the policy any more', async () => {
    const report = JSON.parse(readFileSync(replayFile ?? '', 'utf8')) as { failures: Failure[] };
    const still = await replayAll(report.failures);
    expect(still, formatFailures(still, seed)).toEqual([]);
  }, 600_000);

  VARIANTS.forEach((variant, index) => {
    it.skipIf(replayFile)(`${variant.name}: hostile values at every argument change nothing outside the policy`, async () => {
      // One stream per variant, derived from the seed, so a single variant replays on its own.
      const rng = new Rng((seed + index * 0x9e3779b9) >>> 0);
      const ctx: CorpusContext = {
        image: world.image,
        imageId: world.imageId,
        protectedNames: [PROTECTED_NAME, SELF_NAME, 'tunnel'],
        protectedIds: [...world.protectedIds.values()],
        otherNames: [...FIXTURES.map((f) => f.name), NETWORK, VOLUME],
        hostNetworkId: world.hostNetworkId,
        trapPort: world.trap.port,
        allowedDir: world.allowedDir,
        dockerSocket: world.daemon.socketPath,
      };
      // Plausible values (for the arguments not under attack) are the world's real names.
      const plausible = ['web', 'worker', 'stopped', world.image, NETWORK, VOLUME, 'id', world.allowedDir, '1m'];
      const hints = { container: ['web', 'worker'], image: [world.image], reference: [world.image], network: [NETWORK], command: ['id'], dockerfile: [`FROM ${world.image}`] };
      const planner = new Planner(rng, new ValueGenerator(rng, ctx, plausible, hints), surface);
      const run = new VariantRun(world, variant, execs);
      await run.start();
      try {
        await run.run(rng, planner, casesOf(surface), options);
      } finally {
        await run.stop();
      }
      console.log(`adversarial ${variant.name}: ${JSON.stringify(run.stats)}`);
      allFailures.push(...run.failures);
      expect(run.stats.requests).toBeGreaterThanOrEqual(casesOf(surface).length);
      expect(run.failures, formatFailures(run.failures, seed)).toEqual([]);
    }, budgetMs + 240_000);
  });
});
