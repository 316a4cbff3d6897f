// The rendered compose health check, run as Docker runs it (`node -e <probe>`) against a stand-in
// gateway: it must ask /ready (not /health, which stays 200 while the daemon is unreachable), fail
// on a 503, and print /ready's answer, which Docker keeps in the health log for apply and status.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.js';
import { renderCompose } from '../../src/templates/compose/render.js';

const CAUSE = "Docker daemon unreachable at unix:///var/run/docker.sock: permission denied (is the gateway user in the socket's group?)";

describe('compose health check', () => {
  let server: Server;
  let ready = false;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      if (req.url === '/health') res.end(JSON.stringify({ status: 'ok' }));
      else if (req.url === '/ready' && ready) res.end(JSON.stringify({ status: 'ready' }));
      else if (req.url === '/ready') res.writeHead(503).end(JSON.stringify({ status: 'unavailable', reason: CAUSE }));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // Async: the stand-in server answers from this process, so a synchronous spawn would starve it.
  const probe = async (port: number): Promise<{ code: number | null; out: string }> => {
    const doc = parse(renderCompose({ project: 'p', image: 'i', port, dockerSocketGid: 999 }).contents) as {
      services: { gateway: { healthcheck: { test: string[] } } };
    };
    const [kind, cmd, ...args] = doc.services.gateway.healthcheck.test;
    expect([kind, cmd]).toEqual(['CMD', 'node']);
    return new Promise((resolve) => {
      execFile(process.execPath, args, { encoding: 'utf8', timeout: 10_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, out: stdout + stderr });
      });
    });
  };

  it('fails while /ready is 503 and prints its answer with the cause', async () => {
    ready = false;
    const { code, out } = await probe((server.address() as AddressInfo).port);
    expect(code).toBe(1);
    expect(out).toContain('503');
    expect(out).toContain(CAUSE);
  });

  it('passes once /ready is 200', async () => {
    ready = true;
    expect((await probe((server.address() as AddressInfo).port)).code).toBe(0);
  });

  it('says why when nothing listens', async () => {
    const { code, out } = await probe(await freePort());
    expect(code).toBe(1);
    expect(out).toMatch(/GET \/ready failed: .*ECONNREFUSED/);
  });
});
