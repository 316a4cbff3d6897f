// Ctrl+C (SIGINT) or SIGTERM during `apply --target docker`. Node's default would exit at once and
// leave a half-made project (a Created container, the project network). Instead the signal aborts
// an AbortSignal that apply checks at every step boundary (and that wakes its waits and cuts a
// pull), so apply stops between two Docker calls, rolls back what this run made and exits 130.
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

/** Throws Interrupted once the signal has fired: called between two Docker calls. */
export function checkpoint(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Interrupted();
}

/**
 * Runs `work` with SIGINT/SIGTERM turned into an abort of its signal. A second signal while the
 * rollback runs exits at once (130), saying what may be left.
 */
export async function whileInterruptible<T>(work: (signal: AbortSignal) => Promise<T>, leftHint: string): Promise<T> {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (!controller.signal.aborted) {
      controller.abort();
      return;
    }
    process.stderr.write(`docker-mcp: interrupted again; the rollback was cut short. ${leftHint}\n`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
