// Request → payload 1.0 event for REST and for HTTP API routes with PayloadFormatVersion 1.0 (spec §3), valid against Powertools' schema.
import { APIGatewayProxyEventSchema } from '@aws-lambda-powertools/parser/schemas';
import { describe, expect, it } from 'vitest';
import { buildEventV1, compileRoutes, matchRequest, type IntegrationMatch } from '../../apigw/index.js';
import { FIXED_IDENTITY, SETTINGS, api, gatewayRequest, route } from './helpers.js';

const rest = api('rest', { apiGatewayId: 'rest123456', stageName: 'Prod', stageVariables: { MODE: 'test' }, binaryMediaTypes: ['image/*', 'application/pdf'] });
const http = api('http', { apiGatewayId: 'http123456' });
const table = compileRoutes(
  [rest, http],
  [route(rest, 'GET /v1/{id}', 'RestFn'), route(rest, 'ANY /{proxy+}', 'RestProxy'), route(http, 'ANY /legacy/{id}', 'HttpV1', '1.0'), route(http, '$default', 'HttpDefault', '1.0')],
);

function eventFor(init: Parameters<typeof gatewayRequest>[0]) {
  const req = gatewayRequest(init);
  const match = matchRequest(table, req.method, req.url.split('?')[0]!);
  if (match.kind !== 'integration') throw new Error(`no route: ${match.kind}`);
  const event = buildEventV1(req, match as IntegrationMatch, FIXED_IDENTITY, SETTINGS);
  expect(APIGatewayProxyEventSchema.safeParse(event).error).toBeUndefined();
  return event;
}

