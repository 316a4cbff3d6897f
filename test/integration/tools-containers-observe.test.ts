// Logs (incl. bounded and cancelled follow) and stats against real containers, plus the stream
// helpers they are built on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { collectJsonLines, demuxBuffer, fitPair, isDestroyed, recentStreams, TailCollector } from '../../src/gateway/docker/streams.js';
import { containerLogs, containerStats } from '../../src/gateway/tools/containers-observe.js';
import { TEST_LABEL, testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { callTool, makeToolContext } from '../helpers/tool-context.js';

const docker = testDocker();
const RUN = uniqueName('cobs');
const labels = { [TEST_LABEL]: '1', 'dev.docker-mcp.run': RUN };

async function start(name: string, script: string, tty = false): Promise<string> {
  const c = await docker.createContainer({
    name, Image: testEnv.testImage, Cmd: ['sh', '-c', script], Tty: tty, Labels: labels, HostConfig: { NetworkMode: 'none' },
  });
  await c.start();
  return c.id;
}

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
}

let quiet: string; // five lines on each stream, then idle
let chatty: string; // a line every 100 ms forever

beforeAll(async () => {
  quiet = await start(`${RUN}-quiet`, 'for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; done; exec sleep 3600');
  chatty = await start(`${RUN}-chatty`, 'i=0; while true; do i=$((i+1)); echo tick$i; sleep 0.1; done');
  await until(async () => (await docker.getContainer(quiet).logs({ stdout: true, stderr: true })).includes('err5'));
});

