// Revocation of credentials that already opened something. HTTP requests are authenticated one by
// one, so a revoked bearer token gets 401 on its next request by itself; what outlives one
// authentication is a WebSocket (authenticated at the upgrade), a Streamable HTTP session, a
// standby SSE GET stream and a call still running on its response. Each of those registers here with
// the identity it was opened under, and a sweep after the tokens file is reloaded (token-reload.ts)
// ends every one whose credential is gone.
//
// The link from an identity to its credential is kept in a WeakMap, not on the Identity object:
// identities are logged, compared in tests and copied into the SDK's authInfo, and none of that
// should carry (or be able to print) anything about the credential.
import type { Identity } from '../security.js';

/** Answers whether the credential an identity was authenticated with is still accepted. */
export type CredentialCheck = () => boolean;

const credentials = new WeakMap<Identity, CredentialCheck>();

/** Ties `identity` to the credential that authenticated it; returns the identity. */
export function bindCredential(identity: Identity, current: CredentialCheck): Identity {
  credentials.set(identity, current);
  return identity;
}

/** The check `identity` was bound to, if any (to carry it over to a derived identity). */
export function credentialOf(identity: Identity): CredentialCheck | undefined {
  return credentials.get(identity);
}

/** True once the credential behind `identity` was revoked; identities without one never are. */
export function isRevoked(identity: Identity): boolean {
  const current = credentials.get(identity);
  return current !== undefined && !current();
}

interface Watcher {
  identity: Identity;
  end: () => void;
}

export class RevocationHub {
  private readonly watchers = new Set<Watcher>();

  /**
   * Calls `end` once when the credential behind `identity` is revoked (at the next sweep, or soon
   * when it already is: a reload may land between authentication and the session's creation).
   * Returns the function that stops watching; call it when the connection ends on its own.
   */
  watch(identity: Identity, end: () => void): () => void {
    if (!credentials.has(identity)) return () => undefined;
    if (isRevoked(identity)) {
      setImmediate(end);
      return () => undefined;
    }
    const watcher: Watcher = { identity, end };
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Ends everything opened with a revoked credential; returns how many were ended. */
  sweep(): number {
    let ended = 0;
    for (const watcher of [...this.watchers]) {
      if (!isRevoked(watcher.identity)) continue;
      this.watchers.delete(watcher);
      ended++;
      watcher.end();
    }
    return ended;
  }

  /** Connections and sessions being watched (tests). */
  size(): number {
    return this.watchers.size;
  }
}
