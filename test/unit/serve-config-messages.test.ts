// serve's settings refusals in the words init uses (src/gateway/config.ts): a typo'd key in the
// config file gets a "did you mean" (init gives one for docker-mcp.yaml; serve said only
// `unknown setting "prot"`), and a number out of range says "must be at least 1" instead of zod's
// "Too small: expected number to be >=1".
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/shared/errors.js';
import { resolveGatewayConfig, type ResolveInput } from '../../src/gateway/config.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('dmcp-config-msg-');

function problems(input: ResolveInput): string[] {
  try {
    resolveGatewayConfig({ env: {}, ...input });
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).problems;
  }
  throw new Error('expected the settings to be refused');
}

function file(text: string): string {
  const path = join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  return path;
}

describe('serve settings messages', () => {
  it('a typo of a config key suggests the key (prot -> port, log_levle -> log_level)', () => {
    const path = file('prot: 1\nlog_levle: debug\n');
    expect(problems({ configFile: path })).toEqual([
      `${path}: unknown setting "prot" (did you mean "port"?)`,
      `${path}: unknown setting "log_levle" (did you mean "log_level"?)`,
    ]);
  });

  it('a word far from every key gets no guess', () => {
    const path = file('colour: blue\n');
    expect(problems({ configFile: path })).toEqual([`${path}: unknown setting "colour"`]);
  });

  it('ranges read "must be at least/at most N", from any source', () => {
    const path = file('port: 0\n');
    expect(problems({ configFile: path })).toEqual([`port: must be at least 1 (got 0 from config key port in ${path})`]);
    expect(problems({ flags: { port: '70000' } })).toEqual(['port: must be at most 65535 (got "70000" from --port)']);
    expect(problems({ env: { DOCKER_MCP_PORT: '0' } }).join('\n')).not.toMatch(/Too small|>=/);
  });

  it('--config <folder> says "is a directory"; a YAML error is line, column and the problem, no dangling colon', () => {
    expect(() => resolveGatewayConfig({ env: {}, configFile: dir })).toThrow(`Cannot read config file ${dir} (given by --config): is a directory, not a file`);
    const bad = file('port: "1\n');
    expect(() => resolveGatewayConfig({ env: {}, configFile: bad })).toThrow(new RegExp(`^Config file ${bad} is not valid YAML/JSON: line 2, column 1: Missing closing "quote$`));
  });
});
