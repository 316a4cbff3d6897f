// One reader for the daemon's JSON progress stream (build and push): text goes to `progress`, the
// first error message is kept (the stream itself ends "successfully"), and `aux` records are
// handed to the caller, which knows what it is waiting for (an image id, a digest).
import type Dockerode from 'dockerode';

interface DaemonEvent {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: Record<string, unknown>;
}

/** Resolves with the daemon's error message, if any event carried one. */
export async function followDaemonProgress(
  docker: Dockerode,
  stream: NodeJS.ReadableStream,
  progress: (text: string) => void,
  onAux: (aux: Record<string, unknown>) => void,
): Promise<string | undefined> {
  let failure: string | undefined;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null) => (error ? reject(error) : resolve()),
      (event: DaemonEvent) => {
        if (event.error) failure = event.errorDetail?.message ?? event.error;
        else if (event.stream) progress(event.stream);
        else if (event.status) progress(`${[event.id, event.status, event.progress].filter(Boolean).join(' ')}\n`);
        if (event.aux) onAux(event.aux);
      },
    );
  });
  return failure;
}
