// authorize() end to end with real Lambda authorizers run by createEmulator on the process runner: allow, deny, missing identity, crash, timeout, garbage, caching.
import { fileURLToPath } from 'node:url';
import { APIGatewayEventRequestContextSchema } from '@aws-lambda-powertools/parser/schemas';
import { APIGatewayRequestAuthorizerV2Schema } from '@aws-lambda-powertools/parser/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../../src/index.js';
import { authorize, createAuthorization, type AuthorizationDeps } from '../../../apigw/auth/authorize.js';
import { ApiKeyStore } from '../../../apigw/auth/api-keys.js';
import type { LambdaRequestAuthorizer, LambdaTokenAuthorizer, RouteAuth } from '../../../apigw/auth/types.js';
import { httpView, manualClock, view } from './view.js';

const TEMPLATE = fileURLToPath(new URL('./fixture/template.yaml', import.meta.url));

let emu: Emulator;
const invoked: string[] = [];
const clock = manualClock();
let deps: AuthorizationDeps;

beforeAll(async () => {
  emu = await createEmulator({ template: TEMPLATE, runner: 'process', logLevel: 'silent', lambdaPort: false, port: false });
  deps = createAuthorization({
    clock,
    invokeAuthorizer: (name, event) => {
      invoked.push(name);
      return emu.invoke(name, event);
    },
    apiKeys: new ApiKeyStore([{ id: 'key1', value: 'k-123', enabled: true }]),
  });
}, 60_000);
afterAll(() => emu?.close());

const tokenAuth = (fn = 'token-authorizer', ttl = 0, extra: Partial<LambdaTokenAuthorizer> = {}): RouteAuth => ({
  apiKind: 'rest',
  payloadFormatVersion: '1.0',
  authorizer: { kind: 'lambda-token', name: `A-${fn}-${ttl}`, functionName: fn, header: 'Authorization', reauthorizeEverySeconds: ttl, ...extra },
});

const requestAuthV2 = (fn = 'request-authorizer', extra: Partial<LambdaRequestAuthorizer> = {}): RouteAuth => ({
  apiKind: 'http',
  payloadFormatVersion: '2.0',
  authorizer: {
    kind: 'lambda-request',
    name: `R-${fn}`,
    functionName: fn,
    apiKind: 'http',
    payloadFormatVersion: '2.0',
    enableSimpleResponses: true,
    identitySources: ['$request.header.Authorization'],
    reauthorizeEverySeconds: 0,
    ...extra,
  },
});

const withToken = (token: string, base = view()) => ({ ...base, headers: [...base.headers.filter((h) => h.name !== 'Authorization'), { name: 'Authorization', value: token }] });

