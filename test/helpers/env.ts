// What the global setup provides, plus small conveniences for tests.
import Dockerode from 'dockerode';
import { inject } from 'vitest';

export function testDocker(): Dockerode {
  return new Dockerode({ socketPath: inject('dockerSocket') });
}

export const testEnv = {
  get dockerHost(): string {
    return inject('dockerHost');
  },
  get dockerSocket(): string {
    return inject('dockerSocket');
  },
  get registry(): string {
    return inject('registry');
  },
  get testImage(): string {
    return inject('testImage');
  },
};

/** A label every test container carries, so a test can clean up exactly what it made. */
export const TEST_LABEL = 'dev.docker-mcp.test';

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Starts a labelled, network-less test container that prints `tick` every 0.2 s; returns its name. */
export async function startTickingContainer(prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  const created = await testDocker().createContainer({
    name, Image: testEnv.testImage, Labels: { [TEST_LABEL]: '1' }, HostConfig: { NetworkMode: 'none' },
    Cmd: ['sh', '-c', 'while true; do echo tick; sleep 0.2; done'],
  });
  await created.start();
  return name;
}
