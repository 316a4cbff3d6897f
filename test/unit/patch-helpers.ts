// Shared by the patch-*.test.ts files: fixture copies, the standard input, parse and fmt checks.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { planRepoPatch, type RepoPatchInput, type RepoPatchPlan } from '../../src/patch/index.js';
import { formatHclErrors, parseHcl } from '../../src/templates/hcl-parse.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'repos');
export const GOLDEN = join(import.meta.dirname, '..', 'golden', 'patched');

export const MODULE_CALL = `module "docker_mcp_gateway" {
  source = "./modules/docker-mcp-gateway"

  project_name    = "homelab"
  environment     = "production"
  namespace       = "homelab"
  tunnel_hostname = "docker-mcp"
  domain_suffix   = "example.com"
}
`;

export function input(overrides: Partial<RepoPatchInput> = {}): RepoPatchInput {
  return {
    serviceName: 'docker-mcp',
    hostname: 'docker-mcp.example.com',
    serviceUrl: 'http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080',
    moduleCallHcl: MODULE_CALL,
    ...overrides,
  };
}

/** A private copy of a fixture repo, so tests can write to it. */
export function fixtureCopy(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `dmcp-patch-${name}-`));
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/**
 * Call at a test file's top level: returns `copy(name)`, which makes a fixture copy that is
 * removed after each test.
 */
export function useFixtureCopies(): (name: string) => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return (name) => {
    const dir = fixtureCopy(name);
    dirs.push(dir);
    return dir;
  };
}

/** Syntax errors (ERROR/MISSING nodes) as text; '' when the file parses cleanly. */
export async function hclErrors(text: string): Promise<string> {
  const parsed = await parseHcl(text);
  const errors = formatHclErrors(parsed.errors);
  parsed.tree.delete();
  return errors;
}

/** The real `terraform fmt -check` on one file's text: true when already formatted. */
export function fmtClean(text: string): boolean {
  const result = spawnSync('terraform', ['fmt', '-check', '-no-color', '-'], {
    input: text,
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  });
  if (result.error) throw result.error;
  return result.status === 0;
}

/** The one chunk `after` adds to `before`; fails the test when any original byte changed or moved. */
export function insertedChunk(before: string, after: string): string {
  let p = 0;
  while (p < before.length && before[p] === after[p]) p++;
  const rest = before.slice(p);
  expect(after.endsWith(rest), `bytes after offset ${p} changed`).toBe(true);
  return after.slice(p, after.length - rest.length);
}

/**
 * review1-v5-dns-filter with its `if contains(local.public, name)` filter replaced by `cond`: what the
 * DNS `if` evaluator proves (dns-filter.ts).
 */
export async function planWithDnsFilter(copy: (name: string) => string, cond: string): Promise<RepoPatchPlan> {
  const dir = copy('review1-v5-dns-filter');
  const path = join(dir, 'main.tf');
  writeFileSync(path, readFileSync(path, 'utf8').replace('if contains(local.public, name) }', `if ${cond} }`));
  return planRepoPatch(dir, input());
}
