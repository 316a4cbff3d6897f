// Large outputs are capped with an explicit notice, never silently cut. Shared: the tools cap
// what they return, and src/gateway/docker/ caps what it buffers from Docker's streams.
export interface CappedText {
  text: string;
  truncated: boolean;
  /** Bytes in the original text. */
  totalBytes: number;
}

export function capText(text: string, maxBytes: number): CappedText {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= maxBytes) return { text, truncated: false, totalBytes: buffer.length };
  // Keep the tail: for logs and command output the end is what explains a failure.
  let tail = buffer.subarray(buffer.length - maxBytes).toString('utf8');
  // Drop a partial multi-byte character at the cut.
  if (tail.startsWith('\uFFFD')) tail = tail.slice(1);
  return { text: tail, truncated: true, totalBytes: buffer.length };
}

export function truncationNotice(capped: CappedText, what: string): string {
  return capped.truncated
    ? `[truncated: ${what} was ${capped.totalBytes} bytes; showing the last ${Buffer.byteLength(capped.text)} bytes]\n`
    : '';
}

export interface CappedList<T> {
  items: T[];
  truncated: boolean;
  total: number;
}

export function capList<T>(items: T[], limit: number): CappedList<T> {
  return { items: items.slice(0, limit), truncated: items.length > limit, total: items.length };
}

/** `advice` replaces the default for lists where filters make no sense afterwards (prune results). */
export function listNotice(list: CappedList<unknown>, what: string, advice = 'raise "limit" or add filters'): string {
  return list.truncated ? `\n[truncated: showing ${list.items.length} of ${list.total} ${what}; ${advice}]` : '';
}

/** The notice for the list of what a prune removed: the removal itself was never limited. */
export function prunedNotice(list: CappedList<unknown>, what: string): string {
  return listNotice(list, what, `all ${list.total} were removed, only this list is shortened`);
}
