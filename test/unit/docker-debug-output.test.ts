// docker-modem's debug output (DEBUG=modem or DEBUG=*) would print each request's headers, the
// X-Registry-Auth credentials of a push or pull included. The gateway silences it
// (src/gateway/docker/lazy-requires.ts). A child process with DEBUG=* pushes through the gateway's
// Docker client to a stand-in Engine endpoint (a real registry login is not needed to see what the
// client prints) and its stderr must not hold the header that the endpoint received.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';

it('prints no registry credentials under DEBUG=*', async () => {
  const socketPath = join(tempDir('dmcp-debug-'), 'engine.sock');
  const received: string[] = [];
  const server = createServer((req, res) => {
    received.push(String(req.headers['x-registry-auth'] ?? ''));
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
  });
  await new Promise<void>((done) => server.listen(socketPath, done));
  try {
    const client = pathToFileURL(resolve('dist/gateway/docker/client.js')).href;
    const script = `import { connectDocker } from ${JSON.stringify(client)};
      const { docker } = connectDocker({ docker_host: ${JSON.stringify(`unix://${socketPath}`)}, docker_tls_verify: false, docker_timeout: 5 });
      await docker.getImage('example/app').push({ authconfig: { username: 'ci', password: 'sekret-password-123', serveraddress: 'registry.example' } });
      process.stderr.write('pushed\\n');
      process.exit(0); // not waiting for the pooled socket to time out`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, DEBUG: '*' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(stderr).toContain('pushed');
    expect(code).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0]?.length).toBeGreaterThan(20); // the credentials did go to the endpoint
    expect(stderr).not.toContain(received[0]);
    expect(stderr).not.toContain('sekret-password-123');
  } finally {
    await new Promise<void>((done) => server.close(() => done()));
  }
});
