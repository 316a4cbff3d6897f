// How a transport hands the authenticated identity of one request to the tool registry: through
// the SDK's per-message `authInfo`, so it is re-established on every request (sessions are never
// used as authentication) and never stored on a shared server object.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Identity, Transport } from './security.js';

interface RequestExtra {
  identity: Identity;
  transport: Transport;
  requestId: string;
}

export function toAuthInfo(identity: Identity, transport: Transport, requestId: string): AuthInfo {
  const extra: RequestExtra = { identity, transport, requestId };
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
  };
}

/** Reuses a caller's X-Request-Id when it is short and printable, else makes one. */
export function requestIdFor(req?: IncomingMessage): string {
  const given = req?.headers['x-request-id'];
  if (typeof given === 'string' && /^[\x21-\x7e]{1,128}$/.test(given)) return given;
  return randomUUID();
}
