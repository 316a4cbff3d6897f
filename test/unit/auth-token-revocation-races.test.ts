// Races between a tokens file reload (auth/token-reload.ts) and a request being authenticated: a
// token revoked while the request was still being checked must not come out of the check accepted.
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/gateway/auth/authenticator.js';
import type { AccessAllowList, CloudflareAccessVerifier } from '../../src/gateway/auth/cloudflare.js';
import { RevocationHub } from '../../src/gateway/auth/revocation.js';
import { TokenStore } from '../../src/gateway/auth/token-store.js';
import { parseTokenList } from '../../src/gateway/auth/tokens.js';
import type { GatewayCore } from '../../src/gateway/core.js';
import { admit } from '../../src/gateway/transports/http-util.js';

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

describe('the revocation watch on a response (transports/http-util.ts admit)', () => {
  it('is not left behind when the client hung up while it was being authenticated (auth_mode both awaits the Access check)', async () => {
    const store = new TokenStore(parseTokenList([`alice:admin:${A}`]));
    const bearer = createAuthenticator({ mode: 'bearer', tokenStore: store });
    const hub = new RevocationHub();
    let answered!: () => void;
    const done = new Promise<void>((resolve) => (answered = resolve));
    const core = {
      guard: { check: () => ({ ok: true }) },
      // A slow check, as with a Cloudflare Access assertion verified by WebCrypto or a key fetch.
      authenticator: {
        authenticate: async (req: IncomingMessage) => {
          await new Promise((resolve) => setTimeout(resolve, 200));
          return bearer.authenticate(req);
        },
      },
      revocations: hub,
    } as unknown as GatewayCore;
    const server = createServer((req, res) => {
      void admit(core, req, res, 'plain').then(answered);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = connect(port, '127.0.0.1', () => client.write(`GET /mcp/call HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${A}\r\n\r\n`));
      await new Promise((resolve) => setTimeout(resolve, 50));
      client.destroy();
      await done;
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Every such request would otherwise keep its response (and socket) reachable until the token is revoked.
      expect(hub.size()).toBe(0);
    } finally {
      server.close();
    }
  });
});
