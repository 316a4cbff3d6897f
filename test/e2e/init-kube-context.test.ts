// Black-box: `init` records the cluster kubectl points at (the real kubectl reading a kubeconfig
// file, offline), so the rendered root module cannot deploy to whatever context is current later.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const BIN = resolve('bin/docker-mcp.js');
let cwd: string;

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: home
    cluster: { server: "https://127.0.0.1:6443" }
  - name: work
    cluster: { server: "https://10.0.0.1:6443" }
users:
  - name: me
    user: { token: not-a-real-token }
contexts:
  - name: k3s-home
    context: { cluster: home, user: me }
  - name: work-prod
    context: { cluster: work, user: me }
current-context: k3s-home
`;

function init(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [BIN, 'init', '--yes', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    encoding: 'utf8',
  });
  return { code: result.status, stderr: result.stderr };
}
const read = (path: string): string => readFileSync(join(cwd, 'docker-mcp', path), 'utf8');

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'dmcp-kubectx-'));
  writeFileSync(join(cwd, 'k3s.yaml'), KUBECONFIG);
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

describe('init and the kube context', () => {
  it('writes the current context of $KUBECONFIG into terraform.tfvars and the answers file', () => {
    const kubeconfig = join(cwd, 'k3s.yaml');
    const result = init([], { KUBECONFIG: kubeconfig });
    expect(result.code, result.stderr).toBe(0);
    expect(read('terraform/terraform.tfvars')).toMatch(/^kube_context\s+= "k3s-home"$/m);
    expect(read('terraform/terraform.tfvars')).toContain(`= "${kubeconfig}"`);
    expect(read('docker-mcp.yaml')).toContain('kube_context: k3s-home');
    expect(read('NOTES.md')).toContain('`kubectl --kubeconfig');
    // A re-run after switching contexts keeps the recorded one (it is an answer now).
    writeFileSync(kubeconfig, KUBECONFIG.replace('current-context: k3s-home', 'current-context: work-prod'));
    expect(init([], { KUBECONFIG: kubeconfig }).code).toBe(0);
    expect(read('terraform/terraform.tfvars')).toMatch(/^kube_context\s+= "k3s-home"$/m);
  });

  it('takes --kube-context as given, and renders it empty (with a warning in NOTES.md) when there is none', () => {
    expect(init(['--kube-context', 'work-prod', '--kubeconfig-path', join(cwd, 'k3s.yaml')], {}).code).toBe(0);
    expect(read('terraform/terraform.tfvars')).toMatch(/^kube_context\s+= "work-prod"$/m);
    rmSync(join(cwd, 'docker-mcp'), { recursive: true });
    expect(init([], {}).code).toBe(0);
    expect(read('terraform/terraform.tfvars')).toMatch(/^kube_context\s+= ""$/m);
    expect(read('NOTES.md')).toMatch(/Warning: no kube_context was recorded/);
  });
});
