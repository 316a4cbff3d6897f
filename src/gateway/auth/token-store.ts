// The bearer tokens the authenticator accepts now. The set is replaced as a whole when the tokens
// file is reloaded (token-reload.ts); an entry that survives a reload unchanged (same name, scope
// and token) keeps its object, so whatever its token opened stays valid, while an entry removed or
// changed in any of the three is revoked (revocation.ts).
import type { TokenEntry } from './tokens.js';

export interface TokenSetChange {
  /** Names only: never a token or a digest. */
  added: string[];
  removed: string[];
  /** Same name, new token or new scope. */
  changed: string[];
}

function sameEntry(a: TokenEntry, b: TokenEntry): boolean {
  return a.name === b.name && a.scope === b.scope && a.digest.equals(b.digest);
}

export class TokenStore {
  private entries: readonly TokenEntry[];
  private current: ReadonlySet<TokenEntry>;

  constructor(entries: readonly TokenEntry[]) {
    this.entries = [...entries];
    this.current = new Set(this.entries);
  }

  list(): readonly TokenEntry[] {
    return this.entries;
  }

  /** Whether `entry` (an object handed out by list()) is still accepted. */
  accepts(entry: TokenEntry): boolean {
    return this.current.has(entry);
  }

  /** Swaps in `next` (already validated as a whole: checkTokenSet). */
  replace(next: readonly TokenEntry[]): TokenSetChange {
    const before = new Map(this.entries.map((e) => [e.name, e]));
    const kept = next.map((entry) => {
      const old = before.get(entry.name);
      return old && sameEntry(old, entry) ? old : entry;
    });
    const nextNames = new Set(kept.map((e) => e.name));
    const change: TokenSetChange = {
      added: kept.filter((e) => !before.has(e.name)).map((e) => e.name),
      removed: [...before.keys()].filter((name) => !nextNames.has(name)),
      changed: kept.filter((e) => before.has(e.name) && before.get(e.name) !== e).map((e) => e.name),
    };
    this.entries = kept;
    this.current = new Set(kept);
    return change;
  }
}
