// Authorizers declared as CloudFormation resources (AWS::ApiGateway::Authorizer, AWS::ApiGatewayV2::Authorizer) and attached
// by AuthorizationType / AuthorizerId on AWS::ApiGateway::Method and AWS::ApiGatewayV2::Route, through `emulate start-api`
// (CLI, process runner): the same checks as SAM's Auth, JWTs from a real OpenID Connect provider, events parsed by Powertools.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APIGatewayProxyEventSchema,
  APIGatewayProxyEventV2Schema,
  APIGatewayRequestAuthorizerEventSchema,
  APIGatewayTokenAuthorizerEventSchema,
} from '@aws-lambda-powertools/parser/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from '../helpers/cli.js';
import { startOidcIssuer, type OidcIssuer } from '../helpers/oidc.js';

const POOL_ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123';

let oidc: OidcIssuer;
let tmp: string;
let captureDir: string;
let cli: RunningCli;

function captured(fn: string): Array<Record<string, unknown>> {
  const file = join(captureDir, `${fn}.jsonl`);
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) : [];
}
const count = (fn: string) => captured(fn).length;

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${cli.url}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, text, event: () => JSON.parse(text) as Record<string, any> };
}

function parses(schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, value: unknown): void {
  const result = schema.safeParse(value);
  expect(result.error).toBeUndefined();
  expect(result.success).toBe(true);
}

