// The kubeconfig failure modes of status/doctor/plan, black-box (cli-failure-modes.test.ts style):
// each names what is really missing, doctor's fix fits the cause, and the exit codes follow README
// "Exit codes" (a missing or unusable kubeconfig is bad setup, 2, however it is missing; a cluster
// that does not answer is a run-time failure, 1; doctor: 1 when a check failed).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, ensureBuilt } from '../helpers/build.js';

const root = mkdtempSync(join(tmpdir(), 'dmcp-failures-kube-'));
const home = join(root, 'home');

interface Run { code: number | null; stdout: string; stderr: string }

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    // Nothing from the developer's shell: no kubeconfig, no KUBECONFIG.
    const child = spawn(process.execPath, [binPath, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function expectClean(run: Run, code: number, cause: RegExp): void {
  const all = `${run.stdout}\n${run.stderr}`;
  const where = `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
  expect(all, where).not.toMatch(/^\s+at .+(:\d+:\d+\)?|\(native\))$/m);
  expect(all, where).not.toMatch(/unexpected error|HTTP protocol is not allowed/i);
  expect(run.code, where).toBe(code);
  expect(all, where).toMatch(cause);
}

/** A kubeconfig whose current context names a cluster entry that is not there. */
const missingCluster = join(root, 'missing-cluster.yaml');
const noCurrent = join(root, 'no-current.yaml');
const DOWN = [
  'apiVersion: v1', 'kind: Config',
  'clusters: [{name: real, cluster: {server: "https://127.0.0.1:1"}}]',
  'contexts: [{name: homelab, context: {cluster: gone, user: me}}, {name: ok, context: {cluster: real, user: me}}]',
  'users: [{name: me, user: {token: x}}]',
];

beforeAll(() => {
  ensureBuilt();
  mkdirSync(home, { recursive: true });
  writeFileSync(missingCluster, [...DOWN, 'current-context: homelab', ''].join('\n'));
  writeFileSync(noCurrent, [...DOWN, ''].join('\n'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.concurrent('kubeconfig setup errors name what is missing (exit 2)', () => {
  it('status without a kubeconfig', async () => expectClean(await cli(['status']), 2, /no kubeconfig found/));
  it('status with an unknown --context: the same exit code', async () => {
    expectClean(await cli(['status', '--kubeconfig', missingCluster, '--context', 'nope']), 2, /no context "nope" \(have: homelab, ok\)/);
  });
  it('status whose current context names a missing cluster names that cluster, not "set a current context"', async () => {
    const r = await cli(['status', '--kubeconfig', missingCluster]);
    expectClean(r, 2, /context "homelab" names cluster "gone", which the kubeconfig's clusters do not have \(have: real\)/);
    expect(r.stderr).not.toMatch(/set a current context/);
  });
  it('plan --target kubectl with a missing cluster, via --context', async () => {
    const out = join(root, 'out');
    expect((await cli(['init', '--yes', '--output-dir', out])).code).toBe(0);
    expectClean(await cli(['plan', '--target', 'kubectl', '--dir', out, '--kubeconfig', noCurrent, '--context', 'homelab']), 2, /names cluster "gone"/);
  });
  it('status with no current context says so', async () => expectClean(await cli(['status', '--kubeconfig', noCurrent]), 2, /sets no current context/));
  it('a kubeconfig that is not one', async () => {
    const bad = join(root, 'bad.yaml');
    writeFileSync(bad, 'clusters: [');
    expectClean(await cli(['status', '--kubeconfig', bad]), 2, /could not read the kubeconfig .*bad\.yaml/);
  });
  it('an unreachable cluster stays a run-time failure (exit 1)', async () => {
    expectClean(await cli(['status', '--kubeconfig', noCurrent, '--context', 'ok']), 1, /ECONNREFUSED|cannot/);
  });
});

describe.concurrent('doctor: the fix fits the cause', () => {
  it('without a kubeconfig: where to put one, not `kubectl config get-contexts`', async () => {
    const r = await cli(['doctor']);
    expectClean(r, 1, /Kubernetes context reachable: no kubeconfig found/);
    const fix = /no kubeconfig found.*\n\s+fix: (.*)/.exec(r.stdout)?.[1] ?? '';
    expect(fix).toMatch(/~\/\.kube\/config|KUBECONFIG|--kubeconfig/);
    expect(fix).not.toMatch(/get-contexts|use-context|is the cluster running/);
  });
  it('with a missing cluster entry: names it and how to add it', async () => {
    const r = await cli(['doctor', '--kubeconfig', missingCluster]);
    expectClean(r, 1, /names cluster "gone"/);
    expect(r.stdout).toMatch(/fix: add it \(`kubectl config set-cluster gone/);
  });
  it('with an unreachable cluster: whether it runs, for that context', async () => {
    const r = await cli(['doctor', '--kubeconfig', noCurrent, '--context', 'ok']);
    expectClean(r, 1, /ECONNREFUSED/);
    expect(r.stdout).toMatch(/fix: is the cluster running and reachable from here\? \(`kubectl --context ok get --raw \/version`/);
  });
});
