// docs/security.md: "The same rules apply each time Docker will run the container ... including
// containers created outside the gateway". Containers made here straight through dockerode (as
// someone on the host would), then container_start as operator through the real policy:
// - a named local volume that is really a bind of /etc (type=none, o=bind, device=/etc) is refused;
// - MaskedPaths equal to Docker's default list minus /proc/kcore is refused (rule masked-paths),
//   while the full default list is accepted (inspect shows it on every ordinary container).
import type Dockerode from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { containerStart } from '../../src/gateway/tools/containers-lifecycle.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { defaultPolicyOptions, policyToolContext } from '../helpers/policy-context.js';
import { callTool } from '../helpers/tool-context.js';

const docker = testDocker();
const run = uniqueName('claims-start');
const made: Dockerode.Container[] = [];
const volumes: string[] = [];
const NEVER = '0001-01-01T00:00:00Z';
const operator = (): ReturnType<typeof policyToolContext> => policyToolContext(defaultPolicyOptions({ preset: 'operator' }));

// Docker 20.10's defaults, as src/gateway/policy/runnable.ts holds them.
const DEFAULT_MASKED = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
];

async function make(hostConfig: Record<string, unknown>): Promise<Dockerode.Container> {
  const c = await docker.createContainer({
    name: uniqueName('claims-ext'), Image: testEnv.testImage, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: run }, HostConfig: hostConfig,
  });
  made.push(c);
  return c;
}

async function startAsOperator(c: Dockerode.Container): Promise<string> {
  return callTool(containerStart, { container: c.id }, operator()).then(() => 'allowed', (e: Error) => e.message);
}

async function neverStarted(c: Dockerode.Container): Promise<void> {
  const state = (await c.inspect()).State;
  expect([state.Running, state.StartedAt]).toEqual([false, NEVER]);
}

afterAll(async () => {
  await Promise.allSettled(made.map((c) => c.remove({ force: true })));
  await Promise.allSettled(volumes.map((v) => docker.getVolume(v).remove()));
});

describe('container_start of containers made outside the gateway', () => {
  it('one mounting a local volume created as a bind of /etc is refused (volume-bind) and never runs', async () => {
    const name = `${run}-etc`;
    await docker.createVolume({ Name: name, Driver: 'local', DriverOpts: { type: 'none', o: 'bind', device: '/etc' }, Labels: { [TEST_LABEL]: run } });
    volumes.push(name);
    for (const hostConfig of [{ Binds: [`${name}:/hostetc`] }, { Mounts: [{ Type: 'volume', Source: name, Target: '/hostetc' }] }]) {
      const c = await make(hostConfig);
      // It really is the host's /etc: what the container would see if it ran.
      expect((await c.inspect()).Mounts).toEqual([expect.objectContaining({ Type: 'volume', Name: name })]);
      expect(await startAsOperator(c)).toMatch(/run-target.*mounts volume .*-etc, whose .*bind.*volume-bind/s);
      await neverStarted(c);
    }
  });

  it('one mounting a plain local volume starts (control)', async () => {
    const name = `${run}-plain`;
    await docker.createVolume({ Name: name, Labels: { [TEST_LABEL]: run } });
    volumes.push(name);
    const c = await make({ Binds: [`${name}:/data`] });
    expect(await startAsOperator(c)).toBe('allowed');
    expect((await c.inspect()).State.Running).toBe(true);
  });

  it('one whose MaskedPaths is Docker\'s default list without /proc/kcore is refused (masked-paths) and never runs', async () => {
    const c = await make({ MaskedPaths: DEFAULT_MASKED.filter((p) => p !== '/proc/kcore') });
    expect((await c.inspect()).HostConfig.MaskedPaths).not.toContain('/proc/kcore');
    const refused = await startAsOperator(c);
    expect(refused).toMatch(/run-target.*masked-paths/s);
    expect(refused).toContain('/proc/kcore');
    await neverStarted(c);
  });

  it('one whose MaskedPaths is the full default list (in another order, with an extra path) starts (control)', async () => {
    const c = await make({ MaskedPaths: [...DEFAULT_MASKED].reverse().concat('/proc/interrupts') });
    expect(await startAsOperator(c)).toBe('allowed');
    expect((await c.inspect()).State.Running).toBe(true);
  });
});
