// Review 4 findings 3, 9, 10, 11 (docs/dev/ISSUE17-REVIEW-4.md), end to end through the built CLI.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { runInit, snapshotTree } from '../helpers/init-run.js';
import { installScope } from '../../src/lifecycle/output-folder.js';
import { useFixtureCopies } from './patch-helpers.js';

const copy = useFixtureCopies();
const init = (cwd: string, ...more: string[]): ReturnType<typeof runInit> =>
  runInit(cwd, ['--yes', '--terraform-dir', '.', '--domain-suffix', 'example.com', ...more]);

beforeAll(() => ensureBuilt(), 180_000);

describe('review 4 #3: docker-mcp.tf follows the module files rule', () => {
  it('h3-own-file: lines never lost without --force', () => {
    const repo = copy('review4-h3-own-file');
    const mine = readFileSync(join(repo, 'docker-mcp.tf'), 'utf8');
    const before = snapshotTree(repo);
    const run = init(repo);
    expect(run.code, run.out).toBe(4);
    expect(run.out).toContain('docker-mcp.tf: not written by docker-mcp');
    expect(run.out).toContain('-# my docker MCP experiments (hand-written)');
    expect(run.out).toMatch(/re-run with --force/);
    expect(snapshotTree(repo)).toEqual(before);
    expect(readFileSync(join(repo, 'docker-mcp.tf'), 'utf8')).toBe(mine);
    // --force overwrites; the next run is a no-op (the manifest knows the file as ours).
    expect(init(repo, '--force').code).toBe(0);
    expect(readFileSync(join(repo, 'docker-mcp.tf'), 'utf8')).toContain('module "docker_mcp_gateway"');
    const again = init(repo);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/up to date/i);
    // Edited after init wrote it: a conflict again, even with new answers.
    appendFileSync(join(repo, 'docker-mcp.tf'), '# my note\n');
    const edited = init(repo, '--namespace', 'mcp');
    expect(edited.code, edited.out).toBe(4);
    expect(edited.out).toContain('docker-mcp.tf: edited since docker-mcp wrote it');
    expect(readFileSync(join(repo, 'docker-mcp.tf'), 'utf8')).toContain('# my note');
  });
});

describe('review 4 #10: the user module at modules/docker-mcp-gateway', () => {
  it('h1-name-taken: never called an earlier run, never copied over', () => {
    const repo = copy('review4-h1-name-taken');
    const before = snapshotTree(repo);
    const run = init(repo);
    expect(run.code, run.out).toBe(5);
    expect(run.out).not.toContain('an earlier run wrote');
    expect(run.out).toContain('holds a module of yours');
    expect(run.out).toContain('never copy over your module');
    expect(run.out).not.toContain('copy <dir>/terraform/modules/docker-mcp-gateway to ./modules/docker-mcp-gateway.');
    expect(snapshotTree(repo)).toEqual(before);
  });
});

describe('review 4 #9: doctor reads the install from docker-mcp.tf', () => {
  it('n1-namespace: --terraform-dir and --dir name namespace mcp, instance lab', () => {
    const repo = copy('review4-n1-namespace');
    const run = init(repo, '--namespace', 'mcp', '--project-name', 'lab');
    expect(run.code, run.out).toBe(0);
    const viaTf = installScope(join(repo, 'nowhere'), { terraformDir: repo });
    expect([viaTf.namespace, viaTf.instance]).toEqual(['mcp', 'lab']);
    expect(viaTf.from).toContain('docker-mcp.tf');
    const viaDir = installScope(repo, {});
    expect([viaDir.namespace, viaDir.instance]).toEqual(['mcp', 'lab']);
    // Flags still win.
    expect(installScope(repo, { namespace: 'other' }).namespace).toBe('other');
  });
});

describe('review 4 #11: the kubernetes provider only under an alias; terraform.workspace', () => {
  it('h2-k8s-alias: the module call passes kubernetes.k3s, second run a no-op', () => {
    const repo = copy('review4-h2-k8s-alias');
    const run = init(repo);
    expect(run.code, run.out).toBe(0);
    expect(readFileSync(join(repo, 'docker-mcp.tf'), 'utf8')).toMatch(/\n {2}providers = \{\n {4}kubernetes = kubernetes\.k3s\n {2}\}\n/);
    expect(run.out).toContain('configures kubernetes only as kubernetes.k3s');
    const again = init(repo);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toContain('Already up to date');
  });

  it('h2-k8s-alias with a second alias and no default: a note naming both, no providers line', () => {
    const repo = copy('review4-h2-k8s-alias');
    appendFileSync(join(repo, 'main.tf'), '\nprovider "kubernetes" {\n  alias       = "nas"\n  config_path = "~/.kube/nas.yaml"\n}\n');
    const run = init(repo);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain('only under aliases (kubernetes.k3s, kubernetes.nas) and no default');
    expect(existsSync(join(repo, 'docker-mcp.tf')) && readFileSync(join(repo, 'docker-mcp.tf'), 'utf8')).not.toContain('providers');
  });

  it('w1-workspace: a note that the rule and gateway apply per workspace', () => {
    const repo = copy('review4-w1-workspace');
    const run = init(repo);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain('builds names from terraform.workspace');
  });
});