describe('authorize with a REST TOKEN Lambda authorizer', () => {
  it('allows when the policy allows the methodArn, passing principalId, stringified context and integrationLatency', async () => {
    const decision = await authorize(tokenAuth(), withToken('allow'), deps);
    expect(decision.allow).toBe(true);
    if (!decision.allow) return;
    const authorizer = decision.authorizer as Record<string, unknown>;
    expect(authorizer).toMatchObject({ principalId: 'user-ann', n: '7', ok: 'true', integrationLatency: expect.any(Number) });
    expect(JSON.parse(authorizer.seen as string)).toEqual({
      type: 'TOKEN',
      authorizationToken: 'allow',
      methodArn: 'arn:aws:execute-api:us-east-1:123456789012:abc1234567/Prod/GET/pets/7',
    });
    // What the downstream REST event carries validates against Powertools' request context schema.
    const ctx = { accountId: '1', apiId: 'a', stage: 'Prod', protocol: 'HTTP/1.1', identity: {}, requestId: 'r', requestTime: 't', requestTimeEpoch: 1, resourcePath: '/', httpMethod: 'GET', path: '/', authorizer };
    expect(APIGatewayEventRequestContextSchema.safeParse(ctx).success).toBe(true);
  });

  it.each([
    ['deny', 403, '{"message":"User is not authorized to access this resource with an explicit deny"}', /explicitly denies/],
    ['elsewhere', 403, '{"message":"User is not authorized to access this resource"}', /does not allow/],
    ['unauthorized', 401, '{"message":"Unauthorized"}', /answered Unauthorized/],
    ['object-context', 500, '{"message":null}', /context value "nested" is an object/],
  ])('token %s answers %i %s', async (token, status, body, reason) => {
    const decision = await authorize(tokenAuth(), withToken(token), deps);
    expect(decision).toMatchObject({ allow: false, status, body });
    expect(!decision.allow && decision.reason).toMatch(reason);
  });

  it('answers 401 without invoking when the identity header is missing or fails ValidationExpression', async () => {
    invoked.length = 0;
    const missing = await authorize(tokenAuth(), view({ headers: [] }), deps);
    const invalid = await authorize(tokenAuth('token-authorizer', 0, { validationExpression: 'Bearer .+' }), withToken('allow'), deps);
    expect(missing).toMatchObject({ allow: false, status: 401, body: '{"message":"Unauthorized"}' });
    expect(invalid).toMatchObject({ allow: false, status: 401 });
    expect(invoked).toEqual([]);
  });

  it('caches the answer for ReauthorizeEvery seconds, evaluates it again per ARN, and invokes again after the TTL', async () => {
    invoked.length = 0;
    const auth = tokenAuth('token-authorizer', 300);
    const first = await authorize(auth, withToken('wildcard'), deps);
    const second = await authorize(auth, withToken('wildcard', view({ path: '/pets/8', fullPath: '/Prod/pets/8' })), deps);
    const otherMethod = await authorize(auth, withToken('wildcard', view({ method: 'DELETE' })), deps);
    expect(invoked).toEqual(['token-authorizer']);
    expect(first.allow && second.allow).toBe(true);
    expect(otherMethod).toMatchObject({ allow: false, status: 403 });
    clock.advance(300_000);
    await authorize(auth, withToken('wildcard'), deps);
    expect(invoked).toEqual(['token-authorizer', 'token-authorizer']);
  });

  it('requires a known x-api-key after the authorizer on ApiKeyRequired routes', async () => {
    const auth = { ...tokenAuth(), apiKeyRequired: true };
    const without = await authorize(auth, withToken('allow'), deps);
    const wrong = await authorize(auth, withToken('allow', view({ headers: [...view().headers, { name: 'x-api-key', value: 'nope' }] })), deps);
    const right = await authorize(auth, withToken('allow', view({ headers: [...view().headers, { name: 'X-API-Key', value: 'k-123' }] })), deps);
    expect(without).toMatchObject({ allow: false, status: 403, body: '{"message":"Forbidden"}' });
    expect(wrong).toMatchObject({ allow: false, status: 403, body: '{"message":"Forbidden"}' });
    expect(right).toMatchObject({ allow: true, apiKey: { id: 'key1', value: 'k-123' } });
  });
});