beforeAll(async () => {
  oidc = await startOidcIssuer();
  tmp = mkdtempSync(join(tmpdir(), 'emulate-auth-cfn-'));
  captureDir = join(tmp, 'capture');
  mkdirSync(captureDir);
  const jwks = join(tmp, 'jwks.json');
  writeFileSync(jwks, JSON.stringify({ keys: [oidc.publicJwk] }));
  const env = join(tmp, 'env.json');
  writeFileSync(env, JSON.stringify({ Parameters: { CAPTURE_DIR: captureDir } }));
  cli = await startCli(['start-api', '-t', 'fixtures/auth/cloudformation.yaml', '-p', '0', '--runner', 'process', '--env-vars', env, '--parameter-overrides', `Issuer=${oidc.issuer}`, '--jwks-override', `${POOL_ISSUER}=${jwks}`]);
}, 60_000);
afterAll(async () => {
  if (cli && cli.child.exitCode === null) expect(await cli.stop()).toBe(0);
  await oidc?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('authorizer resources in start-api (process runner)', () => {
  it('starts without an error or a warning about them and says which routes they guard', () => {
    expect(cli.stderr()).not.toMatch(/Authorizer resources are not supported|checks nothing/);
    expect(cli.stderr()).toMatch(/7 route\(s\) guarded by JwtAuth \(jwt\), SimpleAuth \(lambda-request\), TokenAuth \(lambda-token\), RequestAuth \(lambda-request\), CognitoAuth \(cognito\), API key/);
  });

  describe('AWS::ApiGateway::Authorizer Type TOKEN on a CUSTOM method', () => {
    it('allows: the authorizer gets a TOKEN event, the function its principalId', async () => {
      {
        const res = await get('/prod/token', { authorization: 'allow-1' });
        expect(res.status).toBe(200);
        const event = res.event();
        parses(APIGatewayProxyEventSchema, event);
        expect(event.requestContext.authorizer).toMatchObject({ principalId: 'user-ann', user: 'ann' });
        const recorded = captured('token-authorizer').at(-1)!;
        parses(APIGatewayTokenAuthorizerEventSchema, recorded);
        expect(recorded).toEqual({ type: 'TOKEN', authorizationToken: 'allow-1', methodArn: `arn:aws:execute-api:us-east-1:123456789012:${event.requestContext.apiId}/prod/GET/token` });
      }
    });

    it('TTL 0: runs the authorizer for every request', async () => {
      const before = count('token-authorizer');
      await get('/prod/token', { authorization: 'allow-2' });
      await get('/prod/token', { authorization: 'allow-2' });
      expect(count('token-authorizer')).toBe(before + 2);
    });

    it('answers an explicit Deny with 403 without invoking the function', async () => {
      const before = count('echo');
      const res = await get('/prod/token', { authorization: 'deny-1' });
      expect(res.status).toBe(403);
      expect(res.text).toBe('{"message":"User is not authorized to access this resource with an explicit deny"}');
      expect(count('echo')).toBe(before);
    });

    it('answers 401 without invoking the authorizer for a token IdentityValidationExpression refuses, or none', async () => {
      const before = count('token-authorizer');
      expect((await get('/prod/token', { authorization: 'Bearer something' })).status).toBe(401);
      expect((await get('/prod/token')).status).toBe(401);
      expect(count('token-authorizer')).toBe(before);
    });
  });

  describe('AWS::ApiGateway::Authorizer Type REQUEST with a header and a query string as identity sources', () => {
    it('answers 401 without invoking when one identity source is missing', async () => {
      const before = count('request-authorizer');
      const res = await get('/prod/request', { authorization: 'allow-r' });
      expect(res.status).toBe(401);
      expect(count('request-authorizer')).toBe(before);
    });

    it('allows with both; the REQUEST event validates; the answer is cached (TTL 300) per identity', async () => {
      const before = count('request-authorizer');
      const first = await get('/prod/request?tenant=t1', { authorization: 'allow-r' });
      expect(first.status).toBe(200);
      parses(APIGatewayProxyEventSchema, first.event());
      parses(APIGatewayRequestAuthorizerEventSchema, captured('request-authorizer').at(-1));
      expect((await get('/prod/request?tenant=t1', { authorization: 'allow-r' })).status).toBe(200);
      expect(count('request-authorizer')).toBe(before + 1);
      expect((await get('/prod/request?tenant=t2', { authorization: 'allow-r' })).status).toBe(200);
      expect(count('request-authorizer')).toBe(before + 2);
    });
  });

  describe('AWS::ApiGateway::Authorizer Type COGNITO_USER_POOLS with the method\'s AuthorizationScopes', () => {
    it('allows an access token of the pool with the scope; claims arrive as authorizer.claims', async () => {
      const token = await oidc.jwt({ token_use: 'access', scope: 'pets/read', client_id: 'app-client', aud: undefined }, { iss: POOL_ISSUER });
      const res = await get('/prod/cognito', { authorization: token });
      expect(res.status).toBe(200);
      expect(res.event().requestContext.authorizer.claims).toMatchObject({ sub: 'user-1', scope: 'pets/read', token_use: 'access' });
    });

    it('refuses an access token without the scope and an ID token with REST\'s 401, without invoking the function', async () => {
      const before = count('echo');
      const unscoped = await get('/prod/cognito', { authorization: await oidc.jwt({ token_use: 'access', scope: 'pets/write', client_id: 'app-client', aud: undefined }, { iss: POOL_ISSUER }) });
      expect(unscoped.status).toBe(401);
      expect(cli.stderr()).toMatch(/authorizer CognitoAuth: the token's scopes \(pets\/write\) include none of pets\/read/);
      expect((await get('/prod/cognito', { authorization: await oidc.jwt({ token_use: 'id', aud: 'app-client' }, { iss: POOL_ISSUER }) })).status).toBe(401);
      expect(count('echo')).toBe(before);
    });
  });

  describe('ApiKeyRequired on an AWS::ApiGateway::Method', () => {
    it('answers 403 without a key and passes with the template\'s AWS::ApiGateway::ApiKey Value', async () => {
      const before = count('echo');
      const refused = await get('/prod/keyed');
      expect(refused.status).toBe(403);
      expect(refused.text).toBe('{"message":"Forbidden"}');
      expect(count('echo')).toBe(before);
      const res = await get('/prod/keyed', { 'x-api-key': 'cfn-key-0123456789abcdef0123' });
      expect(res.status).toBe(200);
      expect(res.event().requestContext.identity.apiKey).toBe('cfn-key-0123456789abcdef0123');
    });
  });

  describe('AWS::ApiGatewayV2::Authorizer AuthorizerType JWT on JWT routes', () => {
    it('allows a token of the OpenID provider with the route\'s scope; claims and scopes arrive as authorizer.jwt', async () => {
      const res = await get('/jwt', { authorization: `Bearer ${await oidc.jwt()}` });
      expect(res.status).toBe(200);
      const event = res.event();
      parses(APIGatewayProxyEventV2Schema, event);
      expect(event.requestContext.authorizer.jwt.claims).toMatchObject({ iss: oidc.issuer, sub: 'user-1', aud: 'api-audience' });
      expect(event.requestContext.authorizer.jwt.scopes).toEqual(['pets:read', 'openid']);
    });

    it('answers 403 on a route whose AuthorizationScopes the token lacks, 401 for a forged token, without invoking', async () => {
      const before = count('echo');
      const scoped = await get('/admin', { authorization: `Bearer ${await oidc.jwt()}` });
      expect(scoped.status).toBe(403);
      expect(cli.stderr()).toMatch(/include none of pets:admin/);
      expect((await get('/jwt', { authorization: `Bearer ${await oidc.jwt({}, { key: oidc.otherKey })}` })).status).toBe(401);
      expect(count('echo')).toBe(before);
    });
  });

  describe('AWS::ApiGatewayV2::Authorizer AuthorizerType REQUEST (payload 2.0, simple responses) on a CUSTOM route', () => {
    it('allows when isAuthorized, with the context as authorizer.lambda; 403 when not', async () => {
      const res = await get('/simple', { authorization: 'allow-s' });
      expect(res.status).toBe(200);
      expect(res.event().requestContext.authorizer.lambda).toEqual({ user: 'ann', groups: ['a', 'b'], n: 7 });
      expect(captured('simple-authorizer').at(-1)).toMatchObject({ type: 'REQUEST', identitySource: ['allow-s'], routeKey: 'GET /simple' });
      expect((await get('/simple', { authorization: 'no' })).status).toBe(403);
    });
  });

  it('serves a route without AuthorizationType with no token and no authorizer run', async () => {
    const before = count('simple-authorizer') + count('token-authorizer');
    const res = await get('/public');
    expect(res.status).toBe(200);
    expect(res.event().requestContext.authorizer).toBeUndefined();
    expect(count('simple-authorizer') + count('token-authorizer')).toBe(before);
  });
});
