// Gateway settings precedence, flag > env > config file > default, for settings of each type (port
// number, bind host, log level enum, docker_timeout seconds, stateless boolean, a list), the config
// file named by --config or DOCKER_MCP_CONFIG, the defaults, and the config-file mistakes a
// user makes (unknown key, invalid YAML/JSON, missing file, wrong type): each one a UsageError (exit
// code 2) whose message names the file and the key.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, UsageError } from '../../src/shared/errors.js';
import { resolveGatewayConfig, type ResolveInput } from '../../src/gateway/config.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('dmcp-config-');

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function failure(input: ResolveInput): UsageError {
  try {
    resolveGatewayConfig({ env: {}, ...input });
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.usage);
    return error as UsageError;
  }
  throw new Error('expected the settings to be refused');
}

const fileSettings = file(
  'gateway.yaml',
  'port: 7001\nhost: 10.1.1.1\nlog_level: warn\ndocker_timeout: 12.5\nstateless: true\nallowed_images: [a/*, b/*]\n',
);

describe('gateway settings precedence', () => {
  it('uses the documented defaults when nothing is given', () => {
    const { config, sources } = resolveGatewayConfig({ env: {} });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      docker_host: 'unix:///var/run/docker.sock',
      log_level: 'info',
      docker_timeout: 30,
      metrics_port: 9090,
      enable_metrics: true,
      stateless: false,
      stdio: false,
    });
    expect(config.allowed_images).toBeUndefined();
    expect(sources).toMatchObject({ port: 'default', host: 'default', stateless: 'default' });
  });

  it('a config file overrides the defaults, with each value typed', () => {
    const { config, sources } = resolveGatewayConfig({ env: {}, flags: { config: fileSettings } });
    expect(config).toMatchObject({
      port: 7001, host: '10.1.1.1', log_level: 'warn', docker_timeout: 12.5, stateless: true, allowed_images: ['a/*', 'b/*'],
      metrics_port: 9090,
    });
    expect(sources).toMatchObject({ port: 'file', host: 'file', log_level: 'file', docker_timeout: 'file', stateless: 'file', metrics_port: 'default' });
  });

  it('env overrides the config file', () => {
    const env = {
      DOCKER_MCP_PORT: '7002', DOCKER_MCP_HOST: '0.0.0.0', DOCKER_MCP_LOG_LEVEL: 'debug',
      DOCKER_MCP_DOCKER_TIMEOUT: '5', DOCKER_MCP_STATELESS: 'false', DOCKER_MCP_ALLOWED_IMAGES: 'c/*',
    };
    const { config, sources } = resolveGatewayConfig({ env, flags: { config: fileSettings } });
    expect(config).toMatchObject({ port: 7002, host: '0.0.0.0', log_level: 'debug', docker_timeout: 5, stateless: false, allowed_images: ['c/*'] });
    expect(sources).toMatchObject({ port: 'env', host: 'env', stateless: 'env' });
  });

  it('an empty env variable counts as unset, so the file still applies', () => {
    const { config } = resolveGatewayConfig({ env: { DOCKER_MCP_PORT: '' }, flags: { config: fileSettings } });
    expect(config.port).toBe(7001);
  });

  it('flags override env and the config file (commander passes camelCase keys and bare booleans)', () => {
    const env = { DOCKER_MCP_PORT: '7002', DOCKER_MCP_HOST: '0.0.0.0', DOCKER_MCP_LOG_LEVEL: 'debug', DOCKER_MCP_DOCKER_TIMEOUT: '5', DOCKER_MCP_STATELESS: 'false', DOCKER_MCP_METRICS_PORT: '9200' };
    const flags = { config: fileSettings, port: '7003', host: '::1', logLevel: 'error', dockerTimeout: '90', stateless: true, metricsPort: '9300' };
    const { config, sources } = resolveGatewayConfig({ env, flags });
    expect(config).toMatchObject({ port: 7003, host: '::1', log_level: 'error', docker_timeout: 90, stateless: true, metrics_port: 9300 });
    expect(sources).toMatchObject({ port: 'flag', host: 'flag', log_level: 'flag', docker_timeout: 'flag', stateless: 'flag', metrics_port: 'flag' });
    // A boolean flag can also turn a true env/file value off.
    expect(resolveGatewayConfig({ env: { DOCKER_MCP_STATELESS: 'true' }, flags: { stateless: 'false' } }).config.stateless).toBe(false);
  });

  it('DOCKER_MCP_DOCKER_HOST beats the standard DOCKER_HOST, which beats the file', () => {
    const path = file('docker-host.yaml', 'docker_host: tcp://file.example:2376\n');
    const resolve = (env: Record<string, string>) => resolveGatewayConfig({ env, flags: { config: path } }).config.docker_host;
    expect(resolve({})).toBe('tcp://file.example:2376');
    expect(resolve({ DOCKER_HOST: 'unix:///run/alias.sock' })).toBe('unix:///run/alias.sock');
    expect(resolve({ DOCKER_HOST: 'unix:///run/alias.sock', DOCKER_MCP_DOCKER_HOST: 'unix:///run/own.sock' })).toBe('unix:///run/own.sock');
  });

  it('reads the config file named by DOCKER_MCP_CONFIG, and --config wins over it', () => {
    const other = file('other.json', '{"port": 7100, "log_level": "debug"}');
    expect(resolveGatewayConfig({ env: { DOCKER_MCP_CONFIG: other } }).config).toMatchObject({ port: 7100, log_level: 'debug' });
    expect(resolveGatewayConfig({ env: { DOCKER_MCP_CONFIG: other }, flags: { config: fileSettings } }).config).toMatchObject({ port: 7001, log_level: 'warn' });
  });

  it('an empty config file means "all defaults"', () => {
    expect(resolveGatewayConfig({ env: {}, flags: { config: file('empty.yaml', '# nothing yet\n') } }).config.port).toBe(8080);
  });
});

