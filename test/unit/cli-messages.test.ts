// Messages that name the true cause (issue 16 review, finding 4): unknown DOCKER_MCP_INIT_* names
// are warned about (they were silently ignored), a list given for a number says "a list", the
// answers file's read failures say what is wrong with the file instead of "not valid YAML", a YAML
// error is one clean line, and a file-system error no command explained names the path.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsErrorLine } from '../../src/shared/errors.js';
import { loadConfigFile, unreadableReason } from '../../src/cli/io/config-file.js';
import { resolveInputs } from '../../src/config/sources.js';
import { variablesTable } from '../../src/config/variables.js';
import { tempDir } from '../helpers/temp-dir.js';

const table = variablesTable('0.0.0');
const dir = tempDir('dmcp-cli-msg-');

describe('unknown DOCKER_MCP_INIT_* names', () => {
  it('a typo is warned about with the name meant; a flag-only option says so', () => {
    const { warnings } = resolveInputs(table, { flags: {}, env: {
      DOCKER_MCP_INIT_PROT: '9000', DOCKER_MCP_INIT_OUTPUT_DIR: '/x', DOCKER_MCP_INIT_CONFIG: 'a.yaml',
      DOCKER_MCP_INIT_COLOUR: 'blue', DOCKER_MCP_INIT_PORT: '8080',
    } });
    expect(warnings).toEqual([
      'DOCKER_MCP_INIT_COLOUR is ignored: no such variable',
      'DOCKER_MCP_INIT_CONFIG is ignored: -c/--config is a flag only (no env var)',
      'DOCKER_MCP_INIT_OUTPUT_DIR is ignored: -o/--output-dir is a flag only (no env var)',
      'DOCKER_MCP_INIT_PROT is ignored: no such variable; did you mean DOCKER_MCP_INIT_PORT?',
    ]);
  });

  it('known names and other prefixes give no warning', () => {
    expect(resolveInputs(table, { flags: {}, env: { DOCKER_MCP_INIT_PORT: '8080', HOME: '/root', DOCKER_MCP_DEBUG: '1' } }).warnings).toEqual([]);
  });
});

describe('a wrong value says what it was', () => {
  it('port: [1] is "a list", not "1"', () => {
    const { problems } = resolveInputs(table, { flags: {}, env: {}, configFile: { path: 'docker-mcp.yaml', data: { port: [1], create_namespace: { a: 1 } } } });
    expect([...problems].sort()).toEqual(['docker-mcp.yaml: create_namespace: must be true or false (got a mapping)', 'docker-mcp.yaml: port: must be a number (got a list)']);
    expect(problems.join('\n')).not.toContain('"1"');
  });
});

describe('the answers file (-c)', () => {
  it('a folder: "is a directory", not "not valid YAML: EISDIR"', () => {
    const folder = join(dir, 'answers-folder');
    mkdirSync(folder);
    expect(() => loadConfigFile(folder, dir)).toThrow(`config file ${folder} is a directory, not a file: give -c a readable YAML file`);
  });

  it('an unreadable file: "cannot be read (permission denied)" (root reads anything, so the mapping is checked on the error)', () => {
    expect(unreadableReason(Object.assign(new Error('EACCES'), { code: 'EACCES' }))).toBe('cannot be read (permission denied)');
    expect(unreadableReason(Object.assign(new Error('EMFILE'), { code: 'EMFILE' }))).toBeUndefined();
  });

  it('a YAML error is one line with its line and column, no dangling "at line 2, column 1:"', () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'project_name: "x\nport: 1\n');
    let message = '';
    try {
      loadConfigFile(path, dir);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(`${path}: not valid YAML at line 3, column 1: Missing closing "quote`);
  });
});

describe('fsErrorLine', () => {
  it('names the path and the cause of a real ENOENT/EACCES', () => {
    const error = (() => {
      try {
        readFileSync(join(dir, 'nope.yaml'));
      } catch (e) {
        return e;
      }
    })();
    expect(fsErrorLine(error)).toBe(`cannot read ${join(dir, 'nope.yaml')}: no such file or directory`);
    expect(fsErrorLine(Object.assign(new Error('x'), { code: 'EACCES', syscall: 'open', path: '/d/kubernetes/service.yaml' })))
      .toBe('cannot read /d/kubernetes/service.yaml: permission denied');
  });

  it('a folder read as a file (Node gives no path then) still gets one true line; other errors are left alone', () => {
    const error = (() => {
      try {
        readFileSync(dir);
      } catch (e) {
        return e;
      }
    })();
    expect(fsErrorLine(error)).toMatch(/^cannot read a file: a folder stands where a file was expected$/);
    expect(fsErrorLine(new Error('boom'))).toBeUndefined();
  });
});
