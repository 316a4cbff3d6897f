// Shared fixtures of the policy-build-* tests: images built straight on the private daemon (not
// through the gateway, as an outside party or a registry would provide them), a loopback HTTP
// listener that records what reaches it, and a run of a command in a built image.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildContextTar } from '../../src/gateway/tools/images-build-context.js';
import { TEST_LABEL, testDocker } from '../helpers/env.js';

const docker = testDocker();

/** Builds `dockerfile` with the classic builder directly on the daemon and tags it `tag`. */
export async function rawBuild(dockerfile: string, tag: string, files: Record<string, string> = {}, label = 'policy-build'): Promise<string> {
  const context = await buildContextTar(dockerfile, Object.entries(files).map(([path, content]) => ({ path, content, encoding: 'utf8', executable: false })));
  const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
    t: tag, version: '1', networkmode: 'none', labels: { [TEST_LABEL]: label }, rm: true, forcerm: true,
  });
  const events = await new Promise<Array<{ error?: string }>>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, out: Array<{ error?: string }>) => (error ? reject(error) : resolve(out)));
  });
  const failed = events.find((e) => e.error);
  if (failed) throw new Error(`raw build of ${tag} failed: ${failed.error}`);
  return (await docker.getImage(tag).inspect()).Id;
}

export async function imageExists(name: string): Promise<boolean> {
  return docker.getImage(name).inspect().then(() => true, () => false);
}

export async function removeImages(names: string[]): Promise<void> {
  for (const name of names) await docker.getImage(name).remove({ force: true }).catch(() => undefined);
}

/** Runs `cmd` in `image` without a network and returns its exit code and output. */
export async function runIn(image: string, cmd: string[]): Promise<{ code: number; output: string }> {
  const container = await docker.createContainer({ Image: image, Cmd: cmd, Labels: { [TEST_LABEL]: 'policy-build' }, HostConfig: { NetworkMode: 'none' } });
  try {
    await container.start();
    const { StatusCode } = await container.wait() as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true });
    return { code: StatusCode, output: logs.toString('latin1') };
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

export interface Listener {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** An HTTP server on the host's loopback that answers every request with `body` and records it. */
export async function loopbackListener(body: string): Promise<Listener> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
