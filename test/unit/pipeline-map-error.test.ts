// The map-error step (src/gateway/tools/pipeline/map-error.ts): every way a handler can fail
// becomes a result a person can act on, with the outcome the metrics and audit name. Real errors:
// Docker's own 404 from the private daemon, a socket that is not there.
import Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { createDaemonMonitor } from '../../src/gateway/docker/daemon-monitor.js';
import { createHealthChecker } from '../../src/gateway/observability/health.js';
import { ToolError } from '../../src/gateway/tools/define.js';
import { mapErrorStep } from '../../src/gateway/tools/pipeline/map-error.js';
import { Aborted } from '../../src/gateway/tools/pipeline/results.js';
import { testDocker } from '../helpers/env.js';
import { memoryLog, metricValue, quietMetrics, stubNext, toolCall } from './pipeline-helpers.js';

const text = (output: { result: { content: unknown[] } }): string => (output.result.content[0] as { text: string }).text;
const thrownBy = async (work: () => Promise<unknown>): Promise<Error> => work().then(() => { throw new Error('expected a failure'); }, (error: Error) => error);

describe('map-error step', () => {
  const setup = () => {
    const metrics = quietMetrics();
    const logged = memoryLog('error');
    return { metrics, logged, step: mapErrorStep({ metrics, log: logged.log, endpoint: 'unix:///test.sock' }) };
  };

  it('passes an answer through untouched', async () => {
    const { step } = setup();
    const next = stubNext();
    expect((await step(toolCall(), next)).outcome).toBe('ok');
  });

  it('a ToolError is a tool_error with its hint', async () => {
    const output = await setup().step(toolCall(), stubNext(new ToolError('No such thing.', 'List first.')));
    expect(output).toEqual({ outcome: 'tool_error', result: { isError: true, content: [{ type: 'text', text: 'No such thing.\nHint: List first.' }] } });
  });

  it('an abort is answered by its reason, whatever the handler threw after it; a denial mid-call is the audit decision', async () => {
    const { step } = setup();
    const controller = new AbortController();
    controller.abort(new Aborted('echo_value timed out after 1 s.', 'timeout', 'Raise docker_timeout.'));
    const call = { ...toolCall(), signal: controller.signal, decision: { allowed: true } };
    const timedOut = await step(call, stubNext(new Error('socket hang up')));
    expect(timedOut).toMatchObject({ outcome: 'timeout', decision: { allowed: true } });
    expect(text(timedOut)).toBe('echo_value timed out after 1 s.\nHint: Raise docker_timeout.');

    const denial = { allowed: false, rule: 'protected', reason: 'protected container' };
    const denied = await step({ ...toolCall(), decision: { allowed: true }, denial }, stubNext(new Aborted('Denied by policy rule protected: protected container', 'denied')));
    expect(denied).toMatchObject({ outcome: 'denied', decision: denial });
  });

  it('Docker\'s own error status becomes its message and is counted by status', async () => {
    const { step, metrics } = setup();
    const notFound = await thrownBy(() => testDocker().getContainer('no-such-container-pipeline').inspect());
    const output = await step(toolCall(), stubNext(notFound));
    expect(output.outcome).toBe('tool_error');
    expect(text(output)).toMatch(/^Not found: .*no-such-container-pipeline/);
    expect(await metricValue(metrics, 'docker_mcp_docker_errors_total', { kind: '404' })).toBe(1);
  });

  it('a socket that fails marks the daemon down and says which endpoint', async () => {
    const metrics = quietMetrics();
    const monitor = createDaemonMonitor(createHealthChecker(testDocker(), 'test', 2_000), { endpoint: 'test', log: memoryLog('silent').log, metrics });
    const step = mapErrorStep({ metrics, log: memoryLog('silent').log, endpoint: 'unix:///nonexistent/docker.sock', daemon: monitor });
    const refused = await thrownBy(() => new Dockerode({ socketPath: '/nonexistent/docker.sock' }).ping());
    const output = await step(toolCall(), stubNext(refused));
    expect(output).toMatchObject({ outcome: 'tool_error', daemonUnreachable: true });
    expect(text(output)).toMatch(/unix:\/\/\/nonexistent\/docker\.sock/);
    expect(monitor.up).toBe(false);
    expect(await metricValue(metrics, 'docker_mcp_docker_errors_total', { kind: 'unreachable' })).toBe(1);
    monitor.close();
  });

  it('anything else is an internal error: logged with the request id, answered without a stack', async () => {
    const { step, logged } = setup();
    const output = await step(toolCall(), stubNext(new TypeError('cannot read properties of undefined')));
    expect(output.outcome).toBe('internal');
    expect(text(output)).toMatch(/^Internal error in echo_value: cannot read properties of undefined/);
    expect(text(output)).not.toMatch(/\s+at /);
    expect(logged.lines()).toEqual([expect.objectContaining({ msg: 'tool handler failed', tool: 'echo_value', requestId: 'http:1' })]);
  });
});
