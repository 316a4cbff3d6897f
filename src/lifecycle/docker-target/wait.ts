// Waiting for a service during `apply --target docker`, and reading why it is not healthy. The
// rendered health check asks the gateway's /ready and prints its answer (status and JSON body with
// the cause), which Docker keeps in the container's health log: that line is what a person needs
// when the gateway cannot reach the daemon, so apply's failure and `status` both show it.
import type Dockerode from 'dockerode';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../../shared/errors.js';
import { Interrupted } from './interrupt.js';
import type { ServiceSpec } from './project.js';

type Inspect = Awaited<ReturnType<Dockerode.Container['inspect']>>;

/** The newest health probe's output, one line, or undefined when there is none yet. */
export function lastProbe(info: Inspect): string | undefined {
  const output = info.State.Health?.Log?.at(-1)?.Output?.replace(/\s+/g, ' ').trim();
  return output || undefined;
}

/** Waits until the container is healthy (or running, without a healthcheck); fails fast when it exits. */
export async function waitReady(docker: Dockerode, id: string, service: ServiceSpec, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (signal?.aborted) throw new Interrupted();
    const info = await docker.getContainer(id).inspect();
    const health = info.State.Health?.Status;
    if (health === 'healthy' || (!health && info.State.Running)) return;
    const last = lastProbe(info);
    const name = info.Name.slice(1);
    if (health === 'unhealthy') {
      throw new CliError(`Service ${service.name} is unhealthy; its last health check said: ${last ?? '(nothing)'}. ` +
        `The container ${name} is left for \`docker logs ${name}\`; fix the cause, then re-run apply.`);
    }
    if (!info.State.Running && !info.State.Restarting && info.State.Status !== 'created') {
      throw new CliError(`Service ${service.name} exited with code ${info.State.ExitCode}; see \`docker logs ${name}\``);
    }
    if (Date.now() > deadline) {
      throw new CliError(`Service ${service.name} was not ${health ? 'healthy' : 'running'} within ${Math.round(timeoutMs / 1000)} s${last ? ` (last check: ${last})` : ''}`);
    }
    // Woken by the interrupt, so Ctrl+C does not wait out the poll interval.
    await sleep(250, undefined, signal ? { signal } : undefined).catch(() => undefined);
  }
}
