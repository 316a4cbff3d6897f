// The policy checks a container and the handler then acts on it: both must be the same container.
// Docker resolves a name or id prefix anew on each request, so a rename between the check and the
// request used to redirect the call to another (protected) container. Here the race is made
// deterministic: right after the policy allows the call for A, A gives up its name and the
// protected container B takes it. Every container-targeting tool must still act on A only.
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  containerKill, containerPause, containerRemove, containerRename, containerRestart, containerStart, containerStop,
  containerUnpause, containerUpdate,
} from '../../src/gateway/tools/containers-lifecycle.js';
import type { ToolDefinition } from '../../src/gateway/tools/define.js';
import { containerExec } from '../../src/gateway/tools/exec.js';
import { networkConnect, networkDisconnect } from '../../src/gateway/tools/networks.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { policyToolContext } from '../helpers/policy-context.js';
import { callTool } from '../helpers/tool-context.js';

const docker = testDocker();
const made = new Set<string>();
const run = uniqueName('resolved');
const network = `${run}-net`;

type Setup = 'running' | 'stopped' | 'paused' | 'connected';

async function make(name: string, setup: Setup, labels: Record<string, string> = {}): Promise<string> {
  const c = await docker.createContainer({
    name, Image: testEnv.testImage, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: run, ...labels },
  });
  made.add(c.id);
  if (setup !== 'stopped') await c.start();
  if (setup === 'paused') await c.pause();
  if (setup === 'connected') await docker.getNetwork(network).connect({ Container: c.id });
  return c.id;
}

/** What a call could have changed on a container, minus its name (the test moves that). */
async function observable(id: string): Promise<Record<string, unknown>> {
  const info = await docker.getContainer(id).inspect();
  return {
    status: info.State.Status, startedAt: info.State.StartedAt, nanoCpus: info.HostConfig.NanoCpus,
    execs: info.ExecIDs ?? [], networks: Object.keys(info.NetworkSettings.Networks ?? {}).sort(),
  };
}

beforeAll(async () => {
  await docker.createNetwork({ Name: network, Labels: { [TEST_LABEL]: run } });
});

afterAll(async () => {
  await Promise.allSettled([...made].map((id) => docker.getContainer(id).remove({ force: true })));
  await docker.getNetwork(network).remove().catch(() => undefined);
});

type Effect = (a: Dockerode.ContainerInspectInfo | undefined, structured: Record<string, unknown>, aId: string, startedBefore: string) => void;
const cases: Array<[string, ToolDefinition, Setup, Record<string, unknown>, Effect]> = [
  ['start', containerStart, 'stopped', {}, (a) => expect(a?.State.Status).toBe('running')],
  ['stop', containerStop, 'running', { timeout_seconds: 0 }, (a) => expect(a?.State.Status).toBe('exited')],
  ['restart', containerRestart, 'running', { timeout_seconds: 0 }, (a, _out, _id, before) => expect([a?.State.Status, a?.State.StartedAt !== before]).toEqual(['running', true])],
  ['kill', containerKill, 'running', {}, (a) => expect(a?.State.Status).toBe('exited')],
  ['pause', containerPause, 'running', {}, (a) => expect(a?.State.Status).toBe('paused')],
  ['unpause', containerUnpause, 'paused', {}, (a) => expect(a?.State.Status).toBe('running')],
  ['rename', containerRename, 'running', { new_name: `${run}-renamed` }, (a) => expect(a?.Name).toBe(`/${run}-renamed`)],
  ['update', containerUpdate, 'running', { cpus: 0.5 }, (a) => expect(a?.HostConfig.NanoCpus).toBe(500_000_000)],
  ['remove', containerRemove, 'running', { force: true }, (a) => expect(a).toBeUndefined()],
  ['exec', containerExec, 'running', { command: ['cat', '/etc/hostname'], user: '1000:1000' },
    (_a, out, aId) => expect(String(out.stdout).trim()).toBe(aId.slice(0, 12))],
  ['network_connect', networkConnect, 'running', { network }, (a) => expect(Object.keys(a?.NetworkSettings.Networks ?? {})).toContain(network)],
  ['network_disconnect', networkDisconnect, 'connected', { network, force: true },
    (a) => expect(Object.keys(a?.NetworkSettings.Networks ?? {})).not.toContain(network)],
];

describe('a call acts on the container the policy checked', () => {
  it.each(cases)('%s: a rename after the check does not redirect it to a protected container', async (label, tool, setup, extra, effect) => {
    const ref = `${run}-${label}`;
    const a = await make(ref, setup);
    const b = await make(`${ref}-b`, setup, { 'dev.docker-mcp.protected': 'true' });
    const bBefore = await observable(b);
    const aStarted = (await docker.getContainer(a).inspect()).State.StartedAt;
    let swapped = false;
    // Runs once the policy has allowed the call for A: A leaves the name, protected B takes it.
    const ctx = policyToolContext(undefined, async () => {
      if (swapped) return;
      swapped = true;
      await docker.getContainer(a).rename({ name: `${ref}-a` });
      await docker.getContainer(b).rename({ name: ref });
    });

    const result = await callTool(tool, { container: ref, ...extra }, ctx);
    expect(swapped).toBe(true);
    // B, protected, is untouched and still exists; the call took effect on A.
    expect(await observable(b)).toEqual(bBefore);
    expect((await docker.getContainer(b).inspect()).Name).toBe(`/${ref}`);
    const aAfter = await docker.getContainer(a).inspect().catch(() => undefined);
    effect(aAfter, result.structured, a, aStarted);
    // The policy was asked about A, by its full id.
    const asked = ctx.authorized[0]!;
    expect('container' in asked ? asked.container : (asked as { body: { Container?: string } }).body.Container).toBe(a);
  });

  it('results still name the container as the caller did', async () => {
    const ref = `${run}-naming`;
    const id = await make(ref, 'running');
    const ctx = policyToolContext();
    const paused = await callTool(containerPause, { container: ref }, ctx);
    expect(paused.structured).toEqual({ id, name: ref, state: 'paused' });
    const updated = await callTool(containerUpdate, { container: ref, cpus: 0.25 }, ctx);
    expect(updated.structured.id).toBe(ref);
    const connected = await callTool(networkConnect, { network, container: ref }, ctx);
    expect(connected.structured.container).toBe(ref);
    const disconnected = await callTool(networkDisconnect, { network, container: `/${ref}` }, ctx);
    expect(disconnected.structured.container).toBe(`/${ref}`);
  });

  it('an unknown container is still refused by the policy (container-not-found), nothing sent', async () => {
    const ctx = policyToolContext();
    await expect(callTool(containerStop, { container: `${run}-missing` }, ctx)).rejects.toThrow(/container-not-found/);
    expect(ctx.authorized).toEqual([{ kind: 'container.change', container: `${run}-missing`, action: 'stop' }]);
  });

  it('a protected container is refused by name as before', async () => {
    const ref = `${run}-prot`;
    await make(ref, 'running', { 'dev.docker-mcp.protected': 'true' });
    await expect(callTool(containerStop, { container: ref, timeout_seconds: 0 }, policyToolContext())).rejects.toThrow(/protected-container/);
    expect((await docker.getContainer(ref).inspect()).State.Running).toBe(true);
  });
});

