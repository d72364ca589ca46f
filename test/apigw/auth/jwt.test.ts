// JWT (HTTP API) and Cognito (REST) authorizers against a real OpenID Connect provider (oidc-provider) on 127.0.0.1, tokens signed with jose.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APIGatewayEventRequestContextSchema, APIGatewayRequestAuthorizerV2Schema } from '@aws-lambda-powertools/parser/schemas';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWK, type CryptoKey } from 'jose';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, createAuthorization, type AuthorizationDeps } from '../../../apigw/auth/authorize.js';
import { cognitoIssuer } from '../../../apigw/auth/jwt.js';
import type { RouteAuth } from '../../../apigw/auth/types.js';
import { httpView, manualClock, view } from './view.js';

let server: Server;
let issuer: string;
let privateKey: CryptoKey;
let otherKey: CryptoKey;
let publicJwk: JWK;
let discoveryRequests = 0;
let tmp: string;
const clock = manualClock(Date.now());
const POOL_ARN = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123';
const POOL_ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123';

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const privateJwk = { ...(await exportJWK(pair.privateKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  server = createServer((req, res) => {
    if (req.url?.startsWith('/.well-known/openid-configuration')) discoveryRequests++;
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const provider = new Provider(issuer, { jwks: { keys: [privateJwk] }, clients: [{ client_id: 'app-client', client_secret: 'secret-secret-secret', redirect_uris: ['https://app.example/cb'] }] });
  handle = provider.callback();
  tmp = mkdtempSync(join(tmpdir(), 'emulate-jwks-'));
  writeFileSync(join(tmp, 'jwks.json'), JSON.stringify({ keys: [publicJwk] }));
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const deps = (overrides: Record<string, string> = {}): AuthorizationDeps => createAuthorization({ clock, jwksOverrides: overrides, invokeAuthorizer: () => Promise.reject(new Error('no Lambda authorizer here')) });

async function token(claims: Record<string, unknown> = {}, options: { key?: CryptoKey; kid?: string; expiresInS?: number; iss?: string } = {}): Promise<string> {
  const now = Math.floor(clock.now() / 1000);
  return new SignJWT({ aud: 'api-audience', sub: 'user-1', scope: 'pets:read openid', groups: ['admin', 'ops'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'k1' })
    .setIssuer(options.iss ?? issuer)
    .setIssuedAt(now - 10)
    .setExpirationTime(typeof claims.exp === 'number' ? claims.exp : now + (options.expiresInS ?? 300))
    .sign(options.key ?? privateKey);
}

const jwtRoute = (scopes?: string[], format: '1.0' | '2.0' = '2.0'): RouteAuth => ({
  apiKind: 'http',
  payloadFormatVersion: format,
  authorizer: { kind: 'jwt', name: 'OidcAuth', issuer, audience: ['api-audience', 'app-client'], identitySource: '$request.header.Authorization' },
  ...(scopes ? { authorizationScopes: scopes } : {}),
});
const bearer = (value: string, base = httpView()) => ({ ...base, headers: [{ name: 'Authorization', value }] });

describe('JWT authorizer against a real OpenID Connect provider', () => {
  it('allows a valid token, finds the keys through discovery once, and passes claims and scopes as authorizer.jwt', async () => {
    const d = deps();
    const before = discoveryRequests;
    const decision = await authorize(jwtRoute(['pets:read']), bearer(`Bearer ${await token()}`), d);
    await authorize(jwtRoute(), bearer(await token()), d);
    expect(discoveryRequests - before).toBe(1);
    expect(decision.allow).toBe(true);
    if (!decision.allow) return;
    const jwt = (decision.authorizer as { jwt: { claims: Record<string, string>; scopes: string[] } }).jwt;
    expect(jwt.claims).toMatchObject({ iss: issuer, sub: 'user-1', aud: 'api-audience', groups: '[admin ops]', exp: expect.stringMatching(/^\d+$/) });
    expect(jwt.scopes).toEqual(['pets:read', 'openid']);
    expect(APIGatewayRequestAuthorizerV2Schema.safeParse(decision.authorizer).success).toBe(true);
  });

  it('puts claims and scopes at authorizer.{claims,scopes} for a payload 1.0 integration', async () => {
    const decision = await authorize(jwtRoute(undefined, '1.0'), bearer(await token()), deps());
    expect(decision).toMatchObject({ allow: true, authorizer: { claims: { sub: 'user-1' }, scopes: ['pets:read', 'openid'] } });
  });

  it('accepts client_id in place of a missing aud', async () => {
    const decision = await authorize(jwtRoute(), bearer(await token({ aud: undefined, client_id: 'app-client' })), deps());
    expect(decision.allow).toBe(true);
  });

  it.each([
    ['an expired token', () => token({}, { expiresInS: -60 }), 401, /expired/],
    ['a wrong audience', () => token({ aud: 'someone-else' }), 401, /"aud"/],
    ['a wrong issuer', () => token({}, { iss: 'https://evil.example' }), 401, /"iss"/],
    ['a token signed by another key', () => token({}, { key: otherKey }), 401, /signature/],
    ['a token with an unknown kid', () => token({}, { key: otherKey, kid: 'k2' }), 401, /no key/],
    ['alg none', async () => new UnsecuredJWT({ aud: 'api-audience', sub: 'x' }).setIssuer(issuer).setExpirationTime('5m').encode(), 401, /alg|algorithm/i],
    ['garbage', async () => 'not.a.jwt', 401, /./],
    ['a token without exp (API Gateway requires it)', () => new SignJWT({ aud: 'api-audience', sub: 'x', scope: 'pets:read' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuer).sign(privateKey), 401, /"exp"/],
    ['a missing scope', () => token({ scope: 'pets:write' }), 403, /include none of pets:read/],
  ])('refuses %s', async (_, make, status, reason) => {
    const decision = await authorize(jwtRoute(['pets:read']), bearer(`Bearer ${await make()}`), deps());
    expect(decision).toMatchObject({ allow: false, status, body: status === 401 ? '{"message":"Unauthorized"}' : '{"message":"Forbidden"}' });
    expect(!decision.allow && decision.reason).toMatch(reason);
    if (status === 401) expect(!decision.allow && decision.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
  });

  it('reads scp as well as scope', async () => {
    const decision = await authorize(jwtRoute(['pets:read']), bearer(await token({ scope: undefined, scp: ['pets:read'] })), deps());
    expect(decision.allow).toBe(true);
  });

  it('answers 401 without a token', async () => {
    expect(await authorize(jwtRoute(), httpView({ headers: [] }), deps())).toMatchObject({ allow: false, status: 401 });
  });

  it('answers 500 naming the cause when the issuer cannot be reached', async () => {
    const route = jwtRoute();
    const unreachable = { ...route, authorizer: { ...route.authorizer!, issuer: 'http://127.0.0.1:1' } } as RouteAuth;
    const decision = await authorize(unreachable, bearer(await token({}, { iss: 'http://127.0.0.1:1' })), deps());
    expect(decision).toMatchObject({ allow: false, status: 500, body: '{"message":"Internal Server Error"}' });
    expect(!decision.allow && decision.reason).toMatch(/cannot get the keys of issuer http:\/\/127\.0\.0\.1:1/);
  });
});

describe('Cognito user pool authorizer (REST) with a local JWKS override', () => {
  const cognitoRoute = (scopes?: string[]): RouteAuth => ({
    apiKind: 'rest',
    payloadFormatVersion: '1.0',
    authorizer: { kind: 'cognito', name: 'CognitoAuth', userPoolArns: [POOL_ARN], header: 'Authorization' },
    ...(scopes ? { authorizationScopes: scopes } : {}),
  });

  it('derives the issuer from UserPoolArn and refuses a malformed ARN with EMU_AUTH_BAD_CONFIG', () => {
    expect(cognitoIssuer(POOL_ARN)).toBe(POOL_ISSUER);
    expect(() => cognitoIssuer('arn:aws:iam::123456789012:role/x')).toThrow(expect.objectContaining({ code: 'EMU_AUTH_BAD_CONFIG' }));
  });

  it.each([
    ['a JWKS file', () => join(tmp, 'jwks.json')],
    ['the provider’s JWKS URL', () => `${issuer}/jwks`],
  ])('allows an ID token of the pool with the keys from %s and passes authorizer.claims', async (_, where) => {
    const decision = await authorize(cognitoRoute(), { ...view(), headers: [{ name: 'Authorization', value: await token({ token_use: 'id', 'cognito:username': 'ann' }, { iss: POOL_ISSUER }) }] }, deps({ [POOL_ISSUER]: where() }));
    expect(decision).toMatchObject({ allow: true, authorizer: { claims: { 'cognito:username': 'ann', token_use: 'id' } } });
    const ctx = { accountId: '1', apiId: 'a', stage: 's', protocol: 'HTTP/1.1', identity: {}, requestId: 'r', requestTime: 't', requestTimeEpoch: 1, resourcePath: '/', httpMethod: 'GET', path: '/', authorizer: (decision as { authorizer: object }).authorizer };
    expect(APIGatewayEventRequestContextSchema.safeParse(ctx).success).toBe(true);
  });

  it.each([
    ['another pool', { token_use: 'id' }, 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other', undefined, /not one of the user pools/],
    ['an access token without scopes configured', { token_use: 'access' }, POOL_ISSUER, undefined, /token_use/],
    ['an access token missing the scope', { token_use: 'access', scope: 'x' }, POOL_ISSUER, ['pets:read'], /include none/],
    ['an expired token', { token_use: 'id', exp: 1 }, POOL_ISSUER, undefined, /expired/],
  ])('answers 401 to %s', async (_, claims, iss, scopes, reason) => {
    const decision = await authorize(cognitoRoute(scopes), { ...view(), headers: [{ name: 'Authorization', value: await token(claims, { iss }) }] }, deps({ [POOL_ISSUER]: join(tmp, 'jwks.json') }));
    expect(decision).toMatchObject({ allow: false, status: 401, body: '{"message":"Unauthorized"}' });
    expect(!decision.allow && decision.reason).toMatch(reason);
  });

  it('allows an access token carrying a required scope', async () => {
    const decision = await authorize(cognitoRoute(['pets:read']), { ...view(), headers: [{ name: 'Authorization', value: await token({ token_use: 'access', scope: 'pets:read' }, { iss: POOL_ISSUER }) }] }, deps({ [POOL_ISSUER]: join(tmp, 'jwks.json') }));
    expect(decision.allow).toBe(true);
  });
});
