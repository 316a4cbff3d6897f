// A port clash names the setting to change (src/gateway/main.ts listenError): it said "pick another
// with the matching --*port flag", leaving the user to guess which of --port/--metrics-port.
import { describe, expect, it } from 'vitest';
import { listenError } from '../../src/gateway/main.js';

const inUse = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });

describe('listenError', () => {
  it('names --port for the HTTP listener and --metrics-port for /metrics, with their env and config key', () => {
    expect(listenError(inUse, 'HTTP', '127.0.0.1', 8080).message)
      .toBe('HTTP port 8080 on 127.0.0.1 is already in use; pick another with --port (or DOCKER_MCP_PORT, or port in the config file).');
    expect(listenError(inUse, 'metrics', '0.0.0.0', 9090).message)
      .toBe('metrics port 9090 on 0.0.0.0 is already in use; pick another with --metrics-port (or DOCKER_MCP_METRICS_PORT, or metrics_port in the config file).');
  });
});