afterAll(async () => {
  const mine = await docker.listContainers({ all: true, filters: { label: [`dev.docker-mcp.run=${RUN}`] } });
  await Promise.all(mine.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
});

describe('stream helpers', () => {
  it('TailCollector keeps the tail and counts everything', () => {
    const tail = new TailCollector(5);
    for (const part of ['abc', 'def', 'ghi']) tail.push(Buffer.from(part));
    expect(tail.result()).toEqual({ text: 'efghi', truncated: true, totalBytes: 9 });
  });

  it('demuxBuffer splits 8-byte framed output and fitPair shares the cap', () => {
    const frame = (type: number, text: string): Buffer => {
      const header = Buffer.alloc(8);
      header.writeUInt8(type, 0);
      header.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([header, Buffer.from(text)]);
    };
    const out = new TailCollector(100);
    const err = new TailCollector(100);
    demuxBuffer(Buffer.concat([frame(1, 'a\n'), frame(2, 'b\n'), frame(1, 'c\n')]), false, out, err);
    expect([out.result().text, err.result().text]).toEqual(['a\nc\n', 'b\n']);
    const [a, b] = fitPair({ text: 'x'.repeat(50), truncated: false, totalBytes: 50 }, { text: 'y'.repeat(50), truncated: false, totalBytes: 50 }, 60);
    expect([a.text.length, b.text.length, a.truncated, b.truncated]).toEqual([30, 30, true, true]);
  });

  it('collectJsonLines stops at the count and destroys the stream', async () => {
    const stream = new PassThrough();
    const collecting = collectJsonLines<{ n: number }>(stream, { signal: new AbortController().signal, maxCount: 2 });
    stream.write('{"n":1}\nnot json\n{"n"');
    stream.write(':2}\n{"n":3}\n');
    const { items, read } = await collecting;
    expect(items).toEqual([{ n: 1 }, { n: 2 }]);
    expect(read.reason).toBe('count');
    expect(stream.destroyed).toBe(true);
  });
});

describe('container_logs', () => {
  it('separates stdout from stderr and honours tail, timestamps and stream selection', async () => {
    const all = await callTool(containerLogs, { container: quiet });
    expect(all.structured).toMatchObject({ stdout: 'out1\nout2\nout3\nout4\nout5\n', stderr: 'err1\nerr2\nerr3\nerr4\nerr5\n', stopped_by: 'end' });
    expect(all.text).toContain('--- stderr ---');
    // Docker counts tail lines over both streams, and their order in the log is not guaranteed.
    const tail = await callTool(containerLogs, { container: quiet, tail: 4 });
    const lines = (tail.structured.stdout + tail.structured.stderr).split('\n').filter(Boolean);
    expect(lines).toHaveLength(4);
    expect(lines).not.toContain('out1');
    const onlyOut = await callTool(containerLogs, { container: quiet, stderr: false });
    expect(onlyOut.structured.stderr).toBe('');
    const stamped = await callTool(containerLogs, { container: quiet, timestamps: true, stderr: false });
    expect(stamped.structured.stdout.split('\n').filter(Boolean)).toHaveLength(5);
    expect(stamped.structured.stdout).toMatch(/^(\d{4}-\d{2}-\d{2}T[\d:.]+Z out\d\n){5}$/);
    const old = await callTool(containerLogs, { container: quiet, until: '1h' });
    expect(old.structured.stdout).toBe('');
    const recent = await callTool(containerLogs, { container: quiet, since: '1h', stdout: false });
    expect(recent.structured.stderr).toContain('err1');
  });

  it('caps output with a truncation notice, keeping the end', async () => {
    const ctx = makeToolContext({ limits: { maxOutputBytes: 12, defaultListLimit: 100 } });
    const result = await callTool(containerLogs, { container: quiet, stderr: false }, ctx);
    expect(result.structured).toMatchObject({ stdout: '3\nout4\nout5\n', stdout_truncated: true, stdout_bytes: 25 });
    expect(result.text).toContain('[truncated: stdout was 25 bytes; showing the last 12 bytes]');
  });

  it('reads a TTY container as one stream', async () => {
    const id = await start(`${RUN}-tty`, 'echo on-a-tty; echo also >&2; exec sleep 3600', true);
    await until(async () => (await docker.getContainer(id).logs({ stdout: true })).includes('also'));
    const result = await callTool(containerLogs, { container: id });
    expect(result.structured.stdout).toContain('on-a-tty');
    expect(result.structured.stdout).toContain('also');
  });

  it('needs a bound to follow, and reports a missing container as a Docker 404', async () => {
    await expect(callTool(containerLogs, { container: chatty, follow: true })).rejects.toThrow(/follow needs max_seconds/);
    await expect(callTool(containerLogs, { container: 'missing-container-xyz' })).rejects.toMatchObject({ statusCode: 404 });
    expect(() => containerLogs.inputSchema.parse({ container: chatty, since: 'yesterday' })).toThrow();
  });

  it('follows for max_seconds with progress, then closes the stream', async () => {
    const ctx = makeToolContext();
    const started = Date.now();
    const result = await callTool(containerLogs, { container: chatty, tail: 0, follow: true, max_seconds: 2 }, ctx);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(result.structured.stopped_by).toBe('time');
    expect(result.structured.stdout).toMatch(/tick\d+\ntick\d+\n/);
    expect(ctx.progressUpdates.length).toBeGreaterThanOrEqual(1);
    expect(ctx.progressUpdates[0]).toMatchObject({ total: 2 });
    expect(isDestroyed(recentStreams().at(-1)!)).toBe(true);
    expect(result.text).toMatch(/stopped by time/);
  });

  it('keeps a follow inside the gateway\'s long-call bound', async () => {
    const bounded = makeToolContext({ callTimeoutMs: 2000 });
    await expect(callTool(containerLogs, { container: chatty, tail: 0, follow: true, max_seconds: 600 }, bounded))
      .rejects.toThrow('max_seconds 600 is above this gateway\'s long_call_timeout_seconds (2)');
    const started = Date.now();
    const result = await callTool(containerLogs, { container: chatty, tail: 0, follow: true, max_seconds: 2 }, bounded);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.structured.stopped_by).toBe('time');
    expect(result.structured.stdout).toMatch(/tick\d+\n/);
    expect(result.text).toMatch(/stopped by time \(max_seconds 2 was cut short/);
  });

  it('stops following at max_bytes', async () => {
    const result = await callTool(containerLogs, { container: chatty, tail: 0, follow: true, max_seconds: 20, max_bytes: 20 });
    expect(result.structured.stopped_by).toBe('bytes');
    expect(result.structured.elapsed_ms).toBeLessThan(5000);
    expect(isDestroyed(recentStreams().at(-1)!)).toBe(true);
  });

  it('a cancelled follow settles at once and destroys the Docker stream', async () => {
    const ctx = makeToolContext();
    const pending = callTool(containerLogs, { container: chatty, tail: 0, follow: true, max_seconds: 60 }, ctx);
    await until(() => Promise.resolve(ctx.progressUpdates.length > 0));
    const stream = recentStreams().at(-1)!;
    expect(isDestroyed(stream)).toBe(false);
    const abortedAt = Date.now();
    ctx.controller.abort();
    const result = await pending;
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(result.structured.stopped_by).toBe('aborted');
    expect(result.structured.stdout).toContain('tick');
    expect(isDestroyed(stream)).toBe(true);
    // The connection to the daemon under the response is closed too, not returned to a pool.
    const socket = (stream as { socket?: { destroyed: boolean } | null }).socket;
    expect(socket == null || socket.destroyed).toBe(true);
  });

  it('a follow of a stopped container ends by itself', async () => {
    const id = await start(`${RUN}-done`, 'echo finished');
    await docker.getContainer(id).wait();
    const result = await callTool(containerLogs, { container: id, follow: true, max_seconds: 30 });
    expect(result.structured).toMatchObject({ stopped_by: 'end', stdout: 'finished\n' });
  });
});

describe('container_stats', () => {
  it('takes one snapshot with CLI-style numbers', async () => {
    const result = await callTool(containerStats, { container: chatty });
    const [sample] = result.structured.samples;
    expect(result.structured.samples).toHaveLength(1);
    expect(sample!.memory_usage_bytes).toBeGreaterThan(0);
    expect(sample!.memory_limit_bytes).toBeGreaterThan(0);
    expect(sample!.pids).toBeGreaterThanOrEqual(1);
    expect(sample!.cpu_percent).toBeGreaterThanOrEqual(0);
    expect(result.text).toContain('MEM USAGE / LIMIT');
  });

  it('samples with progress and honours the bound', async () => {
    const ctx = makeToolContext();
    const result = await callTool(containerStats, { container: quiet, samples: 2, interval_seconds: 1 }, ctx);
    expect(result.structured.samples).toHaveLength(2);
    expect(result.structured.samples[0]!.read_at).not.toBe(result.structured.samples[1]!.read_at);
    expect(ctx.progressUpdates.map((u) => u.progress)).toEqual([1, 2]);
    await expect(callTool(containerStats, { container: quiet, samples: 60, interval_seconds: 60 })).rejects.toThrow(/over 10 minutes/);
  });
});
