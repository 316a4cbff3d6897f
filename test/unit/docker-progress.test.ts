// followProgress on synthetic Docker streams: lines split across chunks, monotonic aggregated
// progress, errorDetail -> ToolError, redaction, and cancellation.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { followProgress, type DockerStreamEvent } from '../../src/gateway/docker/progress.js';
import { ToolError, type ProgressUpdate } from '../../src/gateway/tools/define.js';

function streamOf(events: Array<DockerStreamEvent | string>, splitAt = 7): Readable {
  const text = events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\r\n') + '\r\n';
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += splitAt) chunks.push(text.slice(i, i + splitAt));
  return Readable.from(chunks);
}

function options(updates: ProgressUpdate[], signal = new AbortController().signal) {
  return {
    signal, maxOutputBytes: 10_000, throttleMs: 0,
    progress: (u: ProgressUpdate) => {
      updates.push(u);
      return Promise.resolve();
    },
  };
}

const a = 'aaaaaaaaaaaa';
const b = 'bbbbbbbbbbbb';

describe('followProgress', () => {
  it('aggregates per-layer pull progress into one increasing number', async () => {
    const updates: ProgressUpdate[] = [];
    const outcome = await followProgress(streamOf([
      { status: 'Pulling from team/app', id: 'latest' },
      { status: 'Pulling fs layer', id: a },
      { status: 'Pulling fs layer', id: b },
      { status: 'Downloading', id: a, progressDetail: { current: 50, total: 100 } },
      { status: 'Downloading', id: b, progressDetail: { current: 10, total: 1000 } },
      { status: 'Download complete', id: a },
      { status: 'Extracting', id: a, progressDetail: { current: 1, total: 400 } },
      { status: 'Pull complete', id: a },
      { status: 'Downloading', id: b, progressDetail: { current: 900, total: 1000 } },
      { status: 'Already exists', id: b },
      { status: 'Digest: sha256:' + 'c'.repeat(64) },
      { status: 'Status: Downloaded newer image for team/app:latest' },
    ]), { kind: 'pull', ...options(updates) });
    const values = updates.map((u) => u.progress);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]!);
    expect(updates.at(-1)).toMatchObject({ progress: 2, total: 2 });
    expect(updates.some((u) => /of 1\.1 KB transferred/.test(u.message ?? ''))).toBe(true);
    expect(outcome).toMatchObject({ layers: 2, digest: 'sha256:' + 'c'.repeat(64), lastStatus: 'Status: Downloaded newer image for team/app:latest' });
    expect(outcome.output.text).not.toContain(a);
  });

  it('turns errorDetail into a redacted ToolError', async () => {
    const run = followProgress(streamOf([
      { status: 'Pulling fs layer', id: a },
      { errorDetail: { message: 'unauthorized: bad password hunter2' }, error: 'unauthorized' },
    ]), { kind: 'pull', ...options([]), redact: (t) => t.split('hunter2').join('***') });
    await expect(run).rejects.toBeInstanceOf(ToolError);
    await expect(run).rejects.toThrow('Pull failed: unauthorized: bad password ***');
  });

  it('reports build steps and keeps non-JSON lines as output', async () => {
    const updates: ProgressUpdate[] = [];
    const outcome = await followProgress(streamOf([
      { stream: 'Step 1/2 : FROM x\n' },
      'not json at all',
      { stream: 'Step 2/2 : RUN true\n' },
      { aux: { ID: 'sha256:' + 'd'.repeat(64) } },
      { stream: 'Successfully built dddddddddddd\n' },
    ], 3), { kind: 'build', ...options(updates) });
    expect(updates.map((u) => [u.progress, u.total])).toEqual([[1, 2], [2, 2]]);
    expect(outcome.imageId).toBe('sha256:' + 'd'.repeat(64));
    expect(outcome.output.text).toContain('not json at all');
  });

  it('destroys the stream and rejects promptly when aborted', async () => {
    const controller = new AbortController();
    const stream = new PassThrough();
    stream.write(JSON.stringify({ status: 'Pulling fs layer', id: a }) + '\n');
    const run = followProgress(stream, { kind: 'pull', ...options([], controller.signal) });
    setTimeout(() => controller.abort(), 20);
    await expect(run).rejects.toThrow(/cancelled/);
    expect(stream.destroyed).toBe(true);
  });
});
