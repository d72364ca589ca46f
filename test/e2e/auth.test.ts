// Authorizers and API keys end to end through `emulate start-api` (CLI, process runner): Lambda TOKEN/REQUEST/simple authorizers,
// JWTs from a real OpenID Connect provider, Cognito and JWT authorizers on local JWKS files, API keys, --disable-authorizer;
// every event an authorizer or the route's function receives is parsed with Powertools' schemas.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APIGatewayProxyEventSchema,
  APIGatewayProxyEventV2Schema,
  APIGatewayRequestAuthorizerEventSchema,
  APIGatewayRequestAuthorizerEventV2Schema,
  APIGatewayTokenAuthorizerEventSchema,
} from '@aws-lambda-powertools/parser/schemas';
import { UnsecuredJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from '../helpers/cli.js';
import { startOidcIssuer, type OidcIssuer } from '../helpers/oidc.js';

const TEMPLATE = 'fixtures/auth/template.yaml';
const BASE_ARGS = ['start-api', '-t', TEMPLATE, '-p', '0', '--runner', 'process'];
const POOL_ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123';
const OFFLINE_ISSUER = 'https://login.example.test';
const TEMPLATE_KEY = 'template-key-0123456789abcdef';

let oidc: OidcIssuer;
let issuer: string;
let otherKey: CryptoKey;
let tmp: string;
let captureDir: string;
let jwksFile: string;
let envFile: string;

beforeAll(async () => {
  oidc = await startOidcIssuer();
  ({ issuer, otherKey } = oidc);
  tmp = mkdtempSync(join(tmpdir(), 'emulate-auth-e2e-'));
  captureDir = join(tmp, 'capture');
  mkdirSync(captureDir);
  jwksFile = join(tmp, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [oidc.publicJwk] }));
  envFile = join(tmp, 'env.json');
  writeFileSync(envFile, JSON.stringify({ Parameters: { CAPTURE_DIR: captureDir } }));
});
afterAll(async () => {
  await oidc?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The events a function recorded (one JSON line per invocation). */
function captured(fn: string): Array<Record<string, unknown>> {
  const file = join(captureDir, `${fn}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}
const count = (fn: string) => captured(fn).length;

async function get(cli: RunningCli, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${cli.url}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers, event: () => JSON.parse(text) as Record<string, any> };
}

const jwt: OidcIssuer['jwt'] = (claims, options) => oidc.jwt(claims, options);

/** Strict Powertools parse: a failure shows zod's issues in the test output. */
function parses(schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, value: unknown): void {
  const result = schema.safeParse(value);
  expect(result.error).toBeUndefined();
  expect(result.success).toBe(true);
}

describe('emulate start-api with authorizers (process runner)', () => {
  let cli: RunningCli;
  beforeAll(async () => {
    cli = await startCli([...BASE_ARGS, '--env-vars', envFile, '--parameter-overrides', `Issuer=${issuer}`, '--jwks-override', `${POOL_ISSUER}=${jwksFile}`]);
  }, 60_000);
  afterAll(async () => {
    if (cli && cli.child.exitCode === null) expect(await cli.stop()).toBe(0);
  });

  it('prints which authorizers guard how many routes', () => {
    expect(cli.stderr()).toMatch(/emulate start-api: 11 route\(s\) guarded by TokenAuth \(lambda-token\), RequestAuth \(lambda-request\).*JwtAuth \(jwt\)/);
  });

  describe('REST TOKEN authorizer (the API\'s DefaultAuthorizer)', () => {
    it('allows: the authorizer gets a TOKEN event, the function gets principalId, the stringified context and integrationLatency', async () => {
      const res = await get(cli, '/Prod/token', { authorization: 'allow-1' });
      expect(res.status).toBe(200);
      const event = res.event();
      parses(APIGatewayProxyEventSchema, event);
      const { seen, ...authorizer } = event.requestContext.authorizer;
      expect(authorizer).toEqual({ principalId: 'user-ann', user: 'ann', n: '7', ok: 'true', integrationLatency: expect.any(Number) });
      const arn = `arn:aws:execute-api:us-east-1:123456789012:${event.requestContext.apiId}/Prod/GET/token`;
      expect(JSON.parse(seen)).toEqual({ type: 'TOKEN', authorizationToken: 'allow-1', methodArn: arn });
      const recorded = captured('token-authorizer').at(-1);
      expect(recorded).toEqual({ type: 'TOKEN', authorizationToken: 'allow-1', methodArn: arn });
      parses(APIGatewayTokenAuthorizerEventSchema, recorded);
    });

    it('answers an explicit Deny with 403 and AWS\'s message, without invoking the function', async () => {
      const before = count('echo');
      const res = await get(cli, '/Prod/token', { authorization: 'deny-1' });
      expect(res.status).toBe(403);
      expect(res.text).toBe('{"message":"User is not authorized to access this resource with an explicit deny"}');
      expect(count('echo')).toBe(before);
    });

    it('answers a missing token with 401 {"message":"Unauthorized"} without invoking the authorizer or the function', async () => {
      const [authorizer, echo] = [count('token-authorizer'), count('echo')];
      const res = await get(cli, '/Prod/token');
      expect(res.status).toBe(401);
      expect(res.text).toBe('{"message":"Unauthorized"}');
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(count('token-authorizer')).toBe(authorizer);
      expect(count('echo')).toBe(echo);
      expect(cli.stderr()).toMatch(/request refused: authorizer TokenAuth: no Authorization header/);
    });

    it('answers 401 when the authorizer fails with "Unauthorized", as AWS\'s sample authorizer does', async () => {
      const res = await get(cli, '/Prod/token', { authorization: 'unauthorized' });
      expect(res.status).toBe(401);
      expect(res.text).toBe('{"message":"Unauthorized"}');
    });

    it('caches the answer per token for ReauthorizeEvery (2 s), then runs the authorizer again', async () => {
      const token = `allow-cache-${Date.now()}`;
      const runs = () => captured('token-authorizer').filter((e) => e.authorizationToken === token).length;
      const first = Date.now();
      expect((await get(cli, '/Prod/token', { authorization: token })).status).toBe(200);
      expect((await get(cli, '/Prod/token', { authorization: token })).status).toBe(200);
      expect(Date.now() - first).toBeLessThan(2000);
      expect(runs()).toBe(1);
      // Another token is another cache entry.
      expect((await get(cli, '/Prod/token', { authorization: `${token}-b` })).status).toBe(200);
      expect(runs()).toBe(1);
      // The TTL is wall-clock time in the CLI: wait it out (the one sleep of this file).
      await new Promise((resolve) => setTimeout(resolve, 2100 - (Date.now() - first)));
      expect((await get(cli, '/Prod/token', { authorization: token })).status).toBe(200);
      expect(runs()).toBe(2);
    });

    it('serves a route with Authorizer: NONE under the DefaultAuthorizer without a token and without invoking an authorizer', async () => {
      const before = count('token-authorizer');
      const res = await get(cli, '/Prod/open');
      expect(res.status).toBe(200);
      const event = res.event();
      parses(APIGatewayProxyEventSchema, event);
      expect(event.requestContext.authorizer).toBeUndefined();
      expect(count('token-authorizer')).toBe(before);
    });
  });

  describe('Lambda authorizer failures answer 500 with a log line naming the cause', () => {
    it.each([
      ['a malformed answer', '/Prod/garbage', 'garbage-authorizer', /authorizer GarbageAuth: malformed answer: the authorizer answer is not a JSON object/],
      ['a crash', '/Prod/crash', 'crash-authorizer', /authorizer CrashAuth: the function crashed \(exit\): Runtime\.ExitError/],
      ['a timeout', '/Prod/slow', 'slow-authorizer', /authorizer SlowAuth: the function timed out/],
    ])('%s', async (_, path, fn, logLine) => {
      const [authorizer, echo] = [count(fn), count('echo')];
      const res = await get(cli, path, { authorization: 'allow' });
      expect(res.status).toBe(500);
      // REST's AUTHORIZER_CONFIGURATION_ERROR / AUTHORIZER_FAILURE gateway response.
      expect(res.text).toBe('{"message":null}');
      expect(count(fn)).toBe(authorizer + 1);
      expect(count('echo')).toBe(echo);
      expect(cli.stderr()).toMatch(logLine);
    });
  });

  describe('REST REQUEST authorizer', () => {
    it('gets a REQUEST event Powertools accepts, with path parameters, headers and query', async () => {
      const res = await get(cli, '/Prod/request/5?q=1&q=2', { authorization: 'allow-req' });
      expect(res.status).toBe(200);
      parses(APIGatewayProxyEventSchema, res.event());
      const recorded = captured('request-authorizer').at(-1)!;
      parses(APIGatewayRequestAuthorizerEventSchema, recorded);
      expect(recorded).toMatchObject({
        type: 'REQUEST',
        resource: '/request/{id}',
        path: '/request/5',
        httpMethod: 'GET',
        pathParameters: { id: '5' },
        queryStringParameters: { q: '2' },
        multiValueQueryStringParameters: { q: ['1', '2'] },
        headers: { authorization: 'allow-req' }, // REST keeps the client's spelling (undici sends lower case)
        requestContext: { resourcePath: '/request/{id}', stage: 'Prod', httpMethod: 'GET' },
      });
      expect(recorded.methodArn).toMatch(/^arn:aws:execute-api:us-east-1:123456789012:\w+\/Prod\/GET\/request\/5$/);
    });

    it('answers a missing identity header with 401 without invoking the authorizer; ReauthorizeEvery 0 runs it on every request', async () => {
      const before = count('request-authorizer');
      expect((await get(cli, '/Prod/request/5')).status).toBe(401);
      expect(count('request-authorizer')).toBe(before);
      await get(cli, '/Prod/request/5', { authorization: 'allow-twice' });
      await get(cli, '/Prod/request/5', { authorization: 'allow-twice' });
      expect(count('request-authorizer')).toBe(before + 2);
    });
  });

  describe('API keys (ApiKeyRequired)', () => {
    it.each([
      ['no x-api-key', {}],
      ['an unknown key', { 'x-api-key': 'nope' }],
    ])('answers 403 {"message":"Forbidden"} to %s without invoking the function', async (_, headers) => {
      const before = count('echo');
      const res = await get(cli, '/Prod/keyed', headers);
      expect(res.status).toBe(403);
      expect(res.text).toBe('{"message":"Forbidden"}');
      expect(count('echo')).toBe(before);
    });

    it('passes with the Value of the template\'s AWS::ApiGateway::ApiKey, shown in requestContext.identity', async () => {
      const res = await get(cli, '/Prod/keyed', { 'x-api-key': TEMPLATE_KEY });
      expect(res.status).toBe(200);
      const event = res.event();
      parses(APIGatewayProxyEventSchema, event);
      expect(event.requestContext.identity).toMatchObject({ apiKey: TEMPLATE_KEY, apiKeyId: expect.any(String) });
    });
  });

  describe('HTTP API Lambda authorizers', () => {
    it('simple responses (payload 2.0): the authorizer event and the downstream event validate, context arrives as authorizer.lambda', async () => {
      const res = await get(cli, '/simple?x=1', { authorization: 'allow-simple', cookie: 'a=1; b=2' });
      expect(res.status).toBe(200);
      const event = res.event();
      parses(APIGatewayProxyEventV2Schema, event);
      expect(event.requestContext.authorizer).toEqual({ lambda: { user: 'ann', groups: ['a', 'b'], n: 7 } });
      const recorded = captured('simple-authorizer').at(-1)!;
      parses(APIGatewayRequestAuthorizerEventV2Schema, recorded);
      expect(recorded).toMatchObject({
        version: '2.0',
        type: 'REQUEST',
        routeArn: `arn:aws:execute-api:us-east-1:123456789012:${event.requestContext.apiId}/$default/GET/simple`,
        identitySource: ['allow-simple'],
        routeKey: 'GET /simple',
        rawPath: '/simple',
        rawQueryString: 'x=1',
        cookies: ['a=1', 'b=2'],
        queryStringParameters: { x: '1' },
      });
    });

    it('simple responses: isAuthorized false answers 403 {"message":"Forbidden"}; no identity answers 401 without invoking', async () => {
      const denied = await get(cli, '/simple', { authorization: 'no' });
      expect(denied.status).toBe(403);
      expect(denied.text).toBe('{"message":"Forbidden"}');
      const before = count('simple-authorizer');
      const missing = await get(cli, '/simple');
      expect(missing.status).toBe(401);
      expect(missing.text).toBe('{"message":"Unauthorized"}');
      expect(count('simple-authorizer')).toBe(before);
    });

    it('an IAM policy answer (payload 1.0) allows a payload 1.0 route; the authorizer event is the 1.0 REQUEST event', async () => {
      const res = await get(cli, '/policy', { authorization: 'allow-policy' });
      expect(res.status).toBe(200);
      const event = res.event();
      expect(event.version).toBe('1.0');
      expect(event.requestContext.authorizer.lambda).toMatchObject({ user: 'ann', n: 7, ok: true });
      const recorded = captured('request-authorizer').at(-1)!;
      parses(APIGatewayRequestAuthorizerEventSchema, recorded);
      expect(recorded).toMatchObject({ version: '1.0', type: 'REQUEST', identitySource: 'allow-policy', authorizationToken: 'allow-policy', resource: '/policy', path: '/policy' });
      expect((await get(cli, '/policy', { authorization: 'deny-policy' })).status).toBe(403);
    });

    it('serves a route with Authorizer: NONE under the HTTP API\'s DefaultAuthorizer', async () => {
      const before = count('simple-authorizer');
      const res = await get(cli, '/public');
      expect(res.status).toBe(200);
      parses(APIGatewayProxyEventV2Schema, res.event());
      expect(res.event().requestContext.authorizer).toBeUndefined();
      expect(count('simple-authorizer')).toBe(before);
    });
  });

  describe('JWT authorizer against a real OpenID Connect provider (discovery and JWKS on 127.0.0.1)', () => {
    it('allows a valid token with the route\'s scope; claims and scopes arrive as authorizer.jwt', async () => {
      const res = await get(cli, '/jwt', { authorization: `Bearer ${await jwt()}` });
      expect(res.status).toBe(200);
      const event = res.event();
      parses(APIGatewayProxyEventV2Schema, event);
      expect(event.requestContext.authorizer.jwt.claims).toMatchObject({ iss: issuer, sub: 'user-1', aud: 'api-audience', groups: '[admin ops]', exp: expect.stringMatching(/^\d+$/) });
      expect(event.requestContext.authorizer.jwt.scopes).toEqual(['pets:read', 'openid']);
      expect(oidc.discoveryRequests()).toBeGreaterThanOrEqual(1);
    });

    it('passes claims and scopes as authorizer.{claims,scopes} to a payload 1.0 route', async () => {
      const res = await get(cli, '/jwt-v1', { authorization: await jwt() });
      expect(res.status).toBe(200);
      const event = res.event();
      parses(APIGatewayProxyEventSchema, event);
      expect(event.requestContext.authorizer).toMatchObject({ claims: { sub: 'user-1' }, scopes: ['pets:read', 'openid'] });
    });

    it.each([
      ['an expired token', () => jwt({}, { expiresInS: -60 }), 401, /the token has expired/],
      ['a wrong audience', () => jwt({ aud: 'someone-else' }), 401, /claim "aud"/],
      ['a wrong issuer', () => jwt({}, { iss: 'https://evil.example' }), 401, /claim "iss"/],
      ['a token signed by another key', () => jwt({}, { key: otherKey }), 401, /the signature does not verify/],
      ['alg none', async () => new UnsecuredJWT({ aud: 'api-audience', sub: 'x', scope: 'pets:read' }).setIssuer(issuer).setExpirationTime('5m').encode(), 401, /alg/i],
      ['a missing scope', () => jwt({ scope: 'pets:write' }), 403, /include none of pets:read/],
    ])('refuses %s', async (_, make, status, reason) => {
      const before = count('echo');
      const res = await get(cli, '/jwt', { authorization: `Bearer ${await make()}` });
      expect(res.status).toBe(status);
      expect(res.text).toBe(status === 401 ? '{"message":"Unauthorized"}' : '{"message":"Forbidden"}');
      if (status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
      expect(count('echo')).toBe(before);
      expect(cli.stderr()).toMatch(reason);
    });
  });

  describe('Cognito user pool authorizer (REST) with --jwks-override', () => {
    it('allows an ID token of the pool; claims arrive as authorizer.claims', async () => {
      const token = await jwt({ token_use: 'id', 'cognito:username': 'ann', aud: 'app-client' }, { iss: POOL_ISSUER });
      const res = await get(cli, '/Prod/cognito', { authorization: token });
      expect(res.status).toBe(200);
      const event = res.event();
      parses(APIGatewayProxyEventSchema, event);
      expect(event.requestContext.authorizer).toEqual({ claims: expect.objectContaining({ 'cognito:username': 'ann', token_use: 'id', iss: POOL_ISSUER }) });
    });

    it.each([
      ['a token signed by another key', { token_use: 'id' }, true],
      ['an access token where an ID token is needed', { token_use: 'access' }, false],
      ['no token', undefined, false],
    ])('answers 401 to %s', async (_, claims, otherSigner) => {
      const headers: Record<string, string> = claims ? { authorization: await jwt(claims, { iss: POOL_ISSUER, ...(otherSigner ? { key: otherKey } : {}) }) } : {};
      const res = await get(cli, '/Prod/cognito', headers);
      expect(res.status).toBe(401);
      expect(res.text).toBe('{"message":"Unauthorized"}');
    });
  });
});

describe('emulate start-api --api-key and --jwks-override for a JWT issuer', () => {
  let cli: RunningCli;
  beforeAll(async () => {
    cli = await startCli([...BASE_ARGS, '--api-key', 'local-key-1,local-key-2', '--parameter-overrides', `Issuer=${OFFLINE_ISSUER}`, '--jwks-override', `${OFFLINE_ISSUER}=${jwksFile}`]);
  }, 60_000);
  afterAll(async () => {
    if (cli && cli.child.exitCode === null) expect(await cli.stop()).toBe(0);
  });

  it.each(['local-key-2', TEMPLATE_KEY])('accepts the key %s', async (key) => {
    const res = await get(cli, '/Prod/keyed', { 'x-api-key': key });
    expect(res.status).toBe(200);
    expect(res.event().requestContext.identity.apiKey).toBe(key);
  });

  it('checks a JWT of an unreachable issuer against the local JWKS file, signature included', async () => {
    const ok = await get(cli, '/jwt', { authorization: `Bearer ${await jwt({}, { iss: OFFLINE_ISSUER })}` });
    expect(ok.status).toBe(200);
    expect(ok.event().requestContext.authorizer.jwt.claims.iss).toBe(OFFLINE_ISSUER);
    const forged = await get(cli, '/jwt', { authorization: `Bearer ${await jwt({}, { iss: OFFLINE_ISSUER, key: otherKey })}` });
    expect(forged.status).toBe(401);
  });
});

describe('emulate start-api --disable-authorizer', () => {
  let cli: RunningCli;
  beforeAll(async () => {
    cli = await startCli([...BASE_ARGS, '--disable-authorizer', '--env-vars', envFile]);
  }, 60_000);
  afterAll(async () => {
    if (cli && cli.child.exitCode === null) expect(await cli.stop()).toBe(0);
  });

  it('says so in the banner', () => {
    expect(cli.stderr()).toMatch(/emulate start-api: authorizers DISABLED \(--disable-authorizer\): 11 route\(s\) with an authorizer or API key are served open/);
  });

  it.each(['/Prod/token', '/Prod/keyed', '/Prod/slow', '/simple', '/jwt'])('serves %s without a token or key and without running an authorizer', async (path) => {
    const before = ['token-authorizer', 'slow-authorizer', 'simple-authorizer'].map(count);
    const res = await get(cli, path);
    expect(res.status).toBe(200);
    expect(res.event().requestContext.authorizer).toBeUndefined();
    expect(['token-authorizer', 'slow-authorizer', 'simple-authorizer'].map(count)).toEqual(before);
  });
});
