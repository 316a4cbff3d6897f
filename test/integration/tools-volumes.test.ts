// Volume tools against the private daemon. Everything made here carries TEST_LABEL=<run id>, and
// prunes are narrowed by a label unique to this run so other tests' volumes are never touched.
import { afterAll, describe, expect, it } from 'vitest';
import {
  volumeCreate, volumeInspect, volumeList, volumePrune, volumeRemove, volumeTools,
} from '../../src/gateway/tools/volumes.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { callTool, makeToolContext } from '../helpers/tool-context.js';

const run = uniqueName('vol');
const docker = testDocker();

async function volumeExists(name: string): Promise<boolean> {
  return docker.getVolume(name).inspect().then(() => true, () => false);
}

describe('volume tools', () => {
  afterAll(async () => {
    const containers = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${run}`] } });
    for (const c of containers) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    const { Volumes } = await docker.listVolumes({ filters: { label: [`${TEST_LABEL}=${run}`] } });
    for (const v of Volumes ?? []) await docker.getVolume(v.Name).remove({ force: true }).catch(() => undefined);
  });

  it('volume_create passes labels and driver options, and authorizes the exact body', async () => {
    const name = `${run}-tmpfs`;
    const ctx = makeToolContext();
    const result = await callTool(volumeCreate, {
      name,
      labels: { [TEST_LABEL]: run, 'org.example.tier': 'cache' },
      driver_opts: { type: 'tmpfs', device: 'tmpfs', o: 'size=16m' },
    }, ctx);
    const body = { Name: name, Driver: 'local', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=16m' }, Labels: { [TEST_LABEL]: run, 'org.example.tier': 'cache' } };
    expect(ctx.authorized).toEqual([{ kind: 'volume.create', body }]);
    expect(result.structured).toMatchObject({ name, driver: 'local', options: body.DriverOpts, labels: body.Labels });
    const info = await docker.getVolume(name).inspect();
    expect(info.Options).toEqual(body.DriverOpts);
    expect(info.Labels).toEqual(body.Labels);
  });

  it('volume_create without a name lets Docker pick one', async () => {
    const result = await callTool(volumeCreate, { labels: { [TEST_LABEL]: run } });
    expect(result.structured.name).toMatch(/^[0-9a-f]{64}$/);
    expect(await volumeExists(result.structured.name)).toBe(true);
  });

  it('volume_inspect reports options, labels and mount point', async () => {
    const result = await callTool(volumeInspect, { name: `${run}-tmpfs` });
    expect(result.structured.options).toEqual({ type: 'tmpfs', device: 'tmpfs', o: 'size=16m' });
    expect(result.structured.mountpoint).toContain(`${run}-tmpfs`);
    expect(result.text).toContain('org.example.tier=cache');
    await expect(callTool(volumeInspect, { name: `${run}-missing` })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('volume_list filters by label and name, and caps with a notice', async () => {
    const byLabel = await callTool(volumeList, { label: [`${TEST_LABEL}=${run}`, 'org.example.tier=cache'] });
    expect(byLabel.structured.volumes.map((v) => v.name)).toEqual([`${run}-tmpfs`]);
    expect(byLabel.text).toContain(`${run}-tmpfs`);
    const capped = await callTool(volumeList, { label: [`${TEST_LABEL}=${run}`], limit: 1 });
    expect(capped.structured).toMatchObject({ truncated: true, total: 2 });
    expect(capped.text).toContain('[truncated: showing 1 of 2 volumes');
    const byName = await callTool(volumeList, { name: `${run}-tmp` });
    expect(byName.structured.volumes).toHaveLength(1);
  });

  it('volume_remove deletes a volume', async () => {
    const name = `${run}-remove`;
    await docker.createVolume({ Name: name, Labels: { [TEST_LABEL]: run } });
    const result = await callTool(volumeRemove, { name });
    expect(result.structured.removed).toBe(name);
    expect(await volumeExists(name)).toBe(false);
  });

  it('volume_prune removes only unused volumes matching the label filter', async () => {
    const prune = { [TEST_LABEL]: run, 'org.example.prune': run };
    await docker.createVolume({ Name: `${run}-unused`, Labels: prune });
    await docker.createVolume({ Name: `${run}-used`, Labels: prune });
    await docker.createVolume({ Name: `${run}-other`, Labels: { [TEST_LABEL]: run } });
    await docker.createContainer({
      Image: testEnv.testImage, Cmd: ['true'], Labels: { [TEST_LABEL]: run },
      HostConfig: { NetworkMode: 'none', Binds: [`${run}-used:/data`] },
    });
    const result = await callTool(volumePrune, { label: [`org.example.prune=${run}`], all: true });
    expect(result.structured.deleted).toEqual([`${run}-unused`]);
    expect(await volumeExists(`${run}-unused`)).toBe(false);
    expect(await volumeExists(`${run}-used`)).toBe(true);
    expect(await volumeExists(`${run}-other`)).toBe(true);
    expect(result.text).toContain(`${run}-unused`);
  });

  it('volume_prune lists at most limit names, says how many were removed, and removes them all', async () => {
    const prune = { [TEST_LABEL]: run, 'org.example.prune-limit': run };
    await docker.createVolume({ Name: `${run}-plim-a`, Labels: prune });
    await docker.createVolume({ Name: `${run}-plim-b`, Labels: prune });
    const result = await callTool(volumePrune, { label: [`org.example.prune-limit=${run}`], all: true, limit: 1 });
    expect(result.structured).toMatchObject({ deleted_total: 2, truncated: true });
    expect(result.structured.deleted).toHaveLength(1);
    expect(result.text).toMatch(/^Pruned 2 volume\(s\): [^,]+; reclaimed/);
    expect(result.text).toContain('[truncated: showing 1 of 2 pruned volumes; all 2 were removed, only this list is shortened]');
    expect(await volumeExists(`${run}-plim-a`)).toBe(false);
    expect(await volumeExists(`${run}-plim-b`)).toBe(false);
    const untouched = await callTool(volumePrune, { label: [`org.example.prune-limit=${run}`], all: true });
    expect(untouched.structured).toEqual({ deleted: [], space_reclaimed_bytes: 0, deleted_total: 0, truncated: false });
  });

  it('lists all five volume tools with described inputs', () => {
    expect(volumeTools.map((t) => t.name)).toEqual(['volume_list', 'volume_inspect', 'volume_create', 'volume_remove', 'volume_prune']);
    for (const t of volumeTools) {
      for (const [field, schema] of Object.entries(t.inputSchema.shape)) {
        expect((schema as { description?: string }).description, `${t.name}.${field}`).toBeTruthy();
      }
    }
  });
});