describe('authorize with REQUEST payload 1.0 authorizers (IAM policy answers)', () => {
  const request1 = (apiKind: 'rest' | 'http'): RouteAuth => ({
    apiKind,
    payloadFormatVersion: '1.0',
    authorizer: {
      kind: 'lambda-request',
      name: `R1-${apiKind}`,
      functionName: 'token-authorizer',
      apiKind,
      payloadFormatVersion: '1.0',
      enableSimpleResponses: false,
      identitySources: [apiKind === 'rest' ? 'method.request.header.Authorization' : '$request.header.Authorization', apiKind === 'rest' ? 'method.request.querystring.q' : '$request.querystring.q'],
      reauthorizeEverySeconds: 0,
    },
  });

  it('REST: sends the REQUEST event and allows with the flattened context', async () => {
    const decision = await authorize(request1('rest'), view(), deps);
    expect(decision).toMatchObject({ allow: true, authorizer: { principalId: 'user-ann', n: '7' } });
    const seen = JSON.parse((decision as unknown as { authorizer: { seen: string } }).authorizer.seen);
    expect(seen).toMatchObject({ type: 'REQUEST', methodArn: 'arn:aws:execute-api:us-east-1:123456789012:abc1234567/Prod/GET/pets/7', resource: '/pets/{id}', headers: { Authorization: 'allow' } });
    expect(seen).not.toHaveProperty('version');
  });

  it('HTTP API 1.0: sends version, identitySource and authorizationToken; a Deny answers 403 Forbidden', async () => {
    const allowed = await authorize(request1('http'), httpView(), deps);
    expect(allowed).toMatchObject({ allow: true, authorizer: { lambda: { n: 7, ok: true } } });
    const seen = JSON.parse((allowed as unknown as { authorizer: { lambda: { seen: string } } }).authorizer.lambda.seen);
    expect(seen).toMatchObject({ version: '1.0', identitySource: 'allow,x y', authorizationToken: 'allow,x y' });
    const denied = await authorize(request1('http'), withToken('deny', httpView()), deps);
    expect(denied).toMatchObject({ allow: false, status: 403, body: '{"message":"Forbidden"}' });
  });
});

describe('authorize with an HTTP API REQUEST 2.0 authorizer', () => {
  it('allows on isAuthorized true and passes the context as authorizer.lambda', async () => {
    const decision = await authorize(requestAuthV2(), httpView(), deps);
    expect(decision.allow).toBe(true);
    if (!decision.allow) return;
    const lambda = (decision.authorizer as { lambda: Record<string, unknown> }).lambda;
    expect(lambda.list).toEqual([1, 2]);
    const seen = JSON.parse(lambda.seen as string);
    expect(seen).toMatchObject({ version: '2.0', type: 'REQUEST', identitySource: ['allow'], routeArn: 'arn:aws:execute-api:us-east-1:123456789012:abc1234567/$default/GET/pets/7' });
    expect(APIGatewayRequestAuthorizerV2Schema.safeParse(decision.authorizer).success).toBe(true);
  });

  it.each([
    ['isAuthorized false', 'request-authorizer', 'deny', 403, '{"message":"Forbidden"}', /isAuthorized is false/],
    ['a garbage answer', 'garbage-authorizer', 'allow', 500, '{"message":"Internal Server Error"}', /malformed answer: the authorizer answer is not a JSON object/],
    ['a crash', 'crash-authorizer', 'allow', 500, '{"message":"Internal Server Error"}', /crashed/],
    ['a timeout', 'slow-authorizer', 'allow', 500, '{"message":"Internal Server Error"}', /timed out/],
  ])('answers %s (%s, token %s) with %i', async (_, fn, token, status, body, reason) => {
    const decision = await authorize(requestAuthV2(fn), withToken(token, httpView()), deps);
    expect(decision).toMatchObject({ allow: false, status, body });
    expect(!decision.allow && decision.reason).toMatch(reason);
  }, 20_000);

  it('answers 401 without invoking when an identity source is missing', async () => {
    invoked.length = 0;
    const auth = requestAuthV2('request-authorizer', { identitySources: ['$request.header.Authorization', '$request.querystring.tenant'] });
    const decision = await authorize(auth, httpView(), deps);
    expect(decision).toMatchObject({ allow: false, status: 401, body: '{"message":"Unauthorized"}' });
    expect(!decision.allow && decision.reason).toMatch(/\$request\.querystring\.tenant/);
    expect(invoked).toEqual([]);
  });

  it('lets every request through a route without an authorizer (NONE)', async () => {
    invoked.length = 0;
    expect(await authorize({ apiKind: 'http', payloadFormatVersion: '2.0' }, httpView({ headers: [] }), deps)).toEqual({ allow: true });
    expect(invoked).toEqual([]);
  });
});
