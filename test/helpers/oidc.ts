// Test helper: a real OpenID Connect provider (oidc-provider) on loopback, and JWTs signed with its key, for JWT authorizers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import Provider from 'oidc-provider';

export interface OidcIssuer {
  /** `http://127.0.0.1:port`: discovery at /.well-known/openid-configuration, keys at its jwks_uri. */
  issuer: string;
  privateKey: CryptoKey;
  /** A key the provider does not publish: a token it signs is forged. */
  otherKey: CryptoKey;
  publicJwk: JWK;
  /** How many discovery documents were asked for. */
  discoveryRequests(): number;
  /** A token with `aud: api-audience`, `sub: user-1`, `scope: pets:read openid` unless `claims` say otherwise. */
  jwt(claims?: Record<string, unknown>, options?: { key?: CryptoKey; iss?: string; expiresInS?: number }): Promise<string>;
  close(): Promise<void>;
}

export async function startOidcIssuer(): Promise<OidcIssuer> {
  const pair = await generateKeyPair('RS256', { extractable: true });
  const otherKey = (await generateKeyPair('RS256')).privateKey;
  const privateJwk = { ...(await exportJWK(pair.privateKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let discovery = 0;
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/.well-known/openid-configuration')) discovery++;
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const provider = new Provider(issuer, { jwks: { keys: [privateJwk] }, clients: [{ client_id: 'app-client', client_secret: 'secret-secret-secret', redirect_uris: ['https://app.example/cb'] }] });
  handle = provider.callback();
  return {
    issuer,
    privateKey: pair.privateKey,
    otherKey,
    publicJwk,
    discoveryRequests: () => discovery,
    jwt(claims = {}, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ aud: 'api-audience', sub: 'user-1', scope: 'pets:read openid', groups: ['admin', 'ops'], ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(options.iss ?? issuer)
        .setIssuedAt(now - 10)
        .setExpirationTime(now + (options.expiresInS ?? 300))
        .sign(options.key ?? pair.privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
