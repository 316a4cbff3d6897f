// The docker client layer's own guard (src/gateway/docker/engine-guard.ts), with the tools' input
// validation out of the way: dockerode is called directly with hostile ids, as a future tool, prompt
// or policy lookup that forgot to validate would. Buffered, streaming and hijacked requests are
// refused before anything is sent; a redirect from the Engine (a stand-in that answers 301 to
// everything) is never followed; nothing reaches the loopback listener; the process survives all of
// it (an uncaught error here would fail the run).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectDocker } from '../../src/gateway/docker/client.js';
import { engineGet } from '../../src/gateway/docker/engine-calls.js';
import { toToolError } from '../../src/gateway/docker/errors.js';
import { testEnv } from '../helpers/env.js';
import { tempDir } from '../helpers/temp-dir.js';
import { listenTrap } from '../helpers/http-trap.js';

function listen(server: Server, where: number | string): Promise<void> {
  return new Promise((resolve) => (typeof where === 'string' ? server.listen(where, resolve) : server.listen(where, '127.0.0.1', resolve)));
}
const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
const settle = (ms = 300): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function connect(dockerHost: string): Dockerode {
  return connectDocker({ docker_host: dockerHost, docker_tls_verify: false, docker_timeout: 10 }).docker;
}

async function refusal(call: () => Promise<unknown>): Promise<Error> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error).toBeInstanceOf(Error);
  return error!;
}