describe('config file mistakes', () => {
  it('names an unknown key and the file, and suggests the snake_case key', () => {
    const path = file('unknown.yaml', 'port: 8081\nmetrics-port: 9191\nverbose: true\n');
    const error = failure({ flags: { config: path } });
    expect(error.problems).toEqual([
      `${path}: unknown setting "metrics-port" (did you mean "metrics_port"?)`,
      `${path}: unknown setting "verbose"`,
    ]);
  });

  it('refuses command-line-only settings in the file instead of ignoring them', () => {
    const path = file('cli-only.yaml', 'stdio: true\n');
    expect(failure({ flags: { config: path } }).problems).toEqual([
      `${path}: "stdio" cannot be set in a config file; use --stdio or DOCKER_MCP_STDIO`,
    ]);
  });

  it('reports invalid YAML and invalid JSON with the file and the line', () => {
    const yaml = file('broken.yaml', 'port: 8081\n  host: x\n');
    expect(failure({ flags: { config: yaml } }).message).toMatch(new RegExp(`^Config file ${yaml} is not valid YAML/JSON: .*line 1`));
    const json = file('broken.json', '{"port": 8081\n');
    expect(failure({ env: { DOCKER_MCP_CONFIG: json } }).message).toMatch(new RegExp(`^Config file ${json} is not valid YAML/JSON: .*line`));
    const list = file('list.yaml', '- port\n- 8081\n');
    expect(failure({ flags: { config: list } }).message).toBe(`Config file ${list} must be a mapping of setting names to values.`);
  });

  it('reports a config file that does not exist, and where its name came from', () => {
    const missing = join(dir, 'nope.yaml');
    expect(failure({ flags: { config: missing } }).message).toBe(`Cannot read config file ${missing} (given by --config): no such file`);
    expect(failure({ env: { DOCKER_MCP_CONFIG: missing } }).message).toBe(`Cannot read config file ${missing} (given by DOCKER_MCP_CONFIG): no such file`);
  });

  it('refuses values of the wrong type instead of coercing them, naming the key and the file', () => {
    const path = file('types.yaml', 'port: "eighty"\ndocker_timeout: true\nstateless: 1\nhost: [a, b]\nlog_level: loud\nmetrics_port:\n');
    const error = failure({ flags: { config: path } });
    const from = (key: string) => `from config key ${key} in ${path})`;
    expect(error.problems).toEqual([
      `port: expected a number (got "eighty" ${from('port')}`,
      `host: expected a string (got ["a","b"] ${from('host')}`,
      `stateless: expected true or false (got 1 ${from('stateless')}`,
      `docker_timeout: expected a number (got true ${from('docker_timeout')}`,
      expect.stringMatching(new RegExp(`^log_level: .*"debug".*\\(got "loud" ${from('log_level').replace(/[()]/g, '\\$&')}$`)),
      `metrics_port: the key has no value; remove it to use the default (got null ${from('metrics_port')}`,
    ]);
    expect(error.message.startsWith('Invalid gateway settings:\n  - port: expected a number')).toBe(true);
  });

  it('a valid flag does not hide a bad file value of another key, and a flag masks the bad key it overrides', () => {
    const path = file('mixed.yaml', 'port: 0\nlog_level: loud\n');
    const error = failure({ flags: { config: path, logLevel: 'warn' } });
    expect(error.problems).toEqual([expect.stringMatching(new RegExp(`^port: .*1.*\\(got 0 from config key port in ${path}\\)$`))]);
  });

  it('says "expected true or false" for a bad boolean from env too', () => {
    expect(failure({ env: { DOCKER_MCP_STATELESS: 'maybe' } }).problems).toEqual([
      'stateless: expected true or false (got "maybe" from DOCKER_MCP_STATELESS)',
    ]);
  });

  it('refuses metrics_port equal to port when metrics are on (exit 2), and allows it when they are off', () => {
    const error = failure({ flags: { port: 9191, metricsPort: 9191, enableMetrics: true } });
    expect(error.message + JSON.stringify(error)).toContain('metrics_port: must differ from port (both 9191)');
    expect(() => resolveGatewayConfig({ env: {}, flags: { port: 9191, metricsPort: 9191, enableMetrics: false } })).not.toThrow();
  });
});
