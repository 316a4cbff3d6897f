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