describe('every Engine request passes one guard', () => {
  let listener: Server;
  let port: number;
  const received: string[] = [];
  let docker: Dockerode;

  beforeAll(async () => {
    ({ server: listener, port } = await listenTrap(received));
    docker = connect(testEnv.dockerHost);
  });
  beforeEach(() => {
    received.length = 0;
  });
  afterAll(() => close(listener));

  it.each([
    ['rt//busybox', /empty segment/],
    ['rt/./busybox', /"\." segment/],
    ['../127.0.0.1:PORT/path', /"\.\." segment/],
    ['%2e%2e', /"\.\." segment/],
    ['x%2F..', /"\.\." segment/],
    ['%252e%252e', /"%" once %-decoded/],
    ['x?all=1', /contains "\?"/],
    ['x#frag', /contains "#"/],
    ['x\\..\\y', /contains "\\\\"/],
    ['x y', /contains " "/],
    ['x\u0000y', /contains "\\u0000"/],
    ['caf\u00e9', /contains "\\u00e9"/],
    ['%zz', /malformed %-escape/],
    ['a'.repeat(5000), /longer than 2048/],
  ])('buffered: image inspect of %j is refused before sending (%s)', async (name, why) => {
    const error = await refusal(() => docker.getImage(name.replace('PORT', String(port))).inspect());
    expect(error.message).toMatch(/^Refused to send GET request to the Docker Engine/);
    expect(error.message).toMatch(why);
    // The message goes to the caller as is: short, escaped, no stack.
    expect(error.message.length).toBeLessThan(600);
    expect(toToolError(error, 'x').message).toBe(error.message);
    await settle(50);
    expect(received).toEqual([]);
  });

  it('buffered container, volume, network and exec calls are refused the same way', async () => {
    const hostile = `../127.0.0.1:${port}/path`;
    for (const call of [
      () => docker.getContainer(hostile).inspect(),
      () => docker.getContainer(hostile).stop(),
      () => docker.getVolume('..').remove(),
      () => docker.getNetwork('a/../b').inspect(),
      () => docker.getExec('..').inspect(),
      () => engineGet(docker, `/images/${encodeURIComponent('x/../y')}/history`, 'no such image', AbortSignal.timeout(5000)),
    ]) {
      expect((await refusal(call)).message).toMatch(/^Refused to send/);
    }
    await settle();
    expect(received).toEqual([]);
  });

  it('streaming (logs follow, events) and hijacked (attach, exec start) requests are refused too', async () => {
    const hostile = `../127.0.0.1:${port}/stream`;
    const calls: Array<() => Promise<unknown>> = [
      () => docker.getContainer(hostile).logs({ follow: true, stdout: true }),
      () => docker.getContainer(hostile).attach({ stream: true, hijack: true, stdout: true }),
      () => docker.getContainer(hostile).attach({ stream: true, stdin: true, hijack: true }),
      () => docker.getExec(hostile).start({ hijack: true, stdin: true }),
      () => docker.getContainer(hostile).stats({ stream: true }),
    ];
    for (const call of calls) expect((await refusal(call)).message).toMatch(/^Refused to send/);
    await settle();
    expect(received).toEqual([]);
  });

  it('clean paths still work: references with registry, port, tag and digest reach the Engine', async () => {
    const info = await docker.getImage(testEnv.testImage).inspect();
    expect(info.Id).toMatch(/^sha256:/);
    const byId = await docker.getImage(info.Id).inspect();
    expect(byId.Id).toBe(info.Id);
    // engineGet encodes the reference: "/" and ":" arrive as %2F/%3A and are judged decoded.
    const history = await engineGet<unknown[]>(docker, `/images/${encodeURIComponent(testEnv.testImage)}/history`, 'no such image', AbortSignal.timeout(5000));
    expect(history.length).toBeGreaterThan(0);
    // A missing reference with every legal character class is a 404, not a refusal.
    const missing = await refusal(() => docker.getImage('registry.example:5000/a_b/c-d.e:v1.2-x').inspect());
    expect((missing as { statusCode?: number }).statusCode).toBe(404);
  });

  it('a request the modem builds for another destination is refused (socket path or host:port)', async () => {
    const modem = docker.modem as unknown as {
      buildRequest(options: Record<string, unknown>, context: Record<string, unknown>, data: unknown, cb: (e: unknown) => void): void;
    };
    const build = (options: Record<string, unknown>): Promise<Error> =>
      new Promise((resolve) => modem.buildRequest({ path: '/_ping', method: 'GET', headers: {}, ...options }, { statusCodes: { 200: true } }, undefined, (e) => resolve(e as Error)));
    expect((await build({ socketPath: '/var/run/docker.sock' })).message).toMatch(/only to its configured Docker endpoint/);
    expect((await build({ hostname: '127.0.0.1', port })).message).toMatch(/only to its configured Docker endpoint/);
    await settle();
    expect(received).toEqual([]);
  });

  it('a throw inside the modem becomes the call\'s error, not an unhandled rejection', async () => {
    // `file: {}` makes docker-modem call data.on() on a plain object inside buildRequest, which runs
    // in a promise callback for a unix socket: before the guard, an unhandled rejection ended Node.
    const error = await new Promise<Error>((resolve) =>
      docker.modem.dial({ path: '/_ping', method: 'POST', file: {}, statusCodes: { 200: true } } as never, (e: unknown) => resolve(e as Error)),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(await docker.ping()).toBeTruthy();
  });
});

describe('redirects from the Engine are never followed', () => {
  let listener: Server;
  let port: number;
  const received: string[] = [];
  const answered: string[] = [];
  const engines: Server[] = [];

  /** A stand-in Engine that answers every request with `status` and a Location. */
  function redirectingEngine(status: number, location: () => string): Server {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      answered.push(`${req.method} ${req.url}`);
      res.writeHead(status, { Location: location(), 'Content-Type': 'text/html' });
      res.end('<a href="elsewhere">Moved Permanently</a>.');
    });
    engines.push(server);
    return server;
  }

  beforeAll(async () => {
    ({ server: listener, port } = await listenTrap(received));
  });
  beforeEach(() => {
    received.length = 0;
    answered.length = 0;
  });
  afterAll(async () => {
    await Promise.all([listener, ...engines].map(close));
  });

  it.each([301, 302, 307, 308])('unix socket Engine answering %i with an absolute Location: a clear error, nothing sent elsewhere', async (status) => {
    const dir = tempDir('dmcp-redirect-');
    const socket = join(dir, 'docker.sock');
    await listen(redirectingEngine(status, () => `http://127.0.0.1:${port}/stolen/json`), socket);
    const docker = connect(`unix://${socket}`);
    for (const call of [
      () => docker.getContainer('web').inspect(),
      () => docker.getContainer('web').logs({ follow: true, stdout: true }),
      () => docker.getExec('abc').start({ hijack: true, stdin: false }),
    ]) {
      const error = await refusal(call);
      expect((error as { statusCode?: number }).statusCode).toBe(status);
      expect(toToolError(error, `unix://${socket}`).message).toMatch(new RegExp(`redirect \\(HTTP ${status}\\), which the gateway never follows`));
    }
    await settle();
    expect(answered).toHaveLength(3);
    expect(received).toEqual([]);
  });

  it('tcp Engine answering 301 with a relative Location and with a host-relative one: not followed', async () => {
    let n = 0;
    const engine = redirectingEngine(301, () => (n++ % 2 ? `//127.0.0.1:${port}/stolen` : '/stolen/json'));
    await listen(engine, 0);
    const docker = connect(`tcp://127.0.0.1:${(engine.address() as AddressInfo).port}`);
    for (let i = 0; i < 4; i++) {
      const error = await refusal(() => docker.getImage('busybox').inspect());
      expect((error as { statusCode?: number }).statusCode).toBe(301);
    }
    await settle();
    // Each call reached the stand-in once: no second request to it (relative) or to the listener.
    expect(answered).toEqual(Array(4).fill('GET /images/busybox/json'));
    expect(received).toEqual([]);
  });
});
