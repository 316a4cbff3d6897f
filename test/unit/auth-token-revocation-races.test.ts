// Races between a tokens file reload (auth/token-reload.ts) and a request being authenticated: a
// token revoked while the request was still being checked must not come out of the check accepted.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/gateway/auth/authenticator.js';
import type { AccessAllowList, CloudflareAccessVerifier } from '../../src/gateway/auth/cloudflare.js';
import { TokenStore } from '../../src/gateway/auth/token-store.js';
import { parseTokenList } from '../../src/gateway/auth/tokens.js';

const A = 'a'.repeat(24);
const B = 'b'.repeat(24);
const noLists: AccessAllowList = { emails: new Map(), domains: new Map(), serviceTokens: new Map() };

describe('a reload that lands while a request is being authenticated', () => {
  it('auth_mode both: a bearer token revoked during the Access check (a JWKS fetch) is refused, not accepted revoked', async () => {
    const store = new TokenStore(parseTokenList([`alice:admin:${A}`]));
    let release!: () => void;
    const fetching = new Promise<void>((resolve) => (release = resolve));
    // Stands in for a verifier that has to fetch Cloudflare's keys first.
    const verifier = {
      verify: async () => {
        await fetching;
        return { ok: true, subject: { kind: 'email', email: 'al@example.com' }, payload: {} };
      },
    } as unknown as CloudflareAccessVerifier;
    const auth = createAuthenticator({ mode: 'both', tokenStore: store, access: { verifier, lists: noLists, defaultScope: 'admin' } });
    const req = { headers: { authorization: `Bearer ${A}`, 'cf-access-jwt-assertion': 'x.y.z' }, url: '/mcp' } as unknown as IncomingMessage;

    const pending = auth.authenticate(req);
    store.replace(parseTokenList([`bob:read:${B}`]));
    release();
    const result = await pending;
    expect(result.ok).toBe(false);
    expect(result.ok ? 0 : result.status).toBe(401);

    // Unrevoked, the same pair is accepted (the test is about the race, not the mode).
    store.replace(parseTokenList([`alice:admin:${A}`]));
    expect((await auth.authenticate(req)).ok).toBe(true);
  });
});
