// Problems name each value by its origin (flag, env, answers-file key, prompt), including both sides
// of a cross-field rule; docker-mcp.yaml typos get "did you mean"; serve's env prefix is not read.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labeller, resolveInputs, type Origin } from '../../src/config/sources.js';
import { validateConfig } from '../../src/config/schema.js';
import { editDistance, suggest } from '../../src/config/suggest.js';
import { envFor, type VarValue } from '../../src/config/variables.js';
import { table } from './installer-helpers.js';

const spec = (name: string) => table.find((s) => s.name === name)!;

function problemsFor(values: Record<string, VarValue>, origins: Record<string, Origin>, configPath?: string): string[] {
  const all: Record<string, VarValue> = {};
  for (const s of table) all[s.name] = values[s.name] ?? structuredClone(s.default);
  const result = validateConfig(table, all, 'kubernetes', labeller(table, origins, configPath));
  return result.ok ? [] : result.problems;
}

describe('problems name the origin of each value', () => {
  it('a value typed at a prompt is named by its question', () => {
    expect(problemsFor({ memory_limit: 'lots' }, { memory_limit: 'prompt' })).toEqual([
      expect.stringMatching(new RegExp(`^prompt "${spec('memory_limit').prompt}": must be `)),
    ]);
  });

  it('a cross-field rule names each side by its own origin', () => {
    expect(problemsFor({ memory_request: '2Gi', memory_limit: '1Gi' }, { memory_request: 'prompt', memory_limit: 'env' })).toEqual([
      `prompt "${spec('memory_request').prompt}": 2Gi is more than DOCKER_MCP_INIT_MEMORY_LIMIT 1Gi`,
    ]);
    expect(problemsFor({ port: 9090 }, { port: 'config' }, 'answers/x.yaml')).toEqual([
      '--metrics-port: must differ from answers/x.yaml: port (9090)',
    ]);
  });

  it('resolveInputs records the answers file for naming its keys', () => {
    const resolved = resolveInputs(table, { flags: {}, env: {}, configFile: { path: 'dir/docker-mcp.yaml', data: { memory_limit: 'lots' } } });
    const result = validateConfig(table, resolved.values, 'kubernetes', labeller(table, resolved.origins, resolved.configPath));
    expect(result.ok ? [] : result.problems).toEqual([expect.stringMatching(/^dir\/docker-mcp\.yaml: memory_limit: must be /)]);
  });

  it('without a namer (library callers) problems name the flag, as before', () => {
    const all = Object.fromEntries(table.map((s) => [s.name, s.name === 'memory_limit' ? 'lots' : structuredClone(s.default)]));
    const result = validateConfig(table, all);
    expect(result.ok ? [] : result.problems).toEqual([expect.stringMatching(/^--memory-limit: must be /)]);
  });
});

describe('env prefix', () => {
  it('reads DOCKER_MCP_INIT_<NAME>; serve\'s DOCKER_MCP_<NAME> is ignored with one warning per variable', () => {
    const resolved = resolveInputs(table, { flags: {}, env: { DOCKER_MCP_PORT: '1', DOCKER_MCP_REPLICAS: '3', DOCKER_MCP_INIT_REPLICAS: '2' } });
    expect(resolved.values.port).toBe(spec('port').default);
    expect(resolved.origins.port).toBe('default');
    expect(resolved.values.replicas).toBe(2);
    // DOCKER_MCP_REPLICAS is shadowed by the INIT name the user already set: no warning for it.
    expect(resolved.warnings).toEqual(['DOCKER_MCP_PORT is ignored: init reads DOCKER_MCP_INIT_PORT (DOCKER_MCP_* is serve\'s env)']);
  });
});

describe('did you mean, for docker-mcp.yaml keys', () => {
  it('suggests the closest key for a typo, and nothing for an unrelated word', () => {
    const known = table.map((s) => s.name);
    expect(suggest('replics', known)).toBe('replicas');
    expect(suggest('memory-limit', known)).toBe('memory_limit');
    expect(suggest('nmaespace', known)).toBe('namespace');
    expect(suggest('banana', known)).toBeUndefined();
    expect(editDistance('ab', 'ba')).toBe(1);
  });

  it('names the suggestion in the unknown-key problem', () => {
    const resolved = resolveInputs(table, { flags: {}, env: {}, configFile: { path: 'docker-mcp.yaml', data: { replics: 2, banana: 1 } } });
    expect(resolved.problems).toEqual([
      'docker-mcp.yaml: unknown key "replics"; did you mean replicas?',
      'docker-mcp.yaml: unknown key "banana"',
    ]);
  });
});

describe('docs', () => {
  it('docs/installer.md lists init\'s env name (DOCKER_MCP_INIT_<NAME>) for every variable', () => {
    const docs = readFileSync('docs/installer.md', 'utf8');
    for (const s of table) expect(docs, s.name).toMatch(new RegExp(`^\\| \`${s.name}\` \\| [^|]+ \\| \`${envFor(s.name)}\` \\|`, 'm'));
    expect(envFor('port')).toBe('DOCKER_MCP_INIT_PORT');
  });
});
