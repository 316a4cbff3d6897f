// A loopback HTTP listener that records every request it gets: the port a hostile value points the
// gateway (or dockerd) at, so a test can assert that nothing arrived there.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpTrap {
  server: Server;
  port: number;
}

/** Listens on 127.0.0.1 at a free port; each request is pushed onto `received` as `describe` says. */
export async function listenTrap(
  received: string[],
  describe: (req: IncomingMessage) => string = (req) => `${req.method} ${req.url}`,
): Promise<HttpTrap> {
  const server = createServer((req, res) => {
    received.push(describe(req));
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
