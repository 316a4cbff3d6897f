// How a transport hands the authenticated identity of one request to the tool registry: through
// the SDK's per-message `authInfo`, so it is re-established on every request (sessions are never
// used as authentication) and never stored on a shared server object.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Identity, Transport } from './security.js';

interface RequestExtra {
  identity: Identity;
  transport: Transport;
  requestId: string;
  /** Aborted when the HTTP response carrying this request's answer closes before it is sent. */
  signal?: AbortSignal;
}

export function toAuthInfo(identity: Identity, transport: Transport, requestId: string, signal?: AbortSignal): AuthInfo {
  const extra: RequestExtra = { identity, transport, requestId, ...(signal ? { signal } : {}) };
  return { token: '', clientId: identity.id, scopes: [...identity.scopes], extra: { ...extra } };
}

function isIdentity(value: unknown): value is Identity {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Identity>;
  return typeof v.id === 'string' && typeof v.name === 'string' && v.scopes instanceof Set;
}

export function fromAuthInfo(authInfo: AuthInfo | undefined): Partial<RequestExtra> {
  const extra = authInfo?.extra;
  if (!extra) return {};
  return {
    identity: isIdentity(extra.identity) ? extra.identity : undefined,
    transport: typeof extra.transport === 'string' ? (extra.transport as Transport) : undefined,
    requestId: typeof extra.requestId === 'string' ? extra.requestId : undefined,
    signal: extra.signal instanceof AbortSignal ? extra.signal : undefined,
  };
}

/**
 * Aborts when the client goes away before the response is complete. The SDK's Streamable HTTP
 * transport keeps a stateful session's handlers running when a POST stream drops, so without this
 * a follow/pull/exec behind a vanished client would hold its Docker stream until its own bound.
 */
export function abortedOnClose(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** A signal that aborts when either does; `dispose` drops the listeners once the call is over. */
export function eitherSignal(a: AbortSignal, b: AbortSignal | undefined): { signal: AbortSignal; dispose: () => void } {
  if (!b) return { signal: a, dispose: () => undefined };
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (a.aborted || b.aborted) abort();
  a.addEventListener('abort', abort, { once: true });
  b.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      a.removeEventListener('abort', abort);
      b.removeEventListener('abort', abort);
    },
  };
}

/** Reuses a caller's X-Request-Id when it is short and printable, else makes one. */
export function requestIdFor(req?: IncomingMessage): string {
  const given = req?.headers['x-request-id'];
  if (typeof given === 'string' && /^[\x21-\x7e]{1,128}$/.test(given)) return given;
  return randomUUID();
}
