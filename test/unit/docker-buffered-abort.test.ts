// Cancelling buffered Engine requests (src/gateway/docker/buffered-abort.ts). A real dockerd cannot
// be made to stall halfway through an answer on cue, so these tests talk to a small stand-in Engine
// server on a unix socket that does exactly what each case needs; cancellation against the real
// daemon is covered by the reliability and tools-over-MCP integration tests.
import type Dockerode from 'dockerode';
import { getEventListeners } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectDocker } from '../../src/gateway/docker/client.js';
import { tempDir } from '../helpers/temp-dir.js';

type Handler = (path: string, res: ServerResponse) => void;

async function standInEngine(handler: Handler) {
  const socketPath = join(tempDir('dmcp-abort-'), 'engine.sock');
  const sockets = new Set<Socket>();
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req.url ?? '', res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const connection = connectDocker({ docker_host: `unix://${socketPath}`, docker_tls_verify: false, docker_timeout: 30 });
  return {
    ...connection,
    paths,
    openOnServer: () => sockets.size,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// dockerode takes `abortSignal` on every call; @types/dockerode does not declare it.
const listWith = (docker: Dockerode, signal: AbortSignal) => docker.listContainers({ abortSignal: signal } as Dockerode.ContainerListOptions);

let engine: Awaited<ReturnType<typeof standInEngine>> | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('buffered Engine requests with an abort signal', { timeout: 10_000 }, () => {
  it('answer normally and leave no listener on the signal afterwards', async () => {
    engine = await standInEngine((_path, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('[{"Id":"abc"}]'));
    const controller = new AbortController();
    expect(await listWith(engine.docker, controller.signal)).toEqual([{ Id: 'abc' }]);
    expect(await listWith(engine.docker, controller.signal)).toEqual([{ Id: 'abc' }]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // Aborting after the answer changes nothing and throws nothing.
    controller.abort();
    expect(engine.openOnServer()).toBe(1); // the keep-alive socket, reused by both calls
  });

  it('fail with an AbortError and close the socket when aborted before the answer', async () => {
    engine = await standInEngine(() => undefined); // never answers
    const controller = new AbortController();
    const call = listWith(engine.docker, controller.signal);
    await until(() => engine?.paths.length === 1, 'the request to arrive');
    controller.abort(new Error('reason kept as the cause'));
    await expect(call).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: { message: 'reason kept as the cause' } });
    await until(() => engine?.openOnServer() === 0 && engine.openConnections?.() === 0, 'the socket to close');
  });

  it('fail with an AbortError and close the socket when aborted halfway through the answer', async () => {
    engine = await standInEngine((_path, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('[{"Id":"abc"},'); // and never the rest
    });
    const controller = new AbortController();
    const call = listWith(engine.docker, controller.signal);
    await until(() => engine?.paths.length === 1, 'the request to arrive');
    await new Promise((resolve) => setTimeout(resolve, 50)); // the partial answer is read
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    await until(() => engine?.openOnServer() === 0 && engine.openConnections?.() === 0, 'the socket to close');
  });

  it('are not sent at all when the signal is already aborted', async () => {
    engine = await standInEngine((_path, res) => res.writeHead(200).end('[]'));
    const controller = new AbortController();
    controller.abort();
    await expect(listWith(engine.docker, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(engine.paths).toEqual([]);
  });

  it('keep docker-modem\'s own handling for streamed answers (a followed log is still cut)', async () => {
    engine = await standInEngine((_path, res) => {
      res.writeHead(200, { 'Content-Type': 'application/vnd.docker.raw-stream' });
      res.write('line\n'); // a stream that never ends
    });
    const controller = new AbortController();
    const container = engine.docker.getContainer('abc');
    const follow = container.logs.bind(container) as (options: object) => Promise<NodeJS.ReadableStream>;
    const stream = await follow({ follow: true, stdout: true, abortSignal: controller.signal });
    const ended = new Promise((resolve) => {
      stream.on('error', resolve);
      stream.on('close', resolve);
    });
    stream.resume();
    controller.abort();
    await ended;
    await until(() => engine?.openOnServer() === 0, 'the stream socket to close');
  });
});