describe('REST payload 1.0 event', () => {
  it('has every field of AWS\'s example, with nulls where AWS gives null', () => {
    const event = eventFor({ url: '/Prod/v1/abc', headers: [['Host', 'localhost:3000'], ['User-Agent', 'curl/8.5.0']] });
    expect(event).toEqual({
      resource: '/v1/{id}',
      path: '/v1/abc',
      httpMethod: 'GET',
      headers: {
        Host: 'localhost:3000',
        'User-Agent': 'curl/8.5.0',
        'X-Forwarded-For': '127.0.0.1',
        'X-Forwarded-Port': '3000',
        'X-Forwarded-Proto': 'http',
        'X-Amzn-Trace-Id': FIXED_IDENTITY.traceId,
      },
      multiValueHeaders: {
        Host: ['localhost:3000'],
        'User-Agent': ['curl/8.5.0'],
        'X-Forwarded-For': ['127.0.0.1'],
        'X-Forwarded-Port': ['3000'],
        'X-Forwarded-Proto': ['http'],
        'X-Amzn-Trace-Id': [FIXED_IDENTITY.traceId],
      },
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      requestContext: {
        accountId: '123456789012',
        apiId: 'rest123456',
        domainName: 'localhost',
        domainPrefix: 'localhost',
        extendedRequestId: FIXED_IDENTITY.extendedRequestId,
        httpMethod: 'GET',
        identity: {
          accessKey: null,
          accountId: null,
          apiKey: null,
          apiKeyId: null,
          caller: null,
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          sourceIp: '127.0.0.1',
          user: null,
          userAgent: 'curl/8.5.0',
          userArn: null,
        },
        path: '/Prod/v1/abc',
        protocol: 'HTTP/1.1',
        requestId: FIXED_IDENTITY.requestId,
        requestTime: '21/Nov/2026:04:52:47 +0000',
        requestTimeEpoch: 1795236767128,
        resourceId: expect.stringMatching(/^[0-9a-f]{6}$/),
        resourcePath: '/v1/{id}',
        stage: 'Prod',
      },
      pathParameters: { id: 'abc' },
      stageVariables: { MODE: 'test' },
      body: null,
      isBase64Encoded: false,
    });
    expect(event).not.toHaveProperty('version');
  });

  it('puts the last value of a repeated header in headers and every value in multiValueHeaders, keeping the first spelling', () => {
    const event = eventFor({ url: '/Prod/v1/x', headers: [['X-Multi', 'one'], ['x-multi', 'two'], ['Accept', 'a, b']] });
    expect(event.headers!['X-Multi']).toBe('two');
    expect(event.multiValueHeaders!['X-Multi']).toEqual(['one', 'two']);
    // One header line stays one value, commas and all.
    expect(event.multiValueHeaders!['Accept']).toEqual(['a, b']);
  });

  it('keeps Cookie headers in headers (1.0 has no cookies field)', () => {
    const event = eventFor({ url: '/Prod/v1/x', headers: [['Cookie', 'a=1; b=2']] });
    expect(event.headers!['Cookie']).toBe('a=1; b=2');
    expect(event).not.toHaveProperty('cookies');
  });

  it.each([
    ['a=1&a=2&b=&c', { a: '2', b: '', c: '' }, { a: ['1', '2'], b: [''], c: [''] }],
    ['q=caf%C3%A9', { q: 'café' }, { q: ['café'] }],
  ])('query ?%s → last value %j, all values %j', (query, single, multi) => {
    const event = eventFor({ url: `/Prod/v1/x?${query}` });
    expect(event.queryStringParameters).toEqual(single);
    expect(event.multiValueQueryStringParameters).toEqual(multi);
  });

  it('keeps path percent-encoded and requestContext.path with the stage', () => {
    const event = eventFor({ url: '/Prod/files/a%20b/c' });
    expect(event.path).toBe('/files/a%20b/c');
    expect(event.requestContext.path).toBe('/Prod/files/a%20b/c');
    expect(event.resource).toBe('/{proxy+}');
    expect(event.pathParameters).toEqual({ proxy: 'files/a b/c' });
  });

  it.each([
    ['image/png', true],
    ['image/jpeg; q=1', true],
    ['application/pdf', true],
    ['application/json', false],
    ['text/plain', false],
    ['application/octet-stream', false],
  ])('REST base64s a %s body: %s (BinaryMediaTypes image/*, application/pdf)', (contentType, base64) => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const event = eventFor({ method: 'POST', url: '/Prod/up', headers: [['Content-Type', contentType]], body: base64 ? bytes : 'text body' });
    expect(event.isBase64Encoded).toBe(base64);
    expect(event.body).toBe(base64 ? bytes.toString('base64') : 'text body');
  });

  it('base64s every body when */* is a binary media type, even without a Content-Type', () => {
    const all = api('rest', { binaryMediaTypes: ['*/*'] });
    const t = compileRoutes([all], [route(all, 'POST /up', 'Up')]);
    const req = gatewayRequest({ method: 'POST', url: '/Prod/up', headers: [], body: 'abc' });
    const event = buildEventV1(req, matchRequest(t, 'POST', '/Prod/up') as IntegrationMatch, FIXED_IDENTITY, SETTINGS);
    expect(event).toMatchObject({ body: 'YWJj', isBase64Encoded: true });
  });
});

describe('HTTP API payload 1.0 event', () => {
  it('adds version "1.0", lower-cases header names, and reports the $default stage', () => {
    const event = eventFor({ method: 'PUT', url: '/legacy/7?a=1', headers: [['Host', 'localhost:3000'], ['X-Thing', 'v']] });
    expect(event).toMatchObject({
      version: '1.0',
      resource: '/legacy/{id}',
      path: '/legacy/7',
      httpMethod: 'PUT',
      pathParameters: { id: '7' },
      queryStringParameters: { a: '1' },
      stageVariables: null,
      requestContext: { stage: '$default', path: '/legacy/7', resourcePath: '/legacy/{id}', resourceId: null },
    });
    expect(event.headers).toMatchObject({ host: 'localhost:3000', 'x-thing': 'v', 'x-forwarded-proto': 'http' });
  });

  it('uses HTTP API\'s base64 rule, not BinaryMediaTypes', () => {
    const event = eventFor({ method: 'POST', url: '/legacy/1', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'a=1' });
    expect(event).toMatchObject({ body: 'YT0x', isBase64Encoded: true });
  });

  it('gives a $default route resource "$default"', () => {
    const event = eventFor({ url: '/somewhere/else' });
    expect(event.resource).toBe('$default');
    expect(event.pathParameters).toBeNull();
  });
});
