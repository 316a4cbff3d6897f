// The gateway image for tests that run it on the private daemon, built once per run: test files
// run in parallel worker processes, so a lock directory (keyed by the daemon, which is fresh per
// run) lets the first one build while the others wait for the tag instead of building it again on
// the same two cores.
import type Dockerode from 'dockerode';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildGatewayImage } from '../../src/image/build.js';
import { ensureNodeBaseImage } from './base-image.js';

export const GATEWAY_TEST_IMAGE = 'dmcp-test/gateway:compose';

export async function ensureGatewayImage(docker: Dockerode, dockerHost: string, tag = GATEWAY_TEST_IMAGE): Promise<string> {
  const exists = (): Promise<boolean> => docker.getImage(tag).inspect().then(() => true, () => false);
  const lock = join(tmpdir(), `dmcp-gwimg-${createHash('sha256').update(`${dockerHost}\0${tag}`).digest('hex').slice(0, 16)}.lock`);
  for (;;) {
    if (await exists()) return tag;
    try {
      mkdirSync(lock);
    } catch {
      await sleep(500); // another worker is building it
      continue;
    }
    try {
      if (!(await exists())) await buildGatewayImage(docker, { tag, baseImage: ensureNodeBaseImage(dockerHost) });
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
