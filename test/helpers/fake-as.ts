// The fake authorization server: the only stand-in of the OAuth tests. A real HTTP server on
// 127.0.0.1 serving RFC 8414 metadata, OpenID discovery and a JWKS with real RSA and EC public keys,
// counting every request so tests can bound how often the gateway fetches. Tokens are signed with
// the matching private keys by `issue`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

export interface TokenOptions {
  alg?: 'RS256' | 'PS256' | 'ES256';
  kid?: string;
  typ?: string | null;
  iss?: string;
  /** `null` leaves aud out. */
  aud?: string | string[] | null;
  sub?: string;
  scope?: string;
  clientId?: string;
  exp?: number | string;
  nbf?: number | string;
  /** Sign with this key instead of the published one under `kid`. */
  key?: KeyPair;
}

export interface FakeAuthorizationServer {
  issuer: string;
  jwksUrl: string;
  /** Requests per path. */
  hits: Map<string, number>;
  totalHits(): number;
  /** When true every request gets 503. */
  down: boolean;
  /** When false the RFC 8414 document is 404, so clients must fall back to OpenID discovery. */
  serveOAuthMetadata: boolean;
  /** Overrides the `issuer` the metadata documents claim. */
  metadataIssuer?: string;
  rsa: KeyPair;
  ec: KeyPair;
  issue(resource: string, options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

export async function startFakeAuthorizationServer(): Promise<FakeAuthorizationServer> {
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const ec = await generateKeyPair('ES256', { extractable: true });
  // WebCrypto binds a key to one algorithm: the same RSA private key again, for PS256.
  const rsaPss = await importJWK(await exportJWK(rsa.privateKey), 'PS256');
  // The RSA key carries no `alg`, so it serves RS256 and PS256 (as many real ASes publish keys).
  const keys: JWK[] = [
    { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', use: 'sig' },
    { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', use: 'sig', alg: 'ES256' },
  ];
  const server: Server = createServer();
  const fake = {
    issuer: '', jwksUrl: '', hits: new Map<string, number>(), down: false, serveOAuthMetadata: true,
    metadataIssuer: undefined as string | undefined, rsa, ec,
    totalHits: () => [...fake.hits.values()].reduce((a, b) => a + b, 0),
    async issue(resource: string, o: TokenOptions = {}): Promise<string> {
      const alg = o.alg ?? 'RS256';
      const claims: Record<string, unknown> = { scope: o.scope ?? 'docker:read', client_id: o.clientId ?? 'mcp-client' };
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg, kid: o.kid ?? (alg === 'ES256' ? 'ec-1' : 'rsa-1'), ...(o.typ === null ? {} : { typ: o.typ ?? 'at+jwt' }) })
        .setIssuer(o.iss ?? fake.issuer)
        .setSubject(o.sub ?? 'alice')
        .setIssuedAt()
        .setJti(Math.random().toString(36).slice(2))
        .setExpirationTime(o.exp ?? '5m');
      const aud = o.aud === undefined ? resource : o.aud;
      if (aud !== null) jwt.setAudience(aud);
      if (o.nbf !== undefined) jwt.setNotBefore(o.nbf);
      if (o.key) return jwt.sign(o.key.privateKey);
      return jwt.sign(alg === 'ES256' ? ec.privateKey : alg === 'PS256' ? rsaPss : rsa.privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  server.on('request', (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    fake.hits.set(path, (fake.hits.get(path) ?? 0) + 1);
    const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (fake.down) return void res.writeHead(503).end('down');
    const metadata = { issuer: fake.metadataIssuer ?? fake.issuer, jwks_uri: fake.jwksUrl, token_endpoint: `${fake.issuer}/token` };
    if (path === '/.well-known/oauth-authorization-server' && fake.serveOAuthMetadata) return void json(metadata);
    if (path === '/.well-known/openid-configuration') return void json(metadata);
    if (path === '/jwks') return void json({ keys });
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.jwksUrl = `${fake.issuer}/jwks`;
  return fake;
}
